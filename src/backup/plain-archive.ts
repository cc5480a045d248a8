import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { BackupContext } from './backup-context.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import { startsWithAgeMagic } from '../crypto/age-header.js';
import { decryptFile, decryptStream } from '../crypto/age-stream.js';
import { createReadStream } from 'node:fs';
import { DecryptionError } from '../crypto/decryption-error.js';
import type { ResolvedArchive } from './archive-source.js';

/** A zip that can be opened, and how to clean up after it. */
export interface PlainArchive {
  readonly path: string;
  dispose(): Promise<void>;
}

const MAGIC_BYTES = 22;
/** `scandy-decrypted-PID-XXXXXX` in the system's temp folder: the PID says whose it is. */
const DECRYPTED_PREFIX = 'scandy-decrypted-';

/**
 * Removes decrypted archives that a killed process left in the system's temp
 * folder (a process that is still running keeps its own). Called when the app
 * or a command starts; never throws.
 */
export async function removeLeftoverDecryptions(tempDir: string = os.tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(tempDir).catch(() => [] as string[])) {
    const pid = Number(/^scandy-decrypted-(\d+)-/.exec(name)?.[1]);
    if (!Number.isSafeInteger(pid) || isRunning(pid)) continue;
    await rm(path.join(tempDir, name), { recursive: true, force: true }).then(() => removed.push(name), () => undefined);
  }
  return removed;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the file begins as an age v1 file (whatever its name). */
export async function isAgeFile(filePath: string): Promise<boolean> {
  const handle = await open(filePath, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(MAGIC_BYTES), 0, MAGIC_BYTES, 0);
    return startsWithAgeMagic(buffer.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

/** The keys for reading: those of this request, else the server's; none at all is a DecryptionError. */
function readingKeys(ctx: BackupContext, identities: AgeIdentities | undefined): AgeIdentities {
  const keys = identities ?? ctx.encryption.identities;
  if (!keys || keys.size === 0) throw new DecryptionError('no-identity');
  return keys;
}

/**
 * Whether the keys open this encrypted archive, without decrypting all of
 * it: the header (which only the right key unwraps) and the first chunk are
 * authenticated. Wrong key or damage at the start: a DecryptionError.
 */
export async function confirmKeyOpens(ctx: BackupContext, archivePath: string, identities: AgeIdentities | undefined): Promise<void> {
  const keys = readingKeys(ctx, identities);
  const decrypted = decryptStream(createReadStream(archivePath), keys);
  try {
    for await (const chunk of decrypted) return void chunk;
  } finally {
    decrypted.destroy();
  }
}

/**
 * The archive as a zip. A plain one is used where it is; an encrypted one is
 * decrypted with the keys given for this request (else the server's own)
 * into a private temporary folder (mkdtemp 0700, file 0600, outside the
 * backup folder), which dispose() removes. Wrong key, damage or no key: a
 * DecryptionError in German, nothing is left behind.
 */
export async function openPlainArchive(ctx: BackupContext, archive: ResolvedArchive, identities?: AgeIdentities): Promise<PlainArchive> {
  if (!(await isAgeFile(archive.path))) return { path: archive.path, dispose: async () => undefined };
  const keys = readingKeys(ctx, identities);
  const dir = await mkdtemp(path.join(os.tmpdir(), `${DECRYPTED_PREFIX}${process.pid}-`));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const plainPath = path.join(dir, 'archive.zip');
    await decryptFile(archive.path, plainPath, keys);
    return { path: plainPath, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Runs `use` on the archive as a zip and cleans up after it. */
export async function withPlainArchive<T>(
  ctx: BackupContext,
  archive: ResolvedArchive,
  identities: AgeIdentities | undefined,
  use: (plainPath: string) => Promise<T>,
): Promise<T> {
  const plain = await openPlainArchive(ctx, archive, identities);
  try {
    return await use(plain.path);
  } finally {
    await plain.dispose();
  }
}

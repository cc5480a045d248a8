import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { BackupKind } from '../archive/backup-name.js';
import type { Manifest } from '../archive/archive-format.js';
import { verifyArchive } from '../archive/verify-archive.js';
import { formatSidecar, sidecarFor } from '../archive/sidecar.js';
import { decryptStream, encryptStream } from '../crypto/age-stream.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import { AppError } from '../shared/app-error.js';
import { ContentMeter, drain, measureFile, type MeteredContent } from '../storage/content-check.js';
import type { MeasuredContent } from '../storage/storage-error.js';
import type { BackupContext } from './backup-context.js';
import type { StoredBackup } from './backup-store.js';

const FILE_MODE = 0o600;

/** Writes a plain zip archive at `plainPath` (which must not exist) and returns its manifest; it checks the zip itself. */
export type WritePlainArchive = (plainPath: string, createdAt: Date) => Promise<Manifest>;

/**
 * The one way a new archive reaches the backup folder. Without recipients the
 * zip is the backup. With recipients (BACKUP_ENCRYPTION_RECIPIENTS) the zip
 * is written as a temporary file and verified line by line (the check a
 * key-less server can no longer make later), streamed through age
 * into `NAME.zip.age.tmp` and removed; the encrypted file is then read back
 * and must have the size and SHA-256 that were streamed, and, when the
 * server holds an identity, must decrypt to exactly the zip. Either way the
 * sidecar (`NAME.json`) is written last.
 */
export async function writeNewArchive(
  ctx: BackupContext,
  kind: BackupKind,
  write: WritePlainArchive,
): Promise<{ readonly backup: StoredBackup; readonly manifest: Manifest }> {
  const { recipients, identities } = ctx.encryption;
  const encrypted = recipients.length > 0;
  const { backup, result } = await ctx.store.writeNew(
    kind,
    ctx.clock.now(),
    async (tempPath, createdAt) => {
      if (!encrypted) {
        const manifest = await write(tempPath, createdAt);
        return { manifest, stored: await measureFile(tempPath) };
      }
      // `NAME.zip.tmp`: a temp name prune spares while it is marked in use.
      const plainPath = tempPath.replace(/\.age\.tmp$/, '.tmp');
      const release = ctx.store.markInUse(path.basename(plainPath));
      try {
        const manifest = await write(plainPath, createdAt);
        // Once encrypted, only a key holder can read it back: it is read back whole now (each line was
        // checked to read back to the exact BSON when written, so it is not parsed again).
        await verifyArchive(plainPath, undefined, { parseLines: false });
        const plain = meter();
        const sealed = meter();
        await pipeline(createReadStream(plainPath), plain, (source) => encryptStream(source, recipients), sealed, createWriteStream(tempPath, { flags: 'wx', mode: FILE_MODE }));
        const stored = await readBack(tempPath, plain.measured(), identities);
        if (stored.size !== sealed.measured().size || stored.sha256 !== sealed.measured().sha256) {
          throw new AppError('BACKUP_FAILED', 'Die verschlüsselte Datei auf der Platte weicht von den geschriebenen Bytes ab');
        }
        return { manifest, stored };
      } finally {
        await rm(plainPath, { force: true });
        release();
      }
    },
    { encrypted },
  );
  await ctx.store.writeSidecar(backup.name, formatSidecar(sidecarFor(result.manifest, { name: backup.name, ...result.stored, recipients })));
  return { backup, manifest: result.manifest };
}

function meter(): ContentMeter {
  return new ContentMeter({ onDifference: (difference) => new AppError('BACKUP_FAILED', difference) });
}

/**
 * The stored file's size and SHA-256, read once: a server that holds a key
 * decrypts it in the same pass and compares it with the zip it encrypted.
 */
async function readBack(encryptedPath: string, plain: MeteredContent, identities: AgeIdentities | undefined): Promise<MeasuredContent> {
  if (!identities || identities.size === 0) return measureFile(encryptedPath);
  const stored = meter();
  const decrypted = meter();
  await pipeline(createReadStream(encryptedPath), stored, (source) => decryptStream(source, identities), decrypted, drain);
  const back = decrypted.measured();
  if (back.size !== plain.size || back.sha256 !== plain.sha256) {
    throw new AppError('BACKUP_FAILED', 'Die verschlüsselte Datei ergibt entschlüsselt nicht das geschriebene Archiv');
  }
  return stored.measured();
}

import { withArchive } from '../archive/archive-reader.js';
import type { BackupKind } from '../archive/backup-name.js';
import type { Sidecar } from '../archive/sidecar.js';
import type { BackupContext } from '../backup/backup-context.js';
import { resolveArchive, type ArchiveSource, type ResolvedArchive } from '../backup/archive-source.js';
import { confirmKeyOpens, isAgeFile, withPlainArchive } from '../backup/plain-archive.js';
import { readValidSidecar } from '../backup/sidecar-check.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import { DecryptionError } from '../crypto/decryption-error.js';

export interface RestorePreview {
  readonly source: string;
  readonly createdAt: string;
  readonly kind: BackupKind;
  readonly collections: readonly {
    readonly name: string;
    /** Documents in the database now. */
    readonly current: number;
    /** Documents in the backup. */
    readonly backup: number;
    /** Whether this installation would restore it (it is in BACKUP_COLLECTIONS). */
    readonly restorable: boolean;
  }[];
  /** An age-encrypted archive. */
  readonly encrypted: boolean;
  /** Encrypted and no key at hand (none given, the server has none): counts are from its description, a restore needs the key. */
  readonly needsKey: boolean;
}

type Contents = Pick<Sidecar, 'createdAt' | 'kind' | 'collections'>;

/**
 * What a restore would change, per collection; reads only the manifest. An
 * encrypted backup of the store is described by its sidecar: with the key of
 * the request once it is shown to open it (a wrong one is a DecryptionError);
 * without one, `needsKey` says whether the admin must bring it (the server has
 * none, or its own does not open this backup).
 */
export async function previewRestore(ctx: BackupContext, source: ArchiveSource, identities?: AgeIdentities): Promise<RestorePreview> {
  const archive = await resolveArchive(ctx.store, source);
  const encrypted = await isAgeFile(archive.path);
  const { contents, needsKey } = encrypted ? await encryptedContents(ctx, archive, identities) : { contents: await manifestOf(archive.path), needsKey: false };
  const existing = new Set((await ctx.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  const collections = await Promise.all(
    contents.collections.map(async (c) => ({
      name: c.name,
      current: existing.has(c.name) ? await ctx.db.collection(c.name).countDocuments() : 0,
      backup: c.count,
      restorable: ctx.collections.includes(c.name),
    })),
  );
  return { source: archive.label, createdAt: contents.createdAt, kind: contents.kind, collections, encrypted, needsKey };
}

function manifestOf(plainPath: string): Promise<Contents> {
  return withArchive(plainPath, async (opened) => opened.manifest);
}

async function encryptedContents(
  ctx: BackupContext,
  archive: ResolvedArchive,
  identities: AgeIdentities | undefined,
): Promise<{ readonly contents: Contents; readonly needsKey: boolean }> {
  const sidecar = archive.storedName ? await readValidSidecar(ctx.store, await ctx.store.find(archive.storedName)) : undefined;
  if (!sidecar) return { contents: await withPlainArchive(ctx, archive, identities, manifestOf), needsKey: false };
  if (identities) {
    await confirmKeyOpens(ctx, archive.path, identities);
    return { contents: sidecar, needsKey: false };
  }
  return { contents: sidecar, needsKey: !(await serverKeyOpens(ctx, archive.path)) };
}

/** Whether the server's own key (if any) opens the archive; damage is still an error. */
async function serverKeyOpens(ctx: BackupContext, archivePath: string): Promise<boolean> {
  if (!ctx.encryption.identities) return false;
  try {
    await confirmKeyOpens(ctx, archivePath, undefined);
    return true;
  } catch (error) {
    if (error instanceof DecryptionError && error.failure === 'wrong-key') return false;
    throw error;
  }
}

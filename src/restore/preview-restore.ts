import { withArchive } from '../archive/archive-reader.js';
import type { BackupKind } from '../archive/backup-name.js';
import type { Manifest } from '../archive/archive-format.js';
import type { Sidecar } from '../archive/sidecar.js';
import type { BackupContext } from '../backup/backup-context.js';
import { openArchiveSource, type ArchiveSource, type ResolvedArchive } from '../backup/archive-source.js';
import { confirmKeyOpens, isAgeFile, withPlainArchive } from '../backup/plain-archive.js';
import { readValidSidecar } from '../backup/sidecar-check.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import { DecryptionError } from '../crypto/decryption-error.js';
import { indexesToConfirm, type IndexToConfirm } from './index-review.js';

export interface RestorePreview {
  readonly source: string;
  readonly createdAt: string;
  readonly kind: BackupKind;
  readonly collections: readonly {
    readonly name: string;
    /** Documents in the live collection now (0 if it does not exist). */
    readonly current: number;
    /** Documents in the backup. */
    readonly backup: number;
    /** Whether this installation would restore it (it is in BACKUP_COLLECTIONS). */
    readonly restorable: boolean;
  }[];
  /**
   * TTL and unique indexes of restorable collections that their live collections lack: a restore of those collections must confirm them.
   * Empty while `needsKey` (the indexes are inside the encrypted archive; a restore with the key checks them).
   */
  readonly indexesToConfirm: readonly IndexToConfirm[];
  /** An age-encrypted archive. */
  readonly encrypted: boolean;
  /** Encrypted and no key at hand (none given, the server has none): counts are from its description, a restore needs the key. */
  readonly needsKey: boolean;
}

/** The manifest when the archive could be read, else (an encrypted one without key) its sidecar. */
type Contents = { readonly manifest: Manifest; readonly sidecar?: undefined } | { readonly manifest?: undefined; readonly sidecar: Sidecar };

/**
 * What a restore would change, per collection, and the indexes it would add;
 * reads only the manifest. An encrypted backup is decrypted for that (to a
 * private temp zip) with the key of the request, else the server's own; a
 * wrong key is a DecryptionError. Without a key that opens it, its sidecar
 * gives the counts and `needsKey` says that the admin must bring the key.
 */
export async function previewRestore(ctx: BackupContext, source: ArchiveSource, identities?: AgeIdentities): Promise<RestorePreview> {
  const archive = await openArchiveSource(ctx, source);
  let encrypted: boolean;
  let contents: Contents;
  try {
    encrypted = await isAgeFile(archive.path);
    contents = encrypted ? await encryptedContents(ctx, archive, identities) : { manifest: await manifestOf(archive.path) };
  } finally {
    await archive.dispose();
  }
  const described = contents.manifest ?? contents.sidecar;
  const existing = new Set((await ctx.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  const collections = await Promise.all(
    described.collections.map(async (c) => ({
      name: c.name,
      current: existing.has(c.name) ? await ctx.db.collection(c.name).countDocuments() : 0,
      backup: c.count,
      restorable: ctx.collections.includes(c.name),
    })),
  );
  const toConfirm = contents.manifest
    ? await indexesToConfirm(
        ctx.db,
        contents.manifest.collections.filter((c) => ctx.collections.includes(c.name)),
      )
    : [];
  const needsKey = contents.manifest === undefined;
  return { source: archive.label, createdAt: described.createdAt, kind: described.kind, collections, indexesToConfirm: toConfirm, encrypted, needsKey };
}

function manifestOf(plainPath: string): Promise<Manifest> {
  return withArchive(plainPath, async (opened) => opened.manifest);
}

async function encryptedContents(ctx: BackupContext, archive: ResolvedArchive, identities: AgeIdentities | undefined): Promise<Contents> {
  const sidecar = archive.storedName ? await readValidSidecar(ctx.store, await ctx.store.find(archive.storedName)) : undefined;
  if (sidecar && !identities && !(await serverKeyOpens(ctx, archive.path))) return { sidecar };
  return { manifest: await withPlainArchive(ctx, archive, identities, manifestOf) };
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

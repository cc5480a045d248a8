import { withArchive } from '../archive/archive-reader.js';
import type { BackupKind } from '../archive/backup-name.js';
import type { BackupContext } from '../backup/backup-context.js';
import { openArchiveSource, type ArchiveSource } from '../backup/archive-source.js';
import { indexesToConfirm, type IndexToConfirm } from './index-review.js';

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
  /** TTL and unique indexes of restorable collections that their live collections lack: a restore of those collections must confirm them. */
  readonly indexesToConfirm: readonly IndexToConfirm[];
}

/** What a restore would change, per collection; reads only the manifest. */
export async function previewRestore(ctx: BackupContext, source: ArchiveSource): Promise<RestorePreview> {
  const archive = await openArchiveSource(ctx, source);
  const manifest = await withArchive(archive.path, async (opened) => opened.manifest).finally(() => archive.dispose());
  const existing = new Set((await ctx.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  const collections = await Promise.all(
    manifest.collections.map(async (c) => ({
      name: c.name,
      current: existing.has(c.name) ? await ctx.db.collection(c.name).countDocuments() : 0,
      backup: c.count,
      restorable: ctx.collections.includes(c.name),
    })),
  );
  const toConfirm = await indexesToConfirm(
    ctx.db,
    manifest.collections.filter((c) => ctx.collections.includes(c.name)),
  );
  return { source: archive.label, createdAt: manifest.createdAt, kind: manifest.kind, collections, indexesToConfirm: toConfirm };
}

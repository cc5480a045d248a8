import { withArchive } from '../archive/archive-reader.js';
import type { BackupKind } from '../archive/backup-name.js';
import type { ReadConsistency } from '../archive/manifest.js';
import { describeError } from '../shared/app-error.js';
import type { BackupContext } from './backup-context.js';

export interface BackupSummary {
  readonly name: string;
  readonly createdAt: Date;
  readonly kind: BackupKind;
  readonly size: number;
  /** From the manifest; undefined when the archive cannot be opened. */
  readonly documents: number | undefined;
  readonly collections: readonly { readonly name: string; readonly count: number }[];
  /** From the manifest; undefined when it does not say (older archives) or cannot be read. */
  readonly consistency: ReadConsistency | undefined;
  /** Why the manifest could not be read, if it could not. */
  readonly problem: string | undefined;
}

/** Every backup, newest first, with counts from its manifest (no document is read). */
export async function listBackups(ctx: BackupContext): Promise<BackupSummary[]> {
  const backups = await ctx.store.list();
  return Promise.all(
    backups.map(async (backup) => {
      const base = { name: backup.name, createdAt: backup.createdAt, kind: backup.kind, size: backup.size };
      try {
        const manifest = await withArchive(backup.path, async (archive) => archive.manifest);
        const collections = manifest.collections.map((c) => ({ name: c.name, count: c.count }));
        const documents = collections.reduce((sum, c) => sum + c.count, 0);
        return { ...base, documents, collections, consistency: manifest.consistency, problem: undefined };
      } catch (error) {
        return { ...base, documents: undefined, collections: [], consistency: undefined, problem: describeError(error) };
      }
    }),
  );
}

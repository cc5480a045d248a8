import { withArchive } from '../archive/archive-reader.js';
import type { BackupKind } from '../archive/backup-name.js';
import type { ReadConsistency } from '../archive/manifest.js';
import { AppError } from '../shared/app-error.js';
import type { StoredBackup } from './backup-store.js';
import { readValidSidecar } from './sidecar-check.js';
import { describeError } from '../shared/app-error.js';
import type { BackupContext } from './backup-context.js';

export interface BackupSummary {
  readonly name: string;
  readonly createdAt: Date;
  readonly kind: BackupKind;
  readonly size: number;
  readonly encrypted: boolean;
  /** From the manifest; undefined when the archive cannot be opened. */
  readonly documents: number | undefined;
  readonly collections: readonly { readonly name: string; readonly count: number }[];
  /** From the manifest; undefined when it does not say (older archives) or cannot be read. */
  readonly consistency: ReadConsistency | undefined;
  /** Why the manifest could not be read, if it could not. */
  readonly problem: string | undefined;
}

type Described = { readonly collections: readonly { readonly name: string; readonly count: number }[]; readonly consistency?: ReadConsistency | undefined };

async function describedBySidecar(ctx: BackupContext, backup: StoredBackup): Promise<Described> {
  const sidecar = await readValidSidecar(ctx.store, backup);
  if (!sidecar) throw new AppError('ARCHIVE_INVALID', 'Verschlüsselt, ohne Beschreibung (NAME.json): Inhalt nur mit dem Schlüssel lesbar');
  return { collections: sidecar.collections, consistency: sidecar.consistency ?? undefined };
}

/** Every backup, newest first, with counts from its manifest, or from its sidecar when encrypted (no document is read). */
export async function listBackups(ctx: BackupContext): Promise<BackupSummary[]> {
  const backups = await ctx.store.list();
  return Promise.all(
    backups.map(async (backup) => {
      const base = { name: backup.name, createdAt: backup.createdAt, kind: backup.kind, size: backup.size, encrypted: backup.encrypted };
      try {
        // An encrypted archive is described by its sidecar: no key is needed to list it.
        const manifest: Described = backup.encrypted ? await describedBySidecar(ctx, backup) : await withArchive(backup.path, async (archive) => archive.manifest);
        const collections = manifest.collections.map((c) => ({ name: c.name, count: c.count }));
        const documents = collections.reduce((sum, c) => sum + c.count, 0);
        return { ...base, documents, collections, consistency: manifest.consistency, problem: undefined };
      } catch (error) {
        return { ...base, documents: undefined, collections: [], consistency: undefined, problem: describeError(error) };
      }
    }),
  );
}

import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseBackupName } from '../archive/backup-name.js';
import { downloadFromBucket } from '../offsite/download-from-bucket.js';
import type { BackupContext } from './backup-context.js';
import type { BackupStore } from './backup-store.js';
import { AppError, isAppError } from '../shared/app-error.js';

/** A backup in the store by name, or (CLI only) an archive file anywhere. */
export type ArchiveSource = { readonly name: string } | { readonly file: string };

export interface ResolvedArchive {
  readonly path: string;
  /** Shown in logs and results. */
  readonly label: string;
  /** Set when the archive is a backup of the store (prune must spare it). */
  readonly storedName: string | undefined;
}

/** An archive ready to read; call dispose() when done with it. */
export interface OpenedArchiveSource extends ResolvedArchive {
  /** Lets prune have the backup again, and removes a downloaded file. */
  dispose(): Promise<void>;
}

export async function resolveArchive(store: BackupStore, source: ArchiveSource): Promise<ResolvedArchive> {
  if ('name' in source) {
    const backup = await store.find(source.name);
    return { path: backup.path, label: backup.name, storedName: backup.name };
  }
  const filePath = path.resolve(source.file);
  if (!existsSync(filePath) || !statSync(filePath).isFile()) throw new AppError('BACKUP_NOT_FOUND', `Datei nicht gefunden: ${source.file}`);
  const inStore = path.dirname(filePath) === path.resolve(store.dir) && parseBackupName(path.basename(filePath)) !== undefined;
  return { path: filePath, label: path.basename(filePath), storedName: inStore ? path.basename(filePath) : undefined };
}

/**
 * A backup of the folder (spared by prune until disposed), an archive file,
 * or a backup that is only in the bucket: that one is streamed into a
 * private temporary file first.
 */
export async function openArchiveSource(ctx: BackupContext, source: ArchiveSource): Promise<OpenedArchiveSource> {
  try {
    const archive = await resolveArchive(ctx.store, source);
    const release = archive.storedName ? ctx.store.markInUse(archive.storedName) : () => undefined;
    return { ...archive, dispose: async () => release() };
  } catch (error) {
    const inBucketOnly = 'name' in source && ctx.offsite && isAppError(error) && error.code === 'BACKUP_NOT_FOUND' && parseBackupName(source.name);
    if (!inBucketOnly) throw error;
    const downloaded = await downloadFromBucket(ctx.offsite!, ctx.store, source.name);
    return { path: downloaded.path, label: source.name, storedName: undefined, dispose: downloaded.dispose };
  }
}

/** CLI argument: a backup name from the list, or a path to an archive file. */
export function archiveSourceFromArgument(argument: string): ArchiveSource {
  return parseBackupName(argument) && !argument.includes('/') ? { name: argument } : { file: argument };
}

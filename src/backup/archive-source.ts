import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseBackupName } from '../archive/backup-name.js';
import type { BackupStore } from './backup-store.js';
import { AppError } from '../shared/app-error.js';

/** A backup in the store by name, or (CLI only) an archive file anywhere. */
export type ArchiveSource = { readonly name: string } | { readonly file: string };

export interface ResolvedArchive {
  readonly path: string;
  /** Shown in logs and results. */
  readonly label: string;
  /** Set when the archive is a backup of the store (prune must spare it). */
  readonly storedName: string | undefined;
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

/** CLI argument: a backup name from the list, or a path to an archive file. */
export function archiveSourceFromArgument(argument: string): ArchiveSource {
  return parseBackupName(argument) && !argument.includes('/') ? { name: argument } : { file: argument };
}

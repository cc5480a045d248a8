import type { OpenedBackup } from '../../backup/open-backup.js';
import type { AppDependencies } from '../app-dependencies.js';

export type BackupDownload = OpenedBackup;

/** Opens a backup for the download and logs who fetched it. */
export async function openBackupDownload(deps: Pick<AppDependencies, 'manager' | 'audit'>, name: string, actor: string): Promise<BackupDownload> {
  const opened = await deps.manager.openBackup(name);
  deps.audit(`Download von ${opened.name} durch ${actor}`);
  return opened;
}

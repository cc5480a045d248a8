import type { ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { AppError } from '../../shared/app-error.js';
import type { AppDependencies } from '../app-dependencies.js';

export interface BackupDownload {
  readonly name: string;
  readonly size: number;
  readonly stream: ReadStream;
  /** Call when the transfer ended; until then prune and delete leave the backup alone. */
  readonly release: () => void;
}

/** Opens a backup of the store for streaming; only names that parseBackupName accepts get this far. */
export async function openBackupDownload(deps: Pick<AppDependencies, 'backup' | 'audit'>, name: string, actor: string): Promise<BackupDownload> {
  const backup = await deps.backup.store.find(name);
  const release = deps.backup.store.markInUse(backup.name);
  const handle = await open(backup.path, 'r').catch(() => undefined);
  if (!handle) {
    release();
    throw new AppError('BACKUP_NOT_FOUND', `Backup nicht gefunden: ${backup.name}`);
  }
  try {
    const { size } = await handle.stat();
    deps.audit(`Download von ${backup.name} durch ${actor}`);
    return { name: backup.name, size, stream: handle.createReadStream(), release };
  } catch (error) {
    await handle.close();
    release();
    throw error;
  }
}

import type { ReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { AppError } from '../shared/app-error.js';
import type { BackupContext } from './backup-context.js';

export interface OpenedBackup {
  readonly name: string;
  readonly size: number;
  readonly stream: ReadStream;
  /** Call when the transfer ended; until then prune and delete leave the backup alone. */
  readonly release: () => void;
}

/** Opens a backup of the store for streaming; only names that parseBackupName accepts get this far. */
export async function openBackup(ctx: BackupContext, name: string): Promise<OpenedBackup> {
  const backup = await ctx.store.find(name);
  const release = ctx.store.markInUse(backup.name);
  const handle = await open(backup.path, 'r').catch(() => undefined);
  if (!handle) {
    release();
    throw new AppError('BACKUP_NOT_FOUND', `Backup nicht gefunden: ${backup.name}`);
  }
  try {
    const { size } = await handle.stat();
    return { name: backup.name, size, stream: handle.createReadStream(), release };
  } catch (error) {
    await handle.close();
    release();
    throw error;
  }
}

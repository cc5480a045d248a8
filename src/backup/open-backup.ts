import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { parseBackupName } from '../archive/backup-name.js';
import { expectedContent } from '../offsite/download-from-bucket.js';
import { AppError, isAppError } from '../shared/app-error.js';
import type { BackupContext } from './backup-context.js';

export interface OpenedBackup {
  readonly name: string;
  readonly size: number;
  readonly stream: Readable;
  /** Call when the transfer ended; until then prune and delete leave the backup alone. */
  readonly release: () => void;
}

/**
 * Opens a backup of the store for streaming; only names that parseBackupName
 * accepts get this far. A backup only in the bucket is streamed from there,
 * and the stream fails at its end when the bytes are not the checked copy's.
 */
export async function openBackup(ctx: BackupContext, name: string): Promise<OpenedBackup> {
  const backup = await ctx.store.find(name).catch((error: unknown) => {
    if (ctx.offsite && isAppError(error) && error.code === 'BACKUP_NOT_FOUND' && parseBackupName(name)) return undefined;
    throw error;
  });
  if (!backup) return openInBucket(ctx, name);
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

async function openInBucket(ctx: BackupContext, name: string): Promise<OpenedBackup> {
  const place = ctx.offsite!.place;
  const found = await place.stat(name);
  if (!found) throw new AppError('BACKUP_NOT_FOUND', `Backup nicht gefunden: ${name}`);
  const expected = await expectedContent(ctx.offsite!, name);
  const stream = await place.openRead(name, expected);
  return { name, size: expected.size ?? found.size, stream, release: () => undefined };
}

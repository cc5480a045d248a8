import { MongoPinStore } from '../retention/pin-store.js';
import { AppError, isAppError } from '../shared/app-error.js';
import type { PlaceKind } from '../storage/storage-place.js';
import type { BackupContext } from './backup-context.js';
import { withOperation } from './operation-lock.js';
import { forgetVerifications } from './verification-records.js';

const ALL_PLACES: readonly PlaceKind[] = ['local', 's3'];

/**
 * Deletes one backup by name from the chosen places (default: wherever it
 * is); refuses one that is being read or restored. Its pin and remembered
 * verify result go once no place holds it any more.
 */
export async function deleteBackup(ctx: BackupContext, name: string, actor?: string, places: readonly PlaceKind[] = ALL_PLACES): Promise<PlaceKind[]> {
  const removed = await withOperation(ctx, 'delete', undefined, async () => {
    const local = await ctx.store.find(name).catch((error: unknown) => {
      if (isAppError(error) && error.code === 'BACKUP_NOT_FOUND' && ctx.offsite) return undefined;
      throw error;
    });
    const inBucket = ctx.offsite ? await ctx.offsite.place.stat(name) : undefined;
    if (!local && !inBucket) throw new AppError('BACKUP_NOT_FOUND', `Backup nicht gefunden: ${name}`);
    const done: PlaceKind[] = [];
    if (local && places.includes('local')) {
      if (ctx.store.inUseNames().has(local.name)) {
        throw new AppError('OPERATION_RUNNING', `Backup ${local.name} wird gerade gelesen oder wiederhergestellt`);
      }
      await ctx.store.remove(local.name);
      ctx.emit({ type: 'backup.deleted', name: local.name, actor });
      done.push('local');
    }
    if (inBucket && ctx.offsite && places.includes('s3')) {
      await ctx.offsite.removeFromBucket(inBucket.name);
      await ctx.offsite.records.forget([inBucket.name]);
      ctx.emit({ type: 'offsite.deleted', name: inBucket.name, actor });
      done.push('s3');
    }
    if (done.length === 0) throw new AppError('BACKUP_NOT_FOUND', `Backup ${name} liegt nicht am gewählten Ort`);
    const left = (local && !done.includes('local')) || (inBucket && !done.includes('s3'));
    return { done, left };
  });
  if (!removed.left) {
    await new MongoPinStore(ctx.db).unpin(name);
    await forgetVerifications(ctx.db, [name]);
  }
  return removed.done;
}

import { MongoPinStore } from '../retention/pin-store.js';
import { AppError } from '../shared/app-error.js';
import type { BackupContext } from './backup-context.js';
import { withOperation } from './operation-lock.js';
import { forgetVerifications } from './verification-records.js';

/** Deletes one backup by name and its remembered verify result; refuses one that is being read or restored. */
export async function deleteBackup(ctx: BackupContext, name: string, actor?: string): Promise<void> {
  await withOperation(ctx, 'delete', undefined, async () => {
    const backup = await ctx.store.find(name);
    if (ctx.store.inUseNames().has(backup.name)) {
      throw new AppError('OPERATION_RUNNING', `Backup ${backup.name} wird gerade gelesen oder wiederhergestellt`);
    }
    await ctx.store.remove(backup.name);
    await new MongoPinStore(ctx.db).unpin(backup.name);
    ctx.emit({ type: 'backup.deleted', name: backup.name, actor });
  });
  await forgetVerifications(ctx.db, [name]);
}

import { withOperation } from '../backup/acquire-operation.js';
import type { BackupContext } from '../backup/backup-context.js';
import { isAppError } from '../shared/app-error.js';

/**
 * At start: repairs what a restore killed mid-way left behind (taking the
 * operation lock does that). If another process holds the lock, it is alive
 * and will do it itself.
 */
export async function repairInterruptedRestore(ctx: BackupContext): Promise<void> {
  try {
    await withOperation(ctx, 'repair', undefined, async () => undefined);
  } catch (error) {
    if (!isAppError(error) || error.code !== 'OPERATION_RUNNING') throw error;
  }
}

import { withOperation } from '../backup/acquire-operation.js';
import type { BackupContext } from '../backup/backup-context.js';
import { isAppError } from '../shared/app-error.js';
import { readJournal } from './restore-journal.js';

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

/**
 * While the app runs: a restore interrupted elsewhere (a CLI killed, a lost
 * lease) is repaired as soon as the lock is free, not only at the next
 * backup. One read a call when there is nothing to do.
 */
export async function repairIfInterrupted(ctx: BackupContext): Promise<boolean> {
  if (!(await readJournal(ctx.db))) return false;
  await repairInterruptedRestore(ctx);
  return (await readJournal(ctx.db)) === null;
}

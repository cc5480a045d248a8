import { withOperation } from '../backup/operation-lock.js';
import type { BackupContext } from '../backup/backup-context.js';
import { isAppError } from '../shared/app-error.js';
import { safetyArchiveDue } from './recover-interrupted-restore.js';
import { readJournal } from './restore-journal.js';

/**
 * What a restore killed mid-way left behind is repaired by taking the
 * operation lock. If another process holds the lock, it is alive and will do
 * it itself. At start, a pending safety archive is left for the periodic
 * repair, so that the app does not wait for it.
 */
export async function repairInterruptedRestore(ctx: BackupContext, options: { resumeSafetyArchive: boolean } = { resumeSafetyArchive: true }): Promise<void> {
  try {
    await withOperation(ctx, 'repair', undefined, async () => undefined, options);
  } catch (error) {
    if (!isAppError(error) || error.code !== 'OPERATION_RUNNING') throw error;
  }
}

/**
 * While the app runs: a restore interrupted elsewhere (a CLI killed, a lost
 * lease) is repaired as soon as the lock is free, not only at the next
 * backup; a pending safety archive is retried, waiting longer after each
 * failure. One read a call when there is nothing to do.
 */
export async function repairIfInterrupted(ctx: BackupContext): Promise<boolean> {
  const journal = await readJournal(ctx.db);
  if (!journal) return false;
  if (!safetyArchiveDue(journal, ctx.clock.now())) return false;
  await repairInterruptedRestore(ctx);
  return (await readJournal(ctx.db)) === null;
}

/** At start, once the app is up: a restore's pending safety archive is tried at once, whatever wait its last failure set. */
export async function resumePendingSafetyArchive(ctx: BackupContext): Promise<void> {
  if ((await readJournal(ctx.db))?.state === 'committed') await repairInterruptedRestore(ctx);
}

import type { AfterLockOptions, BackupContext } from '../backup/backup-context.js';
import { withOperation, type LockLease } from '../backup/operation-lock.js';
import { isAppError } from '../shared/app-error.js';
import { rollBackRestore } from './roll-back-restore.js';
import { planJournalCollections, readJournal, type RestoreJournal } from './restore-journal.js';
import { completeSafetyArchive } from './safety-archive.js';

/**
 * A restore that was interrupted (process killed, database gone) leaves its
 * journal behind. Before any other operation: roll back what was not
 * committed, so the database is before or after, never between; for a
 * committed one, write the safety archive of the replaced data that is still
 * pending. A safety archive that fails again never blocks the operation.
 * Registered as the context's `afterLock` step (src/app/compose-context.ts).
 */
export async function recoverInterruptedRestore(ctx: BackupContext, lease: LockLease, options: AfterLockOptions): Promise<void> {
  const found = await readJournal(ctx.db);
  if (!found) return;
  const pending = withWorkNames(found);
  if (pending.state === 'committed') {
    if (options.resumeSafetyArchive) await completeSafetyArchive(ctx, lease, pending, { resumed: true });
    return;
  }
  await rollBackRestore(ctx, pending);
  ctx.emit({
    type: 'restore.recovered',
    outcome: pending.state === 'loading' ? 'cleaned' : 'rolled-back',
    collections: pending.collections.map((c) => c.name),
  });
}

/** A journal written by an older version lacks some of the names this one uses. */
function withWorkNames(journal: RestoreJournal): RestoreJournal {
  return {
    ...journal,
    collections: journal.collections.map((c) => ({ ...planJournalCollections(journal.runId, [c.name], new Set())[0]!, ...c })),
  };
}

/** Whether the periodic repair should try a pending safety archive now (it waits between failed attempts). */
function safetyArchiveDue(journal: RestoreJournal, now: Date): boolean {
  return journal.state !== 'committed' || !journal.safety?.nextAttemptAt || journal.safety.nextAttemptAt <= now;
}

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

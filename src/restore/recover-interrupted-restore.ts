import type { AfterLockOptions, BackupContext } from '../backup/backup-context.js';
import type { LockLease } from '../backup/operation-lock.js';
import { rollBackRestore } from './roll-back-restore.js';
import { planJournalCollections, readJournal, type RestoreJournal } from './restore-journal.js';
import { completeSafetyArchive } from './safety-archive.js';

/**
 * A restore that was interrupted (process killed, database gone) leaves its
 * journal behind. Before any other operation: roll back what was not
 * committed, so the database is before or after, never between; for a
 * committed one, write the safety archive of the replaced data that is still
 * pending. A safety archive that fails again never blocks the operation.
 * Registered as the context's `afterLock` step (src/app/compose.ts).
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
export function safetyArchiveDue(journal: RestoreJournal, now: Date): boolean {
  return journal.state !== 'committed' || !journal.safety?.nextAttemptAt || journal.safety.nextAttemptAt <= now;
}

import type { BackupContext } from '../backup/backup-context.js';
import { carryChangedDocuments } from './carry-changed-documents.js';
import { collectionNames, dropIfExists, renameKeepingWrites, settleGaps, type KeptApartSink } from './collection-moves.js';
import { clearJournal, markCollection, type JournalCollection, type RestoreJournal } from './restore-journal.js';

export type RollbackRun = Pick<RestoreJournal, 'runId' | 'state' | 'collections' | 'archivePath' | 'swapped' | 'rolledBack'>;

/**
 * Undoes a restore of `run`. While it was still loading, only its staging
 * collections exist: the real ones are not touched at all (the app may even
 * have created one meanwhile). Later, each collection is put back as it was,
 * with every write the app made in the meantime. Decides from what exists
 * now, so it is safe to run again after a crash at any point.
 */
export async function rollBackRestore(ctx: BackupContext, run: RollbackRun): Promise<void> {
  for (const c of [...run.collections].reverse()) {
    if (run.state === 'loading') {
      await dropIfExists(ctx.db, c.staging);
      continue;
    }
    if (run.rolledBack?.includes(c.name)) continue;
    await rollBackCollection(ctx, run, c);
    await markCollection(ctx.db, run.runId, 'rolledBack', c.name);
  }
  await clearJournal(ctx.db, run.runId);
}

async function rollBackCollection(ctx: BackupContext, run: RollbackRun, c: JournalCollection): Promise<void> {
  const { db } = ctx;
  const onKeptApart = keptApartSink(ctx);
  // A crash while a re-created collection was set apart leaves its documents in a gap collection.
  await settleGaps(db, c, (await collectionNames(db)).has(c.aside) ? c.aside : c.name, onKeptApart);
  let existing = await collectionNames(db);
  const swappedIn = !existing.has(c.staging) && existing.has(c.name) && (existing.has(c.aside) || !c.existed);
  if (swappedIn) {
    // Out of the way in one step, with whatever the app wrote into it since its swap.
    await db.renameCollection(c.name, c.staging);
    existing = await collectionNames(db);
  }
  if ((swappedIn || run.swapped?.includes(c.name)) && existing.has(c.staging)) {
    const putBack = existing.has(c.aside);
    await carryChangedDocuments(
      db,
      run.archivePath,
      c.staging,
      putBack ? c.aside : c.name,
      // The collection put back is older than those writes; a collection the app created since is newer.
      putBack ? 'fields-win' : 'existing-wins',
      c,
      onKeptApart,
    );
  }
  if (existing.has(c.aside)) await renameKeepingWrites(db, c.aside, c.name, c.aside, c, onKeptApart);
  await dropIfExists(db, c.staging);
}

export function keptApartSink(ctx: BackupContext): KeptApartSink {
  return (kept) => ctx.emit({ type: 'restore.writes-kept-apart', ...kept });
}

import type { Collection, Db } from 'mongodb';
import type { EventSink } from '../backup/backup-events.js';

export const JOURNAL_COLLECTION = 'scandy_backup_restore_journal';
const JOURNAL_ID = 'current';

export interface JournalCollection {
  readonly name: string;
  readonly staging: string;
  readonly aside: string;
  /** Whether the collection existed when the restore began. */
  readonly existed: boolean;
}

export interface RestoreJournal {
  readonly _id: string;
  readonly runId: string;
  readonly state: 'loading' | 'swapping' | 'committed';
  readonly source: string;
  readonly startedAt: Date;
  readonly collections: readonly JournalCollection[];
}

function journal(db: Db): Collection<RestoreJournal> {
  return db.collection<RestoreJournal>(JOURNAL_COLLECTION);
}

export function planJournalCollections(runId: string, names: readonly string[], existing: ReadonlySet<string>): JournalCollection[] {
  return names.map((name) => ({
    name,
    staging: `scandy_backup_staging_${runId}_${name}`,
    aside: `scandy_backup_aside_${runId}_${name}`,
    existed: existing.has(name),
  }));
}

export async function writeJournal(db: Db, entry: Omit<RestoreJournal, '_id'>): Promise<void> {
  await journal(db).replaceOne({ _id: JOURNAL_ID }, entry, { upsert: true });
}

/** Moves this run's journal on; fails if the journal is no longer this run's (the lock was taken over). */
export async function setJournalState(db: Db, runId: string, state: RestoreJournal['state']): Promise<void> {
  const result = await journal(db).updateOne({ _id: JOURNAL_ID, runId }, { $set: { state } });
  if (result.matchedCount !== 1) throw new Error('Das Restore-Journal gehört nicht mehr zu dieser Wiederherstellung (Sperre übernommen?)');
}

export async function readJournal(db: Db): Promise<RestoreJournal | null> {
  return journal(db).findOne({ _id: JOURNAL_ID });
}

export async function clearJournal(db: Db, runId: string): Promise<void> {
  await journal(db).deleteOne({ _id: JOURNAL_ID, runId });
}

async function collectionNames(db: Db): Promise<Set<string>> {
  return new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
}

async function dropIfExists(db: Db, name: string, existing: Set<string>): Promise<void> {
  if (!existing.has(name)) return;
  await db.dropCollection(name);
  existing.delete(name);
}

/**
 * Puts one collection back as it was before the restore. Decides from what
 * exists now, so it is safe to run again after a crash at any point.
 */
async function rollBackCollection(db: Db, c: JournalCollection, existing: Set<string>): Promise<void> {
  if (existing.has(c.aside)) {
    await dropIfExists(db, c.name, existing);
    await db.renameCollection(c.aside, c.name);
    existing.delete(c.aside);
    existing.add(c.name);
  } else if (!c.existed && existing.has(c.name) && !existing.has(c.staging)) {
    await dropIfExists(db, c.name, existing);
  }
  await dropIfExists(db, c.staging, existing);
}

/**
 * Undoes a restore of run `runId`. While it was still loading, only its
 * staging collections exist: the real ones are not touched at all (the app
 * may even have created one meanwhile).
 */
export async function rollBackRestore(
  db: Db,
  runId: string,
  state: RestoreJournal['state'],
  collections: readonly JournalCollection[],
): Promise<void> {
  const existing = await collectionNames(db);
  for (const c of [...collections].reverse()) {
    if (state === 'loading') await dropIfExists(db, c.staging, existing);
    else await rollBackCollection(db, c, existing);
  }
  await clearJournal(db, runId);
}

/** After every swap: the old data is no longer needed. Best effort; recovery finishes it otherwise. */
export async function cleanUpRestore(db: Db, runId: string, collections: readonly JournalCollection[]): Promise<void> {
  const existing = await collectionNames(db);
  for (const c of collections) await dropIfExists(db, c.aside, existing);
  await clearJournal(db, runId);
}

/**
 * A restore that was interrupted (process killed, database gone) leaves its
 * journal behind. Before any other operation, finish what was committed or
 * roll back what was not, so the database is before or after, never between.
 */
export async function recoverInterruptedRestore(db: Db, emit: EventSink): Promise<void> {
  const pending = await readJournal(db);
  if (!pending) return;
  const names = pending.collections.map((c) => c.name);
  if (pending.state === 'committed') {
    await cleanUpRestore(db, pending.runId, pending.collections);
    emit({ type: 'restore.recovered', outcome: 'completed', collections: names });
    return;
  }
  await rollBackRestore(db, pending.runId, pending.state, pending.collections);
  emit({ type: 'restore.recovered', outcome: pending.state === 'loading' ? 'cleaned' : 'rolled-back', collections: names });
}

import type { Collection, Db } from 'mongodb';

export const JOURNAL_COLLECTION = 'scandy_backup_restore_journal';
const JOURNAL_ID = 'current';

export interface JournalCollection {
  readonly name: string;
  readonly staging: string;
  readonly aside: string;
  /** Holds, for a moment, what the app wrote into a collection re-created between two renames. */
  readonly gap: string;
  /** Where documents go that a unique index refused while merging (kept, never dropped). */
  readonly kept: string;
  /** Whether the collection existed when the restore began. */
  readonly existed: boolean;
}

/** The safety archive of the replaced data, written after the swap from the collections kept aside. */
export interface SafetyArchiveState {
  /** Failed attempts so far. */
  readonly attempts: number;
  readonly lastError?: string;
  readonly lastAttemptAt?: Date;
  /** The periodic repair waits until then; an operation (backup, restore, start) tries at once. */
  readonly nextAttemptAt?: Date;
  /** Written and verified; only dropping the aside collections is left. */
  readonly archive?: string;
}

export interface RestoreJournal {
  readonly _id: string;
  readonly runId: string;
  /**
   * loading: only staging collections exist; swapping: collections are being
   * exchanged (a failure rolls back); committed: the restored data is live,
   * the replaced data waits in the aside collections for its safety archive.
   */
  readonly state: 'loading' | 'swapping' | 'committed';
  readonly source: string;
  /** The archive being restored, to tell restored documents from writes made after the swap. */
  readonly archivePath?: string;
  readonly actor?: string;
  readonly startedAt: Date;
  readonly collections: readonly JournalCollection[];
  /** What the safety archive records: BACKUP_COLLECTIONS at the start, plus the restored ones. */
  readonly archiveCollections?: readonly string[];
  /** Collections whose restored data was put in place. */
  readonly swapped?: readonly string[];
  /** Collections a rollback has already put back. */
  readonly rolledBack?: readonly string[];
  readonly safety?: SafetyArchiveState;
}

function journal(db: Db): Collection<RestoreJournal> {
  return db.collection<RestoreJournal>(JOURNAL_COLLECTION);
}

export function planJournalCollections(runId: string, names: readonly string[], existing: ReadonlySet<string>): JournalCollection[] {
  return names.map((name) => ({
    name,
    staging: `scandy_backup_staging_${runId}_${name}`,
    aside: `scandy_backup_aside_${runId}_${name}`,
    gap: `scandy_backup_gap_${runId}_${name}`,
    kept: `scandy_backup_kept_${runId}_${name}`,
    existed: existing.has(name),
  }));
}

export async function writeJournal(db: Db, entry: Omit<RestoreJournal, '_id'>): Promise<void> {
  await journal(db).replaceOne({ _id: JOURNAL_ID }, entry, { upsert: true });
}

/** Moves this run's journal on; fails if the journal is no longer this run's (the lock was taken over). */
export async function setJournalState(db: Db, runId: string, state: RestoreJournal['state']): Promise<void> {
  await updateJournal(db, runId, { $set: { state } });
}

export async function markCollection(db: Db, runId: string, field: 'swapped' | 'rolledBack', name: string): Promise<void> {
  await updateJournal(db, runId, { $addToSet: { [field]: name } });
}

export async function recordSafetyArchive(db: Db, runId: string, safety: SafetyArchiveState): Promise<void> {
  await updateJournal(db, runId, { $set: { safety } });
}

async function updateJournal(db: Db, runId: string, update: Record<string, unknown>): Promise<void> {
  const result = await journal(db).updateOne({ _id: JOURNAL_ID, runId }, update);
  if (result.matchedCount !== 1) throw new Error('Das Restore-Journal gehört nicht mehr zu dieser Wiederherstellung (Sperre übernommen?)');
}

export async function readJournal(db: Db): Promise<RestoreJournal | null> {
  return journal(db).findOne({ _id: JOURNAL_ID });
}

export async function clearJournal(db: Db, runId: string): Promise<void> {
  await journal(db).deleteOne({ _id: JOURNAL_ID, runId });
}

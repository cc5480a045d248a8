import { BSON, type Db, type Document } from 'mongodb';
import type { OpenedArchive } from '../archive/archive-reader.js';
import { checkCollectionLines } from '../archive/collection-reader.js';
import type { ManifestCollection } from '../archive/archive-format.js';
import { failpointsOf, type BackupContext } from '../backup/backup-context.js';
import type { ProgressListener, RestoreStep } from '../backup/backup-events.js';
import type { LockLease } from '../backup/operation-lock.js';
import { describeError } from '../shared/app-error.js';
import { atMostAtOnce } from '../shared/at-most-at-once.js';
import { collectionNames, renameIfExists, renameKeepingWrites } from './collection-moves.js';
import { indexSpecsForCreate } from './index-specs.js';
import { COLLECTIONS_LOADED_AT_ONCE, loadCollection } from './load-collection.js';
import { keptApartSink, rollBackRestore } from './roll-back-restore.js';
import {
  markCollection,
  planJournalCollections,
  setJournalState,
  writeJournal,
  type JournalCollection,
  type RestoreJournal,
} from './restore-journal.js';

/** The restore failed and putting the old data back failed too; the journal stays for recovery. */
export class RollbackFailedError extends Error {
  constructor(
    readonly original: unknown,
    readonly rollbackError: unknown,
    /** 'loading': only staging collections were left over, the real ones were never touched. */
    readonly state: RestoreJournal['state'],
  ) {
    super(`${describeError(original)}; Zurücksetzen ebenfalls fehlgeschlagen: ${describeError(rollbackError)}`);
  }
}

export interface LoadAndSwapInput {
  /** Opened, its structure and manifest checked; the entries are verified while they are read. */
  readonly archive: OpenedArchive;
  readonly archivePath: string;
  readonly label: string;
  readonly runId: string;
  readonly actor?: string;
  readonly selected: readonly ManifestCollection[];
  /** What the safety archive will record. */
  readonly archiveCollections: readonly string[];
  readonly lease: LockLease;
  readonly onStep: (step: RestoreStep) => void;
  readonly onProgress?: ProgressListener;
}

/**
 * Verifies the archive while loading each chosen collection into a staging
 * collection, then, once every entry is verified, swaps them in; until
 * 'committed' is recorded, every failure rolls the database back (while
 * loading: the staging collections are dropped, the real ones were never
 * touched). Returns the committed journal: the replaced data now waits in the
 * aside collections for its safety archive.
 */
export async function loadAndSwap(ctx: BackupContext, input: LoadAndSwapInput): Promise<RestoreJournal> {
  const { db } = ctx;
  const plan = planJournalCollections(input.runId, input.selected.map((c) => c.name), await collectionNames(db));
  const entry: Omit<RestoreJournal, '_id'> = {
    runId: input.runId,
    state: 'loading',
    source: input.label,
    archivePath: input.archivePath,
    ...(input.actor ? { actor: input.actor } : {}),
    startedAt: ctx.clock.now(),
    collections: plan,
    archiveCollections: input.archiveCollections,
    swapped: [],
    rolledBack: [],
  };
  await writeJournal(db, entry);

  let state: RestoreJournal['state'] = 'loading';
  const swapped: string[] = [];
  try {
    await loadStaging(ctx, input, plan);
    input.lease.assertHeld();
    input.onStep('swap');
    input.onProgress?.({ operation: 'restore', phase: 'swap', documentsDone: 0, documentsTotal: 0 });
    await setJournalState(db, input.runId, 'swapping');
    state = 'swapping';
    await swapIn(ctx, input.runId, plan, swapped);
    // Only once this is recorded does the restore count as done; a crash before it is rolled back.
    await setJournalState(db, input.runId, 'committed');
  } catch (error) {
    try {
      await rollBackRestore(ctx, { runId: input.runId, state, collections: plan, archivePath: input.archivePath, swapped });
    } catch (rollbackError) {
      throw new RollbackFailedError(error, rollbackError, state);
    }
    throw error;
  }
  return { _id: 'current', ...entry, state: 'committed', swapped };
}

/**
 * Reads the archive once. Entries not chosen are only verified, before
 * anything is loaded; each chosen one is verified while it fills its staging
 * collection. readCollectionDocuments hands out the last batch only after the
 * entry's count, size and SHA-256 matched, so when this returns every entry is
 * verified; when it throws, only staging collections were written.
 */
async function loadStaging(ctx: BackupContext, input: LoadAndSwapInput, plan: readonly JournalCollection[]): Promise<void> {
  const { archive } = input;
  const chosen = new Set(input.selected.map((c) => c.name));
  const others = archive.manifest.collections.filter((c) => !chosen.has(c.name));
  let verified = 0;
  const verifyTotal = others.reduce((sum, c) => sum + c.count, 0);
  for (const entry of others) {
    for await (const checked of checkCollectionLines(archive, entry, { parse: true })) {
      verified += checked;
      input.onProgress?.({ operation: 'restore', phase: 'verify', collection: entry.name, documentsDone: verified, documentsTotal: verifyTotal });
    }
  }
  input.onStep('load');
  const documentsTotal = input.selected.reduce((sum, c) => sum + c.count, 0);
  let documentsDone = 0;
  input.onProgress?.({ operation: 'restore', phase: 'load', documentsDone, documentsTotal });
  await atMostAtOnce([...input.selected.entries()], COLLECTIONS_LOADED_AT_ONCE, async ([i, entry], stop) => {
    const target = plan[i]!;
    const indexes = entry.indexes.length > 0 ? indexSpecsForCreate(entry.indexes) : await currentIndexSpecs(ctx.db, target);
    await ctx.db.createCollection(target.staging);
    await loadCollection(archive, entry, ctx.db.collection(target.staging), async (batchSize, loaded) => {
      stop.throwIfAborted();
      documentsDone += batchSize;
      input.onProgress?.({ operation: 'restore', phase: 'load', collection: entry.name, documentsDone, documentsTotal });
      await failpointsOf(ctx)?.afterLoadBatch?.(entry.name, loaded);
    });
    if (indexes.length > 0) await ctx.db.command({ createIndexes: target.staging, indexes });
  });
}

/**
 * Renames each live collection aside and its staging collection in. Never with
 * dropTarget: a write that re-created the collection between the two renames
 * is moved into the aside collection (it belongs to the replaced data) instead
 * of being dropped; MongoDB and FerretDB take the same path.
 */
async function swapIn(ctx: BackupContext, runId: string, plan: readonly JournalCollection[], swapped: string[]): Promise<void> {
  for (const c of plan) {
    await failpointsOf(ctx)?.beforeSwap?.(c.name);
    if (c.existed) await renameIfExists(ctx.db, c.name, c.aside);
    await failpointsOf(ctx)?.betweenRenames?.(c.name);
    await renameKeepingWrites(ctx.db, c.staging, c.name, c.aside, c, keptApartSink(ctx));
    swapped.push(c.name);
    await markCollection(ctx.db, runId, 'swapped', c.name);
    await failpointsOf(ctx)?.afterSwap?.(c.name);
  }
}

/** A collection the archive lists no indexes for (an imported legacy backup) keeps the indexes it has now. */
async function currentIndexSpecs(db: Db, target: JournalCollection): Promise<Document[]> {
  if (!target.existed) return [];
  const indexes = await db.collection(target.name).listIndexes().toArray();
  return indexSpecsForCreate(indexes.map((index) => BSON.EJSON.serialize(index, { relaxed: false })));
}

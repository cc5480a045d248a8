import { BSON, type Db, type Document } from 'mongodb';
import { withArchive } from '../archive/archive-reader.js';
import { readCollectionDocuments } from '../archive/collection-reader.js';
import type { ManifestCollection } from '../archive/manifest.js';
import type { BackupContext } from '../backup/backup-context.js';
import type { ProgressListener, RestoreStep } from '../backup/backup-events.js';
import type { LockLease } from '../backup/operation-lock.js';
import { describeError } from '../shared/app-error.js';
import { indexSpecsForCreate } from './index-specs.js';
import {
  cleanUpRestore,
  planJournalCollections,
  rollBackRestore,
  setJournalState,
  writeJournal,
  type JournalCollection,
  type RestoreJournal,
} from './restore-journal.js';

/** Small batches keep fewer parsed documents alive while the server inserts (100k restore: 212 MB -> 163 MB peak RSS, same time). */
const INSERT_BATCH = 250;

/** The restore failed and putting the old data back failed too; the journal stays for recovery. */
export class RollbackFailedError extends Error {
  constructor(
    readonly original: unknown,
    readonly rollbackError: unknown,
  ) {
    super(`${describeError(original)}; Zurücksetzen ebenfalls fehlgeschlagen: ${describeError(rollbackError)}`);
  }
}

export interface LoadAndSwapInput {
  readonly archivePath: string;
  readonly label: string;
  readonly runId: string;
  readonly selected: readonly ManifestCollection[];
  readonly lease: LockLease;
  readonly onStep: (step: RestoreStep) => void;
  readonly onProgress?: ProgressListener;
}

/**
 * Loads each collection into a staging collection, then swaps them in. Until
 * the last swap, every failure rolls the database back to where it was.
 */
export async function loadAndSwap(ctx: BackupContext, input: LoadAndSwapInput): Promise<void> {
  const { db } = ctx;
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  const plan = planJournalCollections(input.runId, input.selected.map((c) => c.name), existing);
  await writeJournal(db, { runId: input.runId, state: 'loading', source: input.label, startedAt: ctx.clock.now(), collections: plan });

  let state: RestoreJournal['state'] = 'loading';
  try {
    input.onStep('load');
    await loadStaging(ctx, input, plan);
    input.lease.assertHeld();
    input.onStep('swap');
    await setJournalState(db, input.runId, 'swapping');
    state = 'swapping';
    await swapIn(ctx, plan);
    // Only once this is recorded does the restore count as done; a crash before it is rolled back.
    await setJournalState(db, input.runId, 'committed');
    state = 'committed';
  } catch (error) {
    try {
      await rollBackRestore(db, input.runId, state, plan);
    } catch (rollbackError) {
      throw new RollbackFailedError(error, rollbackError);
    }
    throw error;
  }
  input.onStep('cleanup');
  await cleanUpRestore(db, input.runId, plan).catch(() => undefined);
}

async function loadStaging(ctx: BackupContext, input: LoadAndSwapInput, plan: readonly JournalCollection[]): Promise<void> {
  const documentsTotal = input.selected.reduce((sum, c) => sum + c.count, 0);
  let documentsDone = 0;
  await withArchive(input.archivePath, async (archive) => {
    for (const [i, entry] of input.selected.entries()) {
      const target = plan[i]!;
      const indexes = entry.indexes.length > 0 ? indexSpecsForCreate(entry.indexes) : await currentIndexSpecs(ctx.db, target);
      await ctx.db.createCollection(target.staging);
      const staging = ctx.db.collection(target.staging);
      let loaded = 0;
      let inserting: Promise<unknown> = Promise.resolve();
      // While the server inserts one batch, the next one is read and parsed.
      try {
        for await (const batch of readCollectionDocuments(archive, entry, INSERT_BATCH)) {
          await inserting;
          inserting = staging.insertMany(batch, { ordered: false });
          inserting.catch(() => undefined);
          loaded += batch.length;
          documentsDone += batch.length;
          input.onProgress?.({ operation: 'restore', phase: 'load', collection: entry.name, documentsDone, documentsTotal });
          await ctx.failpoints?.afterLoadBatch?.(entry.name, loaded);
        }
      } finally {
        // An insert still on its way would re-create the staging collection after the rollback dropped it.
        await inserting.catch(() => undefined);
      }
      await inserting;
      if (indexes.length > 0) await ctx.db.command({ createIndexes: target.staging, indexes });
    }
  });
}

async function swapIn(ctx: BackupContext, plan: readonly JournalCollection[]): Promise<void> {
  const { atomicRenameReplace } = await ctx.capabilities();
  for (const c of plan) {
    await ctx.failpoints?.beforeSwap?.(c.name);
    if (c.existed) await ctx.db.renameCollection(c.name, c.aside);
    // MongoDB replaces atomically; FerretDB cannot, and fails instead if something re-created the target meanwhile.
    await ctx.db.renameCollection(c.staging, c.name, atomicRenameReplace ? { dropTarget: true } : {});
    await ctx.failpoints?.afterSwap?.(c.name);
  }
}

/** A collection the archive lists no indexes for (an imported legacy backup) keeps the indexes it has now. */
async function currentIndexSpecs(db: Db, target: JournalCollection): Promise<Document[]> {
  if (!target.existed) return [];
  const indexes = await db.collection(target.name).listIndexes().toArray();
  return indexSpecsForCreate(indexes.map((index) => BSON.EJSON.serialize(index, { relaxed: false })));
}

import type { FindCursor } from 'mongodb';
import { writeArchive, type CollectionSource } from '../archive/archive-writer.js';
import type { BackupKind } from '../archive/backup-name.js';
import { bsonToLine } from '../archive/extended-json.js';
import type { Manifest, ReadConsistency } from '../archive/archive-format.js';
import { EMPTY_COLLECTION, estimateCollection, readBatchSize } from '../db/collection-size.js';
import { isSnapshotTooOld } from '../db/snapshot-too-old.js';
import { describeError } from '../shared/app-error.js';
import { nextTurn } from '../shared/event-loop-turn.js';
import { writeNewArchive } from './archive-sink.js';
import { failpointsOf, type BackupContext } from './backup-context.js';
import type { ProgressListener } from './backup-events.js';
import type { StoredBackup } from './backup-store.js';
import { ReadAhead } from './read-ahead.js';

export interface WrittenBackup {
  readonly backup: StoredBackup;
  readonly manifest: Manifest;
  readonly documents: number;
}

/** Documents converted at a time (about 10 ms), so the pages stay responsive while a backup runs. */
const CONVERT_SLICE = 250;
/** Raw BSON read ahead per collection: this one's next batches and the next collection's first. */
const READ_AHEAD_BYTES = 2 * 1024 * 1024;

/** Where a backup reads from, when not simply the configured collections under their own names. */
export interface BackupSource {
  readonly collections: readonly string[];
  /** Logical name -> the collection actually read (its indexes too); `null`: recorded empty. Others are read under their own name. */
  readonly readFrom: ReadonlyMap<string, string | null>;
}

/**
 * Writes the database into a new archive. On a replica set all collections are
 * read from one snapshot. The server keeps a snapshot's history only for
 * `minSnapshotHistoryWindowInSeconds` (300 s by default), so a longer backup
 * fails with SnapshotTooOld. Then the archive is written once more from the
 * start without the snapshot, each collection read as it is at that moment
 * (as on a standalone server), and the manifest says `per-collection`.
 *
 * From the start rather than resuming the collection that failed: its zip
 * entry is already streamed and cannot be taken back; resuming after the last
 * `_id` written would need every snapshot read sorted by `_id` (an index walk
 * instead of a collection scan) and cannot use `$gt` across `_id`s of
 * different BSON types; and it would mix the snapshot with later reads inside
 * one collection. The second pass cannot fail this way, so the cost is at
 * most the time of the first.
 */
export async function writeBackupWithSnapshotFallback(
  ctx: BackupContext,
  kind: BackupKind,
  onProgress?: ProgressListener,
  source?: BackupSource,
): Promise<WrittenBackup> {
  const { snapshotReads } = await ctx.capabilities();
  if (snapshotReads) {
    try {
      return await writeOnePass(ctx, kind, 'snapshot', onProgress, source);
    } catch (error) {
      if (!isSnapshotTooOld(error)) throw error;
      ctx.emit({ type: 'backup.snapshot-expired', reason: describeError(error) });
    }
  }
  return writeOnePass(ctx, kind, 'per-collection', onProgress, source);
}

/**
 * One pass: streams the configured collections into a new archive: cursor ->
 * Extended JSON -> zip entry (-> age, when encryption is on) -> `*.tmp`, renamed only once complete. Any failure
 * removes the temporary file and rejects. Does not lock or prune.
 * `snapshot` reads every collection in one snapshot session (only where the server offers it).
 */
async function writeOnePass(
  ctx: BackupContext,
  kind: BackupKind,
  consistency: ReadConsistency,
  onProgress?: ProgressListener,
  source?: BackupSource,
): Promise<WrittenBackup> {
  const names = source?.collections ?? ctx.collections;
  const capabilities = await ctx.capabilities();
  const session = consistency === 'snapshot' ? ctx.db.client.startSession({ snapshot: true }) : undefined;
  const reads = new Map<number, ReadAhead>();
  try {
    // Snapshot reads are for find only: MongoDB refuses readConcern snapshot on listCollections and listIndexes.
    const existing = new Set((await ctx.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    // The collection a logical name is read from; undefined: recorded empty.
    const readName = (name: string) => {
      const physical = source?.readFrom.has(name) ? source.readFrom.get(name) : name;
      return physical && existing.has(physical) ? physical : undefined;
    };
    const physicalNames = names.map(readName);
    const [estimates, indexLists] = await Promise.all([
      Promise.all(physicalNames.map((physical) => (physical ? estimateCollection(ctx.db, physical, capabilities) : EMPTY_COLLECTION))),
      Promise.all(physicalNames.map((physical, i) => (physical ? annotate(names[i]!, ctx.db.collection(physical).listIndexes().toArray()) : []))),
    ]);
    const documentsTotal = estimates.reduce((sum, e) => sum + e.count, 0);
    let documentsBefore = 0;
    let documentsInCollection = 0;
    const readOf = (i: number): ReadAhead | undefined => {
      const physical = physicalNames[i];
      if (!physical) return undefined;
      if (!reads.has(i)) {
        const options = { session, batchSize: readBatchSize(estimates[i]?.averageBytes) };
        reads.set(i, new ReadAhead(ctx.db.collection(physical).find({}, { raw: true, ...options }) as unknown as FindCursor<Uint8Array>, READ_AHEAD_BYTES));
      }
      return reads.get(i);
    };

    async function* sources(): AsyncGenerator<CollectionSource> {
      for (const [i, name] of names.entries()) {
        documentsBefore += documentsInCollection;
        documentsInCollection = 0;
        const read = readOf(i);
        const readNext = () => void readOf(physicalNames.findIndex((physical, j) => j > i && physical !== undefined));
        if (!read) {
          yield { name, indexes: [], lines: noLines() };
          continue;
        }
        // The next collection is read while this one is converted. A session runs one operation at a time,
        // so on a snapshot session only once this one's cursor is exhausted.
        if (session) void read.finished.then((complete) => complete && readNext());
        const afterBatch = () => failpointsOf(ctx)?.afterReadBatch?.(name, consistency);
        yield { name, indexes: indexLists[i]!, lines: readLines(name, read, afterBatch, session ? noNextRead : readNext) };
      }
    }

    const { backup, manifest } = await writeNewArchive(ctx, kind, (tempPath, createdAt) =>
      writeArchive(tempPath, { kind, createdAt, database: ctx.db.databaseName, consistency }, sources(), {
        compressionLevel: ctx.compressionLevel,
        onProgress: (p) => {
          documentsInCollection = p.documentsDone;
          onProgress?.({
            operation: 'backup',
            phase: 'backup',
            collection: p.collection,
            documentsDone: documentsBefore + p.documentsDone,
            documentsTotal: Math.max(documentsTotal, documentsBefore + p.documentsDone),
          });
        },
      }),
    );
    return { backup, manifest, documents: manifest.collections.reduce((sum, c) => sum + c.count, 0) };
  } finally {
    for (const read of reads.values()) await read.close();
    await session?.endSession().catch(() => undefined);
  }
}

async function* noLines(): AsyncGenerator<string[]> {}

function noNextRead(): void {}

/**
 * Converts a collection's documents in slices, each after a turn of the event
 * loop; the reads are ReadAhead's, so the server goes on reading meanwhile.
 */
async function* readLines(name: string, read: ReadAhead, afterBatch: () => Promise<void> | void, readNext: () => void): AsyncGenerator<string[]> {
  try {
    for await (const batch of annotated(name, read.batches())) {
      readNext();
      await annotate(name, Promise.resolve().then(afterBatch));
      for (let start = 0; start < batch.length; start += CONVERT_SLICE) {
        await nextTurn();
        yield convert(name, batch.slice(start, start + CONVERT_SLICE));
      }
    }
    readNext();
  } finally {
    await read.close();
  }
}

function convert(collection: string, batch: readonly Uint8Array[]): string[] {
  try {
    return batch.map(bsonToLine);
  } catch (error) {
    throw new Error(`Collection "${collection}": ${describeError(error)}`, { cause: error });
  }
}

async function* annotated<T>(collection: string, items: AsyncGenerator<T>): AsyncGenerator<T> {
  for (;;) {
    const next = await annotate(collection, items.next());
    if (next.done) return;
    yield next.value;
  }
}

async function annotate<T>(collection: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw new Error(`Collection "${collection}" konnte nicht gelesen werden: ${describeError(error)}`, { cause: error });
  }
}

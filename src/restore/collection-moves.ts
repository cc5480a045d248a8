import type { Collection, Db, Document } from 'mongodb';
import { ARCHIVE_LIMITS } from '../archive/archive-format.js';
import { bsonToDocument } from '../archive/extended-json.js';
import { errorCode, mergeDocuments, type KeptApartSink, type MergeItem, type MoveNames } from './merge-documents.js';

export type { KeptApartSink, MoveNames } from './merge-documents.js';

const NAMESPACE_EXISTS = 48;
const NAMESPACE_NOT_FOUND = 26;
/** How often a rename is retried after moving a re-created target out of the way. */
const RENAME_ATTEMPTS = 5;
const BATCH = 500;

export async function collectionNames(db: Db): Promise<Set<string>> {
  return new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
}

export async function dropIfExists(db: Db, name: string): Promise<void> {
  await db.dropCollection(name).catch((error: unknown) => {
    if (errorCode(error) !== NAMESPACE_NOT_FOUND) throw error;
  });
}

/** Renames; a source that does not exist (any more) is nothing to do. */
export async function renameIfExists(db: Db, from: string, to: string): Promise<void> {
  await db.renameCollection(from, to).catch((error: unknown) => {
    if (errorCode(error) !== NAMESPACE_NOT_FOUND) throw error;
  });
}

/**
 * Renames `from` to `to` without ever dropping `to`. If the app re-created
 * `to` meanwhile (it writes while a restore exchanges collections, and
 * renaming is two steps), that collection is renamed out of the way (into
 * `keepIn` if there is none yet) and the rename tried again at once, a
 * bounded number of times; what it held is merged afterwards (see settleGaps).
 */
export async function renameKeepingWrites(db: Db, from: string, to: string, keepIn: string, names: MoveNames, onKeptApart: KeptApartSink): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.renameCollection(from, to);
      break;
    } catch (error) {
      if (errorCode(error) !== NAMESPACE_EXISTS || attempt >= RENAME_ATTEMPTS) throw error;
    }
    const keepInExists = (await collectionNames(db)).has(keepIn);
    await renameIfExists(db, to, keepInExists ? `${names.gap}_${attempt}` : keepIn);
  }
  await settleGaps(db, names, keepIn === from ? to : keepIn, onKeptApart);
}

/**
 * Merges what re-created collections held, set apart by renameKeepingWrites
 * (also after a crash in the middle of it), into `into`. Those are later
 * writes than what `into` held: their fields win.
 */
export async function settleGaps(db: Db, names: MoveNames, into: string, onKeptApart: KeptApartSink): Promise<void> {
  const pattern = new RegExp(`^${names.gap}_\\d+$`);
  const gaps = [...(await collectionNames(db))].filter((name) => pattern.test(name)).sort();
  for (const gap of gaps) {
    await mergeDocuments(db, items(rawBatches(db.collection(gap))), into, 'fields-win', names, onKeptApart);
    await dropIfExists(db, gap);
  }
}

async function* items(batches: AsyncIterable<Document[]>): AsyncGenerator<MergeItem> {
  for await (const batch of batches) for (const doc of batch) yield { doc };
}

/** Every document of a collection, losslessly and in its field order, in batches; `keep` may skip some by their raw bytes. */
export async function* rawBatches(collection: Collection, keep: (raw: Uint8Array) => boolean = () => true): AsyncGenerator<Document[]> {
  const cursor = collection.find({}, { raw: true, batchSize: 1000 });
  let batch: Document[] = [];
  let batchBytes = 0;
  try {
    for await (const raw of cursor as AsyncIterable<unknown>) {
      const bytes = raw as Uint8Array;
      if (!keep(bytes)) continue;
      batch.push(bsonToDocument(bytes));
      batchBytes += bytes.length;
      if (batch.length >= BATCH || batchBytes >= ARCHIVE_LIMITS.batchBytes) {
        yield batch;
        batch = [];
        batchBytes = 0;
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

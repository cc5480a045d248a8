import { BSON, type AnyBulkWriteOperation, type Collection, type Db, type Document } from 'mongodb';
import { LOSSLESS_READ_OPTIONS } from '../archive/extended-json.js';

const NAMESPACE_EXISTS = 48;
const NAMESPACE_NOT_FOUND = 26;
const DUPLICATE_KEY = 11000;
/** How often a rename is retried after moving a re-created target out of the way. */
const RENAME_ATTEMPTS = 5;
const BATCH = 500;

/** Whose version stays when a document with the same _id is in both places. */
export type MergeRule = 'incoming-wins' | 'existing-wins';

/** Documents that could not be merged (a unique index refuses them) and were kept in a collection of their own. */
export interface KeptApart {
  readonly collection: string;
  readonly keptIn: string;
  readonly documents: number;
}

/** The collections a restore moves documents between, for one restored collection. */
export interface MoveNames {
  readonly name: string;
  readonly gap: string;
  readonly kept: string;
}

export type KeptApartSink = (kept: KeptApart) => void;

export async function collectionNames(db: Db): Promise<Set<string>> {
  return new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
}

export async function dropIfExists(db: Db, name: string): Promise<void> {
  await db.dropCollection(name).catch((error: unknown) => {
    if (codeOf(error) !== NAMESPACE_NOT_FOUND) throw error;
  });
}

/** Renames; a source that does not exist (any more) is nothing to do. */
export async function renameIfExists(db: Db, from: string, to: string): Promise<void> {
  await db.renameCollection(from, to).catch((error: unknown) => {
    if (codeOf(error) !== NAMESPACE_NOT_FOUND) throw error;
  });
}

/**
 * Renames `from` to `to` without ever dropping `to`. If the app re-created
 * `to` meanwhile (it writes while a restore exchanges collections, and
 * renaming is two steps), what it wrote is moved into `keepIn` and the rename
 * is tried again, a bounded number of times.
 */
export async function renameKeepingWrites(db: Db, from: string, to: string, keepIn: string, names: MoveNames, onKeptApart: KeptApartSink): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.renameCollection(from, to);
      return;
    } catch (error) {
      if (codeOf(error) !== NAMESPACE_EXISTS || attempt >= RENAME_ATTEMPTS) throw error;
    }
    await moveInto(db, to, keepIn, names, onKeptApart);
  }
}

/** Moves every document of `source` into `keepIn` (the moved ones win) and removes `source`. */
async function moveInto(db: Db, source: string, keepIn: string, names: MoveNames, onKeptApart: KeptApartSink): Promise<void> {
  const existing = await collectionNames(db);
  if (!existing.has(keepIn)) return renameIfExists(db, source, keepIn);
  // Renamed first, atomically: a write after this instant re-creates `source` and is taken on the next attempt.
  await renameIfExists(db, source, names.gap);
  await mergeGap(db, keepIn, names, onKeptApart);
}

/** Finishes moving what a re-created collection held (also after a crash in the middle of it). */
export async function mergeGap(db: Db, keepIn: string, names: MoveNames, onKeptApart: KeptApartSink): Promise<void> {
  const existing = await collectionNames(db);
  if (!existing.has(names.gap)) return;
  if (!existing.has(keepIn)) return renameIfExists(db, names.gap, keepIn);
  await mergeDocuments(db, rawBatches(db.collection(names.gap)), keepIn, 'incoming-wins', names, onKeptApart);
  await dropIfExists(db, names.gap);
}

/** Writes `batches` into `target` by _id under `rule`; documents a unique index refuses are kept apart, never dropped. */
export async function mergeDocuments(
  db: Db,
  batches: AsyncIterable<Document[]>,
  target: string,
  rule: MergeRule,
  names: MoveNames,
  onKeptApart: KeptApartSink,
): Promise<number> {
  const collection = db.collection(target);
  const refused: Document[] = [];
  let written = 0;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    try {
      await collection.bulkWrite(batch.map((doc) => operation(doc, rule)), { ordered: true });
    } catch (error) {
      if (codeOf(error) !== DUPLICATE_KEY) throw error;
      // FerretDB stops at the first refused document; find the refused ones one by one.
      for (const doc of batch) if (!(await writeOne(collection, doc, rule))) refused.push(doc);
    }
    written += batch.length;
  }
  if (refused.length > 0) {
    await keepApart(db, names.kept, refused);
    onKeptApart({ collection: names.name, keptIn: names.kept, documents: refused.length });
  }
  return written - refused.length;
}

function operation(doc: Document, rule: MergeRule): AnyBulkWriteOperation {
  return rule === 'incoming-wins' ? { replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } } : { insertOne: { document: doc } };
}

/** false: a unique index other than _id refuses the document. */
async function writeOne(collection: Collection, doc: Document, rule: MergeRule): Promise<boolean> {
  try {
    if (rule === 'incoming-wins') await collection.replaceOne({ _id: doc._id }, doc, { upsert: true });
    else await collection.insertOne(doc);
    return true;
  } catch (error) {
    if (codeOf(error) !== DUPLICATE_KEY) throw error;
    // existing-wins: the same _id is there already, which is what the rule wants.
    return rule === 'existing-wins' && (await collection.countDocuments({ _id: doc._id }, { limit: 1 })) === 1;
  }
}

async function keepApart(db: Db, kept: string, docs: readonly Document[]): Promise<void> {
  const collection = db.collection(kept);
  for (const doc of docs) await collection.replaceOne({ _id: doc._id }, doc, { upsert: true });
}

/** Every document of a collection, losslessly, in batches. */
export async function* rawBatches(collection: Collection, keep: (raw: Uint8Array) => boolean = () => true): AsyncGenerator<Document[]> {
  const cursor = collection.find({}, { raw: true, batchSize: 1000 });
  let batch: Document[] = [];
  try {
    for await (const raw of cursor as AsyncIterable<unknown>) {
      const bytes = raw as Uint8Array;
      if (!keep(bytes)) continue;
      batch.push(BSON.deserialize(bytes, LOSSLESS_READ_OPTIONS));
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  } finally {
    await cursor.close().catch(() => undefined);
  }
}

function codeOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

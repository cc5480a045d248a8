import { BSON, type Collection, type Db, type Document, type Filter } from 'mongodb';

const DUPLICATE_KEY = 11000;

/**
 * fields-win: the incoming document is the later write. Its fields overwrite
 * those of the document with the same _id, which keeps its other fields; with
 * a `base` (the version the incoming one was changed from) only the fields
 * changed since are set, and fields removed since are removed. A document
 * that is not there yet is inserted whole.
 * existing-wins: inserted only where its _id is not there yet.
 */
export type MergeRule = 'fields-win' | 'existing-wins';

export interface MergeItem {
  readonly doc: Document;
  readonly base?: Document;
}

/** Documents that could not be merged (a unique index refuses them) and were kept in a collection of their own. */
export interface KeptApart {
  readonly collection: string;
  readonly keptIn: string;
  readonly documents: number;
}

export type KeptApartSink = (kept: KeptApart) => void;

/** The collections a restore moves documents between, for one restored collection. */
export interface MoveNames {
  readonly name: string;
  readonly gap: string;
  readonly kept: string;
}

/**
 * Writes each item into `target` under `rule`, one by one (these are the few
 * writes the app made while collections were being exchanged). Documents a
 * unique index refuses are kept in `names.kept`, never dropped.
 */
export async function mergeDocuments(
  db: Db,
  items: AsyncIterable<MergeItem> | Iterable<MergeItem>,
  target: string,
  rule: MergeRule,
  names: MoveNames,
  onKeptApart: KeptApartSink,
): Promise<number> {
  const collection = db.collection(target);
  const refused: Document[] = [];
  let merged = 0;
  for await (const item of items) {
    if (await mergeOne(collection, item, rule)) merged++;
    else refused.push(item.doc);
  }
  if (refused.length > 0) {
    const kept = db.collection(names.kept);
    for (const doc of refused) await kept.replaceOne({ _id: doc._id }, doc, { upsert: true });
    onKeptApart({ collection: names.name, keptIn: names.kept, documents: refused.length });
  }
  return merged;
}

/** false: a unique index other than _id refuses the document. */
async function mergeOne(collection: Collection, { doc, base }: MergeItem, rule: MergeRule): Promise<boolean> {
  try {
    if (rule === 'fields-win') {
      const update = changesSince(doc, base);
      if (update === 'replace') {
        await collection.replaceOne({ _id: doc._id }, doc, { upsert: true });
        return true;
      }
      if (update === 'none' && (await exists(collection, doc._id))) return true;
      if (update !== 'none' && (await collection.updateOne({ _id: doc._id }, update)).matchedCount === 1) return true;
    }
    await collection.insertOne(doc);
    return true;
  } catch (error) {
    if (errorCode(error) !== DUPLICATE_KEY) throw error;
    // existing-wins: the same _id is there already, which is what the rule wants.
    return rule === 'existing-wins' && (await exists(collection, doc._id));
  }
}

/** The update that applies what changed from `base` to `doc`; 'replace' where field names cannot be paths. */
function changesSince(doc: Document, base: Document | undefined): Document | 'none' | 'replace' {
  const now = fields(doc);
  const before = fields(base ?? {});
  const keys = [...now.keys(), ...before.keys()];
  if (keys.some((key) => key.includes('.') || key.startsWith('$'))) return 'replace';
  const set: Document = {};
  const unset: Document = {};
  for (const [key, value] of now) {
    if (key !== '_id' && (!base || !before.has(key) || !sameValue(value, before.get(key)))) set[key] = value;
  }
  for (const key of before.keys()) if (key !== '_id' && !now.has(key)) unset[key] = '';
  const update: Document = {};
  if (Object.keys(set).length > 0) update.$set = set;
  if (Object.keys(unset).length > 0) update.$unset = unset;
  return Object.keys(update).length > 0 ? update : 'none';
}

/** A document's fields in order, also of an OrderedDocument (field names made of digits, see archive/field-names.ts). */
function fields(doc: Document): Map<string, unknown> {
  return doc instanceof Map ? (doc as Map<string, unknown>) : new Map(Object.entries(doc));
}

function sameValue(a: unknown, b: unknown): boolean {
  return Buffer.compare(BSON.serialize({ v: a }), BSON.serialize({ v: b })) === 0;
}

async function exists(collection: Collection, id: unknown): Promise<boolean> {
  return (await collection.countDocuments({ _id: id } as Filter<Document>, { limit: 1 })) === 1;
}

export function errorCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

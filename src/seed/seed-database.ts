import type { Db, Document, IndexSpecification } from 'mongodb';
import { SCANDY_COLLECTIONS } from '../config/collections.js';
import { demoDataPlan, generateCollection, type DemoDataOptions } from './demo-data.js';

export interface SeedOptions extends DemoDataOptions {
  batchSize?: number;
  onProgress?: (collection: string, done: number, total: number) => void;
}

const INDEXES: ReadonlyArray<{ collection: string; key: IndexSpecification; unique?: boolean }> = [
  { collection: 'tools', key: { barcode: 1 }, unique: true },
  { collection: 'consumables', key: { barcode: 1 }, unique: true },
  { collection: 'workers', key: { barcode: 1 }, unique: true },
  { collection: 'lendings', key: { tool_barcode: 1 } },
  { collection: 'ticket_messages', key: { ticket_id: 1 } },
];

/** Inserts the demo data in batches; returns the number of documents inserted per collection. */
export async function seedDatabase(db: Db, options: SeedOptions): Promise<Record<string, number>> {
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const plan = demoDataPlan(options.docs);
  for (const index of INDEXES) {
    await db.collection(index.collection).createIndex(index.key, index.unique ? { unique: true } : {});
  }
  const counts: Record<string, number> = {};
  for (const name of SCANDY_COLLECTIONS) {
    const collection = db.collection(name);
    const total = plan[name];
    let done = 0;
    let batch: Document[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const result = await collection.insertMany(batch, { ordered: false });
      done += result.insertedCount;
      batch = [];
      options.onProgress?.(name, done, total);
    };
    for (const doc of generateCollection(name, options)) {
      batch.push(doc);
      if (batch.length >= batchSize) await flush();
    }
    await flush();
    counts[name] = done;
  }
  return counts;
}

/** True when none of the collections holds a document (missing collections count as empty). */
export async function isDatabaseEmpty(db: Db, collections: readonly string[]): Promise<boolean> {
  for (const name of collections) {
    if ((await db.collection(name).findOne({}, { projection: { _id: 1 } })) !== null) return false;
  }
  return true;
}

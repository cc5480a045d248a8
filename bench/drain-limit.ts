import type { Db } from 'mongodb';
import { atMostAtOnce } from '../src/shared/at-most-at-once.js';

export interface DrainResult {
  readonly documents: number;
  readonly bsonBytes: number;
}

const BATCH_SIZE = 1000;

/**
 * The physical limit of a backup: read every document of every collection
 * as raw BSON, in batches of 1000, and do nothing else with it; `lanes`
 * collections at a time (1: one after another).
 */
export async function drainCollections(db: Db, collections: readonly string[], lanes: number): Promise<DrainResult> {
  let documents = 0;
  let bsonBytes = 0;
  await atMostAtOnce(collections, lanes, async (name) => {
    const cursor = db.collection(name).find({}, { raw: true, batchSize: BATCH_SIZE });
    try {
      while (await cursor.hasNext()) {
        for (const raw of cursor.readBufferedDocuments()) {
          documents += 1;
          bsonBytes += (raw as unknown as Uint8Array).byteLength;
        }
      }
    } finally {
      await cursor.close();
    }
  });
  return { documents, bsonBytes };
}

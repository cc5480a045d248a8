import type { Db } from 'mongodb';

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
  let next = 0;
  const lane = async () => {
    while (next < collections.length) {
      const cursor = db.collection(collections[next++]!).find({}, { raw: true, batchSize: BATCH_SIZE });
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
    }
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  return { documents, bsonBytes };
}

import type { Db } from 'mongodb';

export interface DrainResult {
  readonly documents: number;
  readonly bsonBytes: number;
}

const BATCH_SIZE = 1000;

/**
 * The physical limit of a backup: read every document of every collection
 * as raw BSON, in batches of 1000, and do nothing else with it.
 */
export async function drainCollections(db: Db, collections: readonly string[]): Promise<DrainResult> {
  let documents = 0;
  let bsonBytes = 0;
  for (const name of collections) {
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
  }
  return { documents, bsonBytes };
}

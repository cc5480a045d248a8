import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ObjectId, type Document } from 'mongodb';
import { withArchive } from '../../src/archive/archive-reader.js';
import { readCollectionDocuments } from '../../src/archive/collection-reader.js';

/** What the server acknowledged to the writer. */
export interface AcknowledgedWrites {
  /** _id (hex) of every acknowledged insert. */
  readonly inserted: readonly string[];
  /** _id (hex) -> the `app_write` value of its one acknowledged update. */
  readonly updated: ReadonlyMap<string, number>;
  /** Updates the server answered with "0 matched" (the collection was renamed away that instant): nothing was written. */
  readonly unmatched: number;
}

export interface AppWriter {
  /** Acknowledged writes so far. */
  count(): number;
  stop(): Promise<AcknowledgedWrites>;
}

/**
 * Scandy as a second client: every 20-50 ms an insert into `collection` or an
 * update of one of `existing` (each updated once, so each update can be told
 * from every other), recording what the server acknowledged.
 */
export function startAppWriter(uri: string, dbName: string, collection: string, existing: readonly ObjectId[]): AppWriter {
  const client = new MongoClient(uri);
  const inserted: string[] = [];
  const updated = new Map<string, number>();
  const toUpdate = [...existing];
  let unmatched = 0;
  let stopped = false;
  const loop = (async () => {
    await client.connect();
    const target = client.db(dbName).collection(collection);
    for (let seq = 1; !stopped; seq++) {
      const id = seq % 2 === 0 ? toUpdate.shift() : undefined;
      try {
        if (id) {
          const result = await target.updateOne({ _id: id }, { $set: { app_write: seq } });
          if (result.matchedCount === 1) updated.set(id.toHexString(), seq);
          else unmatched++;
        } else {
          const _id = new ObjectId();
          await target.insertOne({ _id, tool_barcode: `T-APP-${seq}`, worker_barcode: 'W-APP', lent_at: new Date(), app_write: seq });
          inserted.push(_id.toHexString());
        }
      } catch {
        // Not acknowledged: nothing to check.
      }
      await sleep(20 + Math.floor(Math.random() * 30));
    }
  })();
  return {
    count: () => inserted.length + updated.size,
    stop: async () => {
      stopped = true;
      await loop;
      await client.close();
      return { inserted, updated, unmatched };
    },
  };
}

/** Every document of one collection of an archive, read with the project's reader, by _id (hex). */
export async function archivedDocuments(archivePath: string, collection: string): Promise<Map<string, Document>> {
  return withArchive(archivePath, async (archive) => {
    const found = new Map<string, Document>();
    const entry = archive.manifest.collections.find((c) => c.name === collection);
    if (!entry) return found;
    for await (const batch of readCollectionDocuments(archive, entry)) {
      for (const doc of batch) found.set(String(doc._id), doc);
    }
    return found;
  });
}

/** The acknowledged writes found in neither place; empty when none was lost. */
export function lostWrites(writes: AcknowledgedWrites, places: readonly ReadonlyMap<string, Document>[]): string[] {
  const lost: string[] = [];
  for (const id of writes.inserted) {
    if (!places.some((place) => place.has(id))) lost.push(`insert ${id}`);
  }
  for (const [id, value] of writes.updated) {
    if (!places.some((place) => Number(place.get(id)?.app_write) === value)) lost.push(`update ${id} (app_write ${value})`);
  }
  return lost;
}

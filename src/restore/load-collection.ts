import type { Collection, Document } from 'mongodb';
import { ARCHIVE_LIMITS, type ManifestCollection } from '../archive/archive-format.js';
import type { OpenedArchive } from '../archive/archive-reader.js';
import { readCollectionDocuments } from '../archive/collection-reader.js';
import { joinSlices } from './insert-batches.js';

/**
 * Parsed 250 documents or 2 MiB of Extended JSON at a time (about 4 ms each),
 * inserted four such slices at a time: at most 1000 documents or about 8 MiB
 * per insert, which costs the server less per document than smaller batches
 * (100k: load 7.5-10.9 s instead of 10.0-15.0 s at 250, same run). Two
 * collections load at once (load-and-swap.ts), so the lines a restore holds
 * stay within ARCHIVE_LIMITS.batchBytes, the one byte bound of restore batches.
 */
const SLICES_PER_INSERT = 4;
export const COLLECTIONS_LOADED_AT_ONCE = 2;
export const PARSE_SLICE = { documents: 250, bytes: ARCHIVE_LIMITS.batchBytes / SLICES_PER_INSERT / COLLECTIONS_LOADED_AT_ONCE };

/**
 * Loads one collection file of the archive into `target`, verifying the entry
 * while it is read: while the server inserts one batch, the next one is read,
 * checked and parsed. `afterBatch` gets the documents loaded so far. When this
 * returns, the entry's count, size and SHA-256 matched the manifest. Used by
 * the restore (into staging collections) and the restore drill (into the
 * scratch database).
 */
export async function loadCollection(
  archive: OpenedArchive,
  entry: ManifestCollection,
  target: Collection<Document>,
  afterBatch?: (batchSize: number, loaded: number) => Promise<void> | void,
): Promise<number> {
  let loaded = 0;
  let inserting: Promise<unknown> = Promise.resolve();
  try {
    for await (const batch of joinSlices(readCollectionDocuments(archive, entry, PARSE_SLICE), SLICES_PER_INSERT)) {
      await inserting;
      inserting = target.insertMany(batch, { ordered: false });
      inserting.catch(() => undefined);
      loaded += batch.length;
      await afterBatch?.(batch.length, loaded);
    }
  } finally {
    // An insert still on its way would re-create the collection after a rollback dropped it.
    await inserting.catch(() => undefined);
  }
  await inserting;
  return loaded;
}

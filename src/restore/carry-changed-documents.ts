import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { BSON, type Db } from 'mongodb';
import { withArchive } from '../archive/archive-reader.js';
import { readCollectionDocuments } from '../archive/collection-reader.js';
import { mergeDocuments, rawBatches, type KeptApartSink, type MergeRule, type MoveNames } from './collection-moves.js';

/**
 * A collection that was already swapped in when the restore had to be rolled
 * back holds the archive's documents plus what the app wrote since. Those
 * writes (new documents and changed ones; not deletions) are carried into the
 * collection that is put back. Costs one read of the archive's collection, one
 * of the database's, and 8 bytes of memory per document.
 */
export async function carryChangedDocuments(
  db: Db,
  archivePath: string | undefined,
  from: string,
  into: string,
  rule: MergeRule,
  names: MoveNames,
  onKeptApart: KeptApartSink,
): Promise<number> {
  // Without the archive nothing can be told apart; nothing restored may get into the data put back.
  if (!archivePath || !existsSync(archivePath)) return 0;
  const restored = await archiveFingerprints(archivePath, names.name);
  const changed = rawBatches(db.collection(from), (raw) => !contains(restored, fingerprint(raw)));
  return mergeDocuments(db, changed, into, rule, names, onKeptApart);
}

/** 64-bit fingerprints of a collection's documents in the archive, sorted. */
async function archiveFingerprints(archivePath: string, name: string): Promise<BigUint64Array> {
  return withArchive(archivePath, async (archive) => {
    const entry = archive.manifest.collections.find((c) => c.name === name);
    const prints = new BigUint64Array(entry?.count ?? 0);
    if (!entry) return prints;
    let i = 0;
    for await (const batch of readCollectionDocuments(archive, entry)) {
      for (const doc of batch) prints[i++] = fingerprint(BSON.serialize(doc));
    }
    return prints.subarray(0, i).sort();
  });
}

/** The archive's lines read back to exactly the bytes the server holds (see bsonToLine), so equal bytes mean unchanged. */
function fingerprint(bytes: Uint8Array): bigint {
  return createHash('sha256').update(bytes).digest().readBigUInt64BE(0);
}

function contains(sorted: BigUint64Array, value: bigint): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const at = sorted[middle]!;
    if (at === value) return true;
    if (at < value) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

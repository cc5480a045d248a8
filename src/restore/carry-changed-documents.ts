import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { BSON, type Db, type Document } from 'mongodb';
import { withArchive, type OpenedArchive } from '../archive/archive-reader.js';
import { readCollectionDocuments } from '../archive/collection-reader.js';
import { rawBatches } from './collection-moves.js';
import { mergeDocuments, type KeptApartSink, type MergeRule, type MoveNames } from './merge-documents.js';

/**
 * A collection that was already swapped in when the restore had to be rolled
 * back holds the archive's documents plus what the app wrote since. Those
 * writes are carried into the collection that is put back: a new document
 * whole, a changed one as the fields that changed against the archive's
 * version (deletions are not carried). Costs a read of the archive's
 * collection and of the database's, and 8 bytes of memory per document.
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
  return withArchive(archivePath, async (archive) => {
    const restored = await fingerprints(archive, names.name);
    const changed: Document[] = [];
    for await (const batch of rawBatches(db.collection(from), (raw) => !contains(restored, fingerprint(raw)))) changed.push(...batch);
    if (changed.length === 0) return 0;
    const bases = await documentsById(archive, names.name, new Set(changed.map(idKey)));
    const items = changed.map((doc) => ({ doc, base: bases.get(idKey(doc)) }));
    return mergeDocuments(db, items, into, rule, names, onKeptApart);
  });
}

async function* archiveDocuments(archive: OpenedArchive, name: string): AsyncGenerator<Document> {
  const entry = archive.manifest.collections.find((c) => c.name === name);
  if (!entry) return;
  for await (const batch of readCollectionDocuments(archive, entry)) yield* batch;
}

/** 64-bit fingerprints of a collection's documents in the archive, sorted. */
async function fingerprints(archive: OpenedArchive, name: string): Promise<BigUint64Array> {
  const prints = new BigUint64Array(archive.manifest.collections.find((c) => c.name === name)?.count ?? 0);
  let i = 0;
  for await (const doc of archiveDocuments(archive, name)) prints[i++] = fingerprint(BSON.serialize(doc));
  return prints.subarray(0, i).sort();
}

async function documentsById(archive: OpenedArchive, name: string, ids: ReadonlySet<string>): Promise<Map<string, Document>> {
  const found = new Map<string, Document>();
  for await (const doc of archiveDocuments(archive, name)) if (ids.has(idKey(doc))) found.set(idKey(doc), doc);
  return found;
}

function idKey(doc: Document): string {
  return BSON.EJSON.stringify(doc._id, { relaxed: false });
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

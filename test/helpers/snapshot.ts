import { BSON, type Db } from 'mongodb';

export interface CollectionSnapshot {
  /** Raw BSON of every document as the server returns it, keyed by canonical _id. */
  readonly documents: Map<string, Buffer>;
  readonly indexes: string[];
}

/** Byte-level picture of collections, to prove a round trip changed nothing. */
export async function snapshot(db: Db, names: readonly string[]): Promise<Map<string, CollectionSnapshot>> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  const result = new Map<string, CollectionSnapshot>();
  for (const name of names) {
    if (!existing.has(name)) {
      result.set(name, { documents: new Map(), indexes: [] });
      continue;
    }
    const raw = (await db.collection(name).find({}, { raw: true }).toArray()) as unknown as Buffer[];
    const documents = new Map<string, Buffer>();
    for (const bytes of raw) {
      const id = BSON.EJSON.stringify(BSON.deserialize(bytes, { promoteValues: false })._id, { relaxed: false });
      documents.set(id, Buffer.from(bytes));
    }
    const indexes = (await db.collection(name).listIndexes().toArray())
      .filter((i) => i.name !== '_id_')
      .map((i) => JSON.stringify({ name: i.name, key: i.key, unique: i.unique ?? false, sparse: i.sparse ?? false }))
      .sort();
    // An empty collection and a missing one hold the same data.
    result.set(name, { documents, indexes });
  }
  return result;
}

/** Differences between two snapshots, empty when identical byte for byte. */
export function snapshotDifferences(before: Map<string, CollectionSnapshot>, after: Map<string, CollectionSnapshot>): string[] {
  const problems: string[] = [];
  for (const [name, a] of before) {
    const b = after.get(name);
    if (!b) {
      problems.push(`${name}: missing`);
      continue;
    }
    if (a.documents.size !== b.documents.size) problems.push(`${name}: ${a.documents.size} documents before, ${b.documents.size} after`);
    for (const [id, bytes] of a.documents) {
      const other = b.documents.get(id);
      if (!other) problems.push(`${name} ${id}: missing after`);
      else if (!other.equals(bytes)) problems.push(`${name} ${id}: bytes differ`);
    }
    if (JSON.stringify(a.indexes) !== JSON.stringify(b.indexes)) problems.push(`${name}: indexes ${a.indexes.join()} vs ${b.indexes.join()}`);
  }
  return problems;
}

export async function scandyBackupLeftovers(db: Db): Promise<string[]> {
  return (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => ['scandy_backup_staging_', 'scandy_backup_aside_', 'scandy_backup_gap_'].some((prefix) => n.startsWith(prefix)));
}

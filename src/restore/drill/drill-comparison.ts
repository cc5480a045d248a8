import { createHash } from 'node:crypto';
import { BSON, type Document } from 'mongodb';
import { LOSSLESS_READ_OPTIONS } from '../../archive/extended-json.js';
import { indexSpecsForCreate } from '../index-specs.js';

const HASH_SPACE = 1n << 256n;

/**
 * Compares the documents of one collection as the archive has them (in its
 * order) with the raw BSON the server returns (in its order): byte for byte
 * where the two orders agree, and always as a whole, as the sum of the
 * documents' SHA-256 (a multiset hash), so that a server returning the same
 * documents in another order still matches, and one changed, missing or extra
 * document never does.
 */
export class DocumentComparison {
  private archiveSum = 0n;
  private serverSum = 0n;
  private archiveCount = 0;
  private serverCount = 0;
  private firstDifference: string | undefined;

  /** The next document of each side; `server` undefined once the server has no more. */
  add(archived: Document, server: Uint8Array | undefined): void {
    const bytes = BSON.serialize(archived);
    this.archiveSum = (this.archiveSum + digest(bytes)) % HASH_SPACE;
    this.archiveCount++;
    if (server === undefined) {
      this.firstDifference ??= `Dokument ${describeId(archived._id)} fehlt`;
      return;
    }
    this.addServerOnly(server);
    if (this.firstDifference !== undefined || Buffer.compare(Buffer.from(bytes), Buffer.from(server)) === 0) return;
    const serverId = BSON.deserialize(server, LOSSLESS_READ_OPTIONS)._id as unknown;
    // Same _id, other bytes: this document differs. Another _id: the orders differ, the sums decide.
    if (idKey(serverId) === idKey(archived._id)) {
      this.firstDifference = `Dokument ${describeId(archived._id)} weicht ab (${bytes.length} Bytes im Archiv, ${server.length} in der Datenbank)`;
    }
  }

  /** A document the server returned after the archive's last one. */
  addServerOnly(server: Uint8Array): void {
    this.serverSum = (this.serverSum + digest(server)) % HASH_SPACE;
    this.serverCount++;
  }

  /** Undefined when both sides hold exactly the same documents; otherwise a German reason. */
  difference(): string | undefined {
    if (this.archiveCount !== this.serverCount) {
      return `${this.serverCount} Dokumente in der Testdatenbank, im Archiv ${this.archiveCount}`;
    }
    if (this.archiveSum === this.serverSum) return undefined;
    return this.firstDifference ?? 'Die Dokumente weichen vom Archiv ab (Prüfsumme über alle Dokumente)';
  }
}

function digest(bytes: Uint8Array): bigint {
  return BigInt(`0x${createHash('sha256').update(bytes).digest('hex')}`);
}

function idKey(id: unknown): string {
  return BSON.EJSON.stringify({ id }, { relaxed: false });
}

function describeId(id: unknown): string {
  return id === undefined ? 'ohne _id' : `mit _id ${BSON.EJSON.stringify(id, { relaxed: true })}`;
}

/**
 * Compares the index definitions of the manifest (canonical Extended JSON of
 * listIndexes) with those of the restored collection, by name, in the fields
 * a restore passes to createIndexes (indexSpecsForCreate, on both sides); the
 * `_id` index is always there. Returns German reasons, empty when they agree.
 */
export function indexDifferences(expected: readonly Record<string, unknown>[], actual: readonly Document[]): string[] {
  const want = indexMap(expected);
  const have = indexMap(actual.map((index) => BSON.EJSON.serialize(index, { relaxed: false })));
  const problems: string[] = [];
  for (const [name, definition] of want) {
    const found = have.get(name);
    if (found === undefined) problems.push(`Index ${name} fehlt`);
    else if (found !== definition) problems.push(`Index ${name} weicht ab (Archiv ${definition}, Datenbank ${found})`);
  }
  for (const name of have.keys()) if (!want.has(name)) problems.push(`Index ${name} ist nicht im Archiv`);
  return problems;
}

function indexMap(indexes: readonly Record<string, unknown>[]): Map<string, string> {
  return new Map(
    indexSpecsForCreate(indexes).map((spec) => {
      const sorted = Object.fromEntries(Object.entries(spec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      return [String(spec.name), BSON.EJSON.stringify(sorted, { relaxed: false })];
    }),
  );
}

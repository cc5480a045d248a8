import path from 'node:path';
import { BSON, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { withArchive } from '../../src/archive/archive-reader.js';
import { writeArchive } from '../../src/archive/archive-writer.js';
import { readCollectionDocuments } from '../../src/archive/collection-reader.js';
import { LOSSLESS_READ_OPTIONS, bsonToLine, documentToLine } from '../../src/archive/extended-json.js';
import { verifyArchive } from '../../src/archive/verify-archive.js';
import { bsonBytes, storableTypesDocument, unstorableTypesDocument } from '../helpers/bson-samples.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir();

/** What the backup does with a document read from the server: raw bytes -> lossless JS -> one line. */
function lineFromBytes(bytes: Buffer): string {
  return documentToLine(BSON.deserialize(bytes, LOSSLESS_READ_OPTIONS));
}

async function roundTrip(docs: Document[], name: string): Promise<Buffer[]> {
  const file = path.join(dir, `${name}.zip`);
  const originals = docs.map(bsonBytes);
  async function* lines() {
    yield originals.map(lineFromBytes);
  }
  await writeArchive(file, { kind: 'manual', createdAt: new Date(), database: 'test' }, [{ name: 'tools', indexes: [], lines: lines() }]);
  await verifyArchive(file);
  return withArchive(file, async (archive) => {
    const back: Buffer[] = [];
    for await (const batch of readCollectionDocuments(archive, archive.manifest.collections[0]!)) back.push(...batch.map(bsonBytes));
    return back;
  });
}

describe('serialize -> archive -> parse, without a database', () => {
  it('keeps every storable BSON type byte-identical', async () => {
    const doc = storableTypesDocument();
    const [back] = await roundTrip([doc], 'storable');
    expect(back!.equals(bsonBytes(doc))).toBe(true);
  });

  it('keeps the types FerretDB cannot store byte-identical (Decimal128, MinKey/MaxKey, NaN, ±Infinity, -0, code, symbol, DBRef, nested arrays, $ and dotted keys)', async () => {
    const doc = unstorableTypesDocument();
    const [back] = await roundTrip([doc], 'unstorable');
    expect(back!.equals(bsonBytes(doc))).toBe(true);
    const parsed = BSON.deserialize(back!, LOSSLESS_READ_OPTIONS);
    expect(Object.is(parsed.negativeZero.valueOf(), -0)).toBe(true);
    expect(parsed.decimal.toString()).toBe('1234567890.123456789012345678901234');
  });

  it('keeps a Double 5.0 a Double and an Int64 beyond 2^53 exact', async () => {
    const doc = storableTypesDocument();
    const [back] = await roundTrip([doc], 'numbers');
    const parsed = BSON.deserialize(back!, LOSSLESS_READ_OPTIONS);
    expect(parsed.double._bsontype).toBe('Double');
    expect(parsed.int32._bsontype).toBe('Int32');
    expect(parsed.int64Beyond53.toString()).toBe('9007199254740993');
  });

  it('keeps the order of fields and of documents', async () => {
    const docs = Array.from({ length: 2500 }, (_, i) => ({ _id: i, z: i, a: `x${i}`, m: { b: 1, a: 2 } }));
    const back = await roundTrip(docs, 'order');
    expect(back.map((b) => BSON.deserialize(b)._id)).toEqual(docs.map((d) => d._id));
    expect(back.every((b, i) => b.equals(bsonBytes(docs[i]!)))).toBe(true);
  });

  it('writes an empty collection as an empty JSON array', async () => {
    expect(await roundTrip([], 'empty')).toEqual([]);
  });

  it.each([
    // A Map keeps the order a server would have; a plain object would already have moved the digits first.
    ['field names made of digits (JavaScript would put them first)', new Map<string, unknown>([['_id', 1], ['name', 'Tabelle'], ['2023', 5]])],
    ['a subdocument that looks like a regex', { _id: 2, filter: { $regex: '^T', $options: 'i' } }],
    ['a subdocument that looks like a date, with more fields', { _id: 3, x: { $date: '2024-01-01', note: 'bleibt' } }],
    ['a subdocument that looks like an ObjectId', { _id: 4, x: { $oid: 'abc' } }],
  ])('refuses, rather than change, a document with %s', (_what, doc) => {
    expect(() => bsonToLine(Buffer.from(BSON.serialize(doc as Document)))).toThrow(/nicht verlustfrei/);
  });

  it('accepts every ordinary document, $-keyed values of our own types included', () => {
    expect(() => bsonToLine(bsonBytes(storableTypesDocument()))).not.toThrow();
    expect(() => bsonToLine(bsonBytes(unstorableTypesDocument()))).not.toThrow();
  });
});

import path from 'node:path';
import { BSON, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { withArchive } from '../../src/archive/archive-reader.js';
import { writeArchive } from '../../src/archive/archive-writer.js';
import { readCollectionDocuments } from '../../src/archive/collection-reader.js';
import { LOSSLESS_READ_OPTIONS, bsonToLine, lineToBson, lineToDocument } from '../../src/archive/extended-json.js';
import { OrderedDocument } from '../../src/archive/field-names.js';
import { lineToBsonStreamed } from '../../src/archive/line-to-bson.js';
import { verifyArchive } from '../../src/archive/verify-archive.js';
import { bsonBytes, lookAlikeDocuments, storableTypesDocument, unstorableTypesDocument } from '../helpers/bson-samples.js';
import { writeHandMadeArchive } from '../helpers/handmade-archive.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dir = useTempDir();

async function roundTrip(docs: Document[], name: string): Promise<Buffer[]> {
  const file = path.join(dir, `${name}.zip`);
  const originals = docs.map(bsonBytes);
  async function* lines() {
    yield originals.map(bsonToLine);
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

  it.each(lookAlikeDocuments().map((doc, i) => [[...toMap(doc).keys()].join(','), doc, i] as const))(
    'keeps a document with field names made of digits or Extended JSON look-alikes byte-identical (%s)',
    async (_fields, doc, i) => {
      const [back] = await roundTrip([doc], `look-alike-${i}`);
      expect(back!.equals(bsonBytes(doc))).toBe(true);
    },
  );

  it.each([
    ['a long text (read by JSON.parse)', () => 'ä'.repeat(600_000)],
    ['120,000 values (converted straight to BSON, piece by piece)', () => ({ text: 'ä'.repeat(300_000), many: Array.from({ length: 120_000 }, () => null) })],
  ])('keeps them byte-identical in a line longer than 1 MiB too: %s', async (what, padding) => {
    // The first look-alike has names made of digits at the top; the others go into one document.
    const [top, ...others] = lookAlikeDocuments();
    const large = [
      new Map<string, unknown>([...toMap(top!), ['padding', padding()]]),
      new Map<string, unknown>([['_id', 99], ...others.map((doc, i) => [`doc${i}`, doc] as [string, unknown]), ['padding', padding()]]),
    ];
    const back = await roundTrip(large, `look-alike-large-${what.length}`);
    expect(back.map((b) => b.length)).toEqual(large.map((d) => bsonBytes(d).length));
    expect(back.every((b, i) => b.equals(bsonBytes(large[i]!)))).toBe(true);
  });

  it('reads every sample the same way on both paths: JSON.parse for short lines, the streamed conversion for long ones', () => {
    for (const doc of [storableTypesDocument(), unstorableTypesDocument(), ...lookAlikeDocuments()]) {
      const line = Buffer.from(bsonToLine(bsonBytes(doc)));
      expect(Buffer.from(lineToBsonStreamed(line, 2)).equals(bsonBytes(doc))).toBe(true);
      expect(Buffer.from(lineToBson(line, 2)).equals(bsonBytes(doc))).toBe(true);
    }
  });

  it('escapes such field names with one more "$" in front, as the README documents, and reads them back in their order', () => {
    const doc = new Map<string, unknown>([['_id', 1], ['name', 'Tabelle'], ['2023', 5], ['filter', { $regex: '^T', $options: 'i' }], ['$$preis', 2]]);
    const line = bsonToLine(bsonBytes(doc));
    expect(line).toBe('{"_id":{"$numberInt":"1"},"name":"Tabelle","$2023":{"$numberInt":"5"},"filter":{"$$regex":"^T","$$options":"i"},"$$$preis":{"$numberInt":"2"}}');
    const back = lineToDocument(Buffer.from(line), 2);
    expect(back).toBeInstanceOf(OrderedDocument);
    expect(back._id).toEqual(BSON.deserialize(bsonBytes({ _id: 1 }), LOSSLESS_READ_OPTIONS)._id);
    expect([...(back as OrderedDocument).keys()]).toEqual(['_id', 'name', '2023', 'filter', '$$preis']);
  });

  it('still restores a format 1 archive, whose field names are not escaped', async () => {
    const text = '[\n{"_id":{"$numberInt":"1"},"$$preis":{"$numberInt":"2"},"$2023":"x","nested":{"$inner":true}}\n]\n';
    const file = writeHandMadeArchive(path.join(dir, 'format-1.zip'), { held: text, count: 1 }, { version: 1 });
    await verifyArchive(file);
    const docs = await withArchive(file, async (archive) => {
      const all: Document[] = [];
      for await (const batch of readCollectionDocuments(archive, archive.manifest.collections[0]!)) all.push(...batch);
      return all;
    });
    expect(Object.keys(docs[0]!)).toEqual(['_id', '$$preis', '$2023', 'nested']);
    expect(docs[0]!.nested).toEqual({ $inner: true });
  });

  it('accepts every ordinary document, $-keyed values of our own types included', () => {
    expect(() => bsonToLine(bsonBytes(storableTypesDocument()))).not.toThrow();
    expect(() => bsonToLine(bsonBytes(unstorableTypesDocument()))).not.toThrow();
  });
});

function toMap(doc: Document | Map<string, unknown>): Map<string, unknown> {
  return doc instanceof Map ? doc : new Map(Object.entries(doc));
}

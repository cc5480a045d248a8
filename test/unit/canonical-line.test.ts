import { Binary, BSON, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { canonicalLine } from '../../src/archive/canonical-line.js';
import { bsonToLine, lineViaDocument } from '../../src/archive/extended-json.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { generateCollection } from '../../src/seed/demo-data.js';
import { mulberry32 } from '../../src/shared/seeded-random.js';
import { randomDocument } from '../helpers/random-documents.js';

const bytesOf = (doc: Document) => BSON.serialize(doc);

/** canonicalLine must write exactly what js-bson writes, or leave the document to js-bson. */
function expectSameLine(doc: Document): string | undefined {
  const bytes = bytesOf(doc);
  const direct = canonicalLine(bytes);
  if (direct !== undefined) expect(direct).toBe(lineViaDocument(bytes));
  return direct;
}

describe('canonicalLine', () => {
  it('writes every demo document of every collection directly, exactly as js-bson does', () => {
    for (const name of SCANDY_COLLECTIONS) {
      for (const doc of generateCollection(name, { docs: 3000, seed: 7 })) {
        expect(expectSameLine(doc), `${name}: ${JSON.stringify(doc)}`).toBeDefined();
      }
    }
  });

  it.each<[string, unknown]>([
    ['doubles that are integers', [new Double(0), new Double(3), new Double(-7), new Double(2 ** 53), new Double(1e21), new Double(1.7976931348623157e308)]],
    ['doubles with fractions and extremes', [new Double(0.1), new Double(-2.5e-7), new Double(5e-324), new Double(1 / 3), new Double(123456789.123)]],
    ['negative zero, NaN and the infinities', [new Double(-0), new Double(NaN), new Double(Infinity), new Double(-Infinity)]],
    ['int32 bounds', [new Int32(0), new Int32(-1), new Int32(2147483647), new Int32(-2147483648)]],
    ['int64 bounds', [Long.fromString('9223372036854775807'), Long.fromString('-9223372036854775808'), Long.fromNumber(0), Long.fromNumber(2 ** 53 + 1)]],
    ['strings that JSON escapes', ['', 'a"b\\c', 'Zeile\nneu\t\u0001\u001f', 'Umlaute äöüß € 𝄞', '</script>', '\u2028\u2029']],
    ['dates, also before 1970 and at the edges of Date', [new Date(0), new Date(-1), new Date('2026-12-02T08:00:00.123Z'), new Date(8.64e15), new Date(-8.64e15)]],
    ['binaries of subtype 0', [new Binary(Buffer.alloc(0)), new Binary(Buffer.from([0, 1, 255])), new Binary(Buffer.alloc(1000, 7))]],
    ['timestamps', [new Timestamp({ t: 0, i: 0 }), new Timestamp({ t: 4294967295, i: 4294967295 }), new Timestamp({ t: 1, i: 2 })]],
    ['object ids, booleans and null', [new ObjectId('0123456789abcdef01234567'), true, false, null]],
    ['nested documents and arrays', [{}, [], { a: { b: { c: [1, [2, [3, {}]]] } } }, [[], [[]], { '': 'leer' }]]],
  ])('writes %s directly, exactly as js-bson does', (_label, values) => {
    const doc = { _id: new ObjectId(), values, one: { value: values } };
    expect(expectSameLine(doc)).toBeDefined();
  });

  it.each<[string, Document]>([
    ['a field name beginning with $', { _id: 1, nested: { $regex: 'x', $options: 'i' } }],
    ['a field name made of digits', { _id: 1, years: { '2023': 1 } }],
    ['a field named __proto__', JSON.parse('{"_id":1,"__proto__":{"a":1}}') as Document],
    // js-bson refuses to write it; a restore could not insert it either.
    ['a field named _bsontype', { _id: 1, _bsontype: new Int32(5) }],
    ['Decimal128', { _id: 1, price: Decimal128.fromString('1.10') }],
    ['a regular expression', { _id: 1, pattern: new BSON.BSONRegExp('^a', 'i') }],
    ['MinKey and MaxKey', { _id: 1, low: new MinKey(), high: new MaxKey() }],
    ['a UUID', { _id: 1, id: new Binary(Buffer.alloc(16, 1), 4) }],
    ['a binary of another subtype', { _id: 1, data: new Binary(Buffer.from([1]), 0x80) }],
  ])('leaves a document with %s to js-bson', (_label, doc) => {
    expect(canonicalLine(bytesOf(doc))).toBeUndefined();
  });

  it('leaves a date beyond the range of Date to js-bson', () => {
    const bytes = Buffer.from(bytesOf({ at: new Date(0) }));
    bytes.writeBigInt64LE(8_640_000_000_000_001n, bytes.length - 9);
    expect(canonicalLine(bytes)).toBeUndefined();
  });

  it('leaves truncated BSON to js-bson', () => {
    const bytes = Buffer.from(bytesOf({ a: new Int32(1) }));
    bytes[4] = 0x12; // an Int64 needs 8 bytes where 4 are
    expect(canonicalLine(bytes)).toBeUndefined();
  });

  it('leaves a string that is not valid UTF-8 to js-bson', () => {
    const bytes = Buffer.from(bytesOf({ s: 'ab' }));
    bytes[bytes.length - 3] = 0xff;
    expect(canonicalLine(bytes)).toBeUndefined();
  });

  it('writes random documents of the supported types exactly as js-bson does', () => {
    const rng = mulberry32(2026);
    for (let i = 0; i < 2000; i++) expect(expectSameLine(randomDocument(rng, 0))).toBeDefined();
  });

  it('is what a backup writes, and each line still reads back to the same bytes', () => {
    const doc = { _id: new ObjectId(), name: 'Akkuschrauber', count: new Int32(3), price: new Double(19.9), at: new Date() };
    expect(bsonToLine(bytesOf(doc))).toBe(canonicalLine(bytesOf(doc)));
  });
});

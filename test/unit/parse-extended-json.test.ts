import { BSON, ObjectId, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { bsonToLine, documentToLine } from '../../src/archive/extended-json.js';
import { readWithoutReviver } from '../../src/archive/parse-extended-json.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { generateCollection } from '../../src/seed/demo-data.js';
import { mulberry32 } from '../../src/shared/seeded-random.js';
import { bsonBytes, lookAlikeDocuments, storableTypesDocument, unstorableTypesDocument } from '../helpers/bson-samples.js';
import { randomDocument } from '../helpers/random-documents.js';

/** As the archive reader reads a line. */
const parseExtendedJson = (line: string): unknown => readWithoutReviver(line) ?? BSON.EJSON.parse(line, { relaxed: false });

/** What a reader makes of a line: the BSON of its document, or its error. */
function outcome(read: () => unknown): { readonly bson?: Buffer; readonly error?: string } {
  try {
    return { bson: Buffer.from(BSON.serialize(read() as Document)) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function expectReadAsEjsonParse(line: string): void {
  expect(outcome(() => parseExtendedJson(line)), line).toEqual(outcome(() => BSON.EJSON.parse(line, { relaxed: false })));
}

describe('readWithoutReviver, else EJSON.parse', () => {
  it('reads every demo document itself, to the BSON it was written from', () => {
    for (const name of SCANDY_COLLECTIONS) {
      for (const doc of generateCollection(name, { docs: 3000, seed: 11 })) {
        const bytes = bsonBytes(doc);
        const line = bsonToLine(bytes);
        expect(readWithoutReviver(line), line).toBeDefined();
        expect(Buffer.from(BSON.serialize(parseExtendedJson(line) as Document))).toEqual(bytes);
      }
    }
  });

  it('reads random documents of the supported types itself, exactly as EJSON.parse does', () => {
    const rng = mulberry32(4711);
    for (let i = 0; i < 2000; i++) {
      const line = documentToLine(randomDocument(rng, 0));
      // Timestamps (not in Scandy's data) are left to EJSON.parse.
      if (!line.includes('$timestamp')) expect(readWithoutReviver(line), line).toBeDefined();
      expectReadAsEjsonParse(line);
    }
  });

  it('reads the sample documents of every type as EJSON.parse does (the rare ones by EJSON.parse itself)', () => {
    for (const doc of [storableTypesDocument(), unstorableTypesDocument(), ...lookAlikeDocuments()]) {
      expectReadAsEjsonParse(BSON.EJSON.stringify(BSON.deserialize(bsonBytes(doc), { promoteValues: false, bsonRegExp: true }), { relaxed: false }));
    }
  });

  const id = new ObjectId().toHexString();
  it.each([
    ['another wrapper', `{"a":{"$numberDecimal":"1.5"},"b":{"$timestamp":{"t":1,"i":2}}}`],
    ['a wrapper with a second field', `{"a":{"$oid":"${id}","b":"x"}}`],
    ['a wrapper whose value is not text', `{"a":{"$numberInt":7}}`],
    ['a date as text', `{"a":{"$date":"2026-12-02T08:00:00Z"}}`],
    ['a date with a second field', `{"a":{"$date":{"$numberLong":"1","x":"y"}}}`],
    ['a date of an Int32', `{"a":{"$date":{"$numberInt":"1"}}}`],
    ['a binary whose subtype is a number', `{"a":{"$binary":{"base64":"AQ==","subType":5}}}`],
    ['an escaped name', `{"$$preis":{"$numberInt":"1"},"$2023":"x"}`],
    ['a bare number', `{"a":1.5,"b":[2]}`],
    ['a field named __proto__', `{"__proto__":{"$numberInt":"1"}}`],
    ['a binary with a name holding a null character', `{"a":{"$binary":{"base64":"AQID","subType":"00","x\\u0000":"y"}}}`],
    ['a name with a null character', `{"a\\u0000b":"x"}`],
  ])('leaves %s to EJSON.parse, with the same result', (_label, line) => {
    expect(readWithoutReviver(line)).toBeUndefined();
    expectReadAsEjsonParse(line);
  });

  it.each(['0', '-0', '+5', '000123', '-1', '-62198755200000', '999999999999999', '1000000000000000', '8640000000000000', '-8640000000000001', '9223372036854775807'])(
    'reads the date {"$numberLong":"%s"} exactly as EJSON.parse does',
    (milliseconds) => {
      expectReadAsEjsonParse(`{"a":{"$date":{"$numberLong":"${milliseconds}"}}}`);
    },
  );

  it.each([
    ['an ObjectId that is not one', `{"a":{"$oid":"xyz"}}`],
    ['an Int32 beyond its range', `{"a":{"$numberInt":"2147483648"}}`],
    ['an Int64 that is not a number', `{"a":{"$numberLong":"viele"}}`],
    ['a double that is not a number', `{"a":{"$numberDouble":"zwei"}}`],
    ['a binary of a user subtype', `{"a":{"$binary":{"base64":"AQ==","subType":"80"}}}`],
    ['a binary that is not base64', `{"a":{"$binary":{"base64":"***","subType":"00"}}}`],
  ])('reads %s exactly as EJSON.parse does, failing where it fails', (_label, line) => {
    expectReadAsEjsonParse(line);
  });
});

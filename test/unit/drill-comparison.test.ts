import { BSON, Double, Int32, ObjectId, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { DocumentComparison, indexDifferences } from '../../src/restore/drill/drill-comparison.js';

const a = { _id: new ObjectId('650000000000000000000001'), name: 'Hammer', quantity: new Int32(3) };
const b = { _id: new ObjectId('650000000000000000000002'), name: 'Zange', weight: new Double(1) };
const c = { _id: 'werkzeug-3', name: 'Säge' };
const bytes = (doc: Document) => BSON.serialize(doc);

function compare(archived: readonly Document[], server: readonly Uint8Array[]): string | undefined {
  const comparison = new DocumentComparison();
  archived.forEach((doc, i) => comparison.add(doc, server[i]));
  for (const extra of server.slice(archived.length)) comparison.addServerOnly(extra);
  return comparison.difference();
}

describe('DocumentComparison', () => {
  it.each([
    ['the same documents in the same order', [a, b, c], [a, b, c].map(bytes), undefined],
    ['the same documents in another order', [a, b, c], [c, a, b].map(bytes), undefined],
    ['a value of another type under the same _id', [a, b], [a, { ...b, weight: new Int32(1) }].map(bytes), 'Dokument mit _id {"$oid":"650000000000000000000002"} weicht ab (54 Bytes im Archiv, 50 in der Datenbank)'],
    ['fields in another order', [a], [{ name: 'Hammer', _id: a._id, quantity: new Int32(3) }].map(bytes), 'Dokument mit _id {"$oid":"650000000000000000000001"} weicht ab (53 Bytes im Archiv, 53 in der Datenbank)'],
    ['a changed document in another order', [a, b], [{ ...b, name: 'Zangx' }, a].map(bytes), 'Die Dokumente weichen vom Archiv ab (Prüfsumme über alle Dokumente)'],
    ['a missing document', [a, b], [a].map(bytes), '1 Dokumente in der Testdatenbank, im Archiv 2'],
    ['an extra document', [a], [a, b].map(bytes), '2 Dokumente in der Testdatenbank, im Archiv 1'],
    ['one document twice instead of two', [a, b], [a, a].map(bytes), 'Die Dokumente weichen vom Archiv ab (Prüfsumme über alle Dokumente)'],
  ] as const)('%s', (_label, archived, server, difference) => {
    expect(compare(archived, server)).toBe(difference);
  });
});

const barcode = { v: { $numberInt: '2' }, key: { barcode: { $numberInt: '1' } }, name: 'barcode_1', unique: true };
const id = { v: 2, key: { _id: 1 }, name: '_id_' };

describe('indexDifferences', () => {
  it.each([
    ['the same index, v and ns aside', [barcode], [id, { v: 1, key: { barcode: 1 }, name: 'barcode_1', unique: true, ns: 'x.tools' }], []],
    ['options in another order', [barcode], [{ unique: true, name: 'barcode_1', key: { barcode: 1 }, v: 2 }], []],
    ['a missing index', [barcode], [id], ['Index barcode_1 fehlt']],
    ['an index not in the archive', [], [id, { v: 2, key: { name: 1 }, name: 'name_1' }], ['Index name_1 ist nicht im Archiv']],
    [
      'unique lost',
      [barcode],
      [{ v: 2, key: { barcode: 1 }, name: 'barcode_1' }],
      ['Index barcode_1 weicht ab (Archiv {"key":{"barcode":{"$numberInt":"1"}},"name":"barcode_1","unique":true}, Datenbank {"key":{"barcode":{"$numberInt":"1"}},"name":"barcode_1"})'],
    ],
    ['a key in another direction', [barcode], [{ v: 2, key: { barcode: -1 }, name: 'barcode_1', unique: true }], [expect.stringMatching(/^Index barcode_1 weicht ab/)]],
  ] as const)('%s', (_label, expected, actual, problems) => {
    expect(indexDifferences(expected, actual as unknown as Document[])).toEqual(problems);
  });
});

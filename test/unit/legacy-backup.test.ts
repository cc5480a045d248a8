import { readFileSync } from 'node:fs';
import { BSON, Double, Int32, Long, ObjectId, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { legacyCreatedAt, parseLegacyBackup, type LegacyCollection } from '../../src/legacy/legacy-backup.js';
import { AppError } from '../../src/shared/app-error.js';
import { LEGACY_FIXTURE, fixturePath } from '../helpers/fixtures.js';

const fixtureText = readFileSync(fixturePath(LEGACY_FIXTURE), 'utf8');
const raw = JSON.parse(fixtureText) as Record<string, Record<string, unknown>[]>;
const collections = parseLegacyBackup(fixtureText);

function docs(name: string): Document[] {
  const collection = collections.find((c) => c.name === name);
  if (collection === undefined) throw new Error(`collection ${name} missing`);
  return collection.documents;
}

function doc(name: string, index: number): Document {
  const document = docs(name)[index];
  if (document === undefined) throw new Error(`${name}[${index}] missing`);
  return document;
}

function single(text: string): Document {
  const [collection] = parseLegacyBackup(text);
  const document = collection?.documents[0];
  if (document === undefined) throw new Error('no document');
  return document;
}

function expectInvalid(text: string, message?: RegExp): void {
  let caught: unknown;
  try {
    parseLegacyBackup(text);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  expect((caught as AppError).code).toBe('ARCHIVE_INVALID');
  if (message) expect((caught as AppError).message).toMatch(message);
}

describe('parseLegacyBackup with the fixture', () => {
  it('returns every collection in file order with the right counts', () => {
    expect(collections.map((c: LegacyCollection) => [c.name, c.documents.length])).toEqual([
      ['tools', 3],
      ['consumables', 2],
      ['workers', 2],
      ['lendings', 2],
      ['consumable_usages', 2],
      ['settings', 3],
      ['tickets', 2],
      ['ticket_messages', 1],
      ['ticket_notes', 1],
    ]);
  });

  it('turns every _id back into an ObjectId with the same hex', () => {
    for (const { name, documents } of collections) {
      documents.forEach((document, index) => {
        expect(document._id).toBeInstanceOf(ObjectId);
        expect((document._id as ObjectId).toHexString()).toBe(raw[name]?.[index]?._id);
      });
    }
  });

  it('turns ticket_id into an ObjectId', () => {
    for (const name of ['ticket_messages', 'ticket_notes']) {
      const ticketId = doc(name, 0).ticket_id as ObjectId;
      expect(ticketId).toBeInstanceOf(ObjectId);
      expect(ticketId.equals(doc('tickets', 0)._id as ObjectId)).toBe(true);
    }
  });

  it('parses datetimes as UTC and truncates to milliseconds', () => {
    const tool = doc('tools', 0);
    expect(tool.created_at).toBeInstanceOf(Date);
    expect((tool.created_at as Date).getTime()).toBe(Date.UTC(2025, 1, 14, 7, 42, 9, 318));
    expect((tool.updated_at as Date).getTime()).toBe(Date.UTC(2025, 6, 11, 13, 5, 44, 902));
    expect((doc('tools', 2).created_at as Date).getTime()).toBe(Date.UTC(2024, 10, 5, 12, 0, 0, 0)); // .000001
    expect((doc('tools', 1).created_at as Date).getTime()).toBe(Date.UTC(2025, 1, 14, 7, 45, 0));
    expect((doc('workers', 1).created_at as Date).getUTCMilliseconds()).toBe(0); // .000700
    expect((doc('consumables', 0).updated_at as Date).getTime()).toBe(Date.UTC(2025, 6, 10, 15, 20, 1, 0)); // .000250
    expect((doc('tools', 2).deleted_at as Date).getTime()).toBe(Date.UTC(2025, 3, 3, 10, 15, 30, 750));
    expect((doc('lendings', 1).returned_at as Date).getTime()).toBe(Date.UTC(2025, 6, 1, 14, 45, 10, 120));
  });

  it('keeps other strings, nulls, missing fields and booleans as they are', () => {
    expect(doc('tickets', 0).due_date).toBe('2025-07-18');
    expect(doc('tickets', 0).estimated_time).toBe('1,5 h');
    expect(doc('tickets', 0).ticket_number).toBe('2507-004');
    expect(doc('tickets', 1).due_date).toEqual(new Date(Date.UTC(2025, 8, 30))); // a full datetime string
    expect(doc('tools', 0).deleted_at).toBeNull();
    expect(doc('lendings', 0).returned_at).toBeNull();
    expect(doc('tickets', 1).assigned_to).toBeNull();
    expect('deleted_at' in doc('tools', 1)).toBe(false);
    expect('tool_name' in doc('lendings', 1)).toBe(false);
    expect(doc('tools', 2).deleted).toBe(true);
    expect(doc('tools', 0).description).toBe('inkl. 2× 4,0-Ah-Akku und Ladegerät');
    expect(doc('ticket_messages', 0).message).toBe('Ersatzhaube kommt am Donnerstag 🚚');
    expect(doc('ticket_notes', 0).note).toBe('Kosten ≈ 35 € – Freigabe durch Werkstattleitung');
  });

  it('keeps lists, nested documents and extra spreadsheet fields', () => {
    expect(doc('settings', 0).value).toEqual(['Elektrowerkzeug', 'Messwerkzeug', 'Handwerkzeug', 'Befestigung']);
    expect(doc('settings', 1).value).toEqual({ system_name: 'Scandy Werkstatt Nord', ticket_system_name: 'Aufträge', lending_system_name: 'Ausleihe' });
    expect(doc('settings', 2).value).toBe('werkstattleitung@example.org');
    expect(doc('workers', 1).Spindnummer).toBe('S-12');
  });

  it('makes integers Int32', () => {
    expect(doc('consumables', 0).quantity).toEqual(new Int32(54));
    expect(doc('consumables', 0).min_quantity).toBeInstanceOf(Int32);
    expect(doc('consumable_usages', 1).quantity).toEqual(new Int32(-100));
  });

  it('makes other numbers Double', () => {
    expect(doc('consumables', 0).price_eur).toEqual(new Double(12.49));
  });

  it('keeps the key order of every document', () => {
    for (const { name, documents } of collections) {
      documents.forEach((document, index) => {
        expect(Object.keys(document)).toEqual(Object.keys(raw[name]?.[index] ?? {}));
      });
    }
  });

  it('serializes to BSON with the recovered types intact', () => {
    for (const { documents } of collections) {
      for (const document of documents) {
        const back = BSON.deserialize(BSON.serialize(document), { promoteValues: false });
        expect(Object.keys(back)).toEqual(Object.keys(document));
      }
    }
    const back = BSON.deserialize(BSON.serialize(doc('consumables', 0)), { promoteValues: false });
    expect(back._id).toBeInstanceOf(ObjectId);
    expect(back.quantity).toBeInstanceOf(Int32);
    expect(back.created_at).toBeInstanceOf(Date);
    expect(back.name).toBe('Spax Universalschrauben 5x60 (200 St.)');
  });

  it('accepts a byte order mark', () => {
    expect(parseLegacyBackup(`\uFEFF${fixtureText}`)).toEqual(collections);
  });
});

describe('parseLegacyBackup numbers', () => {
  it('distinguishes int and float literals like pymongo did', () => {
    const d = single(
      '{"c": [{"f": 5.0, "e": 1e-05, "i": 5, "max32": 2147483647, "min32": -2147483648, "big": 2147483648,' +
        ' "exact": 9007199254740993, "max64": 9223372036854775807, "neg": -9223372036854775808}]}',
    );
    expect(d.f).toBeInstanceOf(Double);
    expect((d.f as Double).value).toBe(5);
    expect((d.e as Double).value).toBe(0.00001);
    expect(d.i).toEqual(new Int32(5));
    expect(d.max32).toEqual(new Int32(2147483647));
    expect(d.min32).toEqual(new Int32(-2147483648));
    expect(d.big).toBeInstanceOf(Long);
    expect((d.big as Long).toString()).toBe('2147483648');
    expect((d.exact as Long).toString()).toBe('9007199254740993');
    expect((d.max64 as Long).toString()).toBe('9223372036854775807');
    expect((d.neg as Long).toString()).toBe('-9223372036854775808');

    const back = BSON.deserialize(BSON.serialize(d), { promoteValues: false });
    expect(back.f).toBeInstanceOf(Double);
    expect(back.i).toBeInstanceOf(Int32);
    expect((back.exact as Long).toString()).toBe('9007199254740993');
  });

  it('rejects integers beyond int64', () => {
    expectInvalid('{"c": [{"n": 9223372036854775808}]}', /9223372036854775808/);
  });

  it("reads Python's bare NaN and Infinity as doubles, but not inside strings", () => {
    const d = single('{"c": [{"a": NaN, "b": Infinity, "c": [-Infinity, 1], "s": "NaN and -Infinity"}]}');
    expect(d.a).toBeInstanceOf(Double);
    expect(Number.isNaN((d.a as Double).value)).toBe(true);
    expect((d.b as Double).value).toBe(Infinity);
    expect(d.c).toEqual([new Double(-Infinity), new Int32(1)]);
    expect(d.s).toBe('NaN and -Infinity');
  });
});

describe('parseLegacyBackup strings', () => {
  const hex = '5f3c003ca1b2c3d4e5f6a7b8';

  it('recovers ObjectIds in *_id fields at every depth, and only there', () => {
    const d = single(
      JSON.stringify({
        c: [
          {
            _id: hex,
            nested: { tool_id: hex, deeper: { worker_id: hex } },
            list: [{ ticket_id: hex }, hex],
            barcode: hex,
            upper_id: hex.toUpperCase(),
            short_id: hex.slice(1),
            ids: [hex],
          },
        ],
      }),
    );
    expect(d._id).toEqual(new ObjectId(hex));
    const nested = d.nested as Document;
    expect(nested.tool_id).toEqual(new ObjectId(hex));
    expect((nested.deeper as Document).worker_id).toEqual(new ObjectId(hex));
    expect(d.list).toEqual([{ ticket_id: new ObjectId(hex) }, hex]);
    expect(d.barcode).toBe(hex);
    expect(d.upper_id).toBe(hex.toUpperCase());
    expect(d.short_id).toBe(hex.slice(1));
    expect(d.ids).toEqual([hex]);
  });

  it('recovers datetimes anywhere, truncating the fraction', () => {
    const d = single(
      JSON.stringify({
        c: [
          {
            list: ['2025-06-30 12:26:05.123456', 'x'],
            nested: { at: '2025-06-30 12:26:05.9' },
            one: '2025-06-30 12:26:05.000001',
            micro: '2025-06-30 12:26:05.999999',
            old: '0050-01-01 00:00:00',
          },
        ],
      }),
    );
    expect(d.list).toEqual([new Date(Date.UTC(2025, 5, 30, 12, 26, 5, 123)), 'x']);
    expect((d.nested as Document).at).toEqual(new Date(Date.UTC(2025, 5, 30, 12, 26, 5, 900)));
    expect((d.one as Date).getUTCMilliseconds()).toBe(0);
    expect((d.micro as Date).getTime()).toBe(Date.UTC(2025, 5, 30, 12, 26, 5, 999));
    expect((d.old as Date).getUTCFullYear()).toBe(50);
  });

  it.each([
    '2025-02-30 10:00:00',
    '2025-13-01 10:00:00',
    '2025-06-30 24:00:00',
    '2025-06-30 12:60:00',
    '0000-01-01 00:00:00',
    '2025-06-30 12:26:05.1234567',
    '2025-06-30 12:26:05.',
    '2025-06-30T12:26:05',
    '2025-06-30 12:26:05+00:00',
    ' 2025-06-30 12:26:05',
    '2025-07-15',
  ])('keeps %j as a string', (value) => {
    expect(single(JSON.stringify({ c: [{ v: value }] })).v).toBe(value);
  });

  it('keeps a "__proto__" key as data without touching the prototype', () => {
    const d = single('{"c": [{"__proto__": {"polluted": true}, "a": 1}]}');
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(Object.keys(d)).toEqual(['__proto__', 'a']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts empty collections and unknown collection names', () => {
    expect(parseLegacyBackup('{"users": [], "tools": [{}]}')).toEqual([
      { name: 'users', documents: [] },
      { name: 'tools', documents: [{}] },
    ]);
  });
});

describe('parseLegacyBackup rejects invalid files', () => {
  it.each([
    ['a top-level array', '[{"tools": []}]', /JSON-Objekt.*Liste/],
    ['a top-level string', '"tools"', /JSON-Objekt/],
    ['a collection that is no list', '{"tools": {"a": 1}}', /Sammlung "tools".*Liste von Dokumenten.*ein Objekt/],
    ['a collection that is null', '{"tools": null}', /Sammlung "tools"/],
    ['an element that is no document', '{"tools": [{}, {}, "x"]}', /Sammlung "tools", Eintrag 2 .*Zeichenkette/],
    ['an element that is a list', '{"tools": [[]]}', /Eintrag 0 .*Liste/],
    ['an element that is a number', '{"tools": [5]}', /Eintrag 0 .*Zahl/],
    ['a path as collection name', '{"../x": []}', /Sammlungsname "\.\.\/x"/],
    ['a system collection name', '{"system.users": []}', /Sammlungsname/],
    ['an empty collection name', '{"": []}', /Sammlungsname/],
    ['an empty file', '', /kein gültiges JSON/],
    ['a truncated file', '{"tools": [{"a": 1}', /kein gültiges JSON/],
    ['a collection named twice', '{"tools": [], "workers": [], "tools": [{}]}', /Sammlung "tools" kommt in der alten Sicherungsdatei doppelt vor/],
    ['a document over 16 MiB (the file is read one document at a time)', `{"tools": [{}, {"a": "${'x'.repeat(16 * 1024 * 1024)}"}]}`, /Sammlung "tools", Eintrag 1 .*größer als 16 MiB/],
  ])('%s', (_label, text, message) => {
    expectInvalid(text, message);
  });

  it('reports line and column of a JSON syntax error', () => {
    expectInvalid('{\n  "tools": [\n    {"a": 1,}\n  ]\n}', /Zeile 3, Spalte 13/);
  });

  it('names the wrong collection and index in the error details', () => {
    try {
      parseLegacyBackup('{"tools": [{}], "workers": [{}, null]}');
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).details).toEqual({ collection: 'workers', index: 1 });
    }
  });
});

describe('legacyCreatedAt', () => {
  it('reads the name as Europe/Berlin summer time', () => {
    expect(legacyCreatedAt(LEGACY_FIXTURE)?.toISOString()).toBe('2025-07-12T04:00:00.000Z');
  });

  it('reads the name as Europe/Berlin winter time', () => {
    expect(legacyCreatedAt('scandy_backup_20250115_060000.json')?.toISOString()).toBe('2025-01-15T05:00:00.000Z');
  });

  it('handles the days of the clock change and a full path', () => {
    expect(legacyCreatedAt('/srv/backups/scandy_backup_20250330_010000.json')?.toISOString()).toBe('2025-03-30T00:00:00.000Z');
    expect(legacyCreatedAt('scandy_backup_20250330_040000.json')?.toISOString()).toBe('2025-03-30T02:00:00.000Z');
    expect(legacyCreatedAt('scandy_backup_20251026_010000.json')?.toISOString()).toBe('2025-10-25T23:00:00.000Z');
    expect(legacyCreatedAt('scandy_backup_20251026_040000.json')?.toISOString()).toBe('2025-10-26T03:00:00.000Z');
  });

  it.each(['backup_20250630_180000.json', 'scandy_backup_20250630_180000.json.bak', 'scandy_backup_20250230_180000.json', 'scandy_backup_2025063_180000.json'])(
    'gives undefined for %j',
    (name) => {
      expect(legacyCreatedAt(name)).toBeUndefined();
    },
  );
});

import { BSON, Int32 } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { indexSpecsForCreate } from '../../src/restore/index-specs.js';

const asInManifest = (index: object) => BSON.EJSON.serialize(index, { relaxed: false }) as Record<string, unknown>;

describe('index definitions of an archive passed to createIndexes', () => {
  it('keeps the known index fields only: v, ns, background and anything unknown are dropped', () => {
    const specs = indexSpecsForCreate([
      asInManifest({ v: new Int32(2), key: { _id: new Int32(1) }, name: '_id_' }),
      asInManifest({
        v: new Int32(2),
        key: { name: 'text', description: 'text' },
        name: 'name_text',
        ns: 'scandy.tools',
        background: true,
        weights: { name: new Int32(10) },
        default_language: 'german',
        language_override: 'sprache',
        textIndexVersion: new Int32(3),
        collation: { locale: 'de' },
        hidden: false,
        sparse: true,
        evil: { $where: 'sleep(1000)' },
        storageEngine: { wiredTiger: { configString: 'x' } },
      }),
      asInManifest({ key: { ort: '2dsphere' }, name: 'ort', '2dsphereIndexVersion': new Int32(3), bits: new Int32(26), min: -180, max: 180 }),
      asInManifest({ key: { '$**': new Int32(1) }, name: 'alles', wildcardProjection: { geheim: new Int32(0) }, partialFilterExpression: { a: { $exists: true } } }),
      asInManifest({ key: { created_at: new Int32(1) }, name: 'ttl', expireAfterSeconds: new Int32(3600), unique: true, dropDups: true }),
    ]);
    expect(specs.map((spec) => Object.keys(spec))).toEqual([
      ['key', 'name', 'weights', 'default_language', 'language_override', 'textIndexVersion', 'collation', 'hidden', 'sparse'],
      ['key', 'name', '2dsphereIndexVersion', 'bits', 'min', 'max'],
      ['key', 'name', 'wildcardProjection', 'partialFilterExpression'],
      ['key', 'name', 'expireAfterSeconds', 'unique'],
    ]);
  });
});

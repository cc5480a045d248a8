import { BSON, type Document } from 'mongodb';

/**
 * The index fields a restore passes to createIndexes (MongoDB's createIndexes
 * options, without `storageEngine`, which hands arbitrary settings to the
 * storage engine). Anything else an archive lists, `v`, `ns` and
 * `background` included, is dropped: a crafted archive can set no more than
 * these.
 */
const FOR_CREATE = new Set([
  'key',
  'name',
  'unique',
  'sparse',
  'partialFilterExpression',
  'expireAfterSeconds',
  'collation',
  'hidden',
  'weights',
  'default_language',
  'language_override',
  'textIndexVersion',
  '2dsphereIndexVersion',
  'bits',
  'min',
  'max',
  'wildcardProjection',
]);

/**
 * Turns the manifest's index definitions (canonical Extended JSON of
 * listIndexes) into createIndexes specs; the `_id` index always exists.
 */
export function indexSpecsForCreate(indexes: readonly Record<string, unknown>[]): Document[] {
  return indexes
    .map((index) => BSON.EJSON.deserialize(index, { relaxed: false }) as Document)
    .filter((index) => index.name !== '_id_')
    .map((index) => Object.fromEntries(Object.entries(index).filter(([key]) => FOR_CREATE.has(key))));
}

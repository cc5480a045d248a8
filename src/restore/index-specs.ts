import { BSON, type Document } from 'mongodb';

/** Options that listIndexes returns but createIndexes refuses (or ignores) on some servers. */
const NOT_FOR_CREATE = new Set(['v', 'ns', 'background']);

/**
 * Turns the manifest's index definitions (canonical Extended JSON of
 * listIndexes) into createIndexes specs; the `_id` index always exists.
 */
export function indexSpecsForCreate(indexes: readonly Record<string, unknown>[]): Document[] {
  return indexes
    .map((index) => BSON.EJSON.deserialize(index, { relaxed: false }) as Document)
    .filter((index) => index.name !== '_id_')
    .map((index) => Object.fromEntries(Object.entries(index).filter(([key]) => !NOT_FOR_CREATE.has(key))));
}

import { BSON, type Db, type Document } from 'mongodb';
import type { ManifestCollection } from '../archive/archive-format.js';
import { AppError } from '../shared/app-error.js';
import { indexSpecsForCreate } from './index-specs.js';

/**
 * An index of the archive that can delete documents (TTL, `expireAfterSeconds`)
 * or refuse the app's writes (unique) and that the collection does not have
 * now: a restore creates it only after an explicit confirmation.
 */
export interface IndexToConfirm {
  readonly collection: string;
  readonly name: string;
  /** The indexed fields, e.g. `{"created_at": 1}`. */
  readonly key: Record<string, unknown>;
  readonly unique: boolean;
  /** Seconds after the indexed date at which MongoDB deletes a document; absent for an index without TTL. */
  readonly expireAfterSeconds?: number;
}

/** The TTL and unique indexes of these archive collections that their live collections lack (same fields, same options). */
export async function indexesToConfirm(db: Db, collections: readonly ManifestCollection[]): Promise<IndexToConfirm[]> {
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  const found: IndexToConfirm[] = [];
  for (const collection of collections) {
    const current = existing.has(collection.name) ? (await db.collection(collection.name).listIndexes().toArray()).map(signature) : [];
    for (const index of indexSpecsForCreate(collection.indexes)) {
      const ttl = index.expireAfterSeconds !== undefined;
      if (!ttl && index.unique !== true) continue;
      if (current.includes(signature(index))) continue;
      found.push({
        collection: collection.name,
        name: String(index.name),
        key: BSON.EJSON.serialize(index.key, { relaxed: true }) as Record<string, unknown>,
        unique: index.unique === true,
        ...(ttl ? { expireAfterSeconds: numberOf(index.expireAfterSeconds) } : {}),
      });
    }
  }
  return found;
}

/** What makes two indexes the same for this question: fields, uniqueness, TTL and filter. */
function signature(index: Document): string {
  return BSON.EJSON.stringify(
    {
      key: index.key as unknown,
      unique: index.unique === true,
      ttl: index.expireAfterSeconds === undefined ? null : numberOf(index.expireAfterSeconds),
      filter: (index.partialFilterExpression as unknown) ?? null,
    },
    { relaxed: true },
  );
}

/** A number as listIndexes (plain) or the archive (Int32, Double, Long) gives it. */
function numberOf(value: unknown): number {
  return value instanceof BSON.Long ? value.toNumber() : Number(value);
}

/** How the index reads in German, e.g. `tools.created_at_1 (löscht Dokumente 0 Sekunden nach created_at)`. */
export function describeIndexToConfirm(index: IndexToConfirm): string {
  const fields = Object.keys(index.key).join(', ');
  const what =
    index.expireAfterSeconds !== undefined
      ? `löscht Dokumente ${index.expireAfterSeconds} Sekunden nach ${fields}`
      : `eindeutig: ${fields}, lehnt doppelte Werte ab`;
  return `${index.collection}.${index.name} (${what})`;
}

/**
 * Refuses a restore of `collections` (all of the preview's, when not given)
 * that would create such indexes unless they were confirmed (`confirmation`
 * says how).
 */
export function requireIndexConfirmation(
  found: readonly IndexToConfirm[],
  collections: readonly string[] | undefined,
  confirmed: boolean,
  confirmation: string,
): void {
  const indexes = found.filter((index) => !collections || collections.includes(index.collection));
  if (indexes.length === 0 || confirmed) return;
  throw new AppError(
    'INVALID_INPUT',
    `Das Backup legt Indizes an, die es jetzt nicht gibt und die Dokumente löschen oder Schreibzugriffe ablehnen können: ` +
      `${indexes.map(describeIndexToConfirm).join('; ')}. Bitte prüfen und ausdrücklich bestätigen (${confirmation}).`,
    { details: { indexesToConfirm: indexes } },
  );
}

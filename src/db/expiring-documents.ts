import type { Db, IndexDescription } from 'mongodb';
import { detectCapabilities, type ServerCapabilities } from './server-capabilities.js';

const SWEEP_INTERVAL_MS = 5 * 60 * 1000;

/**
 * The index that bounds a collection whose documents hold their end in
 * `field` (a Date): on MongoDB a TTL index, which removes them itself; on
 * FerretDB (no TTL indexes) a plain one that keeps the sweep cheap.
 */
export function expiryIndex(field: string, capabilities: Pick<ServerCapabilities, 'isFerretDb'>): IndexDescription {
  const name = `${field}_expiry`;
  return capabilities.isFerretDb ? { key: { [field]: 1 }, name } : { key: { [field]: 1 }, name, expireAfterSeconds: 0 };
}

/**
 * Keeps `collection` bounded: creates the expiry index once, and deletes what
 * has expired every few minutes with acknowledged writes (needed on FerretDB,
 * harmless on MongoDB, whose TTL monitor runs only once a minute).
 * Returns a function that stops the sweep.
 */
export function keepExpiringBounded(db: Db, collection: string, field: string, sweepMs = SWEEP_INTERVAL_MS): () => void {
  const documents = db.collection(collection);
  const sweep = () => documents.deleteMany({ [field]: { $lt: new Date() } }).catch(() => undefined);
  void detectCapabilities(db)
    .then((capabilities) => documents.createIndexes([expiryIndex(field, capabilities)]))
    .catch(() => undefined) // the sweep still bounds it
    .then(sweep);
  const timer = setInterval(() => void sweep(), sweepMs);
  timer.unref();
  return () => clearInterval(timer);
}

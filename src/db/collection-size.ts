import type { Db } from 'mongodb';
import type { ServerCapabilities } from './server-capabilities.js';

/**
 * A cheap document count for progress bars. MongoDB answers
 * estimatedDocumentCount from metadata; FerretDB's `count` scans the whole
 * collection, while its `$collStats` count does not.
 */
export async function approximateCount(db: Db, collection: string, capabilities: ServerCapabilities): Promise<number> {
  if (!capabilities.isFerretDb) return db.collection(collection).estimatedDocumentCount();
  const [stats] = await db.collection(collection).aggregate<{ count?: number }>([{ $collStats: { count: {} } }]).toArray();
  return stats?.count ?? 0;
}

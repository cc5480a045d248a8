import type { Db } from 'mongodb';
import type { ServerCapabilities } from './server-capabilities.js';

export interface CollectionEstimate {
  readonly count: number;
  /** Average stored size of a document, where the server's batches need it (FerretDB). */
  readonly averageBytes: number | undefined;
}

export const EMPTY_COLLECTION: CollectionEstimate = Object.freeze({ count: 0, averageBytes: undefined });

/** MongoDB ends a batch at 16 MiB; FerretDB sends as many documents as asked for. */
const MAX_BATCH_BYTES = 16 * 1024 * 1024;
const MAX_BATCH_DOCUMENTS = 1000;

/**
 * A cheap document count for progress bars. MongoDB answers
 * estimatedDocumentCount from metadata; FerretDB's `count` scans the whole
 * collection, while its `$collStats` does not.
 */
export async function estimateCollection(db: Db, collection: string, capabilities: ServerCapabilities): Promise<CollectionEstimate> {
  if (!capabilities.isFerretDb) return { count: await db.collection(collection).estimatedDocumentCount(), averageBytes: undefined };
  const [stats] = await db
    .collection(collection)
    .aggregate<{ storageStats?: { count?: number; avgObjSize?: number } }>([{ $collStats: { storageStats: {} } }])
    .toArray();
  return { count: stats?.storageStats?.count ?? 0, averageBytes: stats?.storageStats?.avgObjSize };
}

/** Documents per read batch: 1000, fewer for large documents, so that one batch stays near 16 MiB. */
export function readBatchSize(averageBytes: number | undefined): number {
  if (!averageBytes || averageBytes <= 0) return MAX_BATCH_DOCUMENTS;
  return Math.max(1, Math.min(MAX_BATCH_DOCUMENTS, Math.floor(MAX_BATCH_BYTES / averageBytes)));
}

import { MongoClient, type Db } from 'mongodb';
import { AppError, describeError } from '../shared/app-error.js';

export interface DatabaseHandle {
  readonly client: MongoClient;
  readonly db: Db;
  close(): Promise<void>;
}

export async function connectDatabase(uri: string, dbName: string, options: { timeoutMs?: number } = {}): Promise<DatabaseHandle> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new AppError('DATABASE_UNAVAILABLE', `Datenbank nicht erreichbar: ${describeError(error)}`, { cause: error });
  }
  return { client, db: client.db(dbName), close: () => client.close() };
}

import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, inject } from 'vitest';
import { randomToken } from '../../src/shared/ids.js';

export interface TestDatabase {
  readonly uri: string;
  readonly client: MongoClient;
  readonly db: Db;
  readonly dbName: string;
}

/** A fresh database on the shared FerretDB for one test file, dropped afterwards. */
export function useTestDatabase(): TestDatabase {
  const uri = inject('mongoUri');
  const dbName = `test_${randomToken(5)}`;
  const client = new MongoClient(uri);
  const handle = { uri, client, dbName, db: client.db(dbName) };
  beforeAll(async () => {
    await client.connect();
  });
  afterAll(async () => {
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
  });
  return handle;
}

import type { Config } from '../config/config.js';
import { connectDatabase, type DatabaseHandle } from './connect.js';
import type { Say } from './local-ferretdb.js';
import { ensureLocalDatabase } from './shared-local-database.js';

/**
 * The database the configuration names: MONGODB_URI when set, else the local
 * FerretDB under DATA_DIR (reused when `npm start` already runs it). `say`
 * gets the note that the local database is being built (default: stderr).
 */
export async function openDatabase(config: Config, say?: Say): Promise<DatabaseHandle & { readonly uri: string; readonly local: boolean }> {
  if (config.mongodbUri) {
    const handle = await connectDatabase(config.mongodbUri, config.mongodbDb);
    return { ...handle, uri: config.mongodbUri, local: false };
  }
  const local = await ensureLocalDatabase(config.dataDir, say);
  const handle = await connectDatabase(local.uri, config.mongodbDb).catch(async (error: unknown) => {
    await local.stop();
    throw error;
  });
  return {
    ...handle,
    uri: local.uri,
    local: true,
    close: async () => {
      await handle.close();
      await local.stop();
    },
  };
}

import type { Config } from '../config/config.js';
import { connectDatabase, type DatabaseHandle } from './connect.js';
import { ensureLocalDatabase } from './local-ferretdb.js';

/**
 * The database the configuration names: MONGODB_URI when set, else the local
 * FerretDB under DATA_DIR (reused when `npm start` already runs it).
 */
export async function openDatabase(config: Config): Promise<DatabaseHandle & { readonly uri: string; readonly local: boolean }> {
  if (config.mongodbUri) {
    const handle = await connectDatabase(config.mongodbUri, config.mongodbDb);
    return { ...handle, uri: config.mongodbUri, local: false };
  }
  const local = await ensureLocalDatabase(config.dataDir);
  const handle = await connectDatabase(local.uri, config.mongodbDb);
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

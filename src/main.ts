import type { Server } from 'node:http';
import { createBackupContext } from './backup/backup-context.js';
import { loadConfig } from './config/config.js';
import { loadEnvFile } from './config/load-env-file.js';
import { openDatabase } from './db/open-database.js';
import { isDatabaseEmpty, seedDatabase } from './seed/seed-database.js';
import { describeError } from './shared/app-error.js';
import { createApp } from './web/create-app.js';

const DEMO_DOCUMENTS = 2000;

async function main(): Promise<void> {
  loadEnvFile();
  const config = loadConfig();
  const database = await openDatabase(config);
  if (database.local) {
    console.log(`Lokale Datenbank (FerretDB) unter ${config.dataDir} auf ${database.uri}`);
    if (await isDatabaseEmpty(database.db, config.backupCollections)) {
      const counts = await seedDatabase(database.db, { docs: DEMO_DOCUMENTS });
      console.log(`Leere Datenbank mit Demodaten gefüllt: ${Object.values(counts).reduce((a, b) => a + b, 0)} Dokumente`);
    }
  }
  const backup = createBackupContext(config, database.db);
  await backup.store.ensureDir();
  const app = createApp({ backup });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(config.port, () => resolve(s));
  });
  console.log(`Scandy Backup läuft auf http://localhost:${config.port}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: wird beendet …`);
    server.close();
    await database.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(`scandy-backup: ${describeError(error)}`);
  process.exit(1);
});

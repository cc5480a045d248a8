import { ensureFirstAdmin } from '../auth/ensure-first-admin.js';
import type { Config } from '../config/config.js';
import { readServerIdentities } from '../config/encryption-config.js';
import { openDatabase } from '../db/open-database.js';
import { isDatabaseEmpty, seedDatabase } from '../seed/seed-database.js';
import { createApp } from '../web/create-app.js';
import { composeBackupSystem, webDependencies, type BackupSystem } from './compose.js';
import { listenHttp } from './http-server.js';

const DEMO_DOCUMENTS = 2000;
/** How often the running app looks for a restore that was interrupted elsewhere. */
const REPAIR_CHECK_MS = 60_000;

export interface RunningApplication {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The app: web server port, database, the backup system (src/app/compose.ts)
 * and the web pages. The port is bound first: when it is
 * taken, nothing else starts. When a later step fails, what was started is
 * stopped again (a local FerretDB this run started included). `say` prints
 * what an operator needs to know at start.
 */
export async function startApplication(config: Config, say: (line: string) => void): Promise<RunningApplication> {
  const identities = await readServerIdentities(config.encryptionIdentityFile);
  const http = await listenHttp({ host: config.host, port: config.port });
  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  let system: BackupSystem | undefined;
  let repairTimer: NodeJS.Timeout | undefined;
  const stop = async () => {
    clearInterval(repairTimer);
    await http.close();
    await system?.close();
    await database?.close();
  };

  try {
    database = await openDatabase(config, say);
    system = composeBackupSystem({ config, db: database.db, echo: say, identities });
    const { manager } = system;
    await manager.ensureDir();
    // Before anything looks at the data: a restore killed mid-way is rolled back (a committed one is complete already).
    await manager.repairInterruptedRestore({ resumeSafetyArchive: false });
    if (database.local) {
      say(`Lokale Datenbank (FerretDB) unter ${config.dataDir}, ${database.uri}`);
      if (await isDatabaseEmpty(database.db, config.backupCollections)) {
        const counts = await seedDatabase(database.db, { docs: DEMO_DOCUMENTS });
        say(`Leere Datenbank mit Demodaten gefüllt: ${Object.values(counts).reduce((a, b) => a + b, 0)} Dokumente`);
      }
    }
    const firstAdmin = await ensureFirstAdmin(database.db, config);

    http.serve(createApp({ ...webDependencies(system, config, database.db), trustProxy: config.trustProxy }));
    await system.startTicking();
    // A restore's pending safety archive is written now, in the background, whatever wait its last failure set.
    void manager.resumePendingSafetyArchive().catch(() => undefined);
    repairTimer = setInterval(() => void manager.repairIfInterrupted().catch(() => undefined), REPAIR_CHECK_MS);
    repairTimer.unref();

    say(`Scandy Backup läuft auf ${http.where} — Anmeldung: ${http.url}/login`);
    if (firstAdmin.created) {
      say(`Admin-Konto angelegt: ${firstAdmin.email}`);
      if (firstAdmin.generatedPassword) say(`Passwort (wird nur jetzt angezeigt): ${firstAdmin.generatedPassword}`);
    }
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  return { url: http.url, stop };
}

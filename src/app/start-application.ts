import { ensureFirstAdmin } from '../auth/ensure-first-admin.js';
import { createBackupContext } from '../backup/backup-context.js';
import { OperationTracker } from '../backup/operation-tracker.js';
import type { Config } from '../config/config.js';
import { readServerIdentities } from '../config/encryption-config.js';
import { openDatabase } from '../db/open-database.js';
import { repairIfInterrupted, repairInterruptedRestore, resumePendingSafetyArchive } from '../restore/repair-interrupted-restore.js';
import { createAutomaticBackups, type AutomaticBackups } from '../scheduler/automatic-backups.js';
import { isDatabaseEmpty, seedDatabase } from '../seed/seed-database.js';
import { createApp } from '../web/create-app.js';
import { listenHttp } from './http-server.js';

const DEMO_DOCUMENTS = 2000;
/** How often the running app looks for a restore that was interrupted elsewhere. */
const REPAIR_CHECK_MS = 60_000;

export interface RunningApplication {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The composition root: web server port, database, log and mail, backup
 * engine, scheduler and web, wired once. The port is bound first: when it is
 * taken, nothing else starts. When a later step fails, what was started is
 * stopped again (a local FerretDB this run started included). `say` prints
 * what an operator needs to know at start.
 */
export async function startApplication(config: Config, say: (line: string) => void): Promise<RunningApplication> {
  const identities = await readServerIdentities(config.encryptionIdentityFile);
  const http = await listenHttp({ host: config.host, port: config.port });
  let database: Awaited<ReturnType<typeof openDatabase>> | undefined;
  let automatic: AutomaticBackups | undefined;
  let repairTimer: NodeJS.Timeout | undefined;
  const stop = async () => {
    clearInterval(repairTimer);
    await http.close();
    await automatic?.close();
    await database?.close();
  };

  try {
    database = await openDatabase(config, say);
    automatic = createAutomaticBackups({ config, db: database.db, echo: say });
    const backup = createBackupContext(config, database.db, { emit: automatic.emit, identities });
    await backup.store.ensureDir();
    // Before anything looks at the data: a restore killed mid-way is rolled back (a committed one is complete already).
    await repairInterruptedRestore(backup, { resumeSafetyArchive: false });
    if (database.local) {
      say(`Lokale Datenbank (FerretDB) unter ${config.dataDir}, ${database.uri}`);
      if (await isDatabaseEmpty(database.db, config.backupCollections)) {
        const counts = await seedDatabase(database.db, { docs: DEMO_DOCUMENTS });
        say(`Leere Datenbank mit Demodaten gefüllt: ${Object.values(counts).reduce((a, b) => a + b, 0)} Dokumente`);
      }
    }
    const tracker = new OperationTracker();
    const scheduler = automatic.createScheduler({ backup, tracker });
    const firstAdmin = await ensureFirstAdmin(database.db, config);

    http.serve(
      createApp({
        config,
        db: database.db,
        backup,
        tracker,
        scheduler,
        logReader: automatic.log.reader,
        audit: automatic.log.write,
        mailBackup: automatic.mailBackup,
        trustProxy: config.trustProxy,
      }),
    );
    await automatic.start();
    // A restore's pending safety archive is written now, in the background, whatever wait its last failure set.
    void resumePendingSafetyArchive(backup).catch(() => undefined);
    repairTimer = setInterval(() => void repairIfInterrupted(backup).catch(() => undefined), REPAIR_CHECK_MS);
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

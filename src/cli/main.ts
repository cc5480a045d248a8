import { parseArgs } from 'node:util';
import { composeBackupSystem } from '../app/compose.js';
import type { OperationProgress } from '../backup/backup-events.js';
import { loadConfig } from '../config/config.js';
import { readIdentityFile, readServerIdentities, userInput } from '../config/encryption-config.js';
import { loadEnvFile } from '../config/load-env-file.js';
import { openDatabase } from '../db/open-database.js';
import { AppError, describeError, isAppError } from '../shared/app-error.js';
import { COMMANDS } from './cli-commands.js';
import { keygenCommand } from './keygen-command.js';

const USAGE = `Aufruf: scandy-backup BEFEHL [--json]
  create                          Backup jetzt erstellen
  list                            Backups auflisten
  verify NAME|DATEI               Archiv vollständig prüfen (ohne Datenbank) [--identity SCHLÜSSELDATEI]
  restore NAME|DATEI --yes        Wiederherstellen (der ersetzte Stand wird als Sicherungs-Backup aufbewahrt;
                                  Änderungen in Scandy währenddessen landen dort, nicht in den wiederhergestellten Daten)
        [--collections a,b] [--preview] [--accept-indexes] [--identity SCHLÜSSELDATEI]
                                  --accept-indexes: neue TTL- und eindeutige Indizes aus dem Backup anlegen (--preview zeigt sie)
  prune                           Alte Backups nach BACKUP_KEEP löschen
  import-legacy DATEI             Altes scandy_backup_*.json in ein Archiv umwandeln
  admin E-MAIL [--password P]     Admin anlegen oder Passwort neu setzen (ohne --password: erzeugt und ausgegeben)
  drill [NAME]                    Wiederherstellung testen: neuestes (oder dieses) Backup in die Testdatenbank
                                  (BACKUP_DRILL_DB) laden, byte-genau vergleichen, wieder löschen [--identity SCHLÜSSELDATEI]
  keygen [-o DATEI]               Neues Schlüsselpaar (age) für verschlüsselte Backups ausgeben (-o: in DATEI, Rechte 0600)`;

/**
 * `scandy-backup list | head`: once the reader is gone, output is dropped
 * quietly (as a shell's SIGPIPE would end the command) instead of a trace.
 */
function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

async function main(argv: readonly string[]): Promise<number> {
  ignoreClosedPipe(process.stdout);
  ignoreClosedPipe(process.stderr);
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        yes: { type: 'boolean', short: 'y', default: false },
        preview: { type: 'boolean', default: false },
        'accept-indexes': { type: 'boolean', default: false },
        collections: { type: 'string' },
        password: { type: 'string' },
        identity: { type: 'string' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError(describeError(error));
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.help || !command) {
    process.stdout.write(USAGE + '\n');
    return values.help ? 0 : 2;
  }
  if (command === 'keygen') return keygenCommand(args, values.json, values.output);
  const run = COMMANDS[command];
  if (!run) return usageError(`unbekannter Befehl "${command}"`);

  loadEnvFile();
  const config = loadConfig();
  const identities = await readServerIdentities(config.encryptionIdentityFile);
  const requestIdentities = values.identity === undefined ? undefined : await readIdentityFile(values.identity, userInput('--identity'), { requirePrivate: false });
  const database = await openDatabase(config);
  try {
    // CLI operations go into auto_backup.log and the last-run record like any other; the scheduler does not tick here.
    const system = composeBackupSystem({ config, db: database.db, ticker: false, identities });
    try {
      await system.manager.ensureDir();
      // The admins' retention and schedule (settings on /admin/auto-backup) apply to the command line too.
      await system.settings.refresh();
      const showProgress = !values.json && process.stderr.isTTY;
      const output = await run(system.manager, {
        args,
        yes: values.yes,
        preview: values.preview,
        collections: values.collections?.split(',').map((c) => c.trim()).filter(Boolean),
        onProgress: showProgress ? progressLine : undefined,
        password: values.password,
        identities: requestIdentities,
        acceptIndexes: values['accept-indexes'],
        db: database.db,
      });
      if (showProgress) process.stderr.write('\r\x1b[K');
      const shown = values.json ? JSON.stringify(output.json, null, 2) : output.text;
      if (shown) process.stdout.write(shown + '\n');
      if (output.failure) {
        process.stderr.write(`scandy-backup: ${output.failure}\n`);
        return 1;
      }
      return 0;
    } finally {
      await system.close();
    }
  } finally {
    await database.close();
  }
}

function progressLine(p: OperationProgress): void {
  const percent = p.documentsTotal > 0 ? Math.floor((p.documentsDone / p.documentsTotal) * 100) : 0;
  process.stderr.write(`\r\x1b[K${p.phase} ${p.collection ?? ''} ${p.documentsDone}/${p.documentsTotal} (${percent} %)`);
}

function usageError(message: string): number {
  process.stderr.write(`scandy-backup: ${message}\n${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const code = isAppError(error) && (error as AppError).code === 'INVALID_INPUT' ? 2 : 1;
    process.stderr.write(`scandy-backup: ${describeError(error)}\n`);
    process.exit(code);
  },
);

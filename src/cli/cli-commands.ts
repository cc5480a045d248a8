import type { Db } from 'mongodb';
import { archiveSourceFromArgument } from '../backup/archive-source.js';
import type { ProgressListener } from '../backup/backup-events.js';
import { CONTENT_NEEDS_KEY } from '../backup/verify-backup.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import { DecryptionError } from '../crypto/decryption-error.js';
import type { BackupManager } from '../manager/backup-manager.js';
import { describeIndexToConfirm, requireIndexConfirmation } from '../restore/index-review.js';
import { safetyArchiveNote } from '../restore/restore-backup.js';
import { AppError } from '../shared/app-error.js';
import { adminCommand } from './admin-command.js';
import { formatBytes, formatDuration } from '../shared/human-units.js';
import { table } from './cli-output.js';
import { locationLabel, offsiteStateText } from '../offsite/offsite-wording.js';
import { drillOutput } from './drill-output.js';

export interface CommandInput {
  readonly args: readonly string[];
  readonly yes: boolean;
  readonly preview: boolean;
  readonly collections: readonly string[] | undefined;
  readonly onProgress: ProgressListener | undefined;
  readonly password?: string | undefined;
  /** `--identity FILE`: secret keys for this one command. */
  readonly identities?: AgeIdentities | undefined;
  /** restore: creates TTL and unique indexes the collections do not have now. */
  readonly acceptIndexes?: boolean;
  /** For the accounts (`admin`); backups go through the manager. */
  readonly db: Db;
}

export interface CommandOutput {
  readonly json: unknown;
  readonly text: string;
  /** The command ran but its answer is "no" (a failed drill): exit status 1 with this line on stderr, after the output. */
  readonly failure?: string;
}

const ACTOR = 'CLI';

function oneArgument(command: string, args: readonly string[]): string {
  if (args.length !== 1) throw new AppError('INVALID_INPUT', `${command} erwartet genau einen NAME oder eine DATEI`);
  return args[0]!;
}

export const COMMANDS: Record<string, (manager: BackupManager, input: CommandInput) => Promise<CommandOutput>> = {
  async create(manager, { onProgress }) {
    const result = await manager.create({ kind: 'manual', actor: ACTOR, onProgress });
    return {
      json: { name: result.backup.name, size: result.backup.size, documents: result.documents, durationMs: result.durationMs, pruned: result.pruned },
      text: `Backup erstellt: ${result.backup.name} (${formatBytes(result.backup.size)}, ${result.documents} Dokumente, ${formatDuration(result.durationMs)})`,
    };
  },

  async list(manager) {
    const backups = await manager.list();
    const rows = backups.map((b) => [
      b.name,
      b.kind,
      formatBytes(b.size),
      [locationLabel(b.locations), offsiteStateText(b.offsite)].filter(Boolean).join(', '),
      b.documents === undefined ? `FEHLER: ${b.problem}` : `${b.documents} Dokumente`,
      b.consistency ?? '',
    ]);
    return {
      json: backups.map((b) => ({ ...b, createdAt: b.createdAt.toISOString(), consistency: b.consistency ?? null, offsite: b.offsite ?? null })),
      text: backups.length === 0 ? 'Keine Backups vorhanden.' : table(rows),
    };
  },

  async verify(manager, { args, onProgress, identities }) {
    const report = await manager.verify(archiveSourceFromArgument(oneArgument('verify', args)), onProgress, identities);
    const counts = `${report.documents} Dokumente in ${report.collections.length} Collections`;
    return {
      json: { source: report.source, ok: true, contentChecked: report.contentChecked, documents: report.documents, collections: report.collections },
      text: report.contentChecked
        ? `OK: ${report.source} ist vollständig und unverändert (${counts})`
        : `OK: ${report.source}: ${CONTENT_NEEDS_KEY} (--identity DATEI) (${counts} laut Beschreibung)`,
    };
  },

  async restore(manager, { args, yes, preview, collections, onProgress, identities, acceptIndexes }) {
    const source = archiveSourceFromArgument(oneArgument('restore', args));
    if (preview) {
      const result = await manager.previewRestore(source, identities);
      const rows = [['Collection', 'jetzt', 'im Backup'], ...result.collections.map((c) => [c.name, String(c.current), String(c.backup)])];
      const indexes = result.indexesToConfirm.map((index) => `\n  ${describeIndexToConfirm(index)}`).join('');
      const note =
        (indexes ? `\nNeue Indizes, die mit --accept-indexes bestätigt werden müssen:${indexes}` : '') +
        (result.needsKey ? '\nVerschlüsselt: die Zahlen im Backup stammen aus seiner Beschreibung; Wiederherstellen braucht --identity DATEI.' : '');
      return { json: result, text: table(rows) + note };
    }
    if (!yes) {
      throw new AppError(
        'INVALID_INPUT',
        'Die Wiederherstellung ersetzt die Daten: mit --yes bestätigen (oder erst --preview ansehen). ' +
          'Änderungen, die während der Wiederherstellung in Scandy gemacht werden, landen im Sicherungs-Backup, nicht in den wiederhergestellten Daten.',
      );
    }
    // With an encrypted backup this reads its manifest with the key (a wrong or missing key is refused here, before anything starts).
    const { indexesToConfirm, needsKey } = await manager.previewRestore(source, identities);
    if (needsKey) throw new DecryptionError('no-identity');
    requireIndexConfirmation(indexesToConfirm, collections, acceptIndexes === true, 'mit --accept-indexes');
    const result = await manager.restore({ source, actor: ACTOR, collections, onProgress, identities });
    return {
      json: result,
      text:
        `Wiederhergestellt: ${result.source} (${result.documents} Dokumente, ${formatDuration(result.durationMs)}, ` +
        `Daten nach ${formatDuration(result.liveAfterMs)} wiederhergestellt).\n${safetyArchiveNote(result)}`,
    };
  },

  async prune(manager) {
    const result = await manager.prune();
    const removed = [...result.removed, ...result.tempFilesRemoved, ...result.removedOffsite.map((name) => `${name} (extern)`)];
    return { json: result, text: removed.length === 0 ? `Nichts zu löschen (${result.kept} Backups behalten).` : `Gelöscht: ${removed.join(', ')}` };
  },

  async 'import-legacy'(manager, { args }) {
    const result = await manager.importLegacy(oneArgument('import-legacy', args), ACTOR);
    const skipped = result.skipped.length > 0 ? `; nicht übernommen: ${result.skipped.join(', ')}` : '';
    return {
      json: { name: result.backup.name, size: result.backup.size, documents: result.documents, skipped: result.skipped },
      text: `Importiert als ${result.backup.name} (${result.documents} Dokumente${skipped}). Wiederherstellen mit: scandy-backup restore ${result.backup.name} --yes`,
    };
  },

  async drill(manager, { args, identities }) {
    if (args.length > 1) throw new AppError('INVALID_INPUT', 'drill erwartet höchstens einen NAME');
    const drill = await manager.drill({ actor: ACTOR, identities, ...(args[0] ? { source: archiveSourceFromArgument(args[0]) } : {}) });
    // Only a scheduled drill may be skipped; one asked for always runs.
    if (!drill) throw new AppError('INTERNAL', 'Der Wiederherstellungstest wurde nicht ausgeführt');
    return drillOutput(drill);
  },

  admin: adminCommand,
};

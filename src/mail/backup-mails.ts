import type { BackupResult } from '../backup/create-backup.js';
import type { RestoreStep } from '../backup/backup-events.js';
import { formatBytes, formatCount, formatDocuments, formatDuration, formatHours } from '../shared/human-units.js';
import { formatLocalMinute } from '../log/log-line.js';
import type { MailAttachment } from './mailer.js';

/** A mail before it has recipients. */
export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly attachments: readonly MailAttachment[];
}

export interface MailTimeSettings {
  readonly timeZone: string;
}

export const BACKUPS_PAGE = '/admin/backups';
export const AUTO_BACKUP_PAGE = '/admin/auto-backup';
export const SIGNATURE = '\n-- \nScandy Backup (automatische Nachricht)\n';

export function when(at: Date, { timeZone }: MailTimeSettings): string {
  return `${formatLocalMinute(at, timeZone)} (${timeZone})`;
}

export function table(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return rows.map(([label, value]) => `${(label + ':').padEnd(width)}${value}`).join('\n');
}

export function backupSucceededMail(
  result: BackupResult,
  info: { readonly trigger: string; readonly attachMaxBytes: number } & MailTimeSettings,
): MailContent {
  const { backup } = result;
  const attach = backup.size <= info.attachMaxBytes;
  const lines = [
    'Hallo,',
    '',
    'das Backup der Scandy-Datenbank wurde erfolgreich erstellt.',
    '',
    table([
      ['Datei', backup.name],
      ['Erstellt', when(backup.createdAt, info)],
      ['Auslöser', info.trigger],
      ['Größe', formatBytes(backup.size)],
      ['Dokumente', formatCount(result.documents)],
      ['Dauer', formatDuration(result.durationMs)],
    ]),
    '',
    'Collections:',
    ...result.manifest.collections.map((c) => `  ${c.name}: ${formatDocuments(c.count)}`),
    '',
  ];
  if (attach) {
    lines.push(`Das Backup ist als Anhang beigefügt (${backup.name}).`);
    if (backup.encrypted) lines.push('Es ist mit age verschlüsselt; lesen nur mit dem geheimen Schlüssel: age -d -i SCHLÜSSELDATEI DATEI > backup.zip');
  } else {
    lines.push(
      `Das Backup ist ${formatBytes(backup.size)} groß und damit größer als die Grenze für E-Mail-Anhänge ` +
        `(${formatBytes(info.attachMaxBytes)}); es ist deshalb NICHT angehängt.`,
      `Herunterladen: in Scandy unter ${BACKUPS_PAGE} („Alle Backups anzeigen“), Datei ${backup.name}.`,
      `Auf dem Server liegt es unter: ${backup.path}`,
    );
  }
  if (result.pruned.length > 0) {
    lines.push('', `Nach der Aufbewahrungsregel gelöscht: ${result.pruned.join(', ')}`);
  }
  return {
    subject: `Scandy-Backup erfolgreich: ${backup.name}`,
    text: lines.join('\n') + SIGNATURE,
    attachments: attach ? [{ filename: backup.name, path: backup.path, contentType: backup.encrypted ? 'application/octet-stream' : 'application/zip' }] : [],
  };
}

export function backupFailedMail(
  reason: string,
  info: { readonly trigger: string; readonly at: Date } & MailTimeSettings,
): MailContent {
  const text = [
    'Hallo,',
    '',
    'das Backup der Scandy-Datenbank ist FEHLGESCHLAGEN.',
    '',
    table([
      ['Zeitpunkt', when(info.at, info)],
      ['Auslöser', info.trigger],
      ['Grund', reason],
    ]),
    '',
    'Bitte prüfen Sie die Datenbankverbindung, den Speicherplatz und die Rechte im Backup-Verzeichnis.',
    `Das Protokoll steht in Scandy unter ${AUTO_BACKUP_PAGE} und in der Datei auto_backup.log.`,
  ].join('\n');
  return { subject: `Scandy-Backup FEHLGESCHLAGEN (${info.trigger})`, text: text + SIGNATURE, attachments: [] };
}

export interface RestoreFailure {
  readonly source: string;
  readonly step: RestoreStep;
  readonly reason: string;
  readonly actor?: string;
}

export function restoreFailedMail(failure: RestoreFailure, info: { readonly at: Date } & MailTimeSettings): MailContent {
  const rows: [string, string][] = [
    ['Zeitpunkt', when(info.at, info)],
    ['Backup', failure.source],
    ['Gestartet von', failure.actor ?? 'unbekannt'],
    ['Grund', failure.reason],
  ];
  const text = [
    'Hallo,',
    '',
    'eine Wiederherstellung der Scandy-Datenbank ist FEHLGESCHLAGEN.',
    '',
    table(rows),
    '',
    `Details stehen in Scandy unter ${AUTO_BACKUP_PAGE} und in der Datei auto_backup.log.`,
  ].join('\n');
  return { subject: `Scandy-Wiederherstellung FEHLGESCHLAGEN: ${failure.source}`, text: text + SIGNATURE, attachments: [] };
}

export interface SafetyArchivePending {
  readonly source: string;
  readonly reason: string;
  /** The collections that hold the replaced data meanwhile. */
  readonly keptIn: readonly string[];
  readonly actor?: string;
}

export interface DrillFailure {
  readonly backup: string;
  readonly reason: string;
  readonly actor: string;
}

export function drillFailedMail(failure: DrillFailure, info: { readonly at: Date } & MailTimeSettings): MailContent {
  const rows: [string, string][] = [
    ['Zeitpunkt', when(info.at, info)],
    ['Backup', failure.backup],
    ['Gestartet von', failure.actor],
    ['Grund', failure.reason],
  ];
  const text = [
    'Hallo,',
    '',
    'der Wiederherstellungstest ist FEHLGESCHLAGEN: das Backup ließ sich nicht genau so in die Testdatenbank zurückspielen, wie es gesichert wurde.',
    'Die Daten von Scandy wurden dabei nicht berührt. Bitte das Backup prüfen und ein neues erstellen.',
    '',
    table(rows),
    '',
    `Details stehen in Scandy unter ${AUTO_BACKUP_PAGE} und in der Datei auto_backup.log.`,
  ].join('\n');
  return { subject: `Scandy-Wiederherstellungstest FEHLGESCHLAGEN: ${failure.backup}`, text: text + SIGNATURE, attachments: [] };
}

export function safetyArchivePendingMail(pending: SafetyArchivePending, info: { readonly at: Date } & MailTimeSettings): MailContent {
  const text = [
    'Hallo,',
    '',
    `die Wiederherstellung der Scandy-Datenbank aus ${pending.source} ist gelungen: die Daten des Backups sind wiederhergestellt.`,
    'Das Sicherungs-Backup des ersetzten Stands konnte aber noch NICHT geschrieben werden.',
    '',
    table([
      ['Zeitpunkt', when(info.at, info)],
      ['Backup', pending.source],
      ['Gestartet von', pending.actor ?? 'unbekannt'],
      ['Grund', pending.reason],
      ['Aufbewahrt in', pending.keptIn.join(', ') || '–'],
    ]),
    '',
    'Die ersetzten Daten bleiben bis dahin unverändert in der Datenbank. Das Sicherungs-Backup wird bei der nächsten Sicherung,',
    'beim nächsten Start und regelmäßig automatisch nachgeholt; eine weitere Wiederherstellung ist erst danach möglich.',
    'Bitte prüfen Sie den Speicherplatz und die Rechte im Backup-Verzeichnis.',
    `Details stehen in Scandy unter ${AUTO_BACKUP_PAGE} und in der Datei auto_backup.log.`,
  ].join('\n');
  return { subject: `Scandy-Wiederherstellung: Sicherungs-Backup steht noch aus (${pending.source})`, text: text + SIGNATURE, attachments: [] };
}

export function safetyArchiveWrittenMail(written: { readonly source: string; readonly name: string }, info: { readonly at: Date } & MailTimeSettings): MailContent {
  const text = [
    'Hallo,',
    '',
    `das ausstehende Sicherungs-Backup des Stands, den die Wiederherstellung aus ${written.source} ersetzt hat, ist jetzt geschrieben und geprüft.`,
    '',
    table([
      ['Zeitpunkt', when(info.at, info)],
      ['Sicherungs-Backup', written.name],
    ]),
    '',
    'Die dafür in der Datenbank aufbewahrten Daten wurden entfernt; weitere Wiederherstellungen sind wieder möglich.',
    `Das Backup steht in Scandy unter ${BACKUPS_PAGE} („Alle Backups anzeigen“).`,
  ].join('\n');
  return { subject: `Scandy-Wiederherstellung: Sicherungs-Backup nachgeholt (${written.name})`, text: text + SIGNATURE, attachments: [] };
}

export interface WatchdogAlert {
  readonly lastSuccessAt: Date | undefined;
  /** Since when no backup has succeeded (the last success, or when watching began). */
  readonly since: Date;
  readonly thresholdHours: number;
  readonly hoursWithout: number;
  readonly schedulerEnabled: boolean;
}

export function watchdogAlertMail(alert: WatchdogAlert, info: MailTimeSettings): MailContent {
  const text = [
    'Hallo,',
    '',
    `seit ${formatHours(alert.hoursWithout)} ist kein Backup der Scandy-Datenbank mehr gelungen ` +
      `(Warngrenze: ${formatHours(alert.thresholdHours)}).`,
    '',
    table([
      ['Letztes erfolgreiches Backup', alert.lastSuccessAt ? when(alert.lastSuccessAt, info) : `keines (beobachtet seit ${when(alert.since, info)})`],
      ['Automatisches Backup', alert.schedulerEnabled ? 'aktiv' : 'GESTOPPT'],
    ]),
    '',
    alert.schedulerEnabled
      ? 'Bitte prüfen Sie, ob die Anwendung läuft und die Datenbank erreichbar ist.'
      : `Das automatische Backup ist gestoppt; es kann unter ${AUTO_BACKUP_PAGE} wieder gestartet werden.`,
    `Das Protokoll steht in Scandy unter ${AUTO_BACKUP_PAGE} und in der Datei auto_backup.log.`,
    'Diese Warnung wird nur einmal verschickt, bis wieder ein Backup gelungen ist.',
  ].join('\n');
  return {
    subject: `WARNUNG: seit ${formatHours(alert.hoursWithout)} kein erfolgreiches Scandy-Backup`,
    text: text + SIGNATURE,
    attachments: [],
  };
}

import { formatDuration, formatHours } from '../shared/human-units.js';
import { AUTO_BACKUP_PAGE, SIGNATURE, table, when, type MailContent, type MailTimeSettings } from './backup-mails.js';

export interface OffsiteOutage {
  readonly name: string;
  readonly reason: string;
  readonly retryInMs: number;
}

/** Sent once when copies to the bucket start failing (not again until one has succeeded). */
export function offsiteOutageMail(outage: OffsiteOutage, info: { readonly at: Date } & MailTimeSettings): MailContent {
  const text = [
    'Hallo,',
    '',
    'die externe Kopie eines Backups in den S3-Bucket ist FEHLGESCHLAGEN.',
    'Das lokale Backup ist vollständig und bleibt erhalten; die Kopie wird automatisch wiederholt.',
    '',
    table([
      ['Zeitpunkt', when(info.at, info)],
      ['Backup', outage.name],
      ['Grund', outage.reason],
      ['Nächster Versuch', `in ${formatDuration(outage.retryInMs)}`],
    ]),
    '',
    'Diese Nachricht kommt nur einmal, bis wieder eine Kopie gelungen ist.',
    'Bitte prüfen Sie die Erreichbarkeit des Buckets, die Zugangsschlüssel (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) und BACKUP_S3_URL.',
    `Der Stand steht in Scandy unter /admin/backups und ${AUTO_BACKUP_PAGE}.`,
  ].join('\n');
  return { subject: 'Scandy-Backup: externe Kopie FEHLGESCHLAGEN', text: text + SIGNATURE, attachments: [] };
}

export interface OffsiteWatchdogAlert {
  readonly lastCopiedAt: Date | undefined;
  /** Since when no backup has reached the bucket (the last copy, or when watching began). */
  readonly since: Date;
  readonly thresholdHours: number;
  readonly hoursWithout: number;
}

/** Sent once when no backup has reached the bucket for BACKUP_WATCHDOG_HOURS (not again until one has). */
export function offsiteWatchdogAlertMail(alert: OffsiteWatchdogAlert, info: MailTimeSettings): MailContent {
  const text = [
    'Hallo,',
    '',
    `seit ${formatHours(alert.hoursWithout)} hat kein Backup den externen Speicher (S3-Bucket) erreicht ` +
      `(Warngrenze: ${formatHours(alert.thresholdHours)}). Die lokalen Backups sind davon nicht betroffen.`,
    '',
    table([['Letzte externe Kopie', alert.lastCopiedAt ? when(alert.lastCopiedAt, info) : `keine (beobachtet seit ${when(alert.since, info)})`]]),
    '',
    'Bitte prüfen Sie die Erreichbarkeit des Buckets, die Zugangsschlüssel (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) und BACKUP_S3_URL.',
    `Der Stand steht in Scandy unter /admin/backups und ${AUTO_BACKUP_PAGE}.`,
    'Diese Warnung wird nur einmal verschickt, bis wieder ein Backup den externen Speicher erreicht hat.',
  ].join('\n');
  return {
    subject: `WARNUNG: seit ${formatHours(alert.hoursWithout)} kein Scandy-Backup im externen Speicher`,
    text: text + SIGNATURE,
    attachments: [],
  };
}

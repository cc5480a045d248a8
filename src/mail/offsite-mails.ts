import { formatDuration } from '../shared/human-units.js';
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

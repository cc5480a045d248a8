import { AUTO_BACKUP_PAGE, SIGNATURE, type MailContent } from './backup-mails.js';

/** Sent once when the backup volume falls below 20 % free, again only after it had recovered. */
export function diskSpaceLowMail(warning: string): MailContent {
  const text = [
    'Hallo,',
    '',
    warning,
    '',
    'Bitte löschen Sie alte Backups oder vergrößern Sie den Speicher, bevor ein Backup mangels Platz abgelehnt wird.',
    `Belegung und Zuwachs pro Tag zeigt Scandy unter ${AUTO_BACKUP_PAGE}.`,
    'Diese Warnung wird nur einmal verschickt, bis wieder genug Platz frei ist.',
  ].join('\n') + SIGNATURE;
  return { subject: 'WARNUNG: wenig Speicherplatz für Scandy-Backups', text, attachments: [] };
}

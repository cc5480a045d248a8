import { KIND_LABELS, type BackupKind } from '../../archive/backup-name.js';
import { formatBytes } from '../../shared/human-units.js';

/** Formatting for the pages: German numbers, dates in BACKUP_TIMEZONE. */
export interface ViewFormat {
  dateTime(value: Date | string | undefined | null): string;
  bytes(value: number | undefined | null): string;
  number(value: number | undefined | null): string;
  kind(kind: BackupKind): string;
}

const numberFormat = new Intl.NumberFormat('de-DE');

export function viewFormat(timeZone: string): ViewFormat {
  const dateFormat = new Intl.DateTimeFormat('de-DE', { timeZone, dateStyle: 'medium', timeStyle: 'medium' });
  return {
    dateTime: (value) => {
      if (value === undefined || value === null) return '–';
      const date = value instanceof Date ? value : new Date(value);
      return Number.isNaN(date.getTime()) ? '–' : dateFormat.format(date);
    },
    bytes: (value) => (value === undefined || value === null ? '–' : formatBytes(value)),
    number: (value) => (value === undefined || value === null ? '–' : numberFormat.format(value)),
    kind: (kind) => KIND_LABELS[kind] ?? kind,
  };
}

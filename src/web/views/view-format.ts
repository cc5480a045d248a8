import { KIND_LABELS, type BackupKind } from '../../archive/backup-name.js';

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

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toLocaleString('de-DE', { maximumFractionDigits: value < 10 ? 1 : 0 })} ${units[unit]}`;
}

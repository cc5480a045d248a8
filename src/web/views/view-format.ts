import { KIND_LABELS, type BackupKind } from '../../archive/backup-name.js';
import type { WatchdogStatus } from '../../scheduler/watchdog.js';
import { countOf, formatBytes } from '../../shared/human-units.js';
import { describeMoment, formatDateTime } from '../wording/moments.js';
import { runLabel } from '../wording/operation-labels.js';
import { keepText, timesText } from '../wording/schedule-text.js';
import { watchdogText } from '../wording/watchdog-text.js';

type When = Date | string | undefined | null;

/** Formatting for the pages: German numbers, dates in BACKUP_TIMEZONE. */
export interface ViewFormat {
  /** "01.12.2026, 23:23", "–" for none. */
  dateTime(value: When): string;
  /** "gerade eben", "vor 12 Minuten", "gestern, 18:00", "morgen, 06:00", or as dateTime. */
  when(value: When): string;
  /** For `<time datetime>`. */
  iso(value: When): string;
  bytes(value: number | undefined | null): string;
  number(value: number | undefined | null): string;
  /** "1 Dokument", "2 Dokumente". */
  count(value: number, singular: string, plural: string): string;
  kind(kind: BackupKind): string;
  /** "Letztes erfolgreiches Backup: vor 3 Stunden" */
  watchdog(status: WatchdogStatus): string;
  /** The scheduler's last run: "Backup (automatisch, nachgeholt)" */
  runLabel(trigger: string): string;
  /** "06:00 und 18:00 Uhr" */
  times(times: readonly string[]): string;
  /** "die letzten 10 Backups" */
  keep(keep: number): string;
}

const numberFormat = new Intl.NumberFormat('de-DE');

function toDate(value: When): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export function viewFormat(timeZone: string, now: () => Date = () => new Date()): ViewFormat {
  const shown = (value: When, show: (date: Date) => string) => {
    const date = toDate(value);
    return date ? show(date) : '–';
  };
  return {
    dateTime: (value) => shown(value, (date) => formatDateTime(date, timeZone)),
    when: (value) => shown(value, (date) => describeMoment(date, now(), timeZone)),
    iso: (value) => toDate(value)?.toISOString() ?? '',
    bytes: (value) => (value === undefined || value === null ? '–' : formatBytes(value)),
    number: (value) => (value === undefined || value === null ? '–' : numberFormat.format(value)),
    count: countOf,
    kind: (kind) => KIND_LABELS[kind] ?? kind,
    watchdog: (status) => watchdogText(status, now(), timeZone),
    runLabel,
    times: timesText,
    keep: keepText,
  };
}

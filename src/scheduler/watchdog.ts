import { formatHours } from '../shared/human-units.js';
import { formatLocalMinute } from '../log/log-line.js';

const HOUR_MS = 3_600_000;

export interface WatchdogStatus {
  readonly ok: boolean;
  readonly thresholdHours: number;
  readonly lastSuccessAt: Date | undefined;
  readonly message: string;
  /** Only with a bucket (BACKUP_S3_URL): whether a backup reached it within the threshold. */
  readonly offsite?: { readonly ok: boolean; readonly lastCopiedAt: Date | undefined; readonly message: string };
}

export interface WatchdogInput {
  readonly now: Date;
  readonly lastSuccessAt: Date | undefined;
  /** When watching began; counts as the start of the outage while no backup has ever succeeded. */
  readonly watchingSince: Date;
  readonly thresholdHours: number;
  readonly timeZone: string;
}

export interface WatchdogVerdict extends WatchdogStatus {
  /** Start of the current stretch without a successful backup. */
  readonly since: Date;
  /** Whole hours since then. */
  readonly hoursWithout: number;
  /** The same for every process and every tick of one outage; a new success starts a new one. */
  readonly outageKey: string;
}

/** Pure: since when nothing has succeeded, for how many whole hours, and whether that is still within the threshold. */
export function measureOutage(input: Omit<WatchdogInput, 'timeZone'>): { readonly ok: boolean; readonly since: Date; readonly hoursWithout: number } {
  const since = input.lastSuccessAt ?? input.watchingSince;
  const ageMs = input.now.getTime() - since.getTime();
  return { ok: ageMs <= input.thresholdHours * HOUR_MS, since, hoursWithout: Math.max(0, Math.floor(ageMs / HOUR_MS)) };
}

/** The moment a stretch that began at `since` crosses the threshold. */
export function alertDueAt(since: Date, thresholdHours: number): Date {
  return new Date(since.getTime() + thresholdHours * HOUR_MS);
}

/** Pure: is the newest successful backup older than the threshold? */
export function evaluateWatchdog(input: WatchdogInput): WatchdogVerdict {
  const { lastSuccessAt, thresholdHours, timeZone } = input;
  const { ok, since, hoursWithout } = measureOutage(input);
  const last = lastSuccessAt ? `${formatLocalMinute(lastSuccessAt, timeZone)}` : undefined;
  let message: string;
  if (!ok) {
    message = `Seit ${formatHours(hoursWithout)} kein erfolgreiches Backup (Warngrenze ${formatHours(thresholdHours)})` +
      (last ? `; letztes erfolgreiches Backup: ${last}` : '; noch nie ein erfolgreiches Backup');
  } else if (last) {
    message = `Letztes erfolgreiches Backup: ${last} (vor ${formatHours(hoursWithout)})`;
  } else {
    message = `Noch kein erfolgreiches Backup; Warnung, wenn bis ${formatLocalMinute(alertDueAt(since, thresholdHours), timeZone)} keines gelingt`;
  }
  return {
    ok,
    thresholdHours,
    lastSuccessAt,
    message,
    since,
    hoursWithout,
    outageKey: `watchdog@${since.toISOString()}`,
  };
}

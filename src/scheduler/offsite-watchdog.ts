import { formatLocalMinute } from '../log/log-line.js';
import { formatHours } from '../shared/human-units.js';
import { alertDueAt, measureOutage, type WatchdogInput, type WatchdogVerdict } from './watchdog.js';

export interface OffsiteWatchdogInput extends Omit<WatchdogInput, 'lastSuccessAt'> {
  /** The newest copy that reached the bucket, from any host. */
  readonly lastCopiedAt: Date | undefined;
}

/**
 * Pure: has a backup reached the bucket within the threshold? The same rule
 * as the backups' watchdog: before the first copy the stretch counts from
 * when watching began, so a fresh installation gets no alarm at once.
 */
export function evaluateOffsiteWatchdog(input: OffsiteWatchdogInput): WatchdogVerdict {
  const { lastCopiedAt, thresholdHours, timeZone } = input;
  const { ok, since, hoursWithout } = measureOutage({ ...input, lastSuccessAt: lastCopiedAt });
  const limit = `Warngrenze ${formatHours(thresholdHours)}`;
  const last = lastCopiedAt ? `letzte externe Kopie: ${formatLocalMinute(lastCopiedAt, timeZone)}` : 'noch nie eine externe Kopie';
  let message: string;
  if (!ok) message = `Seit ${formatHours(hoursWithout)} hat kein Backup den externen Speicher erreicht (${limit}); ${last}`;
  else if (lastCopiedAt) message = `Letzte externe Kopie: ${formatLocalMinute(lastCopiedAt, timeZone)} (vor ${formatHours(hoursWithout)})`;
  else message = `Noch keine externe Kopie; Warnung, wenn bis ${formatLocalMinute(alertDueAt(since, thresholdHours), timeZone)} keine gelingt`;
  return { ok, thresholdHours, lastSuccessAt: lastCopiedAt, message, since, hoursWithout, outageKey: `offsite-watchdog@${since.toISOString()}` };
}

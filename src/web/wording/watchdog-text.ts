import type { WatchdogStatus } from '../../scheduler/watchdog.js';
import { formatHours } from '../../shared/human-units.js';
import { describeMoment } from './moments.js';

const HOUR_MS = 3_600_000;

/**
 * The watchdog's verdict in the pages' words: "Letztes erfolgreiches Backup:
 * vor 3 Stunden", "Seit 27 Stunden kein erfolgreiches Backup (Warngrenze: 26 Stunden)".
 */
export function watchdogText(watchdog: WatchdogStatus, now: Date, timeZone: string): string {
  const last = watchdog.lastSuccessAt;
  const limit = `Warngrenze: ${formatHours(watchdog.thresholdHours)}`;
  if (!last) return watchdog.ok ? 'Noch kein erfolgreiches Backup' : `Noch nie ein erfolgreiches Backup (${limit} überschritten)`;
  if (watchdog.ok) return `Letztes erfolgreiches Backup: ${describeMoment(last, now, timeZone)}`;
  const hours = Math.max(0, Math.floor((now.getTime() - last.getTime()) / HOUR_MS));
  return `Seit ${formatHours(hours)} kein erfolgreiches Backup (${limit})`;
}

import type { DrillSchedule } from '../../config/config-values.js';
import { DRILL_TIME } from '../../scheduler/drill-schedule.js';
import { countOf } from '../../shared/human-units.js';
import { wallTimeAt } from '../../shared/wall-clock.js';

const DAY_MS = 24 * 3_600_000;

/** "heute", "vor 1 Tag", "vor 6 Tagen": calendar days on the wall clock of `timeZone`. */
export function daysAgoText(at: Date, now: Date, timeZone: string): string {
  const day = (instant: Date) => {
    const w = wallTimeAt(instant, timeZone);
    return Date.UTC(w.year, w.month - 1, w.day) / DAY_MS;
  };
  const days = Math.max(0, day(now) - day(at));
  return days === 0 ? 'heute' : `vor ${countOf(days, 'Tag', 'Tagen')}`;
}

/** "erfolgreich, vor 3 Tagen", "fehlgeschlagen, heute", "noch keiner". */
export function drillSummaryText(last: { readonly ok: boolean; readonly finishedAt: Date } | undefined, now: Date, timeZone: string): string {
  if (!last) return 'noch keiner';
  return `${last.ok ? 'erfolgreich' : 'fehlgeschlagen'}, ${daysAgoText(last.finishedAt, now, timeZone)}`;
}

/** "wöchentlich, sonntags um 04:00 Uhr", "täglich um 04:00 Uhr", "aus" (BACKUP_DRILL or the page's setting). */
export function drillScheduleText(schedule: DrillSchedule): string {
  const at = `${String(DRILL_TIME.hour).padStart(2, '0')}:${String(DRILL_TIME.minute).padStart(2, '0')} Uhr`;
  if (schedule === 'weekly') return `wöchentlich, sonntags um ${at}`;
  if (schedule === 'daily') return `täglich um ${at}`;
  return 'aus';
}

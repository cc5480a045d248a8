import { countOf } from '../../shared/human-units.js';
import { wallTimeAt, type WallTime } from '../../shared/wall-clock.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

const pad = (n: number) => String(n).padStart(2, '0');

/** Days since 1970 of a wall-clock date, so that two dates can be subtracted. */
const dayNumber = (w: WallTime) => Date.UTC(w.year, w.month - 1, w.day) / DAY_MS;

/** "23:23" on the wall clock of `timeZone`. */
export function formatTimeOfDay(at: Date, timeZone: string): string {
  const w = wallTimeAt(at, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** "01.12.2026, 23:23": the one date style of the pages. */
export function formatDateTime(at: Date, timeZone: string): string {
  const w = wallTimeAt(at, timeZone);
  return `${pad(w.day)}.${pad(w.month)}.${w.year}, ${pad(w.hour)}:${pad(w.minute)}`;
}

/**
 * When something happened or will happen, as people say it: "gerade eben",
 * "vor 12 Minuten", "vor 3 Stunden" (the same day), "gestern, 18:00",
 * "heute, 18:00" and "morgen, 06:00" (ahead), otherwise "01.12.2026, 23:23".
 */
export function describeMoment(at: Date, now: Date, timeZone: string): string {
  const ago = now.getTime() - at.getTime();
  const days = dayNumber(wallTimeAt(now, timeZone)) - dayNumber(wallTimeAt(at, timeZone));
  const time = formatTimeOfDay(at, timeZone);
  if (ago >= 0) {
    if (ago < MINUTE_MS) return 'gerade eben';
    if (ago < HOUR_MS) return `vor ${countOf(Math.floor(ago / MINUTE_MS), 'Minute', 'Minuten')}`;
    if (days === 0) return `vor ${countOf(Math.floor(ago / HOUR_MS), 'Stunde', 'Stunden')}`;
    if (days === 1) return `gestern, ${time}`;
  } else {
    if (days === 0) return `heute, ${time}`;
    if (days === -1) return `morgen, ${time}`;
  }
  return formatDateTime(at, timeZone);
}

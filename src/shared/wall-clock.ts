/** A local date and time as a clock on the wall of some time zone shows it. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function wallTimeAt(instant: Date | number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const { year = NaN, month = NaN, day = NaN, hour = NaN, minute = NaN, second = NaN } = parts;
  return { year, month, day, hour, minute, second };
}

/** The wall time read as if it were UTC, in ms; minus the instant it is the offset of the zone. */
export function wallAsUtcMs(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** Local time minus UTC at `instantMs`, in ms (+3_600_000 for CET). */
export function offsetAt(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallAsUtcMs(wallTimeAt(wholeSecond, timeZone)) - wholeSecond;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD HH:MM:SS` of `at` on the wall clock of `timeZone`. */
export function formatWallTime(at: Date | number, timeZone: string): string {
  const w = wallTimeAt(at, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** `01.07.2026, 08:00:00`: German date and time on the wall clock of `timeZone`. */
export function formatGermanDateTime(at: Date | number, timeZone: string): string {
  const w = wallTimeAt(at, timeZone);
  return `${pad(w.day)}.${pad(w.month)}.${pad(w.year, 4)}, ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

import { offsetAt, wallAsUtcMs, wallTimeAt } from '../shared/wall-clock.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const CATCH_UP_WINDOW_MS = 2 * DAY_MS;

export interface DailySchedule {
  /** Local wall times "HH:MM", in any order. */
  readonly times: readonly string[];
  /** IANA zone, e.g. "Europe/Berlin". */
  readonly timeZone: string;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local time.
 * A time skipped by a forward shift maps to the instant of the shift (the first
 * instant after the gap); a time that occurs twice maps to its first occurrence.
 */
export function zonedWallTimeToInstant(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  timeZone: string,
): Date {
  const target = Date.UTC(year, month - 1, day, hour, minute);
  // A day either side brackets any offset change that can affect this wall time.
  const offsetBefore = offsetAt(target - DAY_MS, timeZone);
  const offsetAfter = offsetAt(target + DAY_MS, timeZone);
  const matches = [target - offsetBefore, target - offsetAfter]
    .filter((instant) => wallAsUtcMs(wallTimeAt(instant, timeZone)) === target)
    .sort((a, b) => a - b);
  if (matches[0] !== undefined) return new Date(matches[0]);

  // In the gap: the offset is still `offsetBefore` at `lo` and already `offsetAfter` at `hi`.
  let lo = target - offsetAfter;
  let hi = target - offsetBefore;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, timeZone) === offsetBefore) lo = mid;
    else hi = mid;
  }
  return new Date(hi);
}

function parseTimes(times: readonly string[]): { hour: number; minute: number }[] {
  const parsed = times.map((time) => {
    const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
    if (!match) throw new RangeError(`invalid time of day "${time}", expected HH:MM`);
    return { hour: Number(match[1]), minute: Number(match[2]) };
  });
  return parsed.sort((a, b) => a.hour - b.hour || a.minute - b.minute);
}

/** The slot instants of the local calendar day `dayOffset` days after the local day of `instantMs`, ascending. */
function slotsOfDay(schedule: DailySchedule, instantMs: number, dayOffset: number): number[] {
  const local = wallTimeAt(instantMs, schedule.timeZone);
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day + dayOffset));
  return parseTimes(schedule.times).map(({ hour, minute }) =>
    zonedWallTimeToInstant(
      date.getUTCFullYear(),
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      hour,
      minute,
      schedule.timeZone,
    ).getTime(),
  );
}

/** The next `count` run instants strictly after `from`, ascending (times that fall on one instant run once). */
export function nextRuns(schedule: DailySchedule, from: Date, count: number): Date[] {
  if (schedule.times.length === 0 || count <= 0) return [];
  const runs: number[] = [];
  let last = from.getTime();
  for (let dayOffset = -1; runs.length < count; dayOffset++) {
    for (const slot of slotsOfDay(schedule, from.getTime(), dayOffset)) {
      if (slot > last && runs.length < count) {
        runs.push(slot);
        last = slot;
      }
    }
  }
  return runs.map((ms) => new Date(ms));
}

/** The latest slot instant <= `at` (the slot a run at `at` belongs to), or undefined if none within the last 48 h. */
export function latestSlotAtOrBefore(schedule: DailySchedule, at: Date): Date | undefined {
  const atMs = at.getTime();
  for (let dayOffset = 0; dayOffset >= -3; dayOffset--) {
    const slots = slotsOfDay(schedule, atMs, dayOffset).filter((slot) => slot <= atMs);
    const latest = slots.at(-1);
    if (latest !== undefined) return atMs - latest <= CATCH_UP_WINDOW_MS ? new Date(latest) : undefined;
  }
  return undefined;
}

/** Stable key of a slot for exactly-once bookkeeping: its local wall time and zone, e.g. "2026-03-29T06:00@Europe/Berlin". */
export function slotKey(schedule: DailySchedule, slot: Date): string {
  const wall = wallTimeAt(slot.getTime(), schedule.timeZone);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}@${schedule.timeZone}`;
}

import type { DrillSchedule } from '../config/config-values.js';
import { wallTimeAt } from '../shared/wall-clock.js';
import { zonedWallTimeToInstant } from './schedule.js';

/** Scheduled drills run at this local time: every day, or on Sundays (weekly), away from the default backup times. */
export const DRILL_TIME = { hour: 4, minute: 0 } as const;
const SUNDAY = 0;

/** The drill slot of the local day `dayOffset` days from the local day of `at`; for weekly only when that day is a Sunday. */
function slotOfDay(schedule: DrillSchedule, at: Date, dayOffset: number, timeZone: string): Date | undefined {
  const local = wallTimeAt(at, timeZone);
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + dayOffset));
  if (schedule === 'weekly' && day.getUTCDay() !== SUNDAY) return undefined;
  return zonedWallTimeToInstant(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), DRILL_TIME.hour, DRILL_TIME.minute, timeZone);
}

/** The latest drill slot at or before `at`; undefined when drills are off. */
export function latestDrillSlot(schedule: DrillSchedule, timeZone: string, at: Date): Date | undefined {
  if (schedule === 'off') return undefined;
  for (let dayOffset = 0; dayOffset >= -8; dayOffset--) {
    const slot = slotOfDay(schedule, at, dayOffset, timeZone);
    if (slot && slot.getTime() <= at.getTime()) return slot;
  }
  return undefined;
}

/** The next drill slot strictly after `from`; undefined when drills are off. */
export function nextDrillSlot(schedule: DrillSchedule, timeZone: string, from: Date): Date | undefined {
  if (schedule === 'off') return undefined;
  for (let dayOffset = 0; dayOffset <= 8; dayOffset++) {
    const slot = slotOfDay(schedule, from, dayOffset, timeZone);
    if (slot && slot.getTime() > from.getTime()) return slot;
  }
  return undefined;
}

export interface DrillSituation {
  readonly now: Date;
  readonly schedule: DrillSchedule;
  readonly timeZone: string;
  /** When the newest recorded drill (any process, any trigger) started. */
  readonly lastDrillAt: Date | undefined;
  /** When this process began watching: a slot before it is caught up only when drills ran before. */
  readonly watchingSince: Date;
}

export type DrillDecision =
  | { readonly kind: 'off' }
  | { readonly kind: 'up-to-date'; readonly slot: Date | undefined }
  | { readonly kind: 'due'; readonly slot: Date };

/**
 * Pure: is a scheduled drill due at `now`? Due once per slot: when no drill
 * started at or after the latest slot. A slot missed while the app was down is
 * caught up; on a system that never had a drill, the first one waits for its
 * slot instead of starting with the app.
 */
export function decideDrill(situation: DrillSituation): DrillDecision {
  const { now, schedule, timeZone, lastDrillAt, watchingSince } = situation;
  if (schedule === 'off') return { kind: 'off' };
  const slot = latestDrillSlot(schedule, timeZone, now);
  if (!slot) return { kind: 'up-to-date', slot };
  if (lastDrillAt && lastDrillAt.getTime() >= slot.getTime()) return { kind: 'up-to-date', slot };
  if (!lastDrillAt && slot.getTime() < watchingSince.getTime()) return { kind: 'up-to-date', slot };
  return { kind: 'due', slot };
}

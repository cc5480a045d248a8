import { latestSlotAtOrBefore, slotKey, type DailySchedule } from './schedule.js';

export const TRIGGER_SCHEDULE = 'Zeitplan';
export const TRIGGER_CATCH_UP = 'Nachholen';

/** A slot started later than this after its time is a catch-up. */
const ON_TIME_MS = 5 * 60_000;

export interface SlotSituation {
  readonly now: Date;
  readonly schedule: DailySchedule;
  /** Started or stopped, as all processes share it. */
  readonly enabled: boolean;
  /** The newest success any process recorded, or the newest backup file, whichever is later. */
  readonly lastSuccessAt: Date | undefined;
  /** Keys of the slots this process has already reported as failed without a database claim. */
  readonly reportedFailed: ReadonlySet<string>;
}

export type SlotDecision =
  | { readonly kind: 'stopped' }
  /** No slot in the catch-up window, or a backup at or after the latest slot exists. */
  | { readonly kind: 'up-to-date'; readonly slot: Date | undefined }
  | { readonly kind: 'reported'; readonly slot: Date }
  | { readonly kind: 'due'; readonly slot: Date; readonly key: string; readonly trigger: string };

/**
 * Pure: does the latest slot of the schedule at `now` still need its backup,
 * and is it on time or a catch-up? Only the latest slot counts: after a long
 * outage one backup catches up, not one per missed slot.
 */
export function decideSlot(situation: SlotSituation): SlotDecision {
  const { now, schedule, lastSuccessAt } = situation;
  if (!situation.enabled) return { kind: 'stopped' };
  const slot = latestSlotAtOrBefore(schedule, now);
  if (!slot) return { kind: 'up-to-date', slot };
  if (lastSuccessAt && lastSuccessAt.getTime() >= slot.getTime()) return { kind: 'up-to-date', slot };
  const key = slotKey(schedule, slot);
  if (situation.reportedFailed.has(key)) return { kind: 'reported', slot };
  const trigger = now.getTime() - slot.getTime() <= ON_TIME_MS ? TRIGGER_SCHEDULE : TRIGGER_CATCH_UP;
  return { kind: 'due', slot, key, trigger };
}

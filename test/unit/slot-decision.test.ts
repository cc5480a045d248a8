import { describe, expect, it } from 'vitest';
import { decideSlot, type SlotDecision } from '../../src/scheduler/slot-decision.js';

interface Setting {
  /** Local wall times; default 06:00 and 18:00. */
  readonly times?: readonly string[];
  /** Default Europe/Berlin. */
  readonly timeZone?: string;
  readonly enabled?: boolean;
  readonly reportedFailed?: readonly string[];
}

const at = (iso: string) => new Date(iso);
const due = (slot: string, localKey: string, trigger: 'Zeitplan' | 'Nachholen'): SlotDecision => ({ kind: 'due', slot: at(slot), key: localKey, trigger });
const upToDate = (slot: string | undefined): SlotDecision => ({ kind: 'up-to-date', slot: slot === undefined ? undefined : at(slot) });
const BERLIN_1800 = '2026-06-10T18:00@Europe/Berlin';

// title, now, last success, expected decision, setting.
// 2026-06-10 is summer time in Berlin: 06:00 is 04:00Z, 18:00 is 16:00Z.
const cases: [string, string, string | undefined, SlotDecision, Setting?][] = [
  ['stopped: nothing, even with a slot due', '2026-06-10T16:00:00Z', '2026-06-09T04:00:00Z', { kind: 'stopped' }, { enabled: false }],
  ['the slot at its very minute: due on schedule', '2026-06-10T16:00:00Z', '2026-06-10T04:00:00Z', due('2026-06-10T16:00:00Z', BERLIN_1800, 'Zeitplan')],
  ['five minutes late is still on schedule', '2026-06-10T16:05:00Z', '2026-06-10T04:00:00Z', due('2026-06-10T16:00:00Z', BERLIN_1800, 'Zeitplan')],
  ['a second later it is a catch-up', '2026-06-10T16:05:01Z', '2026-06-10T04:00:00Z', due('2026-06-10T16:00:00Z', BERLIN_1800, 'Nachholen')],
  ['a success exactly at the slot: up to date', '2026-06-10T16:01:00Z', '2026-06-10T16:00:00Z', upToDate('2026-06-10T16:00:00Z')],
  ['a manual backup after the slot: up to date', '2026-06-10T19:30:00Z', '2026-06-10T17:10:00Z', upToDate('2026-06-10T16:00:00Z')],
  ['a success a millisecond before the slot: still due', '2026-06-10T16:00:00Z', '2026-06-10T15:59:59.999Z', due('2026-06-10T16:00:00Z', BERLIN_1800, 'Zeitplan')],
  ['between slots, the earlier one done: up to date', '2026-06-10T05:00:00Z', '2026-06-10T04:00:00.500Z', upToDate('2026-06-10T04:00:00Z')],
  ['a fresh installation: the latest slot is caught up at once', '2026-06-10T12:00:00Z', undefined, due('2026-06-10T04:00:00Z', '2026-06-10T06:00@Europe/Berlin', 'Nachholen')],
  ['days down: only the latest slot is caught up', '2026-06-13T07:30:00Z', '2026-06-10T04:00:00Z', due('2026-06-13T04:00:00Z', '2026-06-13T06:00@Europe/Berlin', 'Nachholen')],
  ['before the first time of the day: yesterday evening', '2026-06-11T03:59:00Z', '2026-06-10T04:00:00Z', due('2026-06-10T16:00:00Z', BERLIN_1800, 'Nachholen')],
  ['a slot reported as failed here is not tried again', '2026-06-10T16:01:00Z', '2026-06-10T04:00:00Z', { kind: 'reported', slot: at('2026-06-10T16:00:00Z') }, { reportedFailed: [BERLIN_1800] }],
  ['a reported slot does not hold back the next one', '2026-06-11T04:00:00Z', '2026-06-10T04:00:00Z', due('2026-06-11T04:00:00Z', '2026-06-11T06:00@Europe/Berlin', 'Zeitplan'), { reportedFailed: [BERLIN_1800] }],
  ['no times at all: nothing is ever due', '2026-06-10T16:00:00Z', undefined, upToDate(undefined), { times: [] }],
  // 2026-03-29: 02:00-02:59 does not exist in Berlin; 2026-10-25: 02:00-02:59 happens twice.
  ['a skipped time is due when the clocks jump, on schedule', '2026-03-29T01:00:00Z', '2026-03-28T01:30:00Z', due('2026-03-29T01:00:00Z', '2026-03-29T03:00@Europe/Berlin', 'Zeitplan'), { times: ['02:30'] }],
  ['a repeated time: its first occurrence is the slot', '2026-10-25T00:30:00Z', '2026-10-24T00:30:00Z', due('2026-10-25T00:30:00Z', '2026-10-25T02:30@Europe/Berlin', 'Zeitplan'), { times: ['02:30'] }],
  ['a repeated time, second occurrence, first one done', '2026-10-25T01:30:00Z', '2026-10-25T00:30:00Z', upToDate('2026-10-25T00:30:00Z'), { times: ['02:30'] }],
  ['another zone: 06:00 in New York is 10:00Z in summer', '2026-06-10T10:00:00Z', '2026-06-09T10:00:00Z', due('2026-06-10T10:00:00Z', '2026-06-10T06:00@America/New_York', 'Zeitplan'), { times: ['06:00'], timeZone: 'America/New_York' }],
];

describe('decideSlot', () => {
  it.each(cases)('%s', (_title, now, lastSuccessAt, expected, setting = {}) => {
    const decision = decideSlot({
      now: at(now),
      schedule: { times: setting.times ?? ['06:00', '18:00'], timeZone: setting.timeZone ?? 'Europe/Berlin' },
      enabled: setting.enabled ?? true,
      lastSuccessAt: lastSuccessAt === undefined ? undefined : at(lastSuccessAt),
      reportedFailed: new Set(setting.reportedFailed ?? []),
    });
    expect(decision).toEqual(expected);
  });
});

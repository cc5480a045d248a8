import { describe, expect, it } from 'vitest';
import { decideDrill, latestDrillSlot, nextDrillSlot } from '../../src/scheduler/drill-schedule.js';

const BERLIN = 'Europe/Berlin';
const at = (iso: string) => new Date(iso);
const LONG_AGO = at('2020-01-01T00:00:00Z');

describe('drill slots', () => {
  it.each([
    // [schedule, zone, now, latest slot, next slot]
    ['weekly', BERLIN, '2026-12-02T12:00:00Z', '2026-11-29T03:00:00Z', '2026-12-06T03:00:00Z'], // Wednesday; Sundays 04:00 CET
    ['weekly', BERLIN, '2026-12-06T03:00:00Z', '2026-12-06T03:00:00Z', '2026-12-13T03:00:00Z'], // at the slot itself
    ['weekly', BERLIN, '2026-12-06T02:59:00Z', '2026-11-29T03:00:00Z', '2026-12-06T03:00:00Z'],
    ['daily', BERLIN, '2026-12-02T02:59:00Z', '2026-12-01T03:00:00Z', '2026-12-02T03:00:00Z'],
    ['daily', BERLIN, '2026-07-01T12:00:00Z', '2026-07-01T02:00:00Z', '2026-07-02T02:00:00Z'], // summer time: 04:00 CEST
    ['weekly', BERLIN, '2026-03-29T12:00:00Z', '2026-03-29T02:00:00Z', '2026-04-05T02:00:00Z'], // the Sunday the clocks go forward
    ['weekly', BERLIN, '2026-10-25T12:00:00Z', '2026-10-25T03:00:00Z', '2026-11-01T03:00:00Z'], // the Sunday they go back
    ['weekly', 'America/New_York', '2026-12-06T08:59:00Z', '2026-11-29T09:00:00Z', '2026-12-06T09:00:00Z'], // another zone
    ['daily', 'Pacific/Kiritimati', '2026-12-01T14:00:00Z', '2026-12-01T14:00:00Z', '2026-12-02T14:00:00Z'], // UTC+14
  ] as const)('%s in %s at %s: latest %s, next %s', (schedule, zone, now, latest, next) => {
    expect(latestDrillSlot(schedule, zone, at(now))).toEqual(at(latest));
    expect(nextDrillSlot(schedule, zone, at(now))).toEqual(at(next));
  });

  it('has no slots when drills are off', () => {
    expect(latestDrillSlot('off', BERLIN, at('2026-12-06T12:00:00Z'))).toBeUndefined();
    expect(nextDrillSlot('off', BERLIN, at('2026-12-06T12:00:00Z'))).toBeUndefined();
  });
});

describe('decideDrill', () => {
  const now = at('2026-12-06T03:01:00Z'); // Sunday 04:01 in Berlin
  const base = { now, schedule: 'weekly', timeZone: BERLIN, watchingSince: LONG_AGO } as const;

  it.each([
    ['off', { ...base, schedule: 'off', lastDrillAt: undefined }, { kind: 'off' }],
    ['due at its slot', { ...base, lastDrillAt: at('2026-11-29T03:00:05Z') }, { kind: 'due', slot: at('2026-12-06T03:00:00Z') }],
    ['done once a drill started at or after the slot', { ...base, lastDrillAt: at('2026-12-06T03:00:00Z') }, { kind: 'up-to-date', slot: at('2026-12-06T03:00:00Z') }],
    ['caught up after downtime when drills ran before', { ...base, now: at('2026-12-09T10:00:00Z'), lastDrillAt: at('2026-11-29T03:00:05Z') }, { kind: 'due', slot: at('2026-12-06T03:00:00Z') }],
    ['first ever drill: due when its slot comes while watching', { ...base, lastDrillAt: undefined, watchingSince: at('2026-12-05T00:00:00Z') }, { kind: 'due', slot: at('2026-12-06T03:00:00Z') }],
    ['first ever drill: not at the start of the app', { ...base, now: at('2026-12-09T10:00:00Z'), lastDrillAt: undefined, watchingSince: at('2026-12-09T09:59:00Z') }, { kind: 'up-to-date', slot: at('2026-12-06T03:00:00Z') }],
  ] as const)('%s', (_label, situation, decision) => {
    expect(decideDrill(situation)).toEqual(decision);
  });
});

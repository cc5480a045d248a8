import { describe, expect, it } from 'vitest';
import { decideSlot, type SlotDecision } from '../../src/scheduler/slot-decision.js';

interface Case {
  readonly title: string;
  /** Local wall times in Europe/Berlin unless `timeZone` says otherwise. */
  readonly times?: readonly string[];
  readonly timeZone?: string;
  readonly now: string;
  readonly enabled?: boolean;
  readonly lastSuccessAt?: string;
  readonly reportedFailed?: readonly string[];
  readonly expected: SlotDecision;
}

const at = (iso: string) => new Date(iso);

// 2026-06-10 is summer time in Berlin: 06:00 is 04:00Z, 18:00 is 16:00Z.
const cases: Case[] = [
  {
    title: 'stopped: nothing, even with a slot due',
    now: '2026-06-10T16:00:00Z',
    enabled: false,
    lastSuccessAt: '2026-06-09T04:00:00Z',
    expected: { kind: 'stopped' },
  },
  {
    title: 'the slot at its very minute, last success the slot before: due on schedule',
    now: '2026-06-10T16:00:00Z',
    lastSuccessAt: '2026-06-10T04:00:00Z',
    expected: { kind: 'due', slot: at('2026-06-10T16:00:00Z'), key: '2026-06-10T18:00@Europe/Berlin', trigger: 'Zeitplan' },
  },
  {
    title: 'five minutes late is still on schedule',
    now: '2026-06-10T16:05:00Z',
    lastSuccessAt: '2026-06-10T04:00:00Z',
    expected: { kind: 'due', slot: at('2026-06-10T16:00:00Z'), key: '2026-06-10T18:00@Europe/Berlin', trigger: 'Zeitplan' },
  },
  {
    title: 'a second later it is a catch-up',
    now: '2026-06-10T16:05:01Z',
    lastSuccessAt: '2026-06-10T04:00:00Z',
    expected: { kind: 'due', slot: at('2026-06-10T16:00:00Z'), key: '2026-06-10T18:00@Europe/Berlin', trigger: 'Nachholen' },
  },
  {
    title: 'a success exactly at the slot: up to date',
    now: '2026-06-10T16:01:00Z',
    lastSuccessAt: '2026-06-10T16:00:00Z',
    expected: { kind: 'up-to-date', slot: at('2026-06-10T16:00:00Z') },
  },
  {
    title: 'a manual backup after the slot: up to date',
    now: '2026-06-10T19:30:00Z',
    lastSuccessAt: '2026-06-10T17:10:00Z',
    expected: { kind: 'up-to-date', slot: at('2026-06-10T16:00:00Z') },
  },
  {
    title: 'a success a millisecond before the slot: still due',
    now: '2026-06-10T16:00:00Z',
    lastSuccessAt: '2026-06-10T15:59:59.999Z',
    expected: { kind: 'due', slot: at('2026-06-10T16:00:00Z'), key: '2026-06-10T18:00@Europe/Berlin', trigger: 'Zeitplan' },
  },
  {
    title: 'between slots, with the earlier one done: up to date',
    now: '2026-06-10T05:00:00Z',
    lastSuccessAt: '2026-06-10T04:00:00.500Z',
    expected: { kind: 'up-to-date', slot: at('2026-06-10T04:00:00Z') },
  },
  {
    title: 'a fresh installation: the latest slot is caught up at once',
    now: '2026-06-10T12:00:00Z',
    expected: { kind: 'due', slot: at('2026-06-10T04:00:00Z'), key: '2026-06-10T06:00@Europe/Berlin', trigger: 'Nachholen' },
  },
  {
    title: 'days down: only the latest slot is caught up, not every missed one',
    now: '2026-06-13T07:30:00Z',
    lastSuccessAt: '2026-06-10T04:00:00Z',
    expected: { kind: 'due', slot: at('2026-06-13T04:00:00Z'), key: '2026-06-13T06:00@Europe/Berlin', trigger: 'Nachholen' },
  },
  {
    title: 'before the first time of the day, the slot is yesterday evening',
    now: '2026-06-11T03:59:00Z',
    lastSuccessAt: '2026-06-10T04:00:00Z',
    expected: { kind: 'due', slot: at('2026-06-10T16:00:00Z'), key: '2026-06-10T18:00@Europe/Berlin', trigger: 'Nachholen' },
  },
  {
    title: 'a slot this process already reported as failed without a claim is not tried again',
    now: '2026-06-10T16:01:00Z',
    lastSuccessAt: '2026-06-10T04:00:00Z',
    reportedFailed: ['2026-06-10T18:00@Europe/Berlin'],
    expected: { kind: 'reported', slot: at('2026-06-10T16:00:00Z') },
  },
  {
    title: 'a reported earlier slot does not hold back the next one',
    now: '2026-06-11T04:00:00Z',
    lastSuccessAt: '2026-06-10T04:00:00Z',
    reportedFailed: ['2026-06-10T18:00@Europe/Berlin'],
    expected: { kind: 'due', slot: at('2026-06-11T04:00:00Z'), key: '2026-06-11T06:00@Europe/Berlin', trigger: 'Zeitplan' },
  },
  {
    title: 'no times at all: nothing is ever due',
    times: [],
    now: '2026-06-10T16:00:00Z',
    expected: { kind: 'up-to-date', slot: undefined },
  },
  {
    title: 'a time skipped by the spring shift (02:30 on 2026-03-29) is due when the clocks jump, on schedule',
    times: ['02:30'],
    now: '2026-03-29T01:00:00Z',
    lastSuccessAt: '2026-03-28T01:30:00Z',
    expected: { kind: 'due', slot: at('2026-03-29T01:00:00Z'), key: '2026-03-29T03:00@Europe/Berlin', trigger: 'Zeitplan' },
  },
  {
    title: 'a time that occurs twice (02:30 on 2026-10-25): its first occurrence is the slot',
    times: ['02:30'],
    now: '2026-10-25T00:30:00Z',
    lastSuccessAt: '2026-10-24T00:30:00Z',
    expected: { kind: 'due', slot: at('2026-10-25T00:30:00Z'), key: '2026-10-25T02:30@Europe/Berlin', trigger: 'Zeitplan' },
  },
  {
    title: 'at its second occurrence, with the first one done: up to date',
    times: ['02:30'],
    now: '2026-10-25T01:30:00Z',
    lastSuccessAt: '2026-10-25T00:30:00Z',
    expected: { kind: 'up-to-date', slot: at('2026-10-25T00:30:00Z') },
  },
  {
    title: 'another zone: 06:00 in New York is 10:00Z in summer',
    times: ['06:00'],
    timeZone: 'America/New_York',
    now: '2026-06-10T10:00:00Z',
    lastSuccessAt: '2026-06-09T10:00:00Z',
    expected: { kind: 'due', slot: at('2026-06-10T10:00:00Z'), key: '2026-06-10T06:00@America/New_York', trigger: 'Zeitplan' },
  },
];

describe('decideSlot', () => {
  it.each(cases)('$title', (c) => {
    const decision = decideSlot({
      now: at(c.now),
      schedule: { times: c.times ?? ['06:00', '18:00'], timeZone: c.timeZone ?? 'Europe/Berlin' },
      enabled: c.enabled ?? true,
      lastSuccessAt: c.lastSuccessAt === undefined ? undefined : at(c.lastSuccessAt),
      reportedFailed: new Set(c.reportedFailed ?? []),
    });
    expect(decision).toEqual(c.expected);
  });
});

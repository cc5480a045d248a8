import { describe, expect, it } from 'vitest';
import {
  latestSlotAtOrBefore,
  nextRuns,
  slotKey,
  zonedWallTimeToInstant,
  type DailySchedule,
} from '../../src/scheduler/schedule.js';

const berlin = (...times: string[]): DailySchedule => ({ times, timeZone: 'Europe/Berlin' });
const iso = (dates: readonly Date[]): string[] => dates.map((d) => d.toISOString());

describe('zonedWallTimeToInstant', () => {
  it.each([
    // zone, local date, local time, expected UTC instant
    ['Europe/Berlin', '2026-01-15', '12:00', '2026-01-15T11:00:00.000Z'],
    ['Europe/Berlin', '2026-07-15', '12:00', '2026-07-15T10:00:00.000Z'],
    ['Europe/Berlin', '2026-01-01', '00:00', '2025-12-31T23:00:00.000Z'],
    // spring forward 2026-03-29: 02:00-02:59 does not exist; the clocks jump at 01:00Z
    ['Europe/Berlin', '2026-03-29', '01:59', '2026-03-29T00:59:00.000Z'],
    ['Europe/Berlin', '2026-03-29', '02:00', '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29', '02:30', '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29', '02:59', '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29', '03:00', '2026-03-29T01:00:00.000Z'],
    ['Europe/Berlin', '2026-03-29', '03:01', '2026-03-29T01:01:00.000Z'],
    // fall back 2026-10-25: 02:00-02:59 happens twice; the first (CEST) one counts
    ['Europe/Berlin', '2026-10-25', '01:59', '2026-10-24T23:59:00.000Z'],
    ['Europe/Berlin', '2026-10-25', '02:00', '2026-10-25T00:00:00.000Z'],
    ['Europe/Berlin', '2026-10-25', '02:30', '2026-10-25T00:30:00.000Z'],
    ['Europe/Berlin', '2026-10-25', '02:59', '2026-10-25T00:59:00.000Z'],
    ['Europe/Berlin', '2026-10-25', '03:00', '2026-10-25T02:00:00.000Z'],
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08T07:00:00.000Z'],
    ['America/New_York', '2026-11-01', '01:30', '2026-11-01T05:30:00.000Z'],
    ['America/New_York', '2026-11-01', '02:30', '2026-11-01T07:30:00.000Z'],
    ['Asia/Kolkata', '2026-03-29', '06:00', '2026-03-29T00:30:00.000Z'],
    ['Asia/Kolkata', '2026-03-29', '02:30', '2026-03-28T21:00:00.000Z'],
    ['UTC', '2026-03-29', '02:30', '2026-03-29T02:30:00.000Z'],
    // half-hour shifts: gap 02:00-02:30 and repeated 01:30-01:59
    ['Australia/Lord_Howe', '2026-10-04', '02:15', '2026-10-03T15:30:00.000Z'],
    ['Australia/Lord_Howe', '2026-04-05', '01:45', '2026-04-04T14:45:00.000Z'],
  ])('%s %s %s -> %s', (timeZone, date, time, expected) => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const [hour, minute] = time.split(':').map(Number) as [number, number];
    expect(zonedWallTimeToInstant(year, month, day, hour, minute, timeZone).toISOString()).toBe(expected);
  });
});

describe('nextRuns', () => {
  it.each([
    {
      title: 'at 07:00 the next run is today 18:00',
      schedule: berlin('06:00', '18:00'),
      from: '2026-06-15T05:00:00.000Z',
      count: 1,
      runs: ['2026-06-15T16:00:00.000Z'],
    },
    {
      title: 'at 18:00:00 exactly the next run is tomorrow 06:00',
      schedule: berlin('06:00', '18:00'),
      from: '2026-06-15T16:00:00.000Z',
      count: 1,
      runs: ['2026-06-16T04:00:00.000Z'],
    },
    {
      title: 'one millisecond before 18:00 the next run is 18:00',
      schedule: berlin('06:00', '18:00'),
      from: '2026-06-15T15:59:59.999Z',
      count: 1,
      runs: ['2026-06-15T16:00:00.000Z'],
    },
    {
      title: 'at 23:59 the next run is tomorrow 06:00',
      schedule: berlin('06:00', '18:00'),
      from: '2026-01-15T22:59:00.000Z',
      count: 1,
      runs: ['2026-01-16T05:00:00.000Z'],
    },
    {
      title: 'unsorted and repeated times',
      schedule: berlin('18:00', '06:00', '12:30', '06:00'),
      from: '2026-01-15T05:00:00.000Z',
      count: 4,
      runs: ['2026-01-15T11:30:00.000Z', '2026-01-15T17:00:00.000Z', '2026-01-16T05:00:00.000Z', '2026-01-16T11:30:00.000Z'],
    },
    {
      title: 'five runs across days and a year end',
      schedule: berlin('06:00', '18:00'),
      from: '2026-12-30T12:00:00.000Z',
      count: 5,
      runs: [
        '2026-12-30T17:00:00.000Z',
        '2026-12-31T05:00:00.000Z',
        '2026-12-31T17:00:00.000Z',
        '2027-01-01T05:00:00.000Z',
        '2027-01-01T17:00:00.000Z',
      ],
    },
    {
      title: 'Berlin spring forward: 02:30 runs once, when the clocks jump',
      schedule: berlin('02:30', '06:00'),
      from: '2026-03-28T12:00:00.000Z',
      count: 4,
      runs: ['2026-03-29T01:00:00.000Z', '2026-03-29T04:00:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-30T04:00:00.000Z'],
    },
    {
      title: 'Berlin spring forward: 02:30 and 03:00 fall on one instant and run once',
      schedule: berlin('02:30', '03:00'),
      from: '2026-03-28T12:00:00.000Z',
      count: 3,
      runs: ['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-30T01:00:00.000Z'],
    },
    {
      title: 'Berlin fall back: 02:30 runs once, at its first occurrence',
      schedule: berlin('02:30', '06:00'),
      from: '2026-10-24T12:00:00.000Z',
      count: 4,
      runs: ['2026-10-25T00:30:00.000Z', '2026-10-25T05:00:00.000Z', '2026-10-26T01:30:00.000Z', '2026-10-26T05:00:00.000Z'],
    },
    {
      title: 'Berlin fall back: right after the first 02:30 the second one is skipped',
      schedule: berlin('02:30', '06:00'),
      from: '2026-10-25T00:30:00.000Z',
      count: 1,
      runs: ['2026-10-25T05:00:00.000Z'],
    },
    {
      title: 'New York spring forward (02:30 does not exist)',
      schedule: { times: ['01:30', '02:30'], timeZone: 'America/New_York' },
      from: '2026-03-07T12:00:00.000Z',
      count: 4,
      runs: ['2026-03-08T06:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T05:30:00.000Z', '2026-03-09T06:30:00.000Z'],
    },
    {
      title: 'New York fall back (01:30 happens twice)',
      schedule: { times: ['01:30', '02:30'], timeZone: 'America/New_York' },
      from: '2026-10-31T12:00:00.000Z',
      count: 4,
      runs: ['2026-11-01T05:30:00.000Z', '2026-11-01T07:30:00.000Z', '2026-11-02T06:30:00.000Z', '2026-11-02T07:30:00.000Z'],
    },
    {
      title: 'Asia/Kolkata, +05:30 and no DST',
      schedule: { times: ['06:00', '18:00'], timeZone: 'Asia/Kolkata' },
      from: '2026-03-29T01:00:00.000Z',
      count: 3,
      runs: ['2026-03-29T12:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-30T12:30:00.000Z'],
    },
    {
      title: 'UTC',
      schedule: { times: ['00:00', '12:00'], timeZone: 'UTC' },
      from: '2026-03-29T00:00:00.000Z',
      count: 3,
      runs: ['2026-03-29T12:00:00.000Z', '2026-03-30T00:00:00.000Z', '2026-03-30T12:00:00.000Z'],
    },
    {
      title: 'no times, no runs',
      schedule: berlin(),
      from: '2026-03-29T00:00:00.000Z',
      count: 3,
      runs: [],
    },
    {
      title: 'count 0',
      schedule: berlin('06:00'),
      from: '2026-03-29T00:00:00.000Z',
      count: 0,
      runs: [],
    },
  ])('$title', ({ schedule, from, count, runs }) => {
    expect(iso(nextRuns(schedule, new Date(from), count))).toEqual(runs);
  });

  it.each([
    ['Europe/Berlin', 2026, 3, 25],
    ['Europe/Berlin', 2026, 10, 21],
    ['America/New_York', 2026, 3, 5],
    ['America/New_York', 2026, 10, 29],
  ])('one run per local day and time for 10 days across the DST change in %s', (timeZone, year, month, day) => {
    const schedule = { times: ['00:30', '01:30', '02:30', '06:00', '18:00'], timeZone };
    const localMidnight = zonedWallTimeToInstant(year, month, day, 0, 0, timeZone);
    const runs = nextRuns(schedule, new Date(localMidnight.getTime() - 1), 5 * 10);
    const keys = runs.map((run) => slotKey(schedule, run));
    expect(new Set(keys).size).toBe(50);
    expect(new Set(keys.map((key) => key.slice(0, 10))).size).toBe(10);
    for (let i = 1; i < runs.length; i++) expect(runs[i]!.getTime()).toBeGreaterThan(runs[i - 1]!.getTime());
  });

  it('rejects a malformed time', () => {
    expect(() => nextRuns(berlin('6:00'), new Date(), 1)).toThrow(RangeError);
  });
});

describe('latestSlotAtOrBefore', () => {
  it.each([
    ['at 07:00 -> today 06:00', berlin('06:00', '18:00'), '2026-06-15T05:00:00.000Z', '2026-06-15T04:00:00.000Z'],
    ['at 05:59 -> yesterday 18:00', berlin('06:00', '18:00'), '2026-06-15T03:59:00.000Z', '2026-06-14T16:00:00.000Z'],
    ['at exactly 06:00 -> today 06:00', berlin('06:00', '18:00'), '2026-06-15T04:00:00.000Z', '2026-06-15T04:00:00.000Z'],
    ['just after midnight -> yesterday 18:00', berlin('18:00', '06:00'), '2026-01-15T23:00:00.000Z', '2026-01-15T17:00:00.000Z'],
    ['at the jump on the spring-forward day -> the 02:30 slot', berlin('02:30'), '2026-03-29T01:00:00.000Z', '2026-03-29T01:00:00.000Z'],
    ['at the second 02:30 -> the first 02:30', berlin('02:30'), '2026-10-25T01:30:00.000Z', '2026-10-25T00:30:00.000Z'],
    ['Asia/Kolkata', { times: ['06:00'], timeZone: 'Asia/Kolkata' }, '2026-03-29T00:29:00.000Z', '2026-03-28T00:30:00.000Z'],
    ['no times', berlin(), '2026-03-29T00:00:00.000Z', undefined],
  ])('%s', (_title, schedule, at, expected) => {
    expect(latestSlotAtOrBefore(schedule, new Date(at))?.toISOString()).toBe(expected);
  });

  it('is the run that nextRuns announced', () => {
    const schedule = berlin('02:30', '06:00', '18:00');
    for (const run of nextRuns(schedule, new Date('2026-03-20T00:00:00Z'), 300)) {
      expect(latestSlotAtOrBefore(schedule, run)?.getTime()).toBe(run.getTime());
      expect(latestSlotAtOrBefore(schedule, new Date(run.getTime() + 60_000))?.getTime()).toBe(run.getTime());
    }
  });
});

describe('slotKey', () => {
  it.each([
    [berlin('06:00'), '2026-03-29T04:00:00.000Z', '2026-03-29T06:00@Europe/Berlin'],
    [berlin('06:00'), '2026-01-15T05:00:00.000Z', '2026-01-15T06:00@Europe/Berlin'],
    // the 02:30 that does not exist runs, and is keyed, at 03:00
    [berlin('02:30'), '2026-03-29T01:00:00.000Z', '2026-03-29T03:00@Europe/Berlin'],
    [berlin('02:30'), '2026-10-25T00:30:00.000Z', '2026-10-25T02:30@Europe/Berlin'],
    [{ times: ['06:00'], timeZone: 'Asia/Kolkata' }, '2026-03-29T00:30:00.000Z', '2026-03-29T06:00@Asia/Kolkata'],
    [{ times: ['00:00'], timeZone: 'UTC' }, '2026-03-29T00:00:00.000Z', '2026-03-29T00:00@UTC'],
  ])('%#: %s', (schedule, slot, key) => {
    expect(slotKey(schedule, new Date(slot))).toBe(key);
  });

  it('gives both occurrences of the repeated 02:30 the one key of its single run', () => {
    const schedule = berlin('02:30');
    const [run] = nextRuns(schedule, new Date('2026-10-24T12:00:00Z'), 1);
    expect(run?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
    const key = slotKey(schedule, run!);
    expect(slotKey(schedule, new Date('2026-10-25T01:30:00Z'))).toBe(key);
    expect(slotKey(schedule, new Date(run!.getTime()))).toBe(key);
  });
});

import { describe, expect, it } from 'vitest';
import { BACKUP_KINDS, formatBackupName, type BackupKind } from '../../src/archive/backup-name.js';
import {
  compareNewestFirst,
  periodOf,
  planRetention,
  retentionGroupOf,
  type RetentionCandidate,
  type RetentionPolicy,
  type RetentionTier,
} from '../../src/retention/retention-policy.js';
import { mulberry32 } from '../../src/shared/seeded-random.js';

/**
 * Table tests in the manner of restic's TestApplyPolicy: a fixed history,
 * a policy, and for every backup kept the reasons it is kept.
 * A backup is written "06-12T04" (UTC, 2026) or "06-12T04 manual".
 */
function backupAt(label: string): RetentionCandidate {
  const [stamp = '', kind = 'auto'] = label.split(' ');
  const [date = '', hour = '00', minute = '00'] = stamp.split(/[T:]/);
  const createdAt = new Date(`2026-${date}T${hour}:${minute}:00Z`);
  return { name: formatBackupName(createdAt, kind as BackupKind), createdAt, kind: kind as BackupKind };
}

const label = (b: RetentionCandidate): string => {
  const iso = b.createdAt.toISOString();
  const minute = iso.slice(14, 16);
  const stamp = `${iso.slice(5, 13)}${minute === '00' ? '' : `:${minute}`}`;
  return b.kind === 'auto' ? stamp : `${stamp} ${b.kind}`;
};

/** Daily labels from `from` to `to` (MM-DD, 2026) at each of the UTC hours. */
function daily(from: string, to: string, hours: readonly string[] = ['04'], kind = ''): string[] {
  const labels: string[] = [];
  for (let day = new Date(`2026-${from}T00:00:00Z`); day <= new Date(`2026-${to}T00:00:00Z`); day = new Date(day.getTime() + 86_400_000)) {
    for (const hour of hours) labels.push(`${day.toISOString().slice(5, 10)}T${hour}${kind ? ` ${kind}` : ''}`);
  }
  return labels;
}

function minutes(prefix: string, count: number, kind: string): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}:${String(i + 1).padStart(2, '0')} ${kind}`);
}

interface Case {
  readonly title: string;
  readonly history: readonly string[];
  readonly policy: Omit<RetentionPolicy, 'pinned' | 'protect'> & { pinned?: readonly string[]; protect?: readonly string[] };
  /** Every kept backup, newest first, with its reasons. */
  readonly keep: Readonly<Record<string, string>>;
}

const cases: Case[] = [
  { title: 'empty history', history: [], policy: { keepLast: 10 }, keep: {} },
  {
    title: 'fewer automatic backups than keepLast: all stay',
    history: ['06-01T04', '06-01T16', '06-02T04'],
    policy: { keepLast: 10 },
    keep: { '06-02T04': 'last-n auto', '06-01T16': 'last-n auto', '06-01T04': 'last-n auto' },
  },
  {
    title: 'the seed’s rule: the newest 10 automatic backups of 12',
    history: daily('06-01', '06-06', ['04', '16']),
    policy: { keepLast: 10 },
    keep: Object.fromEntries(daily('06-02', '06-06', ['04', '16']).map((l) => [l, 'last-n auto'])),
  },
  {
    title: 'a burst of 20 manual backups keeps 5 of them and pushes no automatic one out',
    history: [...daily('06-01', '06-05', ['04', '16']), ...minutes('06-06T09', 20, 'manual')],
    policy: { keepLast: 10 },
    keep: {
      ...Object.fromEntries(minutes('06-06T09', 20, 'manual').slice(15).map((l) => [l, 'last-n manual'])),
      ...Object.fromEntries(daily('06-01', '06-05', ['04', '16']).map((l) => [l, 'last-n auto'])),
    },
  },
  {
    title: 'uploads count with the manual backups, pre-restore backups apart',
    history: [
      '06-01T04', '06-01T05 upload', '06-01T06 manual', '06-01T07 pre-restore', '06-01T08 upload',
      '06-01T09 pre-restore', '06-01T10 manual', '06-01T11 pre-restore', '06-01T16',
    ],
    policy: { keepLast: 10, keepManual: 2, keepPreRestore: 1 },
    keep: {
      '06-01T16': 'last-n auto',
      '06-01T11 pre-restore': 'last-n pre-restore',
      '06-01T10 manual': 'last-n manual',
      '06-01T08 upload': 'last-n manual',
      '06-01T04': 'last-n auto',
    },
  },
  {
    title: 'keepLast 0, negative or NaN keeps the newest automatic backup',
    history: ['06-01T04', '06-01T16', '06-02T04'],
    policy: { keepLast: Number.NaN, keepManual: 0, keepPreRestore: -3 },
    keep: { '06-02T04': 'last-n auto' },
  },
  {
    title: 'a pinned old backup stays and does not count against keepLast',
    history: daily('06-01', '06-05'),
    policy: { keepLast: 2, pinned: ['06-01T04'] },
    keep: { '06-05T04': 'last-n auto', '06-04T04': 'last-n auto', '06-01T04': 'pinned' },
  },
  {
    title: 'a pinned backup within the newest changes nothing else',
    history: daily('06-01', '06-05'),
    policy: { keepLast: 2, pinned: ['06-04T04'] },
    keep: { '06-05T04': 'last-n auto', '06-04T04': 'last-n auto, pinned' },
  },
  {
    title: 'a backup in use stays; pinned and in use may meet; unknown names are ignored',
    history: [...daily('06-01', '06-04'), '06-02T12 pre-restore', '06-02T13 pre-restore'],
    policy: { keepLast: 1, keepPreRestore: 1, pinned: ['06-01T04', 'gone.zip'], protect: ['06-01T04', '06-02T12 pre-restore', 'x.zip'] },
    keep: {
      '06-04T04': 'last-n auto',
      '06-02T13 pre-restore': 'last-n pre-restore',
      '06-02T12 pre-restore': 'in use',
      '06-01T04': 'pinned, in use',
    },
  },
  {
    title: 'daily: the newest automatic backup of each of the last 7 days that have one',
    history: daily('06-01', '06-12', ['04', '16']),
    policy: { keepLast: 4, keepDaily: 7 },
    keep: {
      '06-12T16': 'last-n auto, daily 2026-06-12',
      '06-12T04': 'last-n auto',
      '06-11T16': 'last-n auto, daily 2026-06-11',
      '06-11T04': 'last-n auto',
      ...Object.fromEntries(['10', '09', '08', '07', '06'].map((d) => [`06-${d}T16`, `daily 2026-06-${d}`])),
    },
  },
  {
    title: 'daily counts days with backups, not calendar days (a gap of a week)',
    history: ['05-20T04', '05-21T04', '05-22T04', '05-30T04', '05-30T16'],
    policy: { keepLast: 1, keepDaily: 3 },
    keep: { '05-30T16': 'last-n auto, daily 2026-05-30', '05-22T04': 'daily 2026-05-22', '05-21T04': 'daily 2026-05-21' },
  },
  {
    title: 'weekly (ISO weeks, Monday first) and monthly together',
    history: daily('04-27', '06-12'),
    policy: { keepLast: 1, keepWeekly: 3, keepMonthly: 3 },
    keep: {
      '06-12T04': 'last-n auto, weekly 2026-W24, monthly 2026-06',
      '06-07T04': 'weekly 2026-W23',
      '05-31T04': 'weekly 2026-W22, monthly 2026-05',
      '04-30T04': 'monthly 2026-04',
    },
  },
  {
    title: 'tiers look at automatic backups only: a newer manual backup does not take the day',
    history: ['06-01T04', '06-01T16', '06-01T20 manual', '06-02T04', '06-02T21 manual'],
    policy: { keepLast: 1, keepManual: 1, keepDaily: 2 },
    keep: {
      '06-02T21 manual': 'last-n manual',
      '06-02T04': 'last-n auto, daily 2026-06-02',
      '06-01T16': 'daily 2026-06-01',
    },
  },
  {
    title: 'days and weeks begin in BACKUP_TIMEZONE: Monday 00:30 in Berlin is still Sunday in UTC',
    history: ['06-05T12', '06-14T20', '06-14T22:30'],
    policy: { keepLast: 1, keepWeekly: 2, timeZone: 'Europe/Berlin' },
    keep: { '06-14T22:30': 'last-n auto, weekly 2026-W25', '06-14T20': 'weekly 2026-W24' },
  },
  {
    title: 'the same history in UTC',
    history: ['06-05T12', '06-14T20', '06-14T22:30'],
    policy: { keepLast: 1, keepWeekly: 2, timeZone: 'UTC' },
    keep: { '06-14T22:30': 'last-n auto, weekly 2026-W24', '06-05T12': 'weekly 2026-W23' },
  },
];

function describePlan(history: readonly RetentionCandidate[], policy: RetentionPolicy): Record<string, string> {
  const plan = planRetention(history, policy);
  return Object.fromEntries(
    plan.decisions
      .filter((d) => d.keep)
      .map((d) => [label(d.backup), d.reasons.map((r) => (isTier(r) ? `${r} ${d.periods[r]}` : r)).join(', ')]),
  );
}

const isTier = (reason: string): reason is RetentionTier => reason === 'daily' || reason === 'weekly' || reason === 'monthly';

describe('planRetention', () => {
  it.each(cases)('$title', ({ history, policy, keep }) => {
    const backups = history.map(backupAt);
    const names = (labels: readonly string[] | undefined) => new Set(labels?.map((l) => (l.endsWith('.zip') ? l : backupAt(l).name)));
    const full: RetentionPolicy = { ...policy, pinned: names(policy.pinned), protect: names(policy.protect) };
    const kept = describePlan(backups, full);
    expect(kept).toEqual(keep);

    const plan = planRetention(backups, full);
    expect(plan.keep.map(label)).toEqual(Object.keys(keep).map(backupAt).sort(compareNewestFirst).map(label));
    const removed = history.filter((l) => !(l in keep));
    expect(plan.remove.map(label).sort()).toEqual(removed.sort());
    for (const decision of plan.decisions.filter((d) => !d.keep)) {
      expect(decision.reasons).toEqual([`beyond last-n ${retentionGroupOf(decision.backup.kind)}`]);
    }
  });

  it('breaks ties in createdAt by name, descending', () => {
    const at = new Date('2026-01-01T06:00:00Z');
    const plan = planRetention(
      ['a', 'c', 'b'].map((name) => ({ name, createdAt: at, kind: 'auto' as const })),
      { keepLast: 2 },
    );
    expect(plan.keep.map((b) => b.name)).toEqual(['c', 'b']);
    expect(plan.remove.map((b) => b.name)).toEqual(['a']);
  });

  it('does not touch its input and returns the caller’s own objects', () => {
    const input = ['06-01T04', '06-03T04', '06-02T04'].map(backupAt);
    const copy = [...input];
    const plan = planRetention(input, { keepLast: 1 });
    expect(input).toEqual(copy);
    expect(plan.keep[0]).toBe(input[1]);
    expect(plan.decisions[0]?.backup).toBe(input[1]);
  });

  it('holds its invariants for a few hundred random histories', () => {
    const random = mulberry32(20260329);
    const int = (max: number): number => Math.floor(random() * max);
    const start = Date.UTC(2026, 0, 1);

    for (let run = 0; run < 400; run++) {
      // Few distinct times, so ties are common; spread over ~3 months, so tiers matter.
      const backups = Array.from({ length: int(40) }, (_, i) => ({
        name: `backup-${int(1_000_000)}-${i}`,
        createdAt: new Date(start + int(90) * 86_400_000 + int(3) * 8 * 3_600_000),
        kind: BACKUP_KINDS[int(BACKUP_KINDS.length)] ?? 'auto',
      }));
      const pinned = new Set(backups.filter(() => random() < 0.1).map((b) => b.name));
      const protect = new Set(backups.filter(() => random() < 0.1).map((b) => b.name));
      const policy: RetentionPolicy = {
        keepLast: int(8) - 2,
        keepManual: int(6) - 1,
        keepPreRestore: int(5) - 1,
        keepDaily: int(6),
        keepWeekly: int(4),
        keepMonthly: int(3),
        timeZone: random() < 0.5 ? 'Europe/Berlin' : 'UTC',
        pinned,
        protect,
      };

      const plan = planRetention(backups, policy);

      const kept = new Set(plan.keep.map((b) => b.name));
      const removed = new Set(plan.remove.map((b) => b.name));
      expect([...kept, ...removed].sort()).toEqual(backups.map((b) => b.name).sort());
      expect(plan.keep.length + plan.remove.length).toBe(backups.length);
      if (backups.length > 0) expect(plan.keep.length).toBeGreaterThan(0);
      for (const name of [...pinned, ...protect]) expect(removed.has(name)).toBe(false);

      const newestFirst = (list: readonly RetentionCandidate[]) =>
        list.every((b, i) => i === 0 || b.createdAt < list[i - 1]!.createdAt || (b.createdAt.getTime() === list[i - 1]!.createdAt.getTime() && b.name < list[i - 1]!.name));
      expect(newestFirst(plan.keep) && newestFirst(plan.remove) && newestFirst(plan.decisions.map((d) => d.backup))).toBe(true);

      for (const group of ['auto', 'manual', 'pre-restore'] as const) {
        const count = Math.max(1, group === 'auto' ? policy.keepLast : group === 'manual' ? policy.keepManual! : policy.keepPreRestore!);
        const ofGroup = plan.decisions.filter((d) => retentionGroupOf(d.backup.kind) === group);
        const byCount = ofGroup.filter((d) => (d.reasons as readonly string[]).includes(`last-n ${group}`));
        expect(byCount.map((d) => d.backup)).toEqual(ofGroup.slice(0, count).map((d) => d.backup));
      }
      for (const tier of ['daily', 'weekly', 'monthly'] as const) {
        const count = tier === 'daily' ? policy.keepDaily! : tier === 'weekly' ? policy.keepWeekly! : policy.keepMonthly!;
        const autos = plan.decisions.filter((d) => d.backup.kind === 'auto');
        const periods = [...new Set(autos.map((d) => periodOf(tier, d.backup.createdAt, policy.timeZone!)))].slice(0, count);
        const byTier = plan.decisions.filter((d) => (d.reasons as readonly string[]).includes(tier));
        expect(byTier.map((d) => d.periods[tier])).toEqual(periods);
        for (const d of byTier) expect(d.backup).toBe(autos.find((a) => periodOf(tier, a.backup.createdAt, policy.timeZone!) === d.periods[tier])?.backup);
      }
    }
  });
});

describe('periodOf', () => {
  it.each([
    ['2026-01-01T12:00:00Z', 'UTC', '2026-01-01', '2026-W01', '2026-01'],
    ['2027-01-01T12:00:00Z', 'UTC', '2027-01-01', '2026-W53', '2027-01'],
    ['2024-12-30T12:00:00Z', 'UTC', '2024-12-30', '2025-W01', '2024-12'],
    ['2026-06-14T22:30:00Z', 'Europe/Berlin', '2026-06-15', '2026-W25', '2026-06'],
    ['2026-06-14T22:30:00Z', 'UTC', '2026-06-14', '2026-W24', '2026-06'],
    ['2026-06-30T22:30:00Z', 'Europe/Berlin', '2026-07-01', '2026-W27', '2026-07'],
    ['2026-03-29T01:30:00Z', 'Europe/Berlin', '2026-03-29', '2026-W13', '2026-03'],
  ])('%s in %s: day %s, week %s, month %s', (iso, zone, day, week, month) => {
    const at = new Date(iso);
    expect([periodOf('daily', at, zone), periodOf('weekly', at, zone), periodOf('monthly', at, zone)]).toEqual([day, week, month]);
  });
});

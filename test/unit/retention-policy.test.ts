import { describe, expect, it } from 'vitest';
import { BACKUP_KINDS, type BackupKind } from '../../src/archive/backup-name.js';
import { planRetention, type RetentionCandidate } from '../../src/retention/retention-policy.js';
import { mulberry32 } from '../../src/shared/seeded-random.js';

const KINDS: readonly BackupKind[] = BACKUP_KINDS;

/** Backup `b<i>` created `i` hours after a fixed start, so a higher number is newer. */
function backup(i: number, kind: BackupKind = KINDS[i % KINDS.length] ?? 'auto'): RetentionCandidate {
  return { name: `b${String(i).padStart(2, '0')}`, createdAt: new Date(Date.UTC(2026, 0, 1, i)), kind };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, k) => from + k);
}

interface Case {
  readonly title: string;
  readonly backups: readonly RetentionCandidate[];
  readonly keepLast: number;
  readonly protect?: readonly string[];
  readonly keep: readonly string[];
  readonly remove: readonly string[];
}

const names = (numbers: readonly number[]): string[] => numbers.map((i) => backup(i).name);

const sameTime = (name: string): RetentionCandidate => ({
  name,
  createdAt: new Date('2026-01-01T06:00:00Z'),
  kind: 'auto',
});

const cases: Case[] = [
  { title: 'empty list', backups: [], keepLast: 10, keep: [], remove: [] },
  {
    title: 'fewer than keepLast',
    backups: range(1, 3).map((i) => backup(i)),
    keepLast: 10,
    keep: names([3, 2, 1]),
    remove: [],
  },
  {
    title: 'exactly keepLast',
    backups: range(1, 3).map((i) => backup(i)),
    keepLast: 3,
    keep: names([3, 2, 1]),
    remove: [],
  },
  {
    title: 'keepLast + 1 removes the oldest',
    backups: range(1, 4).map((i) => backup(i)),
    keepLast: 3,
    keep: names([4, 3, 2]),
    remove: names([1]),
  },
  {
    title: 'unsorted input',
    backups: [3, 1, 5, 2, 4].map((i) => backup(i)),
    keepLast: 2,
    keep: names([5, 4]),
    remove: names([3, 2, 1]),
  },
  {
    title: 'keepLast 0 keeps the newest',
    backups: range(1, 3).map((i) => backup(i)),
    keepLast: 0,
    keep: names([3]),
    remove: names([2, 1]),
  },
  {
    title: 'negative keepLast keeps the newest',
    backups: range(1, 3).map((i) => backup(i)),
    keepLast: -5,
    keep: names([3]),
    remove: names([2, 1]),
  },
  {
    title: 'protected oldest survives and does not count against keepLast',
    backups: range(1, 12).map((i) => backup(i)),
    keepLast: 10,
    protect: names([1]),
    keep: names([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 1]),
    remove: names([2]),
  },
  {
    title: 'protected within the newest changes nothing',
    backups: range(1, 5).map((i) => backup(i)),
    keepLast: 2,
    protect: names([4]),
    keep: names([5, 4]),
    remove: names([3, 2, 1]),
  },
  {
    title: 'protected name that does not exist is ignored',
    backups: range(1, 3).map((i) => backup(i)),
    keepLast: 1,
    protect: ['gone.zip'],
    keep: names([3]),
    remove: names([2, 1]),
  },
  {
    title: 'ties in createdAt are broken by name, descending',
    backups: [sameTime('a'), sameTime('c'), sameTime('b')],
    keepLast: 2,
    keep: ['c', 'b'],
    remove: ['a'],
  },
  {
    title: 'all kinds count the same',
    backups: [backup(1, 'manual'), backup(2, 'pre-restore'), backup(3, 'upload'), backup(4, 'auto')],
    keepLast: 2,
    keep: names([4, 3]),
    remove: names([2, 1]),
  },
  {
    title: '25 backups keep 10',
    backups: range(1, 25).map((i) => backup(i)),
    keepLast: 10,
    keep: names(range(16, 25).reverse()),
    remove: names(range(1, 15).reverse()),
  },
];

describe('planRetention', () => {
  it.each(cases)('$title', ({ backups, keepLast, protect, keep, remove }) => {
    const plan = planRetention(backups, { keepLast, protect: new Set(protect) });
    expect(plan.keep.map((b) => b.name)).toEqual(keep);
    expect(plan.remove.map((b) => b.name)).toEqual(remove);
  });

  it('does not touch its input and returns the caller’s own objects', () => {
    const input = [backup(1), backup(3), backup(2)];
    const copy = [...input];
    const plan = planRetention(input, { keepLast: 1 });
    expect(input).toEqual(copy);
    expect(plan.keep[0]).toBe(input[1]);
  });

  it('holds its invariants for a few hundred random inputs', () => {
    const random = mulberry32(20260329);
    const int = (max: number): number => Math.floor(random() * max);

    for (let run = 0; run < 500; run++) {
      const n = int(30);
      // Few distinct times, so ties are common.
      const backups = range(1, n).map((i) => ({
        name: `backup-${int(1_000_000)}-${i}`,
        createdAt: new Date(Date.UTC(2026, 0, 1) + int(8) * 3_600_000),
        kind: KINDS[int(KINDS.length)] ?? 'auto',
      }));
      const keepLast = int(15) - 2;
      const protect = new Set(backups.filter(() => random() < 0.15).map((b) => b.name));

      const plan = planRetention(backups, { keepLast, protect });

      const kept = new Set(plan.keep.map((b) => b.name));
      const removed = new Set(plan.remove.map((b) => b.name));
      expect([...kept, ...removed].sort()).toEqual(backups.map((b) => b.name).sort());
      expect([...kept].filter((name) => removed.has(name))).toEqual([]);

      const newerOrTie = (a: RetentionCandidate, b: RetentionCandidate): boolean =>
        a.createdAt.getTime() > b.createdAt.getTime() ||
        (a.createdAt.getTime() === b.createdAt.getTime() && a.name > b.name);
      for (const k of plan.keep.filter((b) => !protect.has(b.name))) {
        for (const r of plan.remove) expect(newerOrTie(k, r)).toBe(true);
      }
      for (const r of plan.remove) expect(protect.has(r.name)).toBe(false);

      const effectiveKeep = Math.max(1, keepLast);
      const newest = [...backups].sort((a, b) => (newerOrTie(a, b) ? -1 : 1)).slice(0, effectiveKeep);
      const protectedOutsideNewest = [...protect].filter((name) => !newest.some((b) => b.name === name));
      expect(plan.keep).toHaveLength(Math.min(n, effectiveKeep) + protectedOutsideNewest.length);

      for (const list of [plan.keep, plan.remove]) {
        for (let i = 1; i < list.length; i++) expect(newerOrTie(list[i - 1]!, list[i]!)).toBe(true);
      }
    }
  });
});

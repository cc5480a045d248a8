import { describe, expect, it } from 'vitest';
import type { BackupKind } from '../../src/archive/backup-name.js';
import { assessDiskSpace, type SizedBackup } from '../../src/storage/disk-space.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const HOUR = 3_600_000;
const now = new Date('2026-06-15T12:00:00Z');

/** A backup of `mib` MiB made `hoursAgo` hours before `now`. */
const made = (hoursAgo: number, mib: number, kind: BackupKind = 'auto'): SizedBackup => ({
  size: mib * MiB,
  createdAt: new Date(now.getTime() - hoursAgo * HOUR),
  kind,
});

const twicePerDay = (count: number, mib: number): SizedBackup[] => Array.from({ length: count }, (_, i) => made(12 * (i + 1), mib));

interface Case {
  readonly title: string;
  readonly free: number;
  readonly total: number;
  readonly backups: readonly SizedBackup[];
  readonly minFreeMb?: number;
  readonly expected: {
    readonly canStartBackup: boolean;
    readonly requiredFree: number;
    readonly backupsBytes: number;
    readonly growthPerDay: number | undefined;
    readonly daysLeft: number | undefined;
    readonly refusal?: string;
    readonly lowSpaceWarning?: string;
  };
}

const cases: Case[] = [
  {
    title: 'plenty of space and no backups yet',
    free: 10 * GiB,
    total: 20 * GiB,
    backups: [],
    expected: { canStartBackup: true, requiredFree: 100 * MiB, backupsBytes: 0, growthPerDay: undefined, daysLeft: undefined },
  },
  {
    title: 'below BACKUP_MIN_FREE_MB with no backup yet: refused, and a warning',
    free: 50 * MiB,
    total: GiB,
    backups: [],
    expected: {
      canStartBackup: false,
      requiredFree: 100 * MiB,
      backupsBytes: 0,
      growthPerDay: undefined,
      daysLeft: undefined,
      refusal:
        'Nicht genug Speicherplatz für ein Backup: frei sind 50,0 MiB, nötig sind mindestens 100,0 MiB (Mindestwert BACKUP_MIN_FREE_MB = 100). Bitte alte Backups löschen oder den Speicher vergrößern.',
      lowSpaceWarning: 'Wenig Speicherplatz: nur noch 4 % frei (50,0 MiB von 1,0 GiB).',
    },
  },
  {
    title: 'twice the newest archive is more than the minimum: that counts',
    free: 500 * MiB,
    total: 2 * GiB,
    backups: [made(1, 300), made(13, 250)],
    expected: {
      canStartBackup: false,
      requiredFree: 600 * MiB,
      backupsBytes: 550 * MiB,
      growthPerDay: 550 * MiB,
      daysLeft: 0,
      refusal:
        'Nicht genug Speicherplatz für ein Backup: frei sind 500,0 MiB, nötig sind mindestens 600,0 MiB (das Doppelte des neuesten Backups von 300,0 MiB). Bitte alte Backups löschen oder den Speicher vergrößern.',
    },
  },
  {
    title: 'exactly the required space is enough',
    free: 600 * MiB,
    total: 2 * GiB,
    backups: [made(1, 300)],
    expected: { canStartBackup: true, requiredFree: 600 * MiB, backupsBytes: 300 * MiB, growthPerDay: 300 * MiB, daysLeft: 2 },
  },
  {
    title: 'a newer, larger upload is no measure of the next backup',
    free: 300 * MiB,
    total: GiB,
    backups: [made(1, 900, 'upload'), made(10, 100, 'manual')],
    minFreeMb: 50,
    expected: { canStartBackup: true, requiredFree: 200 * MiB, backupsBytes: 1000 * MiB, growthPerDay: 1000 * MiB, daysLeft: 0 },
  },
  {
    title: 'growth from the backups of the last 14 days; older ones count for the space only',
    free: 1000 * MiB,
    total: 4 * GiB,
    backups: [...twicePerDay(27, 50), made(24 * 20, 40), made(24 * 30, 40)],
    expected: { canStartBackup: true, requiredFree: 100 * MiB, backupsBytes: (27 * 50 + 80) * MiB, growthPerDay: 100 * MiB, daysLeft: 10 },
  },
  {
    title: 'a single backup an hour old counts as one day',
    free: 8 * GiB,
    total: 16 * GiB,
    backups: [made(1, 80)],
    expected: { canStartBackup: true, requiredFree: 160 * MiB, backupsBytes: 80 * MiB, growthPerDay: 80 * MiB, daysLeft: 102 },
  },
  {
    title: 'a backup dated in the future (clock skew) is left out of the growth',
    free: 8 * GiB,
    total: 16 * GiB,
    backups: [made(-5, 80), made(24 * 15, 80)],
    expected: { canStartBackup: true, requiredFree: 160 * MiB, backupsBytes: 160 * MiB, growthPerDay: undefined, daysLeft: undefined },
  },
  {
    title: 'exactly 20 % free is no warning yet',
    free: 200 * MiB,
    total: 1000 * MiB,
    backups: [],
    expected: { canStartBackup: true, requiredFree: 100 * MiB, backupsBytes: 0, growthPerDay: undefined, daysLeft: undefined },
  },
  {
    title: 'just below 20 % free is a warning; under 1 % with one decimal',
    free: 5 * MiB,
    total: 1000 * MiB,
    backups: [],
    minFreeMb: 1,
    expected: {
      canStartBackup: true,
      requiredFree: MiB,
      backupsBytes: 0,
      growthPerDay: undefined,
      daysLeft: undefined,
      lowSpaceWarning: 'Wenig Speicherplatz: nur noch 0,5 % frei (5,0 MiB von 1.000,0 MiB).',
    },
  },
];

describe('assessDiskSpace', () => {
  it.each(cases)('$title', ({ free, total, backups, minFreeMb = 100, expected }) => {
    const assessment = assessDiskSpace({ free, total }, backups, { minFreeMb, now });
    expect(assessment).toEqual({
      free,
      total,
      freeRatio: free / total,
      refusal: undefined,
      lowSpaceWarning: undefined,
      ...expected,
    });
  });

  it('warns at 19.99 % and not at 20 %', () => {
    const at = (free: number) => assessDiskSpace({ free, total: 10_000 }, [], { minFreeMb: 0, now }).lowSpaceWarning;
    expect(at(2000)).toBeUndefined();
    expect(at(1999)).toBe('Wenig Speicherplatz: nur noch 19 % frei (2,0 KiB von 9,8 KiB).');
  });

  it('a volume that reports no size gives no ratio and no warning, and still refuses below the minimum', () => {
    const assessment = assessDiskSpace({ free: 0, total: 0 }, [], { minFreeMb: 100, now });
    expect(assessment).toMatchObject({ freeRatio: 0, lowSpaceWarning: undefined, canStartBackup: false });
  });
});

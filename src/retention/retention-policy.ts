import type { BackupKind } from '../archive/backup-name.js';
import { wallTimeAt } from '../shared/wall-clock.js';

export interface RetentionCandidate {
  readonly name: string;
  readonly createdAt: Date;
  readonly kind: BackupKind;
}

/** The numbers an admin sets; each count is clamped to at least 1, each tier to at least 0 (0: off). */
export interface RetentionRules {
  /** Automatic backups kept, newest first (BACKUP_KEEP). */
  readonly keepLast: number;
  /** Manual and uploaded backups kept, counted apart (BACKUP_KEEP_MANUAL). */
  readonly keepManual: number;
  /** Pre-restore (safety) backups kept, counted apart (BACKUP_KEEP_PRE_RESTORE). */
  readonly keepPreRestore: number;
  /** The newest automatic backup of each of the last N days / ISO weeks / months that have one. */
  readonly keepDaily: number;
  readonly keepWeekly: number;
  readonly keepMonthly: number;
  /** Where days, weeks and months begin (BACKUP_TIMEZONE). */
  readonly timeZone: string;
}

export const DEFAULT_RETENTION: RetentionRules = Object.freeze({
  keepLast: 10,
  keepManual: 5,
  keepPreRestore: 3,
  keepDaily: 0,
  keepWeekly: 0,
  keepMonthly: 0,
  timeZone: 'Europe/Berlin',
});

/** `keepLast` is required; every other rule left out takes its value from DEFAULT_RETENTION. */
export interface RetentionPolicy extends Partial<RetentionRules> {
  readonly keepLast: number;
  /** Pinned by an admin ("Behalten"): never removed. */
  readonly pinned?: ReadonlySet<string>;
  /** In use (being read, restored, downloaded): never removed. */
  readonly protect?: ReadonlySet<string>;
}

export type RetentionGroup = 'auto' | 'manual' | 'pre-restore';
export type RetentionTier = 'daily' | 'weekly' | 'monthly';
export type KeepReason = `last-n ${RetentionGroup}` | RetentionTier | 'pinned' | 'in use';
export type RemoveReason = `beyond last-n ${RetentionGroup}`;

export interface RetentionDecision<T> {
  readonly backup: T;
  readonly keep: boolean;
  /** Kept: every rule that keeps it. Removed: the count it fell out of (no other rule keeps it). */
  readonly reasons: readonly KeepReason[] | readonly [RemoveReason];
  /** For each tier that keeps it, the period it stands for: "2026-06-10", "2026-W24", "2026-06". */
  readonly periods: Readonly<Partial<Record<RetentionTier, string>>>;
}

/** Every list newest first. */
export interface RetentionPlan<T> {
  readonly keep: T[];
  readonly remove: T[];
  readonly decisions: RetentionDecision<T>[];
}

/** Which count a kind is kept under: uploads count with the manual backups. */
export function retentionGroupOf(kind: BackupKind): RetentionGroup {
  if (kind === 'auto') return 'auto';
  return kind === 'pre-restore' ? 'pre-restore' : 'manual';
}

/** Newest first; ties in createdAt broken by name, descending, so the order is total. */
export function compareNewestFirst(a: RetentionCandidate, b: RetentionCandidate): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

/**
 * Decides which backups stay, like restic's ApplyPolicy: the newest
 * `keepLast` automatic, `keepManual` manual/uploaded and `keepPreRestore`
 * pre-restore backups, each counted apart; with tiers, the newest automatic
 * backup of each of the last N days/weeks/months that have one; and every
 * pinned or protected backup. Everything else is removed. With every count
 * at least 1, the newest backup of each kind present always stays.
 */
export function planRetention<T extends RetentionCandidate>(backups: readonly T[], policy: RetentionPolicy): RetentionPlan<T> {
  const left: Record<RetentionGroup, number> = {
    auto: atLeast(1, policy.keepLast),
    manual: atLeast(1, policy.keepManual ?? DEFAULT_RETENTION.keepManual),
    'pre-restore': atLeast(1, policy.keepPreRestore ?? DEFAULT_RETENTION.keepPreRestore),
  };
  const timeZone = policy.timeZone ?? DEFAULT_RETENTION.timeZone;
  const tiers = [
    { tier: 'daily' as const, left: atLeast(0, policy.keepDaily ?? DEFAULT_RETENTION.keepDaily) },
    { tier: 'weekly' as const, left: atLeast(0, policy.keepWeekly ?? DEFAULT_RETENTION.keepWeekly) },
    { tier: 'monthly' as const, left: atLeast(0, policy.keepMonthly ?? DEFAULT_RETENTION.keepMonthly) },
  ].map((tier) => ({ ...tier, last: undefined as string | undefined }));

  const decisions = [...backups].sort(compareNewestFirst).map((backup): RetentionDecision<T> => {
    const group = retentionGroupOf(backup.kind);
    const reasons: KeepReason[] = [];
    const periods: Partial<Record<RetentionTier, string>> = {};
    const withinCount = left[group] > 0;
    if (withinCount) {
      left[group] -= 1;
      reasons.push(`last-n ${group}`);
    }
    if (group === 'auto') {
      for (const tier of tiers) {
        if (tier.left === 0) continue;
        const period = periodOf(tier.tier, backup.createdAt, timeZone);
        if (period === tier.last) continue;
        tier.last = period;
        tier.left -= 1;
        reasons.push(tier.tier);
        periods[tier.tier] = period;
      }
    }
    if (policy.pinned?.has(backup.name)) reasons.push('pinned');
    if (policy.protect?.has(backup.name)) reasons.push('in use');
    if (reasons.length > 0) return { backup, keep: true, reasons, periods };
    return { backup, keep: false, reasons: [`beyond last-n ${group}`], periods };
  });

  return {
    keep: decisions.filter((d) => d.keep).map((d) => d.backup),
    remove: decisions.filter((d) => !d.keep).map((d) => d.backup),
    decisions,
  };
}

function atLeast(min: number, value: number): number {
  return Number.isNaN(value) ? min : Math.max(min, Math.floor(value));
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
const DAY_MS = 86_400_000;

/** The calendar period of `at` on the wall clock of `timeZone`: "2026-06-10", ISO week "2026-W24", "2026-06". */
export function periodOf(tier: RetentionTier, at: Date, timeZone: string): string {
  const { year, month, day } = wallTimeAt(at, timeZone);
  if (tier === 'daily') return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  if (tier === 'monthly') return `${pad(year, 4)}-${pad(month)}`;
  const date = Date.UTC(year, month - 1, day);
  const mondayBased = (new Date(date).getUTCDay() + 6) % 7;
  const thursday = date + (3 - mondayBased) * DAY_MS;
  const weekYear = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(weekYear, 0, 1)) / (7 * DAY_MS));
  return `${pad(weekYear, 4)}-W${pad(week)}`;
}

import type { BackupKind } from '../archive/backup-name.js';

export interface RetentionCandidate {
  readonly name: string;
  readonly createdAt: Date;
  readonly kind: BackupKind;
}

export interface RetentionPolicy {
  readonly keepLast: number;
  /** Names never removed (in use: being read, restored, downloaded). */
  readonly protect?: ReadonlySet<string>;
}

/** Both lists newest first. */
export interface RetentionPlan<T> {
  readonly keep: T[];
  readonly remove: T[];
}

/** Newest first; ties in createdAt broken by name, descending, so the order is total. */
export function compareNewestFirst(a: RetentionCandidate, b: RetentionCandidate): number {
  const byTime = b.createdAt.getTime() - a.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

/**
 * Keeps the newest `keepLast` backups (at least one, whatever their kind) plus
 * every protected one, wherever it stands; everything else is to be removed.
 */
export function planRetention<T extends RetentionCandidate>(
  backups: readonly T[],
  policy: RetentionPolicy,
): RetentionPlan<T> {
  const keepLast = Number.isNaN(policy.keepLast) ? 1 : Math.max(1, Math.floor(policy.keepLast));
  const sorted = [...backups].sort(compareNewestFirst);
  const keep: T[] = [];
  const remove: T[] = [];
  sorted.forEach((backup, index) => {
    if (index < keepLast || policy.protect?.has(backup.name)) keep.push(backup);
    else remove.push(backup);
  });
  return { keep, remove };
}

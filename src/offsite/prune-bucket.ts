import { planRetention, type RetentionRules } from '../retention/retention-policy.js';
import type { OffsiteCopies } from './offsite-copies.js';

/**
 * Applies the retention policy in force (live settings included) to the
 * bucket, with BACKUP_S3_KEEP, when set, for the automatic backups; pinned
 * backups stay. Returns the removed names.
 */
export async function pruneBucket(offsite: OffsiteCopies, rules: RetentionRules, pinned: ReadonlySet<string>): Promise<string[]> {
  const plan = planRetention(await offsite.place.list(), { ...rules, keepLast: offsite.keep ?? rules.keepLast, pinned, protect: new Set() });
  const removed: string[] = [];
  for (const backup of plan.remove) {
    await offsite.removeFromBucket(backup.name);
    removed.push(backup.name);
  }
  await offsite.records.forget(removed);
  return removed;
}

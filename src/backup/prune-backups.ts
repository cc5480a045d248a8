import { MongoPinStore } from '../retention/pin-store.js';
import { planRetention } from '../retention/retention-policy.js';
import type { BackupContext } from './backup-context.js';
import { withOperation, type LockLease } from './operation-lock.js';
import { forgetVerifications } from './verification-records.js';

export interface PruneResult {
  readonly removed: string[];
  readonly tempFilesRemoved: string[];
  readonly kept: number;
}

/**
 * Applies the retention policy (see planRetention): the newest BACKUP_KEEP
 * automatic, BACKUP_KEEP_MANUAL manual/uploaded and BACKUP_KEEP_PRE_RESTORE
 * pre-restore backups, the optional daily/weekly/monthly tiers, every pinned
 * backup and every backup in use stay; removes the rest (and their remembered verify results), stale `*.tmp` leftovers and
 * upload folders of a process that died mid-upload.
 */
export async function pruneBackups(ctx: BackupContext, options: { lease?: LockLease } = {}): Promise<PruneResult> {
  return withOperation(ctx, 'prune', options.lease, async () => {
    const inUse = ctx.store.inUseNames();
    const pinned = await new MongoPinStore(ctx.db).pinnedNames();
    const plan = planRetention(await ctx.store.list(), { ...ctx.retention, pinned, protect: inUse });
    const removed: string[] = [];
    for (const backup of plan.remove) {
      await ctx.store.remove(backup.name);
      removed.push(backup.name);
    }
    await forgetVerifications(ctx.db, removed);
    const tempFilesRemoved: string[] = [];
    for (const temp of await ctx.store.tempFiles()) {
      if (inUse.has(temp)) continue;
      await ctx.store.removeTempFile(temp);
      tempFilesRemoved.push(temp);
    }
    tempFilesRemoved.push(...(await ctx.store.removeStaleUploadDirs(ctx.clock.now())));
    if (removed.length > 0 || tempFilesRemoved.length > 0) ctx.emit({ type: 'backup.pruned', removed, tempFilesRemoved });
    return { removed, tempFilesRemoved, kept: plan.keep.length };
  });
}

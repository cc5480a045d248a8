import { recoverInterruptedRestore, type RecoverOptions } from '../restore/recover-interrupted-restore.js';
import type { BackupContext } from './backup-context.js';
import type { LockLease } from './operation-lock.js';

/**
 * Takes the cross-process operation lock, reporting a takeover from a crashed
 * holder, and first repairs what an interrupted restore left behind (and
 * writes a restore's pending safety archive).
 */
export async function acquireOperation(
  ctx: BackupContext,
  purpose: string,
  recover: RecoverOptions = { resumeSafetyArchive: true },
): Promise<LockLease> {
  const lease = await ctx.lock.acquire(purpose);
  if (lease.tookOverFrom) {
    ctx.emit({ type: 'lock.taken-over', from: lease.tookOverFrom.owner, purpose: lease.tookOverFrom.purpose });
  }
  try {
    await recoverInterruptedRestore(ctx, lease, recover);
  } catch (error) {
    await lease.release().catch(() => undefined);
    throw error;
  }
  return lease;
}

/** Runs `work` holding the lock, or under the lease the caller already holds. */
export async function withOperation<T>(
  ctx: BackupContext,
  purpose: string,
  heldLease: LockLease | undefined,
  work: (lease: LockLease) => Promise<T>,
  recover?: RecoverOptions,
): Promise<T> {
  if (heldLease) return work(heldLease);
  const lease = await acquireOperation(ctx, purpose, recover);
  try {
    return await work(lease);
  } finally {
    await lease.release().catch(() => undefined);
  }
}

import os from 'node:os';
import type { Collection, Db } from 'mongodb';
import { AppError } from '../shared/app-error.js';
import { randomToken } from '../shared/ids.js';
import { formatGermanDateTime } from '../shared/wall-clock.js';
import type { AfterLockOptions, BackupContext } from './backup-context.js';

export const LOCK_COLLECTION = 'scandy_backup_locks';
const LOCK_ID = 'operation';
const DEFAULT_TIME_ZONE = 'Europe/Berlin';

export interface LockHolder {
  readonly owner: string;
  readonly purpose: string;
  readonly acquiredAt: Date;
  readonly expiresAt: Date;
}

export interface LockLease {
  readonly purpose: string;
  /** The previous holder whose lease had expired (it crashed or hung), if any. */
  readonly tookOverFrom: LockHolder | undefined;
  /** Throws if another process has taken the lease over meanwhile. */
  assertHeld(): void;
  release(): Promise<void>;
}

export interface OperationLock {
  acquire(purpose: string): Promise<LockLease>;
  current(): Promise<LockHolder | undefined>;
}

/** Tells this process from an earlier one with the same pid (a restarted container is pid 1 again). */
const PROCESS_INSTANCE = randomToken(4);

/** Leases this process released while the database could not hear it; they may be taken over at once. */
const releasedTokens = new Set<string>();

interface LockDocument extends LockHolder {
  _id: string;
  token: string;
}

/**
 * One backup, restore or prune at a time across every process that shares
 * the database: a lease in MongoDB, renewed while held, that a crashed
 * holder loses when it expires.
 */
export class MongoOperationLock implements OperationLock {
  private readonly collection: Collection<LockDocument>;
  readonly owner: string;

  constructor(
    db: Db,
    /** `timeZone` (BACKUP_TIMEZONE) is the one in which "läuft bereits (seit …)" shows the holder's start. */
    private readonly options: { leaseMs?: number; renewMs?: number; owner?: string; now?: () => Date; timeZone?: string } = {},
  ) {
    this.collection = db.collection<LockDocument>(LOCK_COLLECTION);
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}:${PROCESS_INSTANCE}`;
  }

  async acquire(purpose: string): Promise<LockLease> {
    const leaseMs = this.options.leaseMs ?? 60_000;
    const now = this.now();
    const token = randomToken(8);
    const previous = await this.collection.findOne({ _id: LOCK_ID });
    try {
      await this.collection.updateOne(
        { _id: LOCK_ID, expiresAt: { $lte: now } },
        { $set: { token, owner: this.owner, purpose, acquiredAt: now, expiresAt: new Date(now.getTime() + leaseMs) } },
        { upsert: true },
      );
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      const holder = await this.collection.findOne({ _id: LOCK_ID });
      const abandoned = holder && (releasedTokens.has(holder.token) || holderIsDeadHere(holder));
      if (!holder || !abandoned || !(await this.takeOverFrom(holder, token, purpose, now, leaseMs))) {
        throw new AppError('OPERATION_RUNNING', runningMessage(holder ?? undefined, this.timeZone), { details: holder ? { purpose: holder.purpose } : undefined });
      }
      return this.lease(token, purpose, leaseMs, toHolder(holder));
    }
    const held = await this.collection.findOne({ _id: LOCK_ID });
    if (held?.token !== token) throw new AppError('OPERATION_RUNNING', runningMessage(held ?? undefined, this.timeZone));
    const tookOverFrom = previous && previous.expiresAt <= now ? toHolder(previous) : undefined;
    return this.lease(token, purpose, leaseMs, tookOverFrom);
  }

  /** A holder on this machine whose process is gone need not wait for its lease to expire. */
  private async takeOverFrom(holder: LockDocument, token: string, purpose: string, now: Date, leaseMs: number): Promise<boolean> {
    const result = await this.collection.updateOne(
      { _id: LOCK_ID, token: holder.token },
      { $set: { token, owner: this.owner, purpose, acquiredAt: now, expiresAt: new Date(now.getTime() + leaseMs) } },
    );
    if (result.modifiedCount !== 1) return false;
    releasedTokens.delete(holder.token);
    return true;
  }

  async current(): Promise<LockHolder | undefined> {
    const doc = await this.collection.findOne({ _id: LOCK_ID, expiresAt: { $gt: this.now() } });
    return doc ? toHolder(doc) : undefined;
  }

  private lease(token: string, purpose: string, leaseMs: number, tookOverFrom: LockHolder | undefined): LockLease {
    let lost = false;
    let released = false;
    // The lease runs until this instant unless renewed; when renewals fail, it may expire and be taken over.
    let heldUntil = this.now().getTime() + leaseMs;
    const renew = async () => {
      const expiresAt = new Date(this.now().getTime() + leaseMs);
      const result = await this.collection.updateOne({ _id: LOCK_ID, token }, { $set: { expiresAt } }).catch(() => undefined);
      if (result && result.matchedCount === 0 && !released) lost = true;
      if (result && result.matchedCount === 1) heldUntil = expiresAt.getTime();
    };
    const timer = setInterval(() => void renew(), this.options.renewMs ?? Math.floor(leaseMs / 3));
    timer.unref();
    return {
      purpose,
      tookOverFrom,
      assertHeld: () => {
        if (lost || this.now().getTime() >= heldUntil) {
          throw new AppError('OPERATION_RUNNING', 'Die Sperre ist abgelaufen oder wurde von einem anderen Prozess übernommen');
        }
      },
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        releasedTokens.add(token);
        await this.collection.deleteOne({ _id: LOCK_ID, token });
        releasedTokens.delete(token);
      },
    };
  }

  private get timeZone(): string {
    return this.options.timeZone ?? DEFAULT_TIME_ZONE;
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

function holderIsDeadHere(holder: LockDocument): boolean {
  const [host, pidText, instance] = holder.owner.split(':');
  const pid = Number(pidText);
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return instance !== undefined && instance !== PROCESS_INSTANCE;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function toHolder(doc: LockDocument): LockHolder {
  return { owner: doc.owner, purpose: doc.purpose, acquiredAt: doc.acquiredAt, expiresAt: doc.expiresAt };
}

function runningMessage(holder: LockHolder | undefined, timeZone: string): string {
  const what = holder?.purpose.startsWith('restore')
    ? 'Eine Wiederherstellung'
    : holder?.purpose === 'drill'
      ? 'Ein Wiederherstellungstest'
      : 'Ein Backup';
  return `${what} läuft bereits${holder ? ` (seit ${formatGermanDateTime(holder.acquiredAt, timeZone)} Uhr, ${holder.owner})` : ''}`;
}

/**
 * Takes the cross-process operation lock, reporting a takeover from a crashed
 * holder, and first runs the step registered after the lock (the repair of
 * an interrupted restore, and its pending safety archive).
 */
export async function acquireOperation(
  ctx: BackupContext,
  purpose: string,
  options: AfterLockOptions = { resumeSafetyArchive: true },
): Promise<LockLease> {
  const lease = await ctx.lock.acquire(purpose);
  if (lease.tookOverFrom) {
    ctx.emit({ type: 'lock.taken-over', from: lease.tookOverFrom.owner, purpose: lease.tookOverFrom.purpose });
  }
  try {
    await ctx.afterLock(ctx, lease, options);
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
  options?: AfterLockOptions,
): Promise<T> {
  if (heldLease) return work(heldLease);
  const lease = await acquireOperation(ctx, purpose, options);
  try {
    return await work(lease);
  } finally {
    await lease.release().catch(() => undefined);
  }
}

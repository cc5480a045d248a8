import os from 'node:os';
import type { Collection, Db } from 'mongodb';
import { randomToken } from '../shared/ids.js';

export const SLOT_COLLECTION = 'scandy_backup_slots';

export interface SlotOutcome {
  readonly ok: boolean;
  readonly message: string;
  readonly backupName?: string;
}

/** One process's right to run one slot; kept alive while held. */
export interface SlotClaim {
  readonly key: string;
  /** The owner of an expired claim this one replaced (that process crashed mid-run). */
  readonly tookOverFrom: string | undefined;
  /** The slot is done for good, whatever the outcome. */
  finish(outcome: SlotOutcome): Promise<void>;
  /** Gives the slot back, so that a later tick can run it (the backup could not start). */
  release(): Promise<void>;
}

export interface SlotClaims {
  /** The claim, or undefined when another process holds or has finished this slot. */
  claim(key: string): Promise<SlotClaim | undefined>;
  /** True for exactly one caller per key, ever (a one-time duty such as an alert). */
  claimOnce(key: string): Promise<boolean>;
  /** Forgets finished claims made before `before`. */
  prune(before: Date): Promise<void>;
}

interface ClaimDocument {
  _id: string;
  status: 'running' | 'done' | 'failed' | 'once';
  owner: string;
  token: string;
  claimedAt: Date;
  expiresAt: Date | null;
  finishedAt?: Date;
  message?: string;
  backupName?: string;
}

const DUPLICATE_KEY = 11000;

/**
 * Exactly-once bookkeeping in MongoDB: a slot is claimed by inserting its
 * key. A running claim is a lease, renewed while the backup runs, that a
 * crashed holder loses when it expires; a finished claim is permanent.
 */
export class MongoSlotClaims implements SlotClaims {
  private readonly collection: Collection<ClaimDocument>;
  private readonly owner: string;

  constructor(
    db: Db,
    private readonly options: { owner?: string; leaseMs?: number; renewMs?: number; now?: () => Date } = {},
  ) {
    this.collection = db.collection<ClaimDocument>(SLOT_COLLECTION);
    this.owner = options.owner ?? `${os.hostname()}:${process.pid}`;
  }

  async claim(key: string): Promise<SlotClaim | undefined> {
    const now = this.now();
    const leaseMs = this.options.leaseMs ?? 120_000;
    const previous = await this.collection.findOne({ _id: key });
    if (previous && !(previous.status === 'running' && previous.expiresAt && previous.expiresAt <= now)) return undefined;
    const token = randomToken(8);
    try {
      await this.collection.updateOne(
        { _id: key, status: 'running', expiresAt: { $lte: now } },
        { $set: { owner: this.owner, token, claimedAt: now, expiresAt: new Date(now.getTime() + leaseMs) } },
        { upsert: true },
      );
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return undefined;
      throw error;
    }
    const held = await this.collection.findOne({ _id: key });
    if (held?.token !== token) return undefined;
    return this.held(key, token, leaseMs, previous?.owner);
  }

  async claimOnce(key: string): Promise<boolean> {
    try {
      await this.collection.insertOne({ _id: key, status: 'once', owner: this.owner, token: '', claimedAt: this.now(), expiresAt: null });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  async prune(before: Date): Promise<void> {
    await this.collection.deleteMany({ claimedAt: { $lt: before }, status: { $ne: 'running' } });
  }

  private held(key: string, token: string, leaseMs: number, tookOverFrom: string | undefined): SlotClaim {
    let ended = false;
    const renew = () =>
      void this.collection
        .updateOne({ _id: key, token, status: 'running' }, { $set: { expiresAt: new Date(this.now().getTime() + leaseMs) } })
        .catch(() => undefined);
    const timer = setInterval(renew, this.options.renewMs ?? Math.floor(leaseMs / 3));
    timer.unref();
    const end = () => {
      ended = true;
      clearInterval(timer);
    };
    return {
      key,
      tookOverFrom,
      finish: async (outcome) => {
        if (ended) return;
        end();
        await this.collection.updateOne(
          { _id: key, token },
          {
            $set: {
              status: outcome.ok ? 'done' : 'failed',
              expiresAt: null,
              finishedAt: this.now(),
              message: outcome.message,
              ...(outcome.backupName ? { backupName: outcome.backupName } : {}),
            },
          },
        );
      },
      release: async () => {
        if (ended) return;
        end();
        await this.collection.deleteOne({ _id: key, token });
      },
    };
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}

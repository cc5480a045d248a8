import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Collection, Db } from 'mongodb';
import { keepExpiringBounded } from '../../db/expiring-documents.js';

export const RATE_LIMITS_COLLECTION = 'scandy_backup_rate_limits';
const INCREMENT_ATTEMPTS = 5;

interface CounterDocument {
  _id: string;
  hits: number;
  resetTime: Date;
}

/**
 * express-rate-limit counts in MongoDB, so that every app process sharing the
 * database shares the count. One document per key and window; atomic updates
 * without transactions (FerretDB has none): a window is counted up while it
 * runs, an expired one is restarted by exactly one caller. Expired counters
 * go by a TTL index (MongoDB) and a sweep (FerretDB).
 *
 * Our own rather than the npm package rate-limit-mongo: that one brings the
 * MongoDB driver 3.x and a connection of its own; this uses the app's client.
 */
export class MongoRateLimitStore implements Store {
  readonly localKeys = false;
  private readonly counters: Collection<CounterDocument>;
  private windowMs = 60_000;

  /** `prefix` keeps the keys of different limits apart (e.g. "address:", "account:"). */
  constructor(
    db: Db,
    readonly prefix: string,
  ) {
    this.counters = db.collection<CounterDocument>(RATE_LIMITS_COLLECTION);
    keepExpiringBounded(db, RATE_LIMITS_COLLECTION, 'resetTime');
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const counter = await this.counters.findOne({ _id: this.id(key), resetTime: { $gt: new Date() } });
    return counter ? { totalHits: counter.hits, resetTime: counter.resetTime } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const _id = this.id(key);
    for (let attempt = 0; attempt < INCREMENT_ATTEMPTS; attempt++) {
      const now = new Date();
      const running = await this.counters.findOneAndUpdate({ _id, resetTime: { $gt: now } }, { $inc: { hits: 1 } }, { returnDocument: 'after' });
      if (running) return { totalHits: running.hits, resetTime: running.resetTime };
      const resetTime = new Date(now.getTime() + this.windowMs);
      const restarted = await this.counters.findOneAndUpdate({ _id, resetTime: { $lte: now } }, { $set: { hits: 1, resetTime } }, { returnDocument: 'after' });
      if (restarted) return { totalHits: restarted.hits, resetTime: restarted.resetTime };
      try {
        await this.counters.insertOne({ _id, hits: 1, resetTime });
        return { totalHits: 1, resetTime };
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error; // another process started the window: count in it
      }
    }
    throw new Error(`Anmeldezähler ${_id} konnte nicht erhöht werden`);
  }

  async decrement(key: string): Promise<void> {
    await this.counters.updateOne({ _id: this.id(key), resetTime: { $gt: new Date() }, hits: { $gt: 0 } }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await this.counters.deleteOne({ _id: this.id(key) });
  }

  private id(key: string): string {
    return `${this.prefix}${key}`;
  }
}

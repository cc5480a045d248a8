import type { Collection, Db } from 'mongodb';
import type { ArchiveSummary } from '../backup/archive-summary.js';

/**
 * One document per backup that is to be, or has been, copied to the bucket:
 * the pending copies any process of the same backup folder retries, and the
 * catalog of copied ones (size, SHA-256, counts) the list and a download from
 * the bucket check against. Plus one document for the outage in progress.
 */
export const OFFSITE_COLLECTION = 'scandy_backup_offsite';

const OUTAGE_ID = '~outage';

/** The fields of a record that nothing has been tried for yet. */
const NOTHING_YET = { attempts: 0, last_error: null, claim_until: null, size: null, sha256: null, summary: null, copied_at: null } as const;

export interface CopyRecord {
  readonly name: string;
  /** The archive first, then its companion files (a sidecar), all copied together. */
  readonly files: readonly string[];
  /** The backup folder that holds the files (host and path); only processes of that folder copy them. */
  readonly origin: string;
  readonly state: 'pending' | 'copied';
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  /** Why the last attempt failed (German); undefined before the first failure and once copied. */
  readonly lastError: string | undefined;
  readonly size: number | undefined;
  readonly sha256: string | undefined;
  readonly summary: ArchiveSummary | undefined;
  readonly copiedAt: Date | undefined;
}

interface CopyDocument {
  _id: string;
  files: string[];
  origin: string;
  state: 'pending' | 'copied';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  claim_until: Date | null;
  size: number | null;
  sha256: string | null;
  summary: ArchiveSummary | null;
  copied_at: Date | null;
}

export class CopyRecords {
  private readonly collection: Collection<CopyDocument>;

  constructor(db: Db) {
    this.collection = db.collection<CopyDocument>(OFFSITE_COLLECTION);
  }

  /** Records a new archive as pending (an existing record is left as it is). */
  async addPending(name: string, files: readonly string[], origin: string, now: Date): Promise<void> {
    await this.collection.updateOne(
      { _id: name },
      {
        $setOnInsert: { files: [...files], origin, state: 'pending', next_attempt_at: now, ...NOTHING_YET },
      },
      { upsert: true },
    );
  }

  /** Takes a due pending copy of this origin for `leaseMs`, so no other process copies it meanwhile; undefined when none is due. */
  async claim(origin: string, now: Date, leaseMs: number, name?: string): Promise<CopyRecord | undefined> {
    const document = await this.collection.findOneAndUpdate(
      {
        ...(name === undefined ? {} : { _id: name }),
        origin,
        state: 'pending',
        next_attempt_at: { $lte: now },
        $or: [{ claim_until: null }, { claim_until: { $lt: now } }],
      },
      { $set: { claim_until: new Date(now.getTime() + leaseMs) } },
      { returnDocument: 'after', sort: { next_attempt_at: 1 } },
    );
    return document ? recordOf(document) : undefined;
  }

  async markCopied(name: string, copied: { size: number; sha256: string; summary: ArchiveSummary | undefined; at: Date }): Promise<void> {
    await this.collection.updateOne(
      { _id: name },
      {
        $set: {
          state: 'copied',
          last_error: null,
          claim_until: null,
          size: copied.size,
          sha256: copied.sha256,
          summary: copied.summary ?? null,
          copied_at: copied.at,
        },
      },
    );
  }

  async markFailed(name: string, failure: { reason: string; attempts: number; nextAttemptAt: Date }): Promise<void> {
    await this.collection.updateOne(
      { _id: name },
      { $set: { last_error: failure.reason, attempts: failure.attempts, next_attempt_at: failure.nextAttemptAt, claim_until: null } },
    );
  }

  /** When the newest copy (of any host) reached the bucket; undefined before the first. */
  async newestCopiedAt(): Promise<Date | undefined> {
    const [newest] = await this.collection.find({ state: 'copied', copied_at: { $ne: null } }).sort({ copied_at: -1 }).limit(1).toArray();
    return newest?.copied_at ?? undefined;
  }

  async all(): Promise<CopyRecord[]> {
    const documents = await this.collection.find({ _id: { $ne: OUTAGE_ID } }).toArray();
    return documents.map(recordOf);
  }

  async find(name: string): Promise<CopyRecord | undefined> {
    const document = await this.collection.findOne({ _id: name });
    return document && document._id !== OUTAGE_ID ? recordOf(document) : undefined;
  }

  /** The counts of a backup found only in the bucket, read when it was verified (its record may be gone with an old database). */
  async rememberSummary(name: string, summary: ArchiveSummary, now: Date): Promise<void> {
    const { summary: _unset, ...fresh } = NOTHING_YET;
    await this.collection.updateOne(
      { _id: name },
      { $set: { summary }, $setOnInsert: { files: [name], origin: '', state: 'copied', next_attempt_at: now, ...fresh } },
      { upsert: true },
    );
  }

  async forget(names: readonly string[]): Promise<void> {
    if (names.length > 0) await this.collection.deleteMany({ _id: { $in: [...names] } });
  }

  /** Opens the outage; true only for the one caller (of all processes) that opened it. */
  async beginOutage(now: Date): Promise<boolean> {
    try {
      await this.collection.insertOne({ ...EMPTY_OUTAGE, next_attempt_at: now });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 11000) return false;
      throw error;
    }
  }

  /** Closes the outage; true when one was open. */
  async endOutage(): Promise<boolean> {
    return (await this.collection.deleteOne({ _id: OUTAGE_ID })).deletedCount > 0;
  }
}

const EMPTY_OUTAGE: Omit<CopyDocument, 'next_attempt_at'> = { _id: OUTAGE_ID, files: [], origin: '', state: 'pending', ...NOTHING_YET };

function recordOf(d: CopyDocument): CopyRecord {
  return {
    name: d._id,
    files: d.files,
    origin: d.origin,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.next_attempt_at,
    lastError: d.last_error ?? undefined,
    size: d.size ?? undefined,
    sha256: d.sha256 ?? undefined,
    summary: d.summary ?? undefined,
    copiedAt: d.copied_at ?? undefined,
  };
}

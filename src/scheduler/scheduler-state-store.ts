import type { Collection, Db } from 'mongodb';

export const SCHEDULER_STATE_COLLECTION = 'scandy_backup_scheduler';
const STATE_ID = 'state';

/** The last manual or automatic backup run, from whichever process. */
export interface LastRun {
  readonly startedAt: Date;
  readonly finishedAt: Date | undefined;
  readonly ok: boolean | undefined;
  readonly message: string;
  readonly backupName: string | undefined;
  /** "Zeitplan", "Nachholen", an admin's e-mail, "CLI". */
  readonly trigger: string;
}

/** What every app process shares about the automatic backups. */
export interface SchedulerState {
  readonly enabled: boolean;
  readonly changedBy: string | undefined;
  readonly changedAt: Date | undefined;
  readonly lastRun: LastRun | undefined;
  /** When the newest backup known to have succeeded was taken. */
  readonly lastSuccessAt: Date | undefined;
}

export interface SchedulerStateStore {
  read(): Promise<SchedulerState>;
  setEnabled(enabled: boolean, actor: string, at: Date): Promise<void>;
  recordRun(run: LastRun): Promise<void>;
  /** Keeps the later of the stored time and `at`. */
  recordSuccess(at: Date): Promise<void>;
}

export const INITIAL_STATE: SchedulerState = {
  enabled: true,
  changedBy: undefined,
  changedAt: undefined,
  lastRun: undefined,
  lastSuccessAt: undefined,
};

interface StoredRun {
  startedAt: Date;
  finishedAt: Date | null;
  ok: boolean | null;
  message: string;
  backupName: string | null;
  trigger: string;
}

interface StateDocument {
  _id: string;
  enabled?: boolean;
  changedBy?: string;
  changedAt?: Date;
  lastRun?: StoredRun;
  lastSuccessAt?: Date;
}

/** The document `_id: 'state'` in scandy_backup_scheduler; a missing document means enabled. */
export class MongoSchedulerStateStore implements SchedulerStateStore {
  private readonly collection: Collection<StateDocument>;

  constructor(db: Db) {
    this.collection = db.collection<StateDocument>(SCHEDULER_STATE_COLLECTION);
  }

  async read(): Promise<SchedulerState> {
    const doc = await this.collection.findOne({ _id: STATE_ID });
    if (!doc) return INITIAL_STATE;
    return {
      enabled: doc.enabled !== false,
      changedBy: doc.changedBy ?? undefined,
      changedAt: doc.changedAt ?? undefined,
      lastRun: doc.lastRun ? fromStored(doc.lastRun) : undefined,
      lastSuccessAt: doc.lastSuccessAt ?? undefined,
    };
  }

  async setEnabled(enabled: boolean, actor: string, at: Date): Promise<void> {
    await this.collection.updateOne({ _id: STATE_ID }, { $set: { enabled, changedBy: actor, changedAt: at } }, { upsert: true });
  }

  async recordRun(run: LastRun): Promise<void> {
    await this.collection.updateOne({ _id: STATE_ID }, { $set: { lastRun: toStored(run) } }, { upsert: true });
  }

  async recordSuccess(at: Date): Promise<void> {
    await this.collection.updateOne({ _id: STATE_ID }, { $max: { lastSuccessAt: at } }, { upsert: true });
  }
}

function toStored(run: LastRun): StoredRun {
  return {
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? null,
    ok: run.ok ?? null,
    message: run.message,
    backupName: run.backupName ?? null,
    trigger: run.trigger,
  };
}

function fromStored(run: StoredRun): LastRun {
  return {
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? undefined,
    ok: run.ok ?? undefined,
    message: run.message,
    backupName: run.backupName ?? undefined,
    trigger: run.trigger,
  };
}

import { BackupFailedError, type BackupResult } from '../backup/create-backup.js';
import { formatLocalMinute } from '../log/log-line.js';
import type { BackupNotifier, MailOutcome } from '../mail/backup-notifier.js';
import { describeError, isAppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import type { RunRecords } from './run-records.js';
import type { DailySchedule } from './schedule.js';
import type { PhaseMachine } from './scheduler-phase.js';
import type { SlotClaim, SlotClaims } from './slot-claims.js';

const KEEP_CLAIMS_MS = 30 * 24 * 3_600_000;

/** A backup started by the scheduler; `started` settles once it holds the operation lock. */
export interface StartedBackup {
  readonly started: Promise<void>;
  readonly done: Promise<BackupResult>;
}

/** Starts an automatic backup; throws AppError OPERATION_RUNNING when this process is busy. */
export type ScheduledBackupRunner = (trigger: string) => StartedBackup;

export interface SlotRunnerOptions {
  readonly schedule: DailySchedule;
  /** The owner of the run records; the engine's events tell it of every run that began. */
  readonly runs: Pick<RunRecords, 'failedBeforeStart' | 'flush'>;
  readonly claims: SlotClaims;
  readonly runBackup: ScheduledBackupRunner;
  readonly notifier: Pick<BackupNotifier, 'backupSucceeded' | 'backupFailed'>;
  readonly log: (message: string) => void;
  readonly clock: Clock;
}

/** What became of a slot that was due. */
export type SlotOutcome =
  | { readonly kind: 'closed' }
  | { readonly kind: 'taken'; readonly slot: Date }
  | { readonly kind: 'deferred'; readonly slot: Date; readonly reason: string }
  | { readonly kind: 'succeeded'; readonly slot: Date; readonly trigger: string; readonly backupName: string; readonly mail: MailOutcome }
  | { readonly kind: 'failed'; readonly slot: Date; readonly trigger: string; readonly reason: string; readonly mail: MailOutcome };

export interface DueSlot {
  readonly slot: Date;
  readonly key: string;
  readonly trigger: string;
}

/**
 * The side effects of a due slot: claims it in the database (so that one
 * process runs it), runs the backup, finishes the claim and mails the
 * outcome. A backup that waits for the lock gives the claim back.
 */
export class SlotRunner {
  /** Slots this process already reported as failed without a database claim. */
  readonly reportedFailed = new Set<string>();
  private readonly deferralLogged = new Set<string>();
  /** When the newest backup this process made was taken, should the shared record fail. */
  private newestHere: Date | undefined;

  constructor(
    private readonly options: SlotRunnerOptions,
    private readonly phase: PhaseMachine,
  ) {}

  get lastSuccessHere(): Date | undefined {
    return this.newestHere;
  }

  /** `databaseError`: why the shared state could not be read, if it could not. */
  async carryOut(due: DueSlot, now: Date, databaseError: string | undefined): Promise<SlotOutcome> {
    const { slot, key, trigger } = due;
    let claim: SlotClaim | undefined;
    try {
      claim = await this.options.claims.claim(key);
    } catch (error) {
      // Without the database nobody can claim the slot, and the backup cannot work either: report it once.
      this.reportedFailed.add(key);
      const reason = databaseError
        ? `Datenbank nicht erreichbar: ${databaseError}`
        : `Zeitfenster nicht in der Datenbank belegbar: ${describeError(error)}`;
      return this.failed(slot, trigger, now, reason, { began: false, claim: undefined });
    }
    if (!claim) return { kind: 'taken', slot };
    if (this.phase.current === 'closed') {
      await this.record(() => claim.release());
      return { kind: 'closed' };
    }
    if (claim.tookOverFrom) this.options.log(`Geplantes Backup ${this.slotLabel(slot)} von ${claim.tookOverFrom} übernommen (dessen Lauf war abgebrochen)`);
    return this.run(slot, trigger, claim);
  }

  private async run(slot: Date, trigger: string, claim: SlotClaim): Promise<SlotOutcome> {
    this.phase.to('running');
    const startedAt = this.options.clock.now();
    let began = false;
    try {
      const backup = this.options.runBackup(trigger);
      began = await backup.started.then(
        () => true,
        () => false,
      );
      const result = await backup.done;
      return await this.succeeded(slot, trigger, result, claim);
    } catch (error) {
      if (!began && isAppError(error) && error.code === 'OPERATION_RUNNING') return this.deferred(slot, claim, error.message);
      return this.failed(slot, trigger, startedAt, error instanceof BackupFailedError ? error.reason : describeError(error), { began, claim });
    }
  }

  private async succeeded(slot: Date, trigger: string, result: BackupResult, claim: SlotClaim): Promise<SlotOutcome> {
    const name = result.backup.name;
    const createdAt = result.backup.createdAt;
    if (!this.newestHere || createdAt.getTime() > this.newestHere.getTime()) this.newestHere = createdAt;
    this.deferralLogged.delete(claim.key);
    await this.record(() => claim.finish({ ok: true, message: 'erfolgreich', backupName: name }));
    await this.options.runs.flush();
    await this.record(() => this.options.claims.prune(new Date(this.options.clock.now().getTime() - KEEP_CLAIMS_MS)));
    const mail = await this.options.notifier.backupSucceeded(result, { trigger });
    return { kind: 'succeeded', slot, trigger, backupName: name, mail };
  }

  private async failed(
    slot: Date,
    trigger: string,
    startedAt: Date,
    reason: string,
    context: { began: boolean; claim: SlotClaim | undefined },
  ): Promise<SlotOutcome> {
    // Once the backup began, the engine has logged and recorded its failure already.
    if (!context.began) {
      this.options.log(`Backup fehlgeschlagen (${trigger} ${this.slotLabel(slot)}): ${reason}`);
      this.options.runs.failedBeforeStart({ startedAt, trigger, reason });
    }
    const { claim } = context;
    if (claim) await this.record(() => claim.finish({ ok: false, message: reason }));
    await this.options.runs.flush();
    const mail = await this.options.notifier.backupFailed(reason, { trigger });
    return { kind: 'failed', slot, trigger, reason, mail };
  }

  private async deferred(slot: Date, claim: SlotClaim, reason: string): Promise<SlotOutcome> {
    await this.record(() => claim.release());
    if (!this.deferralLogged.has(claim.key)) {
      this.deferralLogged.add(claim.key);
      this.options.log(`Geplantes Backup ${this.slotLabel(slot)} wartet: ${reason}; neuer Versuch jede Minute`);
    }
    return { kind: 'deferred', slot, reason };
  }

  /** Bookkeeping of the claims must not turn a finished backup into a failed one; a failure to write is logged. */
  private async record(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.options.log(`Zustand des Zeitplans nicht gespeichert: ${describeError(error)}`);
    }
  }

  private slotLabel(slot: Date): string {
    return formatLocalMinute(slot, this.options.schedule.timeZone);
  }
}

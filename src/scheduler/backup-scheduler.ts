import type { LastRun, MailStatus, SchedulerControl } from '../automation/automation-contracts.js';
import { BackupFailedError, type BackupResult } from '../backup/create-backup.js';
import type { LockHolder } from '../backup/operation-lock.js';
import type { RunningOperation } from '../backup/operation-tracker.js';
import { formatLocalMinute } from '../log/log-line.js';
import type { BackupNotifier, MailOutcome } from '../mail/backup-notifier.js';
import { describeError, isAppError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import type { StartTicker, Ticker } from './cron-ticker.js';
import type { DailySchedule } from './schedule.js';
import { PhaseMachine, type SchedulerPhase } from './scheduler-phase.js';
import { INITIAL_STATE, type SchedulerState, type SchedulerStateStore } from './scheduler-state-store.js';
import type { RunRecords } from './run-records.js';
import type { SlotClaim, SlotClaims } from './slot-claims.js';
import { decideSlot } from './slot-decision.js';
import { cutOffRun, presentStatus, scheduleLoadedMessage, type BackupSchedulerStatus } from './scheduler-status.js';
import { evaluateWatchdog, type WatchdogVerdict } from './watchdog.js';
import { WatchdogAlarm, type AlarmOutcome } from './watchdog-alarm.js';

const KEEP_CLAIMS_MS = 30 * 24 * 3_600_000;
const SHUTDOWN_GRACE_MS = 15_000;

/** A backup started by the scheduler; `started` settles once it holds the operation lock. */
export interface StartedBackup {
  readonly started: Promise<void>;
  readonly done: Promise<BackupResult>;
}

/** Starts an automatic backup; throws AppError OPERATION_RUNNING when this process is busy. */
export type ScheduledBackupRunner = (trigger: string) => StartedBackup;

export interface BackupSchedulerOptions {
  readonly schedule: DailySchedule;
  readonly watchdogHours: number;
  readonly state: Pick<SchedulerStateStore, 'read' | 'setEnabled'>;
  /** The owner of the run records; the engine's events tell it of every run that began. */
  readonly runs: Pick<RunRecords, 'failedBeforeStart' | 'flush'>;
  readonly claims: SlotClaims;
  readonly runBackup: ScheduledBackupRunner;
  /** When the newest backup on disk (not an upload) was taken. */
  readonly newestBackupAt: () => Promise<Date | undefined>;
  readonly notifier: Pick<BackupNotifier, 'backupSucceeded' | 'backupFailed' | 'watchdogAlert'>;
  readonly log: (message: string) => void;
  readonly clock: Clock;
  /** Default: no ticking at all (tests drive `tick`); production passes everyMinute(zone). */
  readonly ticker?: StartTicker;
  readonly mail: MailStatus;
  readonly keep: number;
  readonly collections: readonly string[];
  /** The operation this process runs now (the tracker), for the progress bar. */
  readonly runningOperation?: () => RunningOperation | undefined;
  /** Who holds the cross-process operation lock, to tell a crashed run from a running one. */
  readonly lockHolder?: () => Promise<LockHolder | undefined>;
}

export type TickDecision =
  | { readonly kind: 'closed' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'up-to-date'; readonly slot: Date | undefined }
  | { readonly kind: 'taken'; readonly slot: Date }
  | { readonly kind: 'deferred'; readonly slot: Date; readonly reason: string }
  | { readonly kind: 'succeeded'; readonly slot: Date; readonly trigger: string; readonly backupName: string; readonly mail: MailOutcome }
  | { readonly kind: 'failed'; readonly slot: Date; readonly trigger: string; readonly reason: string; readonly mail: MailOutcome };

export interface TickOutcome {
  readonly decision: TickDecision;
  readonly watchdog: AlarmOutcome | 'skipped';
}

/**
 * The automatic backups: on every tick it decides whether the latest slot
 * of the schedule still needs its backup, claims the slot in the database
 * (so that one process runs it), runs it, mails the outcome, and watches
 * that backups keep succeeding.
 */
export class BackupScheduler implements SchedulerControl {
  private readonly phase = new PhaseMachine();
  private ticker: Ticker | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();
  private lastState: SchedulerState = INITIAL_STATE;
  /** Why the shared state could not be read on the last attempt. */
  private stateError: string | undefined;
  private localLastSuccess: Date | undefined;
  private readonly watchingSince: Date;
  /** Slots this process already reported as failed without a database claim. */
  private readonly failedWithoutClaim = new Set<string>();
  private readonly deferralLogged = new Set<string>();
  private readonly alarm: WatchdogAlarm;

  constructor(private readonly options: BackupSchedulerOptions) {
    this.watchingSince = options.clock.now();
    this.alarm = new WatchdogAlarm(options);
  }

  get currentPhase(): SchedulerPhase {
    return this.phase.current;
  }

  /** Starts the ticker and runs the first tick at once: that is the catch-up of a slot missed while the app was down. */
  async startTicking(): Promise<void> {
    if (this.ticker || this.phase.current === 'closed') return;
    const state = await this.readState();
    this.options.log(scheduleLoadedMessage(this.options.schedule, state, this.options.clock.now()));
    if (this.options.ticker) this.ticker = this.options.ticker(() => this.tickLoggingErrors());
    this.tickLoggingErrors();
  }

  /** Stops ticking; waits a little for a running backup to finish. */
  async shutdown(graceMs = SHUTDOWN_GRACE_MS): Promise<void> {
    this.ticker?.stop();
    this.ticker = undefined;
    const pending = this.inFlight.catch(() => undefined);
    if (this.phase.current !== 'closed') this.phase.to('closed');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
  }

  /** Resolves when the current tick (and its backup) has finished. */
  async whenIdle(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }

  /** One decision at `now`. Public so that tests drive it with a fake clock. */
  tick(now: Date = this.options.clock.now()): Promise<TickOutcome> {
    if (this.phase.current === 'closed') return Promise.resolve({ decision: { kind: 'closed' }, watchdog: 'skipped' });
    if (this.phase.current !== 'idle') return Promise.resolve({ decision: { kind: 'busy' }, watchdog: 'skipped' });
    this.phase.to('checking');
    const work = this.check(now).finally(() => {
      if (this.phase.current !== 'closed') this.phase.to('idle');
    });
    this.inFlight = work;
    return work;
  }

  async start(actor: string): Promise<void> {
    await this.switchTo(true, actor);
  }

  async stop(actor: string): Promise<void> {
    await this.switchTo(false, actor);
  }

  async status(): Promise<BackupSchedulerStatus> {
    const now = this.options.clock.now();
    const state = await this.readState();
    return presentStatus(this.options, {
      now,
      state,
      lastRun: await this.checkedLastRun(state.lastRun),
      verdict: await this.watchdogVerdict(now, state),
      phase: this.phase.current,
      running: this.options.runningOperation?.(),
      stateError: this.stateError,
    });
  }

  /** A tick from the ticker has no caller to tell: what goes wrong is logged. */
  private tickLoggingErrors(): void {
    this.tick().catch((error: unknown) => this.options.log(`Zeitplan-Prüfung fehlgeschlagen: ${describeError(error)}`));
  }

  private async switchTo(enabled: boolean, actor: string): Promise<void> {
    await this.options.state.setEnabled(enabled, actor, this.options.clock.now());
    this.lastState = { ...this.lastState, enabled, changedBy: actor, changedAt: this.options.clock.now() };
    this.options.log(`Automatisches Backup ${enabled ? 'gestartet' : 'gestoppt'} von ${actor}`);
  }

  private async check(now: Date): Promise<TickOutcome> {
    const state = await this.readState();
    const decision = await this.decide(now, state);
    if (this.phase.current === 'closed') return { decision, watchdog: 'skipped' };
    const watchdog = await this.alarm.check(await this.watchdogVerdict(now, state), state.enabled);
    return { decision, watchdog };
  }

  private async decide(now: Date, state: SchedulerState): Promise<TickDecision> {
    const plan = decideSlot({
      now,
      schedule: this.options.schedule,
      enabled: state.enabled,
      lastSuccessAt: await this.lastSuccessAt(state),
      reportedFailed: this.failedWithoutClaim,
    });
    if (plan.kind === 'reported') return { kind: 'taken', slot: plan.slot };
    if (plan.kind !== 'due') return plan;
    const { slot, key, trigger } = plan;

    let claim: SlotClaim | undefined;
    try {
      claim = await this.options.claims.claim(key);
    } catch (error) {
      // Without the database nobody can claim the slot, and the backup cannot work either: report it once.
      this.failedWithoutClaim.add(key);
      const reason = this.stateError
        ? `Datenbank nicht erreichbar: ${this.stateError}`
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

  private async run(slot: Date, trigger: string, claim: SlotClaim): Promise<TickDecision> {
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

  private async succeeded(slot: Date, trigger: string, result: BackupResult, claim: SlotClaim): Promise<TickDecision> {
    const name = result.backup.name;
    this.localLastSuccess = latest(this.localLastSuccess, result.backup.createdAt);
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
  ): Promise<TickDecision> {
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

  private async deferred(slot: Date, claim: SlotClaim, reason: string): Promise<TickDecision> {
    await this.record(() => claim.release());
    if (!this.deferralLogged.has(claim.key)) {
      this.deferralLogged.add(claim.key);
      this.options.log(`Geplantes Backup ${this.slotLabel(slot)} wartet: ${reason}; neuer Versuch jede Minute`);
    }
    return { kind: 'deferred', slot, reason };
  }

  private async watchdogVerdict(now: Date, state: SchedulerState): Promise<WatchdogVerdict> {
    return evaluateWatchdog({
      now,
      lastSuccessAt: await this.lastSuccessAt(state),
      watchingSince: this.watchingSince,
      thresholdHours: this.options.watchdogHours,
      timeZone: this.options.schedule.timeZone,
    });
  }

  /** The newest success any process recorded, or the newest backup file, whichever is later. */
  private async lastSuccessAt(state: SchedulerState): Promise<Date | undefined> {
    const onDisk = await this.options.newestBackupAt().catch(() => undefined);
    return latest(latest(state.lastSuccessAt, this.localLastSuccess), onDisk);
  }

  /** The shared state, or the last one read when the database does not answer. */
  private async readState(): Promise<SchedulerState> {
    try {
      this.lastState = await this.options.state.read();
      this.stateError = undefined;
    } catch (error) {
      this.stateError = describeError(error);
    }
    return this.lastState;
  }

  /** A run shown as running while nobody holds the operation lock was cut off. */
  private async checkedLastRun(run: LastRun | undefined): Promise<LastRun | undefined> {
    if (!run || run.finishedAt || !this.options.lockHolder || this.phase.current === 'running') return run;
    const holder = await this.options.lockHolder().catch(() => 'unknown' as const);
    return holder ? run : cutOffRun(run);
  }

  /** Bookkeeping must not turn a finished backup into a failed one; a failure to record is logged. */
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

function latest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

import type { LockHolder } from '../backup/operation-lock.js';
import type { RunningOperation } from '../backup/operation-tracker.js';
import type { BackupNotifier } from '../mail/backup-notifier.js';
import type { MailStatus } from '../mail/smtp-mailer.js';
import { describeError } from '../shared/app-error.js';
import type { StartTicker, Ticker } from './cron-ticker.js';
import type { DailySchedule } from './schedule.js';
import { PhaseMachine, type SchedulerPhase } from './scheduler-phase.js';
import { INITIAL_STATE, type LastRun, type SchedulerState, type SchedulerStateStore } from './scheduler-state-store.js';
import { cutOffRun, presentStatus, scheduleLoadedMessage, type BackupSchedulerStatus, type SchedulerControl } from './scheduler-status.js';
import { decideSlot } from './slot-decision.js';
import { SlotRunner, type SlotOutcome, type SlotRunnerOptions } from './slot-runner.js';
import { evaluateWatchdog, type WatchdogVerdict } from './watchdog.js';
import { watchdogAlarms, type AlarmOutcome, type WatchdogAlarm } from './watchdog-alarm.js';
import { evaluateOffsiteWatchdog } from './offsite-watchdog.js';

const SHUTDOWN_GRACE_MS = 15_000;

export interface BackupSchedulerOptions extends SlotRunnerOptions {
  readonly watchdogHours: number;
  readonly state: Pick<SchedulerStateStore, 'read' | 'setEnabled'>;
  /** When the newest backup on disk (not an upload) was taken. */
  readonly newestBackupAt: () => Promise<Date | undefined>;
  /** When the newest copy reached the bucket (any host); absent without a bucket. */
  readonly newestOffsiteCopyAt?: () => Promise<Date | undefined>;
  readonly notifier: Pick<BackupNotifier, 'backupSucceeded' | 'backupFailed' | 'watchdogAlert' | 'offsiteWatchdogAlert'>;
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
  | { readonly kind: 'busy' }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'up-to-date'; readonly slot: Date | undefined }
  | SlotOutcome;

export interface TickOutcome {
  readonly decision: TickDecision;
  readonly watchdog: AlarmOutcome | 'skipped';
  /** Only with a bucket, and only when the copy records could be read. */
  readonly offsiteWatchdog?: AlarmOutcome;
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
  private readonly watchingSince: Date;
  private readonly runner: SlotRunner;
  private readonly alarm: WatchdogAlarm;
  private readonly offsiteAlarm: WatchdogAlarm;
  /** Own copy: the admins' settings replace schedule and keep (reschedule); the runner shares it. */
  private readonly options: { -readonly [K in keyof BackupSchedulerOptions]: BackupSchedulerOptions[K] };
  /** Slots before the last change of the times are not caught up: a new time just past is no missed backup. */
  private rescheduledAt: Date | undefined;

  constructor(options: BackupSchedulerOptions) {
    this.options = { ...options };
    this.watchingSince = options.clock.now();
    this.runner = new SlotRunner(this.options, this.phase);
    ({ backups: this.alarm, offsite: this.offsiteAlarm } = watchdogAlarms(options));
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

  /**
   * New times, time zone or retention count (the admins' settings): the next
   * runs and the next tick use them at once. A slot of the new times before
   * now is not caught up unless `catchUpMissed` (the settings read at start).
   */
  reschedule(schedule: DailySchedule, keep: number, options: { readonly catchUpMissed?: boolean } = {}): void {
    const same = schedule.timeZone === this.options.schedule.timeZone && schedule.times.join() === this.options.schedule.times.join();
    this.options.keep = keep;
    if (same) return;
    this.options.schedule = { times: [...schedule.times], timeZone: schedule.timeZone };
    if (!options.catchUpMissed) this.rescheduledAt = this.options.clock.now();
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
      offsiteVerdict: await this.offsiteVerdict(now),
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
    const offsite = await this.offsiteVerdict(now);
    if (!offsite) return { decision, watchdog };
    return { decision, watchdog, offsiteWatchdog: await this.offsiteAlarm.check(offsite, state.enabled) };
  }

  private async decide(now: Date, state: SchedulerState): Promise<TickDecision> {
    const plan = decideSlot({
      now,
      schedule: this.options.schedule,
      enabled: state.enabled,
      lastSuccessAt: await this.lastSuccessAt(state),
      reportedFailed: this.runner.reportedFailed,
    });
    if (plan.kind === 'reported') return { kind: 'taken', slot: plan.slot };
    if (plan.kind !== 'due') return plan;
    if (this.rescheduledAt && plan.slot.getTime() < this.rescheduledAt.getTime()) return { kind: 'up-to-date', slot: plan.slot };
    return this.runner.carryOut(plan, now, this.stateError);
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

  /** Undefined without a bucket, or when the copy records cannot be read (no verdict rather than a wrong one). */
  private async offsiteVerdict(now: Date): Promise<WatchdogVerdict | undefined> {
    if (!this.options.newestOffsiteCopyAt) return undefined;
    const read = await this.options.newestOffsiteCopyAt().then((lastCopiedAt) => ({ lastCopiedAt }), () => undefined);
    if (!read) return undefined;
    const { watchingSince } = this;
    return evaluateOffsiteWatchdog({ now, watchingSince, ...read, thresholdHours: this.options.watchdogHours, timeZone: this.options.schedule.timeZone });
  }

  /** The newest success any process recorded, or the newest backup file, whichever is later. */
  private async lastSuccessAt(state: SchedulerState): Promise<Date | undefined> {
    const onDisk = await this.options.newestBackupAt().catch(() => undefined);
    return latest(latest(state.lastSuccessAt, this.runner.lastSuccessHere), onDisk);
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
}

function latest(a: Date | undefined, b: Date | undefined): Date | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

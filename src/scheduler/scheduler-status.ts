import type { RunningOperation } from '../backup/operation-tracker.js';
import { formatLocalMinute } from '../log/log-line.js';
import type { MailStatus } from '../mail/smtp-mailer.js';
import { nextRuns, type DailySchedule } from './schedule.js';
import type { SchedulerPhase } from './scheduler-phase.js';
import type { LastRun, SchedulerState } from './scheduler-state-store.js';
import type { WatchdogStatus, WatchdogVerdict } from './watchdog.js';

/** The automatic backups as the pages show them. */
export interface SchedulerStatus {
  /** Stored in the database: all app processes share it, and it survives a restart. */
  readonly enabled: boolean;
  readonly changedBy: string | undefined;
  readonly changedAt: Date | undefined;
  readonly times: readonly string[];
  readonly timeZone: string;
  readonly nextRuns: readonly Date[];
  readonly lastRun: LastRun | undefined;
  readonly watchdog: WatchdogStatus;
  readonly mail: MailStatus;
  readonly keep: number;
  readonly collections: readonly string[];
}

/** What the pages may do with the scheduler. */
export interface SchedulerControl {
  status(): Promise<SchedulerStatus>;
  start(actor: string): Promise<void>;
  stop(actor: string): Promise<void>;
}

export interface BackupSchedulerStatus extends SchedulerStatus {
  readonly phase: SchedulerPhase;
  /** The backup or restore this process runs now, with its progress. */
  readonly running: RunningOperation | undefined;
  /** Why the shown state may be out of date (the database could not be read). */
  readonly problem: string | undefined;
}

/** What the pages show besides the shared state: the settings of this process. */
export interface StatusSettings {
  readonly schedule: DailySchedule;
  readonly mail: MailStatus;
  readonly keep: number;
  readonly collections: readonly string[];
}

export interface StatusFacts {
  readonly now: Date;
  readonly state: SchedulerState;
  readonly lastRun: LastRun | undefined;
  readonly verdict: WatchdogVerdict;
  /** Only with a bucket: has a backup reached it within the threshold? */
  readonly offsiteVerdict: WatchdogVerdict | undefined;
  readonly phase: SchedulerPhase;
  readonly running: RunningOperation | undefined;
  /** Why the shared state could not be read on the last attempt. */
  readonly stateError: string | undefined;
}

/** Pure: the status the pages, the API and the CLI show. */
export function presentStatus(settings: StatusSettings, facts: StatusFacts): BackupSchedulerStatus {
  const { schedule } = settings;
  const { state, verdict } = facts;
  return {
    enabled: state.enabled,
    changedBy: state.changedBy,
    changedAt: state.changedAt,
    times: schedule.times,
    timeZone: schedule.timeZone,
    nextRuns: state.enabled ? nextRuns(schedule, facts.now, Math.max(2, schedule.times.length)) : [],
    lastRun: facts.lastRun,
    watchdog: watchdogStatus(verdict, facts.offsiteVerdict),
    mail: settings.mail,
    keep: settings.keep,
    collections: settings.collections,
    phase: facts.phase,
    running: facts.running,
    problem: facts.stateError ? `Zustand nicht aus der Datenbank lesbar: ${facts.stateError}` : undefined,
  };
}

/** The backups' watchdog; with a bucket, its watchdog too: either one not ok makes the status a warning. */
function watchdogStatus(verdict: WatchdogVerdict, offsite: WatchdogVerdict | undefined): WatchdogStatus {
  const status = { ok: verdict.ok, thresholdHours: verdict.thresholdHours, lastSuccessAt: verdict.lastSuccessAt, message: verdict.message };
  if (!offsite) return status;
  const offsiteStatus = { ok: offsite.ok, lastCopiedAt: offsite.lastSuccessAt, message: offsite.message };
  if (offsite.ok) return { ...status, offsite: offsiteStatus };
  return { ...status, ok: false, message: verdict.ok ? offsite.message : `${verdict.message}. ${offsite.message}`, offsite: offsiteStatus };
}

/** A run still shown as running while nobody holds the operation lock was cut off: its process ended. */
export function cutOffRun(run: LastRun): LastRun {
  return { ...run, ok: false, message: 'abgebrochen (der Prozess wurde beendet, bevor das Backup fertig war)' };
}

/** The log line at start: the times and the next backup, or since when and by whom it is stopped. */
export function scheduleLoadedMessage(schedule: DailySchedule, state: SchedulerState, now: Date): string {
  const { times, timeZone } = schedule;
  if (!state.enabled) return `Zeitplan geladen: automatisches Backup ist gestoppt${since(state, timeZone)}`;
  const [next] = nextRuns(schedule, now, 1);
  return `Zeitplan geladen: täglich ${times.join(', ')} (${timeZone})${next ? `, nächstes Backup ${formatLocalMinute(next, timeZone)}` : ''}`;
}

function since(state: SchedulerState, timeZone: string): string {
  if (!state.changedAt) return '';
  return ` (seit ${formatLocalMinute(state.changedAt, timeZone)}${state.changedBy ? `, von ${state.changedBy}` : ''})`;
}

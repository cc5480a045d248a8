/**
 * What the web pages need from the automatic side (scheduler, mail, log).
 * The scheduler module implements these; the web module only reads them.
 */
export interface LastRun {
  readonly startedAt: Date;
  readonly finishedAt: Date | undefined;
  readonly ok: boolean | undefined;
  readonly message: string;
  readonly backupName: string | undefined;
  /** "Zeitplan", "Nachholen", an admin's e-mail, "CLI". */
  readonly trigger: string;
}

export interface WatchdogStatus {
  readonly ok: boolean;
  readonly thresholdHours: number;
  readonly lastSuccessAt: Date | undefined;
  readonly message: string;
}

export interface MailStatus {
  readonly enabled: boolean;
  /** Why mail is off, or the transport described without credentials ("smtp://mail.example.org:587"). */
  readonly description: string;
  readonly from: string;
  readonly attachMaxBytes: number;
}

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

export interface SchedulerControl {
  status(): Promise<SchedulerStatus>;
  start(actor: string): Promise<void>;
  stop(actor: string): Promise<void>;
}

export interface LogReader {
  /** The last `lines` lines of auto_backup.log, oldest first, without reading the whole file. */
  tail(lines: number): Promise<string[]>;
}

import type { Db } from 'mongodb';
import type { MailStatus } from '../automation/automation-contracts.js';
import type { BackupContext } from '../backup/backup-context.js';
import type { EventSink } from '../backup/backup-events.js';
import { createBackup, type BackupResult } from '../backup/create-backup.js';
import type { OperationTracker } from '../backup/operation-tracker.js';
import type { Config } from '../config/config.js';
import { BackupStore } from '../backup/backup-store.js';
import { createDiskWatch, type DiskWatch } from '../storage/disk-watch.js';
import type { DiskSpace } from '../storage/disk-space.js';
import { createMonitoring } from '../monitoring/monitoring.js';
import type { BackupMetrics } from '../monitoring/metrics.js';
import { createEventLog, type EventLog } from '../log/event-log.js';
import { createRedactor, secretsFromConfig } from '../log/redact.js';
import { createBackupNotifier, type BackupNotifier } from '../mail/backup-notifier.js';
import type { Mailer } from '../mail/mailer.js';
import { sendTestMail, type TestMailResult } from '../mail/test-mail.js';
import { rememberingRecipients, resolveRecipients } from '../mail/recipients.js';
import { MAIL_OFF_REASON, createSmtpMailer, mailStatusOf } from '../mail/smtp-mailer.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { BackupScheduler } from './backup-scheduler.js';
import { everyMinute, type StartTicker } from './cron-ticker.js';
import { createRunRecords } from './run-records.js';
import { MongoSchedulerStateStore } from './scheduler-state-store.js';
import { MongoSlotClaims } from './slot-claims.js';

export type AutomationConfig = Pick<
  Config,
  | 'logDir'
  | 'backupTimes'
  | 'backupTimezone'
  | 'backupKeep'
  | 'backupCollections'
  | 'watchdogHours'
  | 'smtp'
  | 'mailFrom'
  | 'mailAttachMaxBytes'
  | 'adminEmail'
  | 'mongodbUri'
  | 'adminPassword'
  | 'sessionSecret'
  | 'backupDir'
  | 'backupMinFreeMb'
  | 'backupPingUrl'
  | 'metricsToken'
>;

export interface AutomaticBackupsOptions {
  readonly config: AutomationConfig;
  /** Holds the shared scheduler state, the slot claims and the recipients (users, settings). */
  readonly db: Db;
  readonly clock?: Clock;
  /** Default: SMTP from config.smtp, or none (mail off). */
  readonly mailer?: Mailer;
  /** Also hand every log line to this function (e.g. console.log). */
  readonly echo?: (line: string) => void;
  /** Lease of a slot claim and of its renewal, in ms (tests shorten them). */
  readonly claimLeaseMs?: number;
  /** Owner name in the slot claims (default host:pid). */
  readonly owner?: string;
  /** Default: statfs of BACKUP_DIR's volume (tests inject a small disk). */
  readonly readDiskSpace?: (dir: string) => Promise<DiskSpace>;
}

export interface SchedulerParts {
  readonly backup: BackupContext;
  readonly tracker: OperationTracker;
  /** Default: node-cron every minute; `false`: no ticking (tests call `tick`). */
  readonly ticker?: StartTicker | false;
}

export interface AutomaticBackups {
  readonly log: EventLog;
  readonly notifier: BackupNotifier;
  readonly mail: MailStatus;
  /** Give this to createBackupContext: engine events become log lines, run records and restore-failure mails. */
  readonly emit: EventSink;
  /** Free space of the backup volume; give `disk.beforeBackup` to createBackupContext. */
  readonly disk: DiskWatch;
  /** For GET /metrics, fed by `emit`. */
  readonly metrics: BackupMetrics;
  /** "Test-E-Mail senden": to the recipients of the backup mails; the outcome is logged and returned, never thrown. */
  testMail(actor: string): Promise<TestMailResult>;
  /** For the web's "send by mail" on a manual backup; never throws (the outcome is in the log). */
  mailBackup(result: BackupResult, actor: string): Promise<void>;
  /** Builds the scheduler on the context that was built with `emit`; once. */
  createScheduler(parts: SchedulerParts): BackupScheduler;
  /** Says once whether mail is on, starts ticking; the first tick catches up a missed slot. */
  start(): Promise<void>;
  /** Waits until pending records and mails are done. */
  settled(): Promise<void>;
  /** Stops the scheduler, waits for pending work, closes the log. */
  close(): Promise<void>;
}

/**
 * The automatic side, composed in two steps because the backup context needs
 * our event sink and the scheduler needs the backup context:
 * `createAutomaticBackups` → `createBackupContext(…, { emit })` → `createScheduler`.
 */
export function createAutomaticBackups(options: AutomaticBackupsOptions): AutomaticBackups {
  const { config, db } = options;
  const clock = options.clock ?? systemClock;
  const secrets = secretsFromConfig(config);
  const log = createEventLog({
    logDir: config.logDir,
    timeZone: config.backupTimezone,
    secrets,
    clock,
    ...(options.echo ? { echo: options.echo } : {}),
  });
  const mailer = options.mailer ?? (config.smtp ? createSmtpMailer(config.smtp, config.mailFrom) : undefined);
  const mail: MailStatus =
    options.mailer && !config.smtp
      ? { ...mailStatusOf(config), enabled: true, description: 'eigener Versandweg (kein SMTP)' }
      : mailStatusOf(config);
  const recipients = rememberingRecipients(() => resolveRecipients(db), config.adminEmail ? [config.adminEmail] : []);
  const notifier = createBackupNotifier({
    mailer,
    recipients,
    log: log.write,
    attachMaxBytes: config.mailAttachMaxBytes,
    timeZone: config.backupTimezone,
    redact: createRedactor(secrets),
    clock,
  });
  const state = new MongoSchedulerStateStore(db);
  const runs = createRunRecords(state, clock, log.write);
  const pendingMails = new Set<Promise<unknown>>();
  const track = (promise: Promise<unknown>) => {
    pendingMails.add(promise);
    void promise.finally(() => pendingMails.delete(promise));
  };

  const monitoring = createMonitoring({ pingUrl: config.backupPingUrl, log: log.write, clock });
  const emit: EventSink = (event) => {
    log.sink(event);
    monitoring.sink(event);
    runs.sink(event);
    if (event.type === 'restore.failed') {
      const { type: _type, ...failure } = event;
      track(notifier.restoreFailed(failure));
    }
    // Once per pending safety archive, and once when it is written after all.
    if (event.type === 'restore.safety-pending' && event.attempt === 1) track(notifier.safetyArchivePending(event));
    if (event.type === 'restore.safety-written') track(notifier.safetyArchiveWritten(event));
  };

  const disk = createDiskWatch({
    backupDir: config.backupDir,
    minFreeMb: config.backupMinFreeMb,
    listBackups: () => new BackupStore(config.backupDir).list(),
    db,
    log: log.write,
    mailLowSpace: (warning) => notifier.diskSpaceLow(warning),
    mailRefusal: (refusal, trigger) => notifier.backupFailed(refusal, { trigger }),
    clock,
    ...(options.readDiskSpace ? { readSpace: options.readDiskSpace } : {}),
  });

  let scheduler: BackupScheduler | undefined;
  const settled = async () => {
    await runs.flush();
    await Promise.all([...pendingMails, monitoring.settled()]);
  };

  return {
    log,
    notifier,
    mail,
    emit,
    disk,
    metrics: monitoring.metrics,
    testMail: async (actor) => {
      const result = await sendTestMail(mailer, (await recipients()).recipients, {
        at: clock.now(),
        timeZone: config.backupTimezone,
        server: mail.description,
        actor,
      });
      log.write(result.sent ? `Test-E-Mail an ${result.recipients.join(', ')} gesendet (${actor}): ${result.response}` : `Test-E-Mail nicht gesendet (${actor}): ${result.message}`);
      return result;
    },
    mailBackup: async (result, actor) => {
      await notifier.backupSucceeded(result, { trigger: actor });
    },
    createScheduler(parts) {
      if (scheduler) throw new Error('createScheduler: the scheduler exists already');
      const { backup, tracker } = parts;
      scheduler = new BackupScheduler({
        schedule: { times: config.backupTimes, timeZone: config.backupTimezone },
        watchdogHours: config.watchdogHours,
        state,
        runs,
        claims: new MongoSlotClaims(db, {
          now: () => clock.now(),
          ...(options.owner ? { owner: options.owner } : {}),
          ...(options.claimLeaseMs ? { leaseMs: options.claimLeaseMs } : {}),
        }),
        runBackup: (trigger) =>
          tracker.launch({ operation: 'backup', subject: 'auto', actor: trigger }, (hooks) =>
            createBackup(backup, { kind: 'auto', actor: trigger, onProgress: hooks.onProgress, onStarted: hooks.onStarted }),
          ),
        newestBackupAt: async () => (await backup.store.list()).find((b) => b.kind !== 'upload')?.createdAt,
        notifier,
        log: log.write,
        clock,
        ...(parts.ticker === false ? {} : { ticker: parts.ticker ?? everyMinute(config.backupTimezone) }),
        mail,
        keep: config.backupKeep,
        collections: config.backupCollections,
        runningOperation: () => tracker.state().running,
        lockHolder: () => backup.lock.current(),
      });
      return scheduler;
    },
    async start() {
      if (!scheduler) throw new Error('start: call createScheduler first');
      log.write(mailer ? `E-Mail-Versand über ${mail.description}, Absender ${config.mailFrom}` : `E-Mail-Versand aus: ${MAIL_OFF_REASON}`);
      await scheduler.startTicking();
    },
    settled,
    async close() {
      await scheduler?.shutdown();
      await settled();
      await log.close();
    },
  };
}

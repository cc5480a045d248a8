import type { Db } from 'mongodb';
import type { Failpoints } from '../backup/backup-context.js';
import type { EventSink } from '../backup/backup-events.js';
import type { BackupResult } from '../backup/create-backup.js';
import { BackupStore } from '../backup/backup-store.js';
import type { OperationLock } from '../backup/operation-lock.js';
import { OperationTracker } from '../backup/operation-tracker.js';
import type { Config } from '../config/config.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import { createEventLog, type EventLog } from '../log/event-log.js';
import { createRedactor, secretsFromConfig } from '../log/redact.js';
import { createBackupNotifier, type BackupNotifier } from '../mail/backup-notifier.js';
import type { Mailer } from '../mail/mailer.js';
import { rememberingRecipients, resolveRecipients } from '../mail/recipients.js';
import { MAIL_OFF_REASON, createSmtpMailer, mailStatusOf, type MailStatus } from '../mail/smtp-mailer.js';
import { createBackupManager, type BackupManager } from '../manager/backup-manager.js';
import { BackupScheduler } from '../scheduler/backup-scheduler.js';
import { everyMinute, type StartTicker } from '../scheduler/cron-ticker.js';
import type { DrillScheduler } from '../scheduler/drill-scheduler.js';
import { createRunRecords } from '../scheduler/run-records.js';
import { MongoSchedulerStateStore } from '../scheduler/scheduler-state-store.js';
import { MongoSlotClaims } from '../scheduler/slot-claims.js';
import { describeError } from '../shared/app-error.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { DiskSpace } from '../storage/disk-space.js';
import type { StoragePlace } from '../storage/storage-place.js';
import type { AppDependencies } from '../web/app-dependencies.js';
import { composeDrillScheduler, drillEvents } from './compose-drills.js';
import { engineEvents, pendingMails } from './compose-events.js';
import { createBackupContext } from './compose-context.js';
import { offsiteMailEvents } from './compose-offsite.js';
import { composeWatching, type Watching } from './compose-watching.js';
import { composeSettings, initialMailSettings, liveMailOptions, withExtraRecipients } from './compose-settings.js';
import type { LiveSettings } from '../settings/live-settings.js';

export interface ComposeOptions {
  readonly config: Config;
  /** Holds the data, the shared scheduler state, the slot claims, the lock and the recipients (users, settings). */
  readonly db: Db;
  readonly clock?: Clock;
  /** Default: SMTP from config.smtp, or none (mail off). */
  readonly mailer?: Mailer;
  /** Default: the lease in scandy_backup_locks. */
  readonly lock?: OperationLock;
  /** Default: node-cron every minute; `false`: no ticking (tests call `scheduler.tick`). */
  readonly ticker?: StartTicker | false;
  /** Also hand every log line to this function (e.g. console.log). */
  readonly echo?: (line: string) => void;
  /** Owner name in the slot claims (default host:pid). */
  readonly owner?: string;
  /** Lease of a slot claim and of its renewal, in ms (tests shorten them). */
  readonly claimLeaseMs?: number;
  /** Test-only: a failure injected at a precise point of a restore. */
  readonly failpoints?: Failpoints;
  /** Default: statfs of BACKUP_DIR's volume (tests inject a small disk). */
  readonly readDiskSpace?: (dir: string) => Promise<DiskSpace>;
  /** Instead of the bucket of config.s3 (tests: a client with the test server's keys). */
  readonly offsitePlace?: StoragePlace;
  /** The server's secret keys (BACKUP_ENCRYPTION_IDENTITY_FILE, read at start), if it has any. */
  readonly identities?: AgeIdentities | undefined;
}

/** The backup system of one process: the engine, the scheduler, the log and the mail, wired once. */
export interface BackupSystem {
  readonly manager: BackupManager;
  /** This process's running operation and the last one, for progress bars and "läuft bereits". */
  readonly tracker: OperationTracker;
  readonly scheduler: BackupScheduler;
  /** The scheduled restore drills (BACKUP_DRILL or the page's setting). */
  readonly drills: DrillScheduler;
  readonly log: EventLog;
  readonly notifier: BackupNotifier;
  readonly mail: MailStatus;
  /** Where engine events go: log lines, run records, restore mails. The engine emits here; a test may too. */
  readonly emit: EventSink;
  /** The disk, pings, metrics and test mail. */
  readonly watching: Watching;
  /** The admins' settings (times, retention, mail) over the environment; `startTicking` reads them and keeps polling. */
  readonly settings: LiveSettings;
  /** Sends a finished manual backup by mail; never throws (the outcome is in the log). */
  mailBackup(result: BackupResult, actor: string): Promise<void>;
  /** Says once whether mail is on and starts ticking; the first tick catches up a missed slot. */
  startTicking(): Promise<void>;
  /** Waits until pending run records and mails are done. */
  settled(): Promise<void>;
  /** Stops the scheduler, waits for pending work, closes the log. */
  close(): Promise<void>;
}

/**
 * The composition root, used by the app, the command line and the tests:
 * engine events become log lines, run records and mails here; the scheduler
 * runs its backups through the manager and the tracker.
 */
export function composeBackupSystem(options: ComposeOptions): BackupSystem {
  const { config, db } = options;
  const clock = options.clock ?? systemClock;
  const secrets = secretsFromConfig(config);
  const log = createEventLog({ logDir: config.logDir, timeZone: config.backupTimezone, secrets, clock, echo: options.echo });
  const mailer = options.mailer ?? (config.smtp ? createSmtpMailer(config.smtp, config.mailFrom) : undefined);
  const mail: MailStatus =
    options.mailer && !config.smtp ? { ...mailStatusOf(config), enabled: true, description: 'eigener Versandweg (kein SMTP)' } : mailStatusOf(config);
  const mailSettings = initialMailSettings(config, mailer);
  const recipients = withExtraRecipients(rememberingRecipients(() => resolveRecipients(db), config.adminEmail ? [config.adminEmail] : []), mailSettings);
  const notifier = createBackupNotifier(
    liveMailOptions(mailer, mailSettings, { recipients, log: log.write, timeZone: config.backupTimezone, redact: createRedactor(secrets), clock }),
  );
  const state = new MongoSchedulerStateStore(db);
  const runs = createRunRecords(state, clock, log.write);
  const mails = pendingMails();
  const store = new BackupStore(config.backupDir);
  const watching = composeWatching({ config, db, store, notifier, mailer, mail, recipients, log: log.write, clock, readDiskSpace: options.readDiskSpace });
  const drillSink = drillEvents({ notifier, metrics: watching.monitoring.metrics, clock, track: mails.track });
  const emit = engineEvents(log, runs, notifier, mails, [watching.monitoring.sink, drillSink, offsiteMailEvents(notifier, mails.track)]);

  const ctx = createBackupContext(config, db, {
    emit,
    clock,
    store,
    lock: options.lock,
    failpoints: options.failpoints,
    beforeBackup: watching.disk.beforeBackup,
    identities: options.identities,
    offsitePlace: options.offsitePlace,
  });
  const manager = createBackupManager(ctx, { drillDatabase: config.backupDrillDb });
  const tracker = new OperationTracker();
  const scheduler = new BackupScheduler({
    schedule: { times: config.backupTimes, timeZone: config.backupTimezone },
    watchdogHours: config.watchdogHours,
    state,
    runs,
    claims: new MongoSlotClaims(db, { now: () => clock.now(), owner: options.owner, leaseMs: options.claimLeaseMs }),
    runBackup: (trigger) =>
      tracker.launch({ operation: 'backup', subject: 'auto', actor: trigger }, (hooks) =>
        manager.create({ kind: 'auto', actor: trigger, onProgress: hooks.onProgress, onStarted: hooks.onStarted }),
      ),
    newestBackupAt: () => manager.lastBackupAt(),
    newestOffsiteCopyAt: manager.offsiteEnabled ? () => manager.lastOffsiteCopyAt() : undefined,
    notifier,
    log: log.write,
    clock,
    ticker: options.ticker === false ? undefined : (options.ticker ?? everyMinute(config.backupTimezone)),
    mail,
    keep: config.backupKeep,
    collections: config.backupCollections,
    runningOperation: () => tracker.state().running,
    lockHolder: () => manager.lockHolder(),
  });
  const settings = composeSettings({ config, db, clock, log: log.write, mailer, mail: mailSettings, scheduler, ctx });

  const drillTicker = options.ticker === false ? undefined : (options.ticker ?? everyMinute(config.backupTimezone, 'scandy-restore-drill'));
  const drills = composeDrillScheduler({ manager, settings, metrics: watching.monitoring.metrics, log: log.write, clock, ticker: drillTicker });

  const settled = async () => {
    await manager.offsiteSettled();
    await runs.flush();
    await Promise.all([mails.settled(), watching.monitoring.settled()]);
  };
  return {
    manager,
    tracker,
    scheduler,
    drills,
    log,
    notifier,
    mail,
    emit,
    watching,
    settings,
    mailBackup: async (result, actor) => {
      await notifier.backupSucceeded(result, { trigger: actor });
    },
    async startTicking() {
      log.write(mailer ? `E-Mail-Versand über ${mail.description}, Absender ${config.mailFrom}` : `E-Mail-Versand aus: ${MAIL_OFF_REASON}`);
      await settings.refresh().catch((error: unknown) => log.write(`Einstellungen nicht lesbar, es gilt die Umgebung: ${describeError(error)}`));
      settings.startPolling();
      await scheduler.startTicking();
      drills.startTicking();
      manager.startOffsiteRetries();
    },
    settled,
    async close() {
      settings.stop();
      await Promise.all([scheduler.shutdown(), drills.shutdown()]);
      manager.stopOffsiteRetries();
      await settled();
      await log.close();
    },
  };
}

export { createBackupContext, type BackupContextOptions } from './compose-context.js';

/** What the web pages get of the system; a caller adds its own options (trust proxy, rate limits). */
export function webDependencies(system: BackupSystem, config: Config, db: Db): AppDependencies {
  return {
    config,
    db,
    manager: system.manager,
    tracker: system.tracker,
    scheduler: system.scheduler,
    drills: system.drills,
    logReader: system.log.reader,
    audit: system.log.write,
    mailBackup: system.mailBackup,
    disk: system.watching.disk,
    testMail: system.watching.testMail,
    metrics: system.watching.monitoring.metrics,
    settings: system.settings,
  };
}

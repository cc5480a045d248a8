import type { Store } from 'express-session';
import type { Db } from 'mongodb';
import type { BackupResult } from '../backup/create-backup.js';
import type { OperationTracker } from '../backup/operation-tracker.js';
import type { Config } from '../config/config.js';
import type { LogReader } from '../log/log-file-reader.js';
import type { BackupManager } from '../manager/backup-manager.js';
import type { DrillControl } from '../scheduler/drill-scheduler.js';
import type { SchedulerControl } from '../scheduler/scheduler-status.js';
import type { TestMailResult } from '../mail/test-mail.js';
import type { BackupMetrics } from '../monitoring/metrics.js';
import type { DiskWatch } from '../storage/disk-space.js';
import type { SettingsControl } from '../settings/live-settings.js';
import type { LoginRateLimit } from './middleware/login-rate-limits.js';

/** Everything the web app uses, handed in by the composition root (src/app/compose.ts) or a test. */
export interface AppDependencies {
  readonly config: Config;
  /** Accounts, sessions, rate limits and mail recipients; backups go through `manager`. */
  readonly db: Db;
  readonly manager: BackupManager;
  readonly tracker: OperationTracker;
  readonly scheduler: SchedulerControl;
  /** The restore drill's schedule and last result; without it the pages show no drill card. */
  readonly drills?: DrillControl;
  readonly logReader: LogReader;
  /** One line for the backup log: who downloaded, verified or uploaded what, who signed in. */
  readonly audit: (message: string) => void;
  /** Default: sessions in the collection scandy_backup_sessions of `db`. */
  readonly sessionStore?: Store;
  /** Express "trust proxy" (TRUST_PROXY): a hop count or the proxies' addresses, when the app runs behind a reverse proxy. */
  readonly trustProxy?: false | number | string;
  /** Failed logins per client address and per account, and their window (default 10 and 20 per 15 minutes). */
  readonly loginRateLimit?: LoginRateLimit;
  /** How often a live event stream checks that its session still stands (default 5 s). */
  readonly sessionCheckMs?: number;
  /** Sends a finished manual backup by mail (POST /admin/api/backups with {mail: true}); without it that option is refused. */
  readonly mailBackup?: (result: BackupResult, actor: string) => Promise<void>;
  /** Free space of the backup volume for the pages; without it they show none. */
  readonly disk?: DiskWatch;
  /** POST /admin/api/mail/test; without it the endpoint says mail is off. */
  readonly testMail?: (actor: string) => Promise<TestMailResult>;
  /** GET /metrics; without it the route answers 404. */
  readonly metrics?: BackupMetrics;
  /** "Einstellungen" on /admin/auto-backup and GET/PUT /admin/api/settings; without it they are not offered. */
  readonly settings?: SettingsControl;
}

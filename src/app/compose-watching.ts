import type { Db } from 'mongodb';
import type { BackupStore } from '../backup/backup-store.js';
import type { Config } from '../config/config.js';
import type { BackupNotifier } from '../mail/backup-notifier.js';
import type { Mailer } from '../mail/mailer.js';
import type { MailStatus } from '../mail/smtp-mailer.js';
import { sendTestMail, type TestMailResult } from '../mail/test-mail.js';
import { createMonitoring, type Monitoring } from '../monitoring/monitoring.js';
import type { Clock } from '../shared/clock.js';
import { createDiskWatch, type DiskSpace, type DiskWatch } from '../storage/disk-space.js';

/** What watches the backups: the disk, the pings and metrics, and the test mail. */
export interface Watching {
  /** Free space of the backup volume; `disk.beforeBackup` goes into the engine's context. */
  readonly disk: DiskWatch;
  /** BACKUP_PING_URL and the metrics of GET /metrics, fed by the engine's events. */
  readonly monitoring: Monitoring;
  /** "Test-E-Mail senden": to the recipients of the backup mails; the outcome is logged and returned, never thrown. */
  testMail(actor: string): Promise<TestMailResult>;
}

export interface WatchingParts {
  readonly config: Pick<Config, 'backupMinFreeMb' | 'backupPingUrl' | 'backupTimezone'>;
  readonly db: Db;
  readonly store: BackupStore;
  readonly notifier: BackupNotifier;
  readonly mailer: Mailer | undefined;
  readonly mail: MailStatus;
  readonly recipients: () => Promise<{ readonly recipients: readonly string[] }>;
  readonly log: (line: string) => void;
  readonly clock: Clock;
  /** Default: statfs of BACKUP_DIR's volume (tests inject a small disk). */
  readonly readDiskSpace?: (dir: string) => Promise<DiskSpace>;
}

export function composeWatching(parts: WatchingParts): Watching {
  const { config, notifier, log, clock } = parts;
  const disk = createDiskWatch({
    backupDir: parts.store.dir,
    minFreeMb: config.backupMinFreeMb,
    listBackups: () => parts.store.list(),
    db: parts.db,
    log,
    mailLowSpace: (warning) => notifier.diskSpaceLow(warning),
    mailRefusal: (refusal, trigger) => notifier.backupFailed(refusal, { trigger }),
    clock,
    ...(parts.readDiskSpace ? { readSpace: parts.readDiskSpace } : {}),
  });
  const monitoring = createMonitoring({ pingUrl: config.backupPingUrl, log, clock });
  return {
    disk,
    monitoring,
    async testMail(actor) {
      const { recipients } = await parts.recipients();
      const result = await sendTestMail(parts.mailer, recipients, {
        at: clock.now(),
        timeZone: config.backupTimezone,
        server: parts.mail.description,
        actor,
      });
      log(result.sent ? `Test-E-Mail an ${result.recipients.join(', ')} gesendet (${actor}): ${result.response}` : `Test-E-Mail nicht gesendet (${actor}): ${result.message}`);
      return result;
    },
  };
}

import type { Db } from 'mongodb';
import type { BackupContext } from '../backup/backup-context.js';
import type { Config } from '../config/config.js';
import type { BackupNotifierOptions, RecipientLookup } from '../mail/backup-notifier.js';
import type { Mailer } from '../mail/mailer.js';
import { uniqueAddresses } from '../mail/recipients.js';
import type { BackupScheduler } from '../scheduler/backup-scheduler.js';
import type { Clock } from '../shared/clock.js';
import { createLiveSettings, type LiveSettings } from '../settings/live-settings.js';
import { retentionRulesFrom, settingsDefaultsFrom } from '../settings/settings-schema.js';
import { MongoSettingsStore } from '../settings/settings-store.js';

const MB = 1024 * 1024;

/** The mail part of the admins' settings, read by the notifier at each mail. */
export interface MailSettings {
  enabled: boolean;
  attachMaxBytes: number;
  extraRecipients: readonly string[];
}

export function initialMailSettings(config: Pick<Config, 'mailAttachMaxBytes'>, mailer: Mailer | undefined): MailSettings {
  return { enabled: mailer !== undefined, attachMaxBytes: config.mailAttachMaxBytes, extraRecipients: [] };
}

/** The notifier's options with its mailer and attachment limit as the settings say at each mail (mail off: no mailer). */
export function liveMailOptions(
  mailer: Mailer | undefined,
  settings: MailSettings,
  rest: Omit<BackupNotifierOptions, 'mailer' | 'attachMaxBytes'>,
): BackupNotifierOptions {
  return {
    ...rest,
    get mailer() {
      return settings.enabled ? mailer : undefined;
    },
    get attachMaxBytes() {
      return settings.attachMaxBytes;
    },
  };
}

/** The admins (or admin_email), then the extra recipients of the settings, each address once. */
export function withExtraRecipients(lookup: RecipientLookup, settings: MailSettings): RecipientLookup {
  return async () => {
    const found = await lookup();
    return { ...found, recipients: uniqueAddresses([...found.recipients, ...settings.extraRecipients]) };
  };
}

export interface SettingsParts {
  readonly config: Config;
  readonly db: Db;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly mailer: Mailer | undefined;
  readonly mail: MailSettings;
  readonly scheduler: BackupScheduler;
  /** Its retention is replaced when the settings change. */
  readonly ctx: BackupContext;
}

/** The settings of /admin/auto-backup over the environment, put in force in the scheduler, the retention and the mail. */
export function composeSettings(parts: SettingsParts): LiveSettings {
  const { mail } = parts;
  return createLiveSettings({
    store: new MongoSettingsStore(parts.db, parts.clock),
    defaults: { ...settingsDefaultsFrom(parts.config), mailEnabled: parts.mailer !== undefined },
    log: parts.log,
    apply(settings, { initial }) {
      // At the start, a slot of the saved times missed while the app was down is caught up as usual.
      parts.scheduler.reschedule({ times: settings.backupTimes, timeZone: settings.timeZone }, settings.keep, { catchUpMissed: initial });
      parts.ctx.retention = retentionRulesFrom(settings);
      mail.enabled = settings.mailEnabled && parts.mailer !== undefined;
      mail.attachMaxBytes = Math.floor(settings.mailAttachMaxMb * MB);
      mail.extraRecipients = settings.extraRecipients;
    },
  });
}

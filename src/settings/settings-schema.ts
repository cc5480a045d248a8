import { z } from 'zod';
import type { Config } from '../config/config.js';
import {
  backupTimeList,
  drillSchedule,
  EMAIL_MESSAGE,
  positiveNumberValue,
  splitList,
  TIMES_MESSAGE,
  timeZoneName,
  wholeNumberIn,
  type DrillSchedule,
} from '../config/config-values.js';
import type { RetentionRules } from '../retention/retention-policy.js';
import { AppError } from '../shared/app-error.js';

/** What an admin may change on /admin/auto-backup; the environment gives the defaults. */
export interface BackupSettings {
  readonly backupTimes: readonly string[];
  readonly timeZone: string;
  readonly keep: number;
  readonly keepManual: number;
  readonly keepPreRestore: number;
  readonly keepDaily: number;
  readonly keepWeekly: number;
  readonly keepMonthly: number;
  readonly mailEnabled: boolean;
  /** Addresses that get the backup mails besides the admins. */
  readonly extraRecipients: readonly string[];
  readonly mailAttachMaxMb: number;
  readonly drill: DrillSchedule;
}

export type SettingsField = keyof BackupSettings;

/** Per field: its German label and the environment variable that gives its default (if any). */
export const SETTINGS_FIELDS: Readonly<Record<SettingsField, { readonly label: string; readonly variable?: string }>> = {
  backupTimes: { label: 'Backup-Zeiten', variable: 'BACKUP_TIMES' },
  timeZone: { label: 'Zeitzone', variable: 'BACKUP_TIMEZONE' },
  keep: { label: 'Automatische Backups behalten', variable: 'BACKUP_KEEP' },
  keepManual: { label: 'Manuelle und hochgeladene Backups behalten', variable: 'BACKUP_KEEP_MANUAL' },
  keepPreRestore: { label: 'Backups vor Wiederherstellungen behalten', variable: 'BACKUP_KEEP_PRE_RESTORE' },
  keepDaily: { label: 'Tage mit je einem Backup', variable: 'BACKUP_KEEP_DAILY' },
  keepWeekly: { label: 'Wochen mit je einem Backup', variable: 'BACKUP_KEEP_WEEKLY' },
  keepMonthly: { label: 'Monate mit je einem Backup', variable: 'BACKUP_KEEP_MONTHLY' },
  mailEnabled: { label: 'E-Mail-Benachrichtigung' },
  extraRecipients: { label: 'Weitere Empfänger' },
  mailAttachMaxMb: { label: 'Größter E-Mail-Anhang (MB)', variable: 'MAIL_ATTACH_MAX_MB' },
  drill: { label: 'Wiederherstellungstest', variable: 'BACKUP_DRILL' },
};

export const SETTINGS_FIELD_NAMES = Object.keys(SETTINGS_FIELDS) as SettingsField[];

const MAX_EXTRA_RECIPIENTS = 20;

/** A number, or the digits a form sends. */
const numberInput = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);
const whole = (min: number, max: number) => z.preprocess(asNumber, wholeNumberIn(min, max));
/** A list, or the comma-separated text a form sends. */
const listInput = (message: string) =>
  z.union([z.string().transform((raw) => splitList(raw).filter((s) => s !== '')), z.array(z.string())], { message });

function asNumber(value: unknown): unknown {
  const parsed = numberInput.safeParse(value);
  return parsed.success ? parsed.data : value;
}

const recipients = listInput('muss eine Liste von E-Mail-Adressen sein')
  .pipe(z.array(z.email(EMAIL_MESSAGE)).max(MAX_EXTRA_RECIPIENTS, `höchstens ${MAX_EXTRA_RECIPIENTS} Adressen`))
  .transform((list) => [...new Map(list.map((a) => [a.toLowerCase(), a])).values()]);

/** Every field with the same rules as its environment variable (config-values.ts). */
export const settingsSchema = z
  .object({
    backupTimes: listInput(TIMES_MESSAGE).pipe(backupTimeList),
    timeZone: timeZoneName,
    keep: whole(1, 10000),
    keepManual: whole(1, 10000),
    keepPreRestore: whole(1, 10000),
    keepDaily: whole(0, 10000),
    keepWeekly: whole(0, 10000),
    keepMonthly: whole(0, 10000),
    mailEnabled: z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean('muss ja oder nein sein (true oder false)')),
    extraRecipients: recipients,
    mailAttachMaxMb: z.preprocess(asNumber, positiveNumberValue),
    drill: drillSchedule,
  })
  .strict();

/** A change: any subset of the fields, nothing else. */
export const settingsPatchSchema = settingsSchema.partial().strict();

/**
 * Validates a change from the page or API. Throws INVALID_INPUT naming the
 * first bad field in German (details.fields: every bad field and why); nothing
 * is saved then.
 */
export function parseSettingsPatch(input: unknown): Partial<BackupSettings> {
  const result = settingsPatchSchema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[key] ??= 'ist keine Einstellung';
    } else if (issue.path.length === 0) {
      fields['Einstellungen'] ??= 'müssen ein JSON-Objekt sein';
    } else {
      fields[String(issue.path[0])] ??= issue.message;
    }
  }
  const [field, message] = Object.entries(fields)[0] ?? ['Einstellungen', 'sind ungültig'];
  const label = field in SETTINGS_FIELDS ? `„${SETTINGS_FIELDS[field as SettingsField].label}“ (${field})` : `„${field}“`;
  throw new AppError('INVALID_INPUT', `Ungültige Einstellung ${label}: ${message}`, { details: { fields } });
}

/** The defaults an admin can return to: the environment as parsed at start. */
export function settingsDefaultsFrom(
  config: Pick<
    Config,
    | 'backupTimes'
    | 'backupTimezone'
    | 'backupKeep'
    | 'backupKeepManual'
    | 'backupKeepPreRestore'
    | 'backupKeepDaily'
    | 'backupKeepWeekly'
    | 'backupKeepMonthly'
    | 'smtp'
    | 'mailAttachMaxBytes'
    | 'backupDrill'
  >,
): BackupSettings {
  return {
    backupTimes: config.backupTimes,
    timeZone: config.backupTimezone,
    keep: config.backupKeep,
    keepManual: config.backupKeepManual,
    keepPreRestore: config.backupKeepPreRestore,
    keepDaily: config.backupKeepDaily,
    keepWeekly: config.backupKeepWeekly,
    keepMonthly: config.backupKeepMonthly,
    mailEnabled: config.smtp !== undefined,
    extraRecipients: [],
    mailAttachMaxMb: config.mailAttachMaxBytes / (1024 * 1024),
    drill: config.backupDrill,
  };
}

/** The retention part, for planRetention (and its preview). */
export function retentionRulesFrom(settings: BackupSettings): RetentionRules {
  return {
    keepLast: settings.keep,
    keepManual: settings.keepManual,
    keepPreRestore: settings.keepPreRestore,
    keepDaily: settings.keepDaily,
    keepWeekly: settings.keepWeekly,
    keepMonthly: settings.keepMonthly,
    timeZone: settings.timeZone,
  };
}

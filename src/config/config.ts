import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../shared/app-error.js';
import { SCANDY_COLLECTIONS, isSafeCollectionName } from './collections.js';
import { parseS3Config, type S3Config } from './s3-config.js';
import { smtpConfigFrom, smtpVariables, type SmtpConfig } from './smtp-config.js';
import { trustProxyVariable } from './trust-proxy.js';
import { IDENTITY_FILE_VARIABLE, RECIPIENTS_VARIABLE, parseEncryptionRecipients } from './encryption-config.js';
import { DEFAULT_MIN_FREE_MB, EMAIL_MESSAGE, emptyToUndefined, backupTimes, drillSchedule, positiveNumber, timezone, wholeNumber, type DrillSchedule } from './config-values.js';
import { parsePingUrl } from './ping-url.js';

export type { SmtpConfig } from './smtp-config.js';

export interface Config {
  readonly mongodbUri: string | undefined;
  readonly mongodbDb: string;
  readonly port: number;
  /** Address the web server binds to; undefined: all interfaces. */
  readonly host: string | undefined;
  readonly backupDir: string;
  readonly logDir: string;
  readonly dataDir: string;
  readonly backupTimes: readonly string[];
  readonly backupTimezone: string;
  readonly backupKeep: number;
  /** Retention beyond BACKUP_KEEP (automatic backups): manual/uploaded and pre-restore counted apart, optional tiers (0: off). */
  readonly backupKeepManual: number;
  readonly backupKeepPreRestore: number;
  readonly backupKeepDaily: number;
  readonly backupKeepWeekly: number;
  readonly backupKeepMonthly: number;
  readonly backupCollections: readonly string[];
  readonly watchdogHours: number;
  /** How often the restore drill runs (BACKUP_DRILL). */
  readonly backupDrill: DrillSchedule;
  /** The scratch database of the restore drill on the same server (BACKUP_DRILL_DB); never MONGODB_DB. */
  readonly backupDrillDb: string;
  /** BACKUP_MIN_FREE_MB: a backup starts only with at least this much (and twice the newest archive) free. */
  readonly backupMinFreeMb: number;
  /** BACKUP_PING_URL (healthchecks.io / Uptime Kuma style); may hold a token: never logged. */
  readonly backupPingUrl: string | undefined;
  /** METRICS_TOKEN: GET /metrics needs it as a Bearer token; unset: loopback clients only. */
  readonly metricsToken: string | undefined;
  readonly smtp: SmtpConfig | undefined;
  readonly mailFrom: string;
  readonly mailAttachMaxBytes: number;
  readonly sessionSecret: string | undefined;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  readonly uploadMaxBytes: number;
  /** BACKUP_ENCRYPTION_RECIPIENTS: public age keys (`age1…`); empty: archives are written unencrypted. */
  readonly encryptionRecipients: readonly string[];
  /** BACKUP_ENCRYPTION_IDENTITY_FILE, resolved: the server's own secret keys, read at start by readServerIdentities. */
  readonly encryptionIdentityFile: string | undefined;
  /** Express "trust proxy": false, a hop count, or addresses/subnets of the proxies (never true). */
  readonly trustProxy: false | number | string;
  /** Off-site copies (BACKUP_S3_*); undefined when BACKUP_S3_URL is unset. */
  readonly s3: S3Config | undefined;
}

const SECRET_VARIABLES = new Set(['SMTP_PASS', 'SESSION_SECRET', 'ADMIN_PASSWORD', 'MONGODB_URI', 'SMTP_URL', 'BACKUP_PING_URL', 'METRICS_TOKEN']);

const collections = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .optional()
    .transform((raw) => (raw === undefined ? [...SCANDY_COLLECTIONS] : raw.split(',').map((c) => c.trim())))
    .refine((names) => names.length > 0 && names.every(isSafeCollectionName), {
      message: 'muss eine kommagetrennte Liste von Collection-Namen sein (Buchstaben, Ziffern, _ und -)',
    })
    .transform((names) => [...new Set(names)]),
);

const DATABASE_NAME = /^[A-Za-z0-9_-]{1,63}$/;
const DATABASE_NAME_MESSAGE = 'muss ein Datenbankname sein (Buchstaben, Ziffern, _ und -)';

const mongoUri = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, 'muss mit mongodb:// oder mongodb+srv:// beginnen')
    .optional(),
);

const schema = z.object({
  MONGODB_URI: mongoUri,
  MONGODB_DB: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(DATABASE_NAME, DATABASE_NAME_MESSAGE)
      .default('scandy'),
  ),
  PORT: wholeNumber(0, 65535, 3000),
  HOST: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .refine((host) => isIP(host) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/.test(host), {
        message: 'muss eine IP-Adresse wie 127.0.0.1 oder ein Rechnername sein',
      })
      .optional(),
  ),
  BACKUP_DIR: z.preprocess(emptyToUndefined, z.string().default('backups')),
  LOG_DIR: z.preprocess(emptyToUndefined, z.string().default('logs')),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('.data')),
  BACKUP_TIMES: backupTimes,
  BACKUP_TIMEZONE: timezone,
  BACKUP_KEEP: wholeNumber(1, 10000, 10),
  BACKUP_KEEP_MANUAL: wholeNumber(1, 10000, 5),
  BACKUP_KEEP_PRE_RESTORE: wholeNumber(1, 10000, 3),
  BACKUP_KEEP_DAILY: wholeNumber(0, 10000, 0),
  BACKUP_KEEP_WEEKLY: wholeNumber(0, 10000, 0),
  BACKUP_KEEP_MONTHLY: wholeNumber(0, 10000, 0),
  BACKUP_COLLECTIONS: collections,
  BACKUP_WATCHDOG_HOURS: positiveNumber(26),
  BACKUP_DRILL: z.preprocess(emptyToUndefined, drillSchedule.default('weekly')),
  BACKUP_DRILL_DB: z.preprocess(emptyToUndefined, z.string().trim().regex(DATABASE_NAME, DATABASE_NAME_MESSAGE).optional()),
  BACKUP_MIN_FREE_MB: wholeNumber(0, 100_000_000, DEFAULT_MIN_FREE_MB),
  BACKUP_PING_URL: z.preprocess(emptyToUndefined, z.string().optional()),
  METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'muss mindestens 16 Zeichen lang sein').optional()),
  ...smtpVariables,
  MAIL_FROM: z.preprocess(emptyToUndefined, z.string().default('Scandy Backup <backup@localhost>')),
  MAIL_ATTACH_MAX_MB: positiveNumber(18),
  UPLOAD_MAX_MB: positiveNumber(1024),
  SESSION_SECRET: z.preprocess(emptyToUndefined, z.string().min(16, 'muss mindestens 16 Zeichen lang sein').optional()),
  ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email(EMAIL_MESSAGE).optional()),
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(8, 'muss mindestens 8 Zeichen lang sein').optional()),
  TRUST_PROXY: trustProxyVariable,
  [IDENTITY_FILE_VARIABLE]: z.preprocess(emptyToUndefined, z.string().optional()),
});

const MB = 1024 * 1024;

/**
 * Parses the environment once into a frozen Config. A bad value throws an
 * AppError whose message is one line naming the variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue?.path[0] ?? 'configuration');
    const raw = env[variable];
    const shown = raw === undefined || SECRET_VARIABLES.has(variable) ? '' : ` (erhalten: "${raw}")`;
    throw new AppError('CONFIG_INVALID', `Ungültige Konfiguration: ${variable} ${issue?.message ?? 'ist ungültig'}${shown}`);
  }
  const e = result.data;
  const drillDb = e.BACKUP_DRILL_DB ?? `${e.MONGODB_DB}_restore_test`.slice(0, 63);
  if (drillDb === e.MONGODB_DB) {
    throw new AppError('CONFIG_INVALID', `Ungültige Konfiguration: BACKUP_DRILL_DB darf nicht die Datenbank der App (MONGODB_DB) sein (erhalten: "${drillDb}")`);
  }
  const smtp = smtpConfigFrom(e);
  const s3 = parseS3Config(env);
  const encryptionRecipients = parseEncryptionRecipients(env[RECIPIENTS_VARIABLE]);
  const identityFile = e[IDENTITY_FILE_VARIABLE];

  return Object.freeze({
    mongodbUri: e.MONGODB_URI,
    mongodbDb: e.MONGODB_DB,
    port: e.PORT,
    host: e.HOST,
    backupDir: path.resolve(cwd, e.BACKUP_DIR),
    logDir: path.resolve(cwd, e.LOG_DIR),
    dataDir: path.resolve(cwd, e.DATA_DIR),
    backupTimes: Object.freeze(e.BACKUP_TIMES),
    backupTimezone: e.BACKUP_TIMEZONE,
    backupKeep: e.BACKUP_KEEP,
    backupKeepManual: e.BACKUP_KEEP_MANUAL,
    backupKeepPreRestore: e.BACKUP_KEEP_PRE_RESTORE,
    backupKeepDaily: e.BACKUP_KEEP_DAILY,
    backupKeepWeekly: e.BACKUP_KEEP_WEEKLY,
    backupKeepMonthly: e.BACKUP_KEEP_MONTHLY,
    backupCollections: Object.freeze(e.BACKUP_COLLECTIONS),
    watchdogHours: e.BACKUP_WATCHDOG_HOURS,
    backupDrill: e.BACKUP_DRILL,
    backupDrillDb: drillDb,
    backupMinFreeMb: e.BACKUP_MIN_FREE_MB,
    backupPingUrl: e.BACKUP_PING_URL === undefined ? undefined : parsePingUrl(e.BACKUP_PING_URL).href,
    metricsToken: e.METRICS_TOKEN,
    smtp,
    mailFrom: e.MAIL_FROM,
    mailAttachMaxBytes: Math.floor(e.MAIL_ATTACH_MAX_MB * MB),
    uploadMaxBytes: Math.floor(e.UPLOAD_MAX_MB * MB),
    sessionSecret: e.SESSION_SECRET,
    adminEmail: e.ADMIN_EMAIL,
    adminPassword: e.ADMIN_PASSWORD,
    encryptionRecipients,
    encryptionIdentityFile: identityFile === undefined ? undefined : path.resolve(cwd, identityFile),
    trustProxy: e.TRUST_PROXY,
    s3,
  });
}

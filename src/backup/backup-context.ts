import type { Db } from 'mongodb';
import type { BackupKind } from '../archive/backup-name.js';
import type { ReadConsistency } from '../archive/archive-format.js';
import type { Config } from '../config/config.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import type { ServerCapabilities } from '../db/server-capabilities.js';
import { DEFAULT_RETENTION, type RetentionRules } from '../retention/retention-policy.js';
import type { Clock } from '../shared/clock.js';
import type { EventSink } from './backup-events.js';
import type { BackupStore } from './backup-store.js';
import type { LockLease, OperationLock } from './operation-lock.js';
import type { OffsiteCopies } from '../offsite/offsite-copies.js';

export interface AfterLockOptions {
  /** false: leave a restore's pending safety archive for later (the app's start does not wait for it). */
  readonly resumeSafetyArchive: boolean;
}

/**
 * Runs once the operation lock is held, before the operation itself. The
 * composition registers the repair of an interrupted restore here (src/restore
 * sits above the engine, so the engine only knows this signature).
 */
export type AfterLock = (ctx: BackupContext, lease: LockLease, options: AfterLockOptions) => Promise<void>;

/** Everything a backup use case needs; side effects sit behind these fields. Built by src/app/compose.ts. */
export interface BackupContext {
  readonly db: Db;
  readonly collections: readonly string[];
  /** What prune keeps (besides pinned backups and those in use); replaced when the admins change it (settings). */
  retention: RetentionRules;
  readonly store: BackupStore;
  readonly lock: OperationLock;
  readonly clock: Clock;
  readonly emit: EventSink;
  readonly compressionLevel: number;
  /** Encryption of new archives (no recipients: off) and the server's own keys for reading them, if it has any. */
  readonly encryption: EncryptionKeys;
  capabilities(): Promise<ServerCapabilities>;
  readonly afterLock: AfterLock;
  /** Copies to the bucket (BACKUP_S3_URL); undefined when off. */
  readonly offsite: OffsiteCopies | undefined;
  /** Asked before each backup: undefined lets it start, a German sentence refuses it (disk space). */
  readonly beforeBackup?: BeforeBackupCheck;
}

export interface EncryptionKeys {
  readonly recipients: readonly string[];
  readonly identities: AgeIdentities | undefined;
}
export type BeforeBackupCheck = (kind: BackupKind, actor: string | undefined) => Promise<string | undefined>;

/** Test-only hooks to inject a failure at a precise point of a backup or a restore. */
export interface Failpoints {
  beforeSwap?(collection: string): Promise<void> | void;
  /** After the live collection was renamed aside, before the staging collection takes its name. */
  betweenRenames?(collection: string): Promise<void> | void;
  afterSwap?(collection: string): Promise<void> | void;
  afterLoadBatch?(collection: string, documentsLoaded: number): Promise<void> | void;
  /** After each batch a backup read from the server; throwing here fails that read. */
  afterReadBatch?(collection: string, consistency: ReadConsistency): Promise<void> | void;
}

/** Retention settings beyond BACKUP_KEEP; any left out takes the documented default. */
export type RetentionConfig = Partial<
  Pick<Config, 'backupKeepManual' | 'backupKeepPreRestore' | 'backupKeepDaily' | 'backupKeepWeekly' | 'backupKeepMonthly' | 'backupTimezone'>
>;

export function retentionRulesOf(config: Pick<Config, 'backupKeep'> & RetentionConfig): RetentionRules {
  return {
    keepLast: config.backupKeep,
    keepManual: config.backupKeepManual ?? DEFAULT_RETENTION.keepManual,
    keepPreRestore: config.backupKeepPreRestore ?? DEFAULT_RETENTION.keepPreRestore,
    keepDaily: config.backupKeepDaily ?? DEFAULT_RETENTION.keepDaily,
    keepWeekly: config.backupKeepWeekly ?? DEFAULT_RETENTION.keepWeekly,
    keepMonthly: config.backupKeepMonthly ?? DEFAULT_RETENTION.keepMonthly,
    timeZone: config.backupTimezone ?? DEFAULT_RETENTION.timeZone,
  };
}

/** Kept beside the context, not in it: the production context has no test hooks. */
const injected = new WeakMap<BackupContext, Failpoints>();

/** For the test composition only (the `failpoints` option of createBackupContext and composeBackupSystem). */
export function injectFailpoints(ctx: BackupContext, failpoints: Failpoints): void {
  injected.set(ctx, failpoints);
}

/** The failpoints a test injected into this context; none in production. */
export function failpointsOf(ctx: BackupContext): Failpoints | undefined {
  return injected.get(ctx);
}

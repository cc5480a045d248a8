import type { Db } from 'mongodb';
import type { ReadConsistency } from '../archive/manifest.js';
import type { Config } from '../config/config.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import { DEFAULT_RETENTION, type RetentionRules } from '../retention/retention-policy.js';
import { detectCapabilities, type ServerCapabilities } from '../db/server-capabilities.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { EventSink } from './backup-events.js';
import { BackupStore } from './backup-store.js';
import { MongoOperationLock, type OperationLock } from './operation-lock.js';

/** Test-only hooks to inject a failure at a precise point of a restore. */
export interface Failpoints {
  beforeSwap?(collection: string): Promise<void> | void;
  /** After the live collection was renamed aside, before the staging collection takes its name. */
  betweenRenames?(collection: string): Promise<void> | void;
  afterSwap?(collection: string): Promise<void> | void;
  afterLoadBatch?(collection: string, documentsLoaded: number): Promise<void> | void;
  /** After each batch a backup read from the server; throwing here fails that read. */
  afterReadBatch?(collection: string, consistency: ReadConsistency): Promise<void> | void;
}

/** Everything a backup use case needs; side effects sit behind these fields. */
export interface BackupContext {
  readonly db: Db;
  readonly collections: readonly string[];
  /** What prune keeps (besides pinned backups and those in use). */
  readonly retention: RetentionRules;
  readonly store: BackupStore;
  readonly lock: OperationLock;
  readonly clock: Clock;
  readonly emit: EventSink;
  readonly compressionLevel: number;
  /** Encryption of new archives (no recipients: off) and the server's own keys for reading them, if it has any. */
  readonly encryption: EncryptionKeys;
  capabilities(): Promise<ServerCapabilities>;
  readonly failpoints?: Failpoints;
}

export interface EncryptionKeys {
  readonly recipients: readonly string[];
  readonly identities: AgeIdentities | undefined;
}

export interface BackupContextOptions {
  readonly emit?: EventSink;
  readonly clock?: Clock;
  readonly lock?: OperationLock;
  readonly store?: BackupStore;
  readonly compressionLevel?: number;
  readonly failpoints?: Failpoints;
  /** The server's identities (BACKUP_ENCRYPTION_IDENTITY_FILE, read at start). */
  readonly identities?: AgeIdentities;
  /** What the server offers, instead of asking it (tests: claim snapshot reads on FerretDB). */
  readonly capabilities?: ServerCapabilities;
}

/** Retention settings beyond BACKUP_KEEP; any left out takes the documented default. */
type RetentionConfig = Partial<
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

export function createBackupContext(
  config: Pick<Config, 'backupDir' | 'backupCollections' | 'backupKeep'> & RetentionConfig & Partial<Pick<Config, 'encryptionRecipients'>>,
  db: Db,
  options: BackupContextOptions = {},
): BackupContext {
  let capabilities: Promise<ServerCapabilities> | undefined;
  return {
    db,
    collections: config.backupCollections,
    retention: retentionRulesOf(config),
    store: options.store ?? new BackupStore(config.backupDir),
    lock: options.lock ?? new MongoOperationLock(db, config.backupTimezone ? { timeZone: config.backupTimezone } : {}),
    clock: options.clock ?? systemClock,
    emit: options.emit ?? (() => undefined),
    compressionLevel: options.compressionLevel ?? 6,
    encryption: { recipients: config.encryptionRecipients ?? [], identities: options.identities },
    capabilities: () => (capabilities ??= options.capabilities ? Promise.resolve(options.capabilities) : detectCapabilities(db)),
    ...(options.failpoints ? { failpoints: options.failpoints } : {}),
  };
}

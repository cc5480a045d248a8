import type { Db } from 'mongodb';
import { injectFailpoints, retentionRulesOf, type BackupContext, type BeforeBackupCheck, type Failpoints, type RetentionConfig } from '../backup/backup-context.js';
import type { EventSink } from '../backup/backup-events.js';
import { BackupStore } from '../backup/backup-store.js';
import { MongoOperationLock, type OperationLock } from '../backup/operation-lock.js';
import type { Config } from '../config/config.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import { detectCapabilities, type ServerCapabilities } from '../db/server-capabilities.js';
import { recoverInterruptedRestore } from '../restore/repair-interrupted-restore.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { StoragePlace } from '../storage/storage-place.js';
import { offsiteCopiesOf } from './compose-offsite.js';

export interface BackupContextOptions {
  readonly emit?: EventSink;
  readonly clock?: Clock;
  readonly lock?: OperationLock;
  readonly store?: BackupStore;
  readonly compressionLevel?: number;
  /** Test-only: failures injected at precise points; kept beside the context, not in its type. */
  readonly failpoints?: Failpoints;
  /** What the server offers, instead of asking it (tests: claim snapshot reads on FerretDB). */
  readonly capabilities?: ServerCapabilities;
  readonly beforeBackup?: BeforeBackupCheck;
  /** The bucket, instead of the one config.s3 names (tests). */
  readonly offsitePlace?: StoragePlace;
  /** The server's identities (BACKUP_ENCRYPTION_IDENTITY_FILE, read at start). */
  readonly identities?: AgeIdentities | undefined;
}

/**
 * The engine's context. Every operation that takes the lock first repairs
 * what an interrupted restore left behind: that step lives in src/restore and
 * is registered here, so the engine below never imports it.
 */
export function createBackupContext(
  config: Pick<Config, 'backupDir' | 'backupCollections' | 'backupKeep'> & Partial<Pick<Config, 's3' | 'encryptionRecipients'>> & RetentionConfig,
  db: Db,
  options: BackupContextOptions = {},
): BackupContext {
  let capabilities: Promise<ServerCapabilities> | undefined;
  const store = options.store ?? new BackupStore(config.backupDir);
  const clock = options.clock ?? systemClock;
  const emit = options.emit ?? (() => undefined);
  const ctx: BackupContext = {
    db,
    collections: config.backupCollections,
    retention: retentionRulesOf(config),
    store,
    lock: options.lock ?? new MongoOperationLock(db, config.backupTimezone ? { timeZone: config.backupTimezone } : {}),
    clock,
    emit,
    compressionLevel: options.compressionLevel ?? 6,
    encryption: { recipients: config.encryptionRecipients ?? [], identities: options.identities },
    capabilities: () => (capabilities ??= options.capabilities ? Promise.resolve(options.capabilities) : detectCapabilities(db)),
    afterLock: recoverInterruptedRestore,
    ...(options.beforeBackup ? { beforeBackup: options.beforeBackup } : {}),
    offsite: offsiteCopiesOf(config, db, { store, clock, emit, place: options.offsitePlace }),
  };
  if (options.failpoints) injectFailpoints(ctx, options.failpoints);
  return ctx;
}

import type { Db } from 'mongodb';
import type { ReadConsistency } from '../archive/manifest.js';
import type { Config } from '../config/config.js';
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
  readonly keep: number;
  readonly store: BackupStore;
  readonly lock: OperationLock;
  readonly clock: Clock;
  readonly emit: EventSink;
  readonly compressionLevel: number;
  capabilities(): Promise<ServerCapabilities>;
  readonly failpoints?: Failpoints;
}

export interface BackupContextOptions {
  readonly emit?: EventSink;
  readonly clock?: Clock;
  readonly lock?: OperationLock;
  readonly store?: BackupStore;
  readonly compressionLevel?: number;
  readonly failpoints?: Failpoints;
  /** What the server offers, instead of asking it (tests: claim snapshot reads on FerretDB). */
  readonly capabilities?: ServerCapabilities;
}

export function createBackupContext(
  config: Pick<Config, 'backupDir' | 'backupCollections' | 'backupKeep'> & Partial<Pick<Config, 'backupTimezone'>>,
  db: Db,
  options: BackupContextOptions = {},
): BackupContext {
  let capabilities: Promise<ServerCapabilities> | undefined;
  return {
    db,
    collections: config.backupCollections,
    keep: config.backupKeep,
    store: options.store ?? new BackupStore(config.backupDir),
    lock: options.lock ?? new MongoOperationLock(db, config.backupTimezone ? { timeZone: config.backupTimezone } : {}),
    clock: options.clock ?? systemClock,
    emit: options.emit ?? (() => undefined),
    compressionLevel: options.compressionLevel ?? 6,
    capabilities: () => (capabilities ??= options.capabilities ? Promise.resolve(options.capabilities) : detectCapabilities(db)),
    ...(options.failpoints ? { failpoints: options.failpoints } : {}),
  };
}

import type { ArchiveSource } from '../backup/archive-source.js';
import type { BackupContext } from '../backup/backup-context.js';
import { isAppError } from '../shared/app-error.js';
import type { ProgressListener } from '../backup/backup-events.js';
import type { StoredBackup } from '../backup/backup-store.js';
import { createBackup, type BackupResult, type CreateBackupOptions } from '../backup/create-backup.js';
import { deleteBackup } from '../backup/delete-backup.js';
import { listBackups, type BackupSummary } from '../backup/list-backups.js';
import { openBackup, type OpenedBackup } from '../backup/open-backup.js';
import type { LockHolder } from '../backup/operation-lock.js';
import { pruneBackups, type PruneResult } from '../backup/prune-backups.js';
import { removeLeftoverDecryptions } from '../backup/plain-archive.js';
import { storeEncryptedUpload } from '../backup/store-encrypted-upload.js';
import { storeVerifiedArchive } from '../backup/store-verified-archive.js';
import { readVerifications, type VerificationRecord } from '../backup/verification-records.js';
import { verifyAndRecord, verifyBackup, type VerifiedBackup } from '../backup/verify-backup.js';
import { importLegacyBackup, type LegacyImportResult } from '../legacy/import-legacy-backup.js';
import { pendingSafetyArchive, type PendingSafetyArchive } from '../restore/pending-safety-archive.js';
import { previewRestore, type RestorePreview } from '../restore/preview-restore.js';
import { repairIfInterrupted, repairInterruptedRestore, resumePendingSafetyArchive } from '../restore/repair-interrupted-restore.js';
import { restoreBackup, type RestoreOptions, type RestoreResult } from '../restore/restore-backup.js';
import type { DrillRecord } from '../restore/drill/drill-records.js';
import { lastDrill } from '../restore/drill/drill-records.js';
import { runRestoreDrill, type DrillOptions } from '../restore/drill/restore-drill.js';
import { MongoPinStore, type Pin } from '../retention/pin-store.js';
import type { Clock } from '../shared/clock.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import type { PlaceKind } from '../storage/storage-place.js';

/**
 * The backup engine as one object: what the pages, the scheduler and the
 * command line may do with backups. Built once by the composition root
 * (src/app/compose.ts); off-site copies and restore drills plug in here.
 */
export interface BackupManager {
  /** The backup folder; an upload is received in a private folder inside it, so that keeping it is a rename. */
  readonly backupDir: string;
  readonly clock: Clock;
  /** Creates the backup folder (0700), or takes group and others' access from an existing one; removes decrypted archives a killed process left. */
  ensureDir(): Promise<void>;
  create(options: CreateBackupOptions): Promise<BackupResult>;
  /** Every backup, newest first, with counts from its manifest. */
  list(): Promise<BackupSummary[]>;
  /** The newest backup of this database (automatic, manual or before a restore; not an upload). */
  lastBackupAt(): Promise<Date | undefined>;
  /** `identities`: secret keys for an encrypted archive, for this one request (else the server's own). */
  verify(source: ArchiveSource, onProgress?: ProgressListener, identities?: AgeIdentities): Promise<VerifiedBackup>;
  /** Verifies a stored backup and remembers the result for the list. */
  verifyAndRecord(name: string, actor: string, identities?: AgeIdentities): Promise<VerifiedBackup & { readonly checkedAt: Date }>;
  /** The remembered verify results of these backups. */
  verifications(names: readonly string[]): Promise<Map<string, VerificationRecord>>;
  previewRestore(source: ArchiveSource, identities?: AgeIdentities): Promise<RestorePreview>;
  restore(options: RestoreOptions): Promise<RestoreResult>;
  prune(): Promise<PruneResult>;
  /** From the places chosen (default: wherever it is); says where it was removed. */
  delete(name: string, actor?: string, places?: readonly PlaceKind[]): Promise<PlaceKind[]>;
  importLegacy(filePath: string, actor?: string): Promise<LegacyImportResult>;
  /** Keeps an uploaded archive that verifyArchive accepted, as a backup of kind "upload". */
  storeVerifiedUpload(filePath: string, verified: { readonly documents: number; readonly actor: string }): Promise<StoredBackup>;
  /** Keeps an uploaded `.zip.age` as it is, after decrypting it (key of the request, else the server's) and verifying it completely. */
  storeEncryptedUpload(
    filePath: string,
    request: { readonly actor: string; readonly identities: AgeIdentities | undefined },
  ): Promise<{ readonly backup: StoredBackup; readonly documents: number }>;
  openBackup(name: string): Promise<OpenedBackup>;
  /** Whether new archives are encrypted, to which public keys, and whether the server holds a key to read them. */
  encryptionStatus(): EncryptionStatus;
  /** Who holds the cross-process operation lock now. */
  lockHolder(): Promise<LockHolder | undefined>;
  /** A restore that succeeded but whose safety archive is still to be written. */
  pendingSafetyArchive(): Promise<PendingSafetyArchive | null>;
  /** Rolls back a restore killed mid-way (and writes a pending safety archive unless told not to). */
  repairInterruptedRestore(options?: { resumeSafetyArchive: boolean }): Promise<void>;
  /** The periodic check: repairs an interrupted restore once the lock is free; true when nothing is left. */
  repairIfInterrupted(): Promise<boolean>;
  resumePendingSafetyArchive(): Promise<void>;
  /** Off-site copies: retry due ones now and then (a no-op when BACKUP_S3_URL is unset). */
  startOffsiteRetries(): void;
  stopOffsiteRetries(): void;
  /** Copies the due pending copies of this backup folder now. */
  copyDueOffsite(): Promise<void>;
  /** Waits until the copies this process is making are done. */
  offsiteSettled(): Promise<void>;
  /** When a backup last reached the bucket (any host); undefined before the first copy or without BACKUP_S3_URL. */
  lastOffsiteCopyAt(): Promise<Date | undefined>;
  readonly offsiteEnabled: boolean;
  /**
   * The restore drill: the newest (or the chosen) backup restored into the
   * scratch database, compared and dropped, under the operation lock.
   * Undefined only when `skipIfDrilledSince` found a drill since then.
   */
  drill(options: DrillOptions): Promise<DrillRecord | undefined>;
  /** The newest recorded restore drill. */
  lastDrill(): Promise<DrillRecord | undefined>;
  /** "Behalten": the backup must exist; retention never removes it while pinned. */
  pin(name: string, actor: string): Promise<Pin>;
  /** True when there was a pin to remove. */
  unpin(name: string): Promise<boolean>;
  pinnedNames(): Promise<Set<string>>;
}

/** Public keys only: the server's secret keys never leave the context. */
export interface EncryptionStatus {
  readonly recipients: readonly string[];
  readonly serverCanRead: boolean;
}

export interface BackupManagerOptions {
  /** The restore drill's scratch database on the same server (BACKUP_DRILL_DB). */
  readonly drillDatabase: string;
}

export function createBackupManager(
  ctx: BackupContext,
  options: BackupManagerOptions = { drillDatabase: `${ctx.db.databaseName}_restore_test` },
): BackupManager {
  const pins = new MongoPinStore(ctx.db);
  return {
    backupDir: ctx.store.dir,
    clock: ctx.clock,
    ensureDir: async () => {
      await ctx.store.ensureDir();
      await removeLeftoverDecryptions();
    },
    create: (options) => createBackup(ctx, options),
    list: () => listBackups(ctx),
    lastBackupAt: async () => (await ctx.store.list()).find((b) => b.kind !== 'upload')?.createdAt,
    verify: (source, onProgress, identities) => verifyBackup(ctx, source, onProgress, identities),
    verifyAndRecord: (name, actor, identities) => verifyAndRecord(ctx, name, actor, identities),
    verifications: (names) => readVerifications(ctx.db, names),
    previewRestore: (source, identities) => previewRestore(ctx, source, identities),
    restore: (options) => restoreBackup(ctx, options),
    prune: () => pruneBackups(ctx),
    delete: (name, actor, places) => deleteBackup(ctx, name, actor, places),
    importLegacy: (filePath, actor) => importLegacyBackup(ctx, filePath, actor),
    storeVerifiedUpload: (filePath, verified) => storeVerifiedArchive(ctx, filePath, verified),
    storeEncryptedUpload: (filePath, request) => storeEncryptedUpload(ctx, filePath, request),
    openBackup: (name) => openBackup(ctx, name),
    encryptionStatus: () => ({ recipients: ctx.encryption.recipients, serverCanRead: ctx.encryption.identities !== undefined }),
    lockHolder: () => ctx.lock.current(),
    pendingSafetyArchive: () => pendingSafetyArchive(ctx.db),
    repairInterruptedRestore: (options) => repairInterruptedRestore(ctx, options),
    repairIfInterrupted: () => repairIfInterrupted(ctx),
    resumePendingSafetyArchive: () => resumePendingSafetyArchive(ctx),
    startOffsiteRetries: () => ctx.offsite?.startRetrying(),
    stopOffsiteRetries: () => ctx.offsite?.stop(),
    copyDueOffsite: async () => ctx.offsite?.copyDue(),
    offsiteSettled: async () => ctx.offsite?.settled(),
    lastOffsiteCopyAt: async () => ctx.offsite?.records.newestCopiedAt(),
    offsiteEnabled: ctx.offsite !== undefined,
    drill: (drillOptions) => runRestoreDrill(ctx, options.drillDatabase, drillOptions),
    lastDrill: () => lastDrill(ctx.db),
    pin: async (name, actor) => pins.pin(await existingBackupName(ctx, name), actor, ctx.clock.now()),
    unpin: (name) => pins.unpin(name),
    pinnedNames: () => pins.pinnedNames(),
  };
}

/** The name of a backup in the folder or, when BACKUP_S3_URL is set, only in the bucket; BACKUP_NOT_FOUND otherwise. */
async function existingBackupName(ctx: BackupContext, name: string): Promise<string> {
  try {
    return (await ctx.store.find(name)).name;
  } catch (error) {
    const inBucket = ctx.offsite && isAppError(error) && error.code === 'BACKUP_NOT_FOUND' ? await ctx.offsite.place.stat(name) : undefined;
    if (!inBucket) throw error;
    return inBucket.name;
  }
}

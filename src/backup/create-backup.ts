import { performance } from 'node:perf_hooks';
import type { BackupKind } from '../archive/backup-name.js';
import type { Manifest } from '../archive/archive-format.js';
import { AppError, describeError } from '../shared/app-error.js';
import type { BackupContext } from './backup-context.js';
import type { ProgressListener } from './backup-events.js';
import type { StoredBackup } from './backup-store.js';
import { withOperation, type LockLease } from './operation-lock.js';
import { pruneBackups } from './prune-backups.js';
import { writeBackupWithSnapshotFallback, type BackupSource, type WrittenBackup } from './write-database-backup.js';

export interface CreateBackupOptions {
  readonly kind: BackupKind;
  /** Who asked, for the log ("admin@example.org", "Zeitplan", "CLI"). */
  readonly actor?: string;
  readonly onProgress?: ProgressListener;
  /** The caller already holds the operation lock (a restore's safety backup). */
  readonly lease?: LockLease;
  /** Called once the operation lock is held and the backup begins. */
  readonly onStarted?: () => void;
  /** Read other collections than the configured ones (a restore's safety archive reads the replaced data). */
  readonly source?: BackupSource;
  /** Runs on the finished archive; if it throws, the archive is removed and the backup fails. */
  readonly check?: (written: WrittenBackup) => Promise<void>;
}

export interface BackupResult {
  readonly backup: StoredBackup;
  readonly manifest: Manifest;
  readonly documents: number;
  readonly durationMs: number;
  readonly pruned: readonly string[];
}

/** A backup that failed: the message says so for the caller; `reason` is the plain cause, for events, records and mails. */
export class BackupFailedError extends AppError {
  constructor(
    readonly reason: string,
    cause: unknown,
  ) {
    super('BACKUP_FAILED', `Backup fehlgeschlagen: ${reason}`, { cause });
  }
}

/** The one use case behind the button, the scheduler tick and `scandy-backup create`. */
export async function createBackup(ctx: BackupContext, options: CreateBackupOptions): Promise<BackupResult> {
  const { kind, actor } = options;
  return withOperation(ctx, `backup:${kind}`, options.lease, async (lease) => {
    options.onStarted?.();
    ctx.emit({ type: 'backup.started', kind, actor });
    const started = performance.now();
    let written: WrittenBackup | undefined;
    try {
      const refusal = await ctx.beforeBackup?.(kind, actor);
      if (refusal) throw new AppError('STORAGE_UNAVAILABLE', refusal);
      written = await writeBackupWithSnapshotFallback(ctx, kind, options.onProgress, options.source);
      await options.check?.(written);
    } catch (error) {
      if (written) await ctx.store.remove(written.backup.name).catch(() => undefined);
      const failure = new BackupFailedError(describeError(error), error);
      ctx.emit({ type: 'backup.failed', kind, reason: failure.reason, actor });
      throw failure;
    }
    const durationMs = Math.round(performance.now() - started);
    ctx.emit({
      type: 'backup.succeeded',
      kind,
      name: written.backup.name,
      size: written.backup.size,
      documents: written.documents,
      durationMs,
      actor,
    });
    ctx.offsite?.archived(written.backup, ctx.store.companionsOf(written.backup.name));
    const release = ctx.store.markInUse(written.backup.name);
    try {
      const { removed } = await pruneBackups(ctx, { lease });
      return { ...written, durationMs, pruned: removed };
    } catch (error) {
      ctx.emit({ type: 'backup.prune-failed', reason: describeError(error) });
      return { ...written, durationMs, pruned: [] };
    } finally {
      release();
    }
  });
}

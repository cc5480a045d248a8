import { performance } from 'node:perf_hooks';
import { verifyArchive } from '../archive/verify-archive.js';
import { withOperation } from '../backup/acquire-operation.js';
import type { BackupContext } from '../backup/backup-context.js';
import type { ProgressListener, RestoreStep } from '../backup/backup-events.js';
import { createBackup } from '../backup/create-backup.js';
import { AppError, describeError, isAppError } from '../shared/app-error.js';
import { randomToken } from '../shared/ids.js';
import { resolveArchive, type ArchiveSource } from './archive-source.js';
import { RollbackFailedError, loadAndSwap } from './load-and-swap.js';
import { selectCollections } from './select-collections.js';

export interface RestoreOptions {
  readonly source: ArchiveSource;
  /** Default: every collection in the archive. */
  readonly collections?: readonly string[];
  readonly actor?: string;
  readonly onProgress?: ProgressListener;
  /** Called once the operation lock is held and the restore begins. */
  readonly onStarted?: () => void;
}

export interface RestoreResult {
  readonly source: string;
  readonly preRestoreBackup: string;
  readonly collections: readonly { readonly name: string; readonly documents: number }[];
  readonly documents: number;
  readonly durationMs: number;
}

const STEP_LABELS: Record<RestoreStep, string> = {
  verify: 'Prüfen des Archivs',
  'pre-restore': 'Sicherungs-Backup vor der Wiederherstellung',
  load: 'Laden in Staging-Collections',
  swap: 'Austauschen der Collections',
  cleanup: 'Aufräumen',
};

/**
 * Verify, take a safety backup, load into staging collections, swap them in.
 * Any failure leaves the database as it was before, and says which step failed.
 */
export async function restoreBackup(ctx: BackupContext, options: RestoreOptions): Promise<RestoreResult> {
  const { actor, onProgress } = options;
  return withOperation(ctx, 'restore', undefined, async (lease) => {
    const archive = await resolveArchive(ctx.store, options.source);
    options.onStarted?.();
    const releaseArchive = archive.storedName ? ctx.store.markInUse(archive.storedName) : () => undefined;
    const started = performance.now();
    let step: RestoreStep = 'verify';
    let preRestoreBackup: string | undefined;
    ctx.emit({ type: 'restore.started', source: archive.label, collections: options.collections ?? [], ...(actor ? { actor } : {}) });
    try {
      const report = await verifyArchive(archive.path, (p) =>
        onProgress?.({ operation: 'restore', phase: 'verify', collection: p.collection, documentsDone: p.documentsDone, documentsTotal: p.documentsTotal }),
      );
      const selected = selectCollections(report.manifest, options.collections, ctx.collections);

      step = 'pre-restore';
      const safety = await createBackup(ctx, {
        kind: 'pre-restore',
        lease,
        ...(actor ? { actor } : {}),
        onProgress: (p) => onProgress?.({ ...p, operation: 'restore', phase: 'pre-restore' }),
      });
      preRestoreBackup = safety.backup.name;
      const releaseSafety = ctx.store.markInUse(preRestoreBackup);
      try {
        await loadAndSwap(ctx, {
          archivePath: archive.path,
          label: archive.label,
          runId: randomToken(4),
          selected,
          lease,
          onStep: (next) => (step = next),
          ...(onProgress ? { onProgress } : {}),
        });
      } finally {
        releaseSafety();
      }

      const durationMs = Math.round(performance.now() - started);
      const documents = selected.reduce((sum, c) => sum + c.count, 0);
      ctx.emit({ type: 'restore.succeeded', source: archive.label, preRestoreBackup, documents, durationMs, ...(actor ? { actor } : {}) });
      return {
        source: archive.label,
        preRestoreBackup,
        collections: selected.map((c) => ({ name: c.name, documents: c.count })),
        documents,
        durationMs,
      };
    } catch (error) {
      const failure = restoreFailure(error, step, preRestoreBackup);
      ctx.emit({
        type: 'restore.failed',
        source: archive.label,
        step,
        reason: failure.message,
        ...(preRestoreBackup ? { preRestoreBackup } : {}),
        ...(actor ? { actor } : {}),
      });
      throw failure;
    } finally {
      releaseArchive();
    }
  });
}

function restoreFailure(error: unknown, step: RestoreStep, preRestoreBackup: string | undefined): AppError {
  if (step === 'verify' && isAppError(error)) return error;
  const unchanged =
    error instanceof RollbackFailedError
      ? `Der alte Stand wird vor der nächsten Sicherung, Wiederherstellung oder beim nächsten Start automatisch wiederhergestellt; zusätzlich liegt das Sicherungs-Backup ${preRestoreBackup ?? ''} bereit.`
      : 'Die Datenbank ist unverändert.';
  const message = `Wiederherstellung fehlgeschlagen beim ${STEP_LABELS[step]}: ${describeError(error)}. ${unchanged}`;
  return new AppError(isAppError(error) && error.code === 'OPERATION_RUNNING' ? 'OPERATION_RUNNING' : 'RESTORE_FAILED', message, {
    cause: error,
    details: { step, ...(preRestoreBackup ? { preRestoreBackup } : {}) },
  });
}

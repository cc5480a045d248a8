import { performance } from 'node:perf_hooks';
import { withArchive } from '../archive/archive-reader.js';
import { withOperation } from '../backup/operation-lock.js';
import type { BackupContext } from '../backup/backup-context.js';
import type { ProgressListener, RestoreStep } from '../backup/backup-events.js';
import { AppError, describeError, isAppError } from '../shared/app-error.js';
import { randomToken } from '../shared/ids.js';
import { openArchiveSource, type ArchiveSource } from '../backup/archive-source.js';
import { openPlainArchive, type PlainArchive } from '../backup/plain-archive.js';
import type { AgeIdentities } from '../crypto/age-identities.js';
import { RollbackFailedError, loadAndSwap } from './load-and-swap.js';
import { readJournal } from './restore-journal.js';
import { completeSafetyArchive } from './safety-archive.js';
import { selectCollections } from './select-collections.js';

export interface RestoreOptions {
  readonly source: ArchiveSource;
  /** Default: every collection in the archive. */
  readonly collections?: readonly string[];
  readonly actor?: string;
  readonly onProgress?: ProgressListener;
  /** Called once the operation lock is held and the restore begins. */
  readonly onStarted?: () => void;
  /** Secret keys for an encrypted archive, for this one restore (else the server's own). */
  readonly identities?: AgeIdentities | undefined;
}

export interface RestoreResult {
  readonly source: string;
  /** The safety archive of the replaced data; null while it is still pending. */
  readonly preRestoreBackup: string | null;
  /** Why the safety archive is still pending (it is retried); null once written. */
  readonly safetyPending: string | null;
  readonly collections: readonly { readonly name: string; readonly documents: number }[];
  readonly documents: number;
  readonly durationMs: number;
  /** Until the restored data was live; the safety archive is written after that. */
  readonly liveAfterMs: number;
}

const ARCHIVE_REFUSALS: ReadonlySet<string> = new Set(['ARCHIVE_INVALID', 'ARCHIVE_UNSUPPORTED']);

const STEP_LABELS: Record<RestoreStep, string> = {
  verify: 'Prüfen des Archivs',
  load: 'Laden in Staging-Collections',
  swap: 'Austauschen der Collections',
  'pre-restore': 'Sicherungs-Backup des ersetzten Stands',
  cleanup: 'Aufräumen',
};

/**
 * Verify, load into staging collections, swap them in (the replaced
 * collections are kept aside), then write the safety archive from what was
 * replaced and only then drop it. Any failure up to the swap leaves the
 * database as it was, and says which step failed; a safety archive that
 * fails stays pending and is retried, the restore has succeeded.
 */
export async function restoreBackup(ctx: BackupContext, options: RestoreOptions): Promise<RestoreResult> {
  const { actor, onProgress } = options;
  return withOperation(ctx, 'restore', undefined, async (lease) => {
    const archive = await openArchiveSource(ctx, options.source);
    await refuseWhileSafetyArchivePending(ctx).catch(async (error: unknown) => {
      await archive.dispose();
      throw error;
    });
    options.onStarted?.();
    let plain: PlainArchive | undefined;
    const started = performance.now();
    let step: RestoreStep = 'verify';
    ctx.emit({ type: 'restore.started', source: archive.label, collections: options.collections ?? [], actor });
    try {
      let selected;
      let committed;
      try {
        onProgress?.({ operation: 'restore', phase: 'verify', documentsDone: 0, documentsTotal: 0 });
        // An encrypted archive is decrypted first (age checks every chunk); nothing is written before that succeeds.
        plain = await openPlainArchive(ctx, archive, options.identities);
        const plainPath = plain.path;
        // Structure and manifest are checked here, before anything is written; every entry while it is loaded.
        ({ selected, committed } = await withArchive(plainPath, async (opened) => {
          const chosen = selectCollections(opened.manifest, options.collections, ctx.collections);
          const journal = await loadAndSwap(ctx, {
            archive: opened,
            archivePath: plainPath,
            label: archive.label,
            runId: randomToken(4),
            actor,
            selected: chosen,
            archiveCollections: ctx.collections,
            lease,
            onStep: (next) => (step = next),
            onProgress,
          });
          return { selected: chosen, committed: journal };
        }));
      } catch (error) {
        const failure = restoreFailure(error, step);
        ctx.emit({ type: 'restore.failed', source: archive.label, step, reason: failure.message, actor });
        throw failure;
      }
      const liveAfterMs = Math.round(performance.now() - started);

      onProgress?.({ operation: 'restore', phase: 'pre-restore', documentsDone: 0, documentsTotal: 0 });
      const safety = await completeSafetyArchive(ctx, lease, committed, {
        resumed: false,
        onCleanup: () => onProgress?.({ operation: 'restore', phase: 'cleanup', documentsDone: 0, documentsTotal: 0 }),
        onProgress,
      });

      const durationMs = Math.round(performance.now() - started);
      const documents = selected.reduce((sum, c) => sum + c.count, 0);
      ctx.emit({
        type: 'restore.succeeded',
        source: archive.label,
        ...(safety.name ? { preRestoreBackup: safety.name } : { safetyPending: safety.pending }),
        documents,
        durationMs,
        actor,
      });
      return {
        source: archive.label,
        preRestoreBackup: safety.name ?? null,
        safetyPending: safety.pending ?? null,
        collections: selected.map((c) => ({ name: c.name, documents: c.count })),
        documents,
        durationMs,
        liveAfterMs,
      };
    } finally {
      await plain?.dispose();
      await archive.dispose();
    }
  });
}

/** One sentence on where the replaced data is, for the CLI and the pages. */
export function safetyArchiveNote(result: Pick<RestoreResult, 'preRestoreBackup' | 'safetyPending'>): string {
  if (result.preRestoreBackup) {
    return (
      `Der ersetzte Stand liegt im Sicherungs-Backup ${result.preRestoreBackup}; Änderungen, die während der Wiederherstellung ` +
      'in Scandy gemacht wurden, stehen dort und nicht in den wiederhergestellten Daten.'
    );
  }
  return (
    `Das Sicherungs-Backup des ersetzten Stands steht noch aus (${result.safetyPending ?? 'unbekannter Grund'}); ` +
    'die ersetzten Daten bleiben bis dahin in der Datenbank, es wird beim nächsten Vorgang und automatisch nachgeholt.'
  );
}

/** A second restore would replace data whose predecessor is not archived yet; the journal holds only one. */
async function refuseWhileSafetyArchivePending(ctx: BackupContext): Promise<void> {
  const pending = await readJournal(ctx.db);
  if (!pending) return;
  const reason = pending.safety?.lastError ? ` (${pending.safety.lastError})` : '';
  throw new AppError(
    'SAFETY_BACKUP_PENDING',
    `Das Sicherungs-Backup der letzten Wiederherstellung aus ${pending.source} steht noch aus${reason}. ` +
      'Eine weitere Wiederherstellung ist erst möglich, wenn es geschrieben ist; bitte Speicherplatz und Rechte im Backup-Verzeichnis prüfen.',
  );
}

function restoreFailure(error: unknown, step: RestoreStep): AppError {
  if (step === 'verify' && isAppError(error)) return error;
  // Found while loading: only staging collections had been written, and they are gone again.
  if (isAppError(error) && ARCHIVE_REFUSALS.has(error.code)) {
    return new AppError(error.code, `${error.message}. Die Datenbank ist unverändert.`, { cause: error, details: { step } });
  }
  const message = `Wiederherstellung fehlgeschlagen beim ${STEP_LABELS[step]}: ${describeError(error)}. ${outcome(error, step)}`;
  return new AppError(isAppError(error) && error.code === 'OPERATION_RUNNING' ? 'OPERATION_RUNNING' : 'RESTORE_FAILED', message, {
    cause: error,
    details: { step },
  });
}

/** What the database looks like now; "unverändert" only when that is true. */
function outcome(error: unknown, step: RestoreStep): string {
  if (error instanceof RollbackFailedError && error.state !== 'loading') {
    return (
      'Der alte Stand wird vor der nächsten Sicherung, Wiederherstellung oder beim nächsten Start automatisch wiederhergestellt; ' +
      'bis dahin bleiben die ersetzten Daten in der Datenbank erhalten.'
    );
  }
  if (error instanceof RollbackFailedError) return 'Die Datenbank ist unverändert; übrig gebliebene Staging-Collections werden beim nächsten Vorgang entfernt.';
  if (step === 'swap') return 'Die Datenbank ist unverändert; was Scandy währenddessen geschrieben hat, ist erhalten.';
  return 'Die Datenbank ist unverändert.';
}

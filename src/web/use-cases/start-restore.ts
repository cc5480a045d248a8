import { requireIndexConfirmation } from '../../restore/index-review.js';
import { previewRestore } from '../../restore/preview-restore.js';
import { restoreBackup, safetyArchiveNote } from '../../restore/restore-backup.js';
import { AppError } from '../../shared/app-error.js';
import type { AppDependencies } from '../app-dependencies.js';
import type { StartedOperation } from './operation-view.js';

export interface RestoreRequest {
  /** Default: every collection of the backup that this installation backs up. */
  readonly collections: readonly string[] | undefined;
  readonly confirm: boolean;
  /** Creates TTL and unique indexes the collections do not have now (see the preview's indexesToConfirm). */
  readonly confirmIndexes: boolean;
}

/**
 * Checks the request against the backup's manifest, then starts the restore
 * (verify, load, swap, safety archive of the replaced data) in the
 * background; resolves once it holds the operation lock.
 */
export async function startRestore(
  deps: Pick<AppDependencies, 'backup' | 'tracker'>,
  name: string,
  request: RestoreRequest,
  actor: string,
): Promise<StartedOperation> {
  if (!request.confirm) throw new AppError('INVALID_INPUT', 'Die Wiederherstellung ersetzt Daten und muss bestätigt werden (confirm: true)');
  const preview = await previewRestore(deps.backup, { name });
  const restorable = preview.collections.filter((c) => c.restorable).map((c) => c.name);
  const collections = request.collections ?? restorable;
  if (collections.length === 0) throw new AppError('INVALID_INPUT', 'Keine Collection zum Wiederherstellen ausgewählt');
  const refused = collections.filter((c) => !restorable.includes(c));
  if (refused.length > 0) {
    throw new AppError('INVALID_INPUT', `Nicht im Backup oder nicht wiederherstellbar: ${refused.join(', ')}`);
  }
  const indexes = preview.indexesToConfirm.filter((index) => collections.includes(index.collection));
  requireIndexConfirmation(indexes, request.confirmIndexes, 'confirmIndexes: true');
  const launched = deps.tracker.launch(
    { operation: 'restore', subject: name, actor },
    (hooks) => restoreBackup(deps.backup, { source: { name }, collections, actor, onProgress: hooks.onProgress, onStarted: hooks.onStarted }),
    (result) => (result.safetyPending === null ? 'erfolgreich' : `erfolgreich; ${safetyArchiveNote(result)}`),
  );
  launched.done.catch(() => undefined);
  await launched.started;
  return { id: launched.id, operation: 'restore', subject: name, actor };
}

import type { AgeIdentities } from '../../crypto/age-identities.js';
import { DecryptionError } from '../../crypto/decryption-error.js';
import { requireIndexConfirmation } from '../../restore/index-review.js';
import { safetyArchiveNote } from '../../restore/restore-backup.js';
import { AppError } from '../../shared/app-error.js';
import type { AppDependencies } from '../app-dependencies.js';
import type { StartedOperation } from './operation-view.js';

export interface RestoreRequest {
  /** Default: every collection of the backup that this installation backs up. */
  readonly collections: readonly string[] | undefined;
  /** The key an admin gave for an encrypted backup: for this one restore, kept nowhere. */
  readonly identities?: AgeIdentities | undefined;
  /** Creates TTL and unique indexes the collections do not have now (see the preview's indexesToConfirm). */
  readonly confirmIndexes: boolean;
}

/**
 * The request is confirmed (parseRestoreBody refuses it otherwise). Checks it against the backup's manifest, then starts the restore
 * (verify, load, swap, safety archive of the replaced data) in the
 * background; resolves once it holds the operation lock.
 */
export async function startRestore(
  deps: Pick<AppDependencies, 'manager' | 'tracker'>,
  name: string,
  request: RestoreRequest,
  actor: string,
): Promise<StartedOperation> {
  // With an encrypted backup this also shows that the key opens it: a wrong key is refused here, before anything starts.
  const preview = await deps.manager.previewRestore({ name }, request.identities);
  if (preview.needsKey) throw new DecryptionError('no-identity');
  const restorable = preview.collections.filter((c) => c.restorable).map((c) => c.name);
  const collections = request.collections ?? restorable;
  if (collections.length === 0) throw new AppError('INVALID_INPUT', 'Keine Collection zum Wiederherstellen ausgewählt');
  const refused = collections.filter((c) => !restorable.includes(c));
  if (refused.length > 0) {
    throw new AppError('INVALID_INPUT', `Nicht im Backup oder nicht wiederherstellbar: ${refused.join(', ')}`);
  }
  requireIndexConfirmation(preview.indexesToConfirm, collections, request.confirmIndexes, 'confirmIndexes: true');
  const launched = deps.tracker.launch(
    { operation: 'restore', subject: name, actor },
    (hooks) => deps.manager.restore({ source: { name }, collections, actor, identities: request.identities, onProgress: hooks.onProgress, onStarted: hooks.onStarted }),
    (result) => (result.safetyPending === null ? 'erfolgreich' : `erfolgreich; ${safetyArchiveNote(result)}`),
  );
  launched.done.catch(() => undefined);
  await launched.started;
  return { id: launched.id, operation: 'restore', subject: name, actor };
}

import { deleteBackup } from '../../backup/delete-backup.js';
import type { AppDependencies } from '../app-dependencies.js';
import { forgetVerification } from './verification-records.js';

/** Deletes a backup (the engine logs it with the actor) and its remembered verify result. */
export async function deleteStoredBackup(deps: Pick<AppDependencies, 'backup' | 'db'>, name: string, actor: string): Promise<{ deleted: string }> {
  await deleteBackup(deps.backup, name, actor);
  await forgetVerification(deps.db, name);
  return { deleted: name };
}

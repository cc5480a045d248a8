import type { AppDependencies } from '../app-dependencies.js';

/** Deletes a backup and its remembered verify result (the engine logs it with the actor). */
export async function deleteStoredBackup(deps: Pick<AppDependencies, 'manager'>, name: string, actor: string): Promise<{ deleted: string }> {
  await deps.manager.delete(name, actor);
  return { deleted: name };
}

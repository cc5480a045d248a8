import type { Pin } from '../../retention/pin-store.js';
import type { AppDependencies } from '../app-dependencies.js';

/** "Behalten": the backup must exist; retention never removes it while pinned. */
export async function pinBackup(deps: Pick<AppDependencies, 'manager' | 'audit'>, name: string, actor: string): Promise<Pin> {
  const pin = await deps.manager.pin(name, actor);
  deps.audit(`Backup ${pin.name} wird behalten (angeheftet von ${actor})`);
  return pin;
}

export async function unpinBackup(deps: Pick<AppDependencies, 'manager' | 'audit'>, name: string, actor: string): Promise<{ readonly name: string; readonly wasPinned: boolean }> {
  const wasPinned = await deps.manager.unpin(name);
  if (wasPinned) deps.audit(`Backup ${name} wird nicht mehr behalten (gelöst von ${actor})`);
  return { name, wasPinned };
}

import { MongoPinStore, type Pin } from '../../retention/pin-store.js';
import type { AppDependencies } from '../app-dependencies.js';

/** "Behalten": the backup must exist; retention never removes it while pinned. */
export async function pinBackup(deps: Pick<AppDependencies, 'backup' | 'db' | 'audit'>, name: string, actor: string): Promise<Pin> {
  const backup = await deps.backup.store.find(name);
  const pin = await new MongoPinStore(deps.db).pin(backup.name, actor, deps.backup.clock.now());
  deps.audit(`Backup ${backup.name} wird behalten (angeheftet von ${actor})`);
  return pin;
}

export async function unpinBackup(deps: Pick<AppDependencies, 'db' | 'audit'>, name: string, actor: string): Promise<{ readonly name: string; readonly wasPinned: boolean }> {
  const wasPinned = await new MongoPinStore(deps.db).unpin(name);
  if (wasPinned) deps.audit(`Backup ${name} wird nicht mehr behalten (gelöst von ${actor})`);
  return { name, wasPinned };
}

import { describeError } from '../../shared/app-error.js';
import type { DiskAssessment } from '../../storage/disk-space.js';
import type { AppDependencies } from '../app-dependencies.js';

/** The backup volume as the dashboard card and the auto-backup page show it; `unreadable` says why there are no figures. */
export type DiskView = { readonly ok: true; readonly assessment: DiskAssessment } | { readonly ok: false; readonly unreadable: string };

export async function loadDiskView(deps: Pick<AppDependencies, 'disk'>): Promise<DiskView | undefined> {
  if (!deps.disk) return undefined;
  try {
    return { ok: true, assessment: await deps.disk.assess() };
  } catch (error) {
    return { ok: false, unreadable: `Speicherplatz nicht lesbar: ${describeError(error)}` };
  }
}

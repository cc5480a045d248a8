import type { SchedulerStatus } from '../../scheduler/scheduler-status.js';
import type { PendingSafetyArchive } from '../../restore/pending-safety-archive.js';
import type { AppDependencies } from '../app-dependencies.js';
import { monitoredStatus } from './monitored-status.js';
import { operationsView, type OperationsView } from './operation-view.js';

export interface StatusView {
  readonly scheduler: SchedulerStatus;
  readonly operations: OperationsView;
  /** The cross-process operation lock: shows a backup that another process (or the scheduler) runs. */
  readonly lock: { readonly purpose: string; readonly owner: string; readonly since: Date } | null;
  /** A restore succeeded, but the safety archive of what it replaced is still to be written. */
  readonly pendingSafetyArchive: PendingSafetyArchive | null;
}

export async function loadStatus(deps: Pick<AppDependencies, 'scheduler' | 'tracker' | 'manager'>): Promise<StatusView> {
  const [{ scheduler, pendingSafetyArchive }, holder] = await Promise.all([monitoredStatus(deps), deps.manager.lockHolder()]);
  return {
    scheduler,
    pendingSafetyArchive,
    operations: operationsView(deps.tracker.state()),
    lock: holder ? { purpose: holder.purpose, owner: holder.owner, since: holder.acquiredAt } : null,
  };
}

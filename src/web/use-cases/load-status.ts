import type { SchedulerStatus } from '../../automation/automation-contracts.js';
import type { AppDependencies } from '../app-dependencies.js';
import { operationsView, type OperationsView } from './operation-view.js';

export interface StatusView {
  readonly scheduler: SchedulerStatus;
  readonly operations: OperationsView;
  /** The cross-process operation lock: shows a backup that another process (or the scheduler) runs. */
  readonly lock: { readonly purpose: string; readonly owner: string; readonly since: Date } | null;
}

export async function loadStatus(deps: Pick<AppDependencies, 'scheduler' | 'tracker' | 'backup'>): Promise<StatusView> {
  const [scheduler, holder] = await Promise.all([deps.scheduler.status(), deps.backup.lock.current()]);
  return {
    scheduler,
    operations: operationsView(deps.tracker.state()),
    lock: holder ? { purpose: holder.purpose, owner: holder.owner, since: holder.acquiredAt } : null,
  };
}

import type { SchedulerStatus } from '../../scheduler/scheduler-status.js';
import type { AppDependencies } from '../app-dependencies.js';

/** Starts or stops the automatic backups for every process; the scheduler logs who did it. */
export async function switchScheduler(deps: Pick<AppDependencies, 'scheduler'>, enabled: boolean, actor: string): Promise<SchedulerStatus> {
  if (enabled) await deps.scheduler.start(actor);
  else await deps.scheduler.stop(actor);
  return deps.scheduler.status();
}

import type { SchedulerStatus } from '../../scheduler/scheduler-status.js';
import type { PendingSafetyArchive } from '../../restore/pending-safety-archive.js';
import type { AppDependencies } from '../app-dependencies.js';

export interface MonitoredStatus {
  /** The scheduler's status; a pending safety archive also turns its monitoring line into a warning. */
  readonly scheduler: SchedulerStatus;
  readonly pendingSafetyArchive: PendingSafetyArchive | null;
}

/** What the pages show as status: the scheduler's, plus what a restore still owes. */
export async function monitoredStatus(deps: Pick<AppDependencies, 'scheduler' | 'manager'>): Promise<MonitoredStatus> {
  const [scheduler, pending] = await Promise.all([deps.scheduler.status(), deps.manager.pendingSafetyArchive()]);
  if (!pending) return { scheduler, pendingSafetyArchive: null };
  const message = scheduler.watchdog.ok ? pending.message : `${pending.message} ${scheduler.watchdog.message}`;
  return { scheduler: { ...scheduler, watchdog: { ...scheduler.watchdog, ok: false, message } }, pendingSafetyArchive: pending };
}

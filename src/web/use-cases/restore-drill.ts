import type { DrillRecord } from '../../restore/drill/drill-records.js';
import type { DrillSchedule } from '../../config/config-values.js';
import { AppError, describeError } from '../../shared/app-error.js';
import type { AppDependencies } from '../app-dependencies.js';
import { daysAgoText, drillScheduleText, drillSummaryText } from '../wording/drill-text.js';

/** One drill as the pages and the API show it. */
export interface DrillResultView {
  readonly ok: boolean;
  readonly backup: string;
  readonly documents: number;
  readonly collections: DrillRecord['collections'];
  readonly reason: string | null;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationMs: number;
  readonly actor: string;
  /** "heute", "vor 3 Tagen" */
  readonly ago: string;
  /** "erfolgreich, vor 3 Tagen" */
  readonly summary: string;
}

export interface DrillView {
  readonly last: DrillResultView | undefined;
  /** Undefined when this app runs no drill schedule (a test without it). */
  readonly schedule: DrillSchedule | undefined;
  readonly scheduleText: string | undefined;
  readonly nextRun: Date | undefined;
}

type DrillDeps = Pick<AppDependencies, 'manager' | 'drills' | 'config'>;

function resultView(drill: DrillRecord, deps: DrillDeps): DrillResultView {
  const { scratchDatabase: _scratch, ...shown } = drill;
  const now = deps.manager.clock.now();
  const zone = deps.config.backupTimezone;
  return { ...shown, ago: daysAgoText(drill.finishedAt, now, zone), summary: drillSummaryText(drill, now, zone) };
}

/** The last drill and the schedule, for the dashboard, /admin/auto-backup and GET /admin/api/drill. */
export async function loadDrillView(deps: DrillDeps): Promise<DrillView> {
  const status = deps.drills ? await deps.drills.status() : undefined;
  const last = status ? status.last : await deps.manager.lastDrill();
  return {
    last: last ? resultView(last, deps) : undefined,
    schedule: status?.schedule,
    scheduleText: status ? drillScheduleText(status.schedule) : undefined,
    nextRun: status?.nextRun,
  };
}

/**
 * "Wiederherstellung testen": the newest (or the named) backup restored into
 * the scratch database and compared; refused with OPERATION_RUNNING (409)
 * while a backup or restore holds the lock. A mismatch is an answer, not an error.
 */
export async function runDrillNow(deps: DrillDeps & Pick<AppDependencies, 'audit'>, name: string | undefined, actor: string): Promise<DrillResultView> {
  let drill: DrillRecord | undefined;
  try {
    drill = await deps.manager.drill({ actor, ...(name ? { source: { name } } : {}) });
  } catch (error) {
    deps.audit(`Wiederherstellungstest durch ${actor} nicht gestartet: ${describeError(error)}`);
    throw error;
  }
  if (!drill) throw new AppError('INTERNAL', 'Der Wiederherstellungstest wurde nicht ausgeführt');
  return resultView(drill, deps);
}

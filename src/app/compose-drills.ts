import type { EventSink } from '../backup/backup-events.js';
import type { BackupNotifier } from '../mail/backup-notifier.js';
import type { BackupManager } from '../manager/backup-manager.js';
import type { BackupMetrics } from '../monitoring/metrics.js';
import type { DrillRecord } from '../restore/drill/drill-records.js';
import type { StartTicker } from '../scheduler/cron-ticker.js';
import { DrillScheduler } from '../scheduler/drill-scheduler.js';
import type { Clock } from '../shared/clock.js';
import type { LiveSettings } from '../settings/live-settings.js';

export interface DrillEventParts {
  readonly notifier: Pick<BackupNotifier, 'drillFailed'>;
  readonly metrics: Pick<BackupMetrics, 'setDrillResult'>;
  readonly clock: Clock;
  /** Keeps a mail pending until `settled`. */
  readonly track: (mail: Promise<unknown>) => void;
}

/** The engine's drill events: every result reaches the metrics at once, a failure is mailed. */
export function drillEvents(parts: DrillEventParts): EventSink {
  return (event) => {
    if (event.type !== 'drill.succeeded' && event.type !== 'drill.failed') return;
    parts.metrics.setDrillResult({ ok: event.type === 'drill.succeeded', at: parts.clock.now() });
    if (event.type === 'drill.failed') parts.track(parts.notifier.drillFailed(event));
  };
}

export interface DrillSchedulerParts {
  readonly manager: Pick<BackupManager, 'drill' | 'lastDrill'>;
  /** The drill schedule and time zone in force in this process (BACKUP_DRILL, changed on the page). */
  readonly settings: Pick<LiveSettings, 'inForce'>;
  readonly metrics: Pick<BackupMetrics, 'setDrillResult'>;
  readonly log: (line: string) => void;
  readonly clock: Clock;
  readonly ticker: StartTicker | undefined;
}

/**
 * The scheduled restore drills, on the settings in force at each tick. Every
 * read of the newest drill record (each minute's tick, the pages) also sets
 * the drill metric, so drills of other processes (the CLI) reach /metrics too.
 */
export function composeDrillScheduler(parts: DrillSchedulerParts): DrillScheduler {
  const { manager, settings, metrics } = parts;
  const reported = (last: DrillRecord | undefined) => {
    if (last) metrics.setDrillResult({ ok: last.ok, at: last.finishedAt });
    return last;
  };
  return new DrillScheduler({
    schedule: () => settings.inForce().drill,
    timeZone: () => settings.inForce().timeZone,
    runDrill: (drillOptions) => manager.drill(drillOptions),
    lastDrill: async () => reported(await manager.lastDrill()),
    log: parts.log,
    clock: parts.clock,
    ticker: parts.ticker,
  });
}

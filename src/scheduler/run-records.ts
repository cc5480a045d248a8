import { KIND_LABELS, parseBackupName, type BackupKind } from '../archive/backup-name.js';
import type { BackupEvent, EventSink } from '../backup/backup-events.js';
import { describeError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import type { LastRun, SchedulerStateStore } from './scheduler-state-store.js';

/** A scheduled run that failed before the engine began it, so that no engine event tells of it. */
export interface UnstartedRun {
  readonly startedAt: Date;
  readonly trigger: string;
  readonly reason: string;
}

export interface RunRecords {
  /** Engine events: the runs of manual and automatic backups, and when every backup was taken. */
  readonly sink: EventSink;
  failedBeforeStart(run: UnstartedRun): void;
  /** Resolves when every record so far is written. */
  flush(): Promise<void>;
}

/** Backups shown as "the last run"; a restore's safety backup and an upload are not runs. */
const RUN_KINDS: ReadonlySet<BackupKind> = new Set(['manual', 'auto']);

/**
 * The one writer of the run records in the shared scheduler state: the last
 * run (manual or automatic, from whichever process or page), and the time of
 * the newest successful backup for the watchdog and the catch-up. Writes
 * happen in order and never throw; a store that refuses them is logged once,
 * and again only after a write has succeeded in between.
 */
export function createRunRecords(state: Pick<SchedulerStateStore, 'recordRun' | 'recordSuccess'>, clock: Clock, log: (message: string) => void): RunRecords {
  let queue: Promise<void> = Promise.resolve();
  let storeRefuses = false;
  let runStartedAt: Date | undefined;

  const enqueue = (write: () => Promise<void>) => {
    queue = queue.then(write).then(
      () => void (storeRefuses = false),
      (error: unknown) => {
        if (!storeRefuses) log(`Zustand des Zeitplans nicht gespeichert: ${describeError(error)}`);
        storeRefuses = true;
      },
    );
  };

  const finished = (trigger: string, outcome: Pick<LastRun, 'ok' | 'message' | 'backupName'>) => {
    const now = clock.now();
    const startedAt = runStartedAt ?? now;
    runStartedAt = undefined;
    enqueue(() => state.recordRun({ startedAt, finishedAt: now, trigger, ...outcome }));
  };

  const sink = (event: BackupEvent): void => {
    if (event.type === 'backup.succeeded' && event.kind !== 'upload') {
      const createdAt = parseBackupName(event.name)?.createdAt ?? clock.now();
      enqueue(() => state.recordSuccess(createdAt));
    }
    if (!('kind' in event) || !RUN_KINDS.has(event.kind)) return;
    const trigger = event.actor ?? KIND_LABELS[event.kind];
    if (event.type === 'backup.started') {
      const startedAt = clock.now();
      runStartedAt = startedAt;
      enqueue(() => state.recordRun({ startedAt, finishedAt: undefined, ok: undefined, message: 'läuft', backupName: undefined, trigger }));
    } else if (event.type === 'backup.succeeded') {
      finished(trigger, { ok: true, message: 'erfolgreich', backupName: event.name });
    } else if (event.type === 'backup.failed') {
      finished(trigger, { ok: false, message: event.reason, backupName: undefined });
    }
  };

  return {
    sink,
    failedBeforeStart: ({ startedAt, trigger, reason }) =>
      enqueue(() => state.recordRun({ startedAt, finishedAt: clock.now(), ok: false, message: reason, backupName: undefined, trigger })),
    flush: () => queue,
  };
}

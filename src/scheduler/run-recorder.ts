import { parseBackupName } from '../archive/backup-name.js';
import type { BackupEvent, EventSink } from '../backup/backup-events.js';
import { describeError } from '../shared/app-error.js';
import type { Clock } from '../shared/clock.js';
import type { SchedulerStateStore } from './scheduler-state-store.js';

export interface RunRecorder {
  readonly sink: EventSink;
  /** Resolves when every record so far is written. */
  flush(): Promise<void>;
}

/**
 * Records what the scheduler does not see in the shared state: manual
 * backups as the last run (whichever process or page started them), and
 * every successful backup's time for the watchdog and the catch-up.
 * Writes happen in order, one after the other, and never throw.
 */
export function createRunRecorder(state: SchedulerStateStore, clock: Clock, log: (message: string) => void): RunRecorder {
  let queue: Promise<void> = Promise.resolve();
  let manualStartedAt: Date | undefined;

  const enqueue = (write: () => Promise<void>) => {
    queue = queue.then(write).catch((error: unknown) => log(`Zustand des Zeitplans nicht gespeichert: ${describeError(error)}`));
  };

  const sink = (event: BackupEvent): void => {
    const now = clock.now();
    if (event.type === 'backup.succeeded' && event.kind !== 'upload') {
      const createdAt = parseBackupName(event.name)?.createdAt ?? now;
      enqueue(() => state.recordSuccess(createdAt));
    }
    if (!('kind' in event) || event.kind !== 'manual') return;
    const trigger = event.actor ?? 'manuell';
    if (event.type === 'backup.started') {
      manualStartedAt = now;
      enqueue(() => state.recordRun({ startedAt: now, finishedAt: undefined, ok: undefined, message: 'läuft', backupName: undefined, trigger }));
    } else if (event.type === 'backup.succeeded' || event.type === 'backup.failed') {
      const startedAt = manualStartedAt ?? now;
      manualStartedAt = undefined;
      const ok = event.type === 'backup.succeeded';
      enqueue(() =>
        state.recordRun({
          startedAt,
          finishedAt: now,
          ok,
          message: ok ? 'erfolgreich' : event.reason,
          backupName: ok ? event.name : undefined,
          trigger,
        }),
      );
    }
  };

  return { sink, flush: () => queue };
}

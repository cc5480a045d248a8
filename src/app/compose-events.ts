import type { EventSink } from '../backup/backup-events.js';
import type { EventLog } from '../log/event-log.js';
import type { BackupNotifier } from '../mail/backup-notifier.js';
import type { RunRecords } from '../scheduler/run-records.js';

/** The mails sent on engine events, awaited by `settled` (and so by `close`). */
export interface PendingMails {
  track(mail: Promise<unknown>): void;
  settled(): Promise<void>;
}

export function pendingMails(): PendingMails {
  const pending = new Set<Promise<unknown>>();
  return {
    track(mail) {
      pending.add(mail);
      void mail.finally(() => pending.delete(mail));
    },
    settled: async () => {
      await Promise.all([...pending]);
    },
  };
}

/** Engine events become log lines, run records, and the mails of restores; `more` sinks get every event too. */
export function engineEvents(log: EventLog, runs: RunRecords, notifier: BackupNotifier, mails: PendingMails, more: readonly EventSink[]): EventSink {
  return (event) => {
    log.sink(event);
    for (const sink of more) sink(event);
    runs.sink(event);
    if (event.type === 'restore.failed') {
      const { type: _type, ...failure } = event;
      mails.track(notifier.restoreFailed(failure));
    }
    // Once per pending safety archive, and once when it is written after all.
    if (event.type === 'restore.safety-pending' && event.attempt === 1) mails.track(notifier.safetyArchivePending(event));
    if (event.type === 'restore.safety-written') mails.track(notifier.safetyArchiveWritten(event));
  };
}

import type { BackupEvent, EventSink } from '../backup/backup-events.js';
import type { Clock } from '../shared/clock.js';
import { createBackupMetrics, type BackupMetrics } from './metrics.js';
import { createPinger, pingOutcomeText, type PingSignal } from './ping.js';

export interface Monitoring {
  /** Engine events in: pings (fire-and-forget) and metrics. */
  readonly sink: EventSink;
  readonly metrics: BackupMetrics;
  /** Resolves once the pings sent so far have their outcome. */
  settled(): Promise<void>;
}

const SIGNAL_OF: Partial<Record<BackupEvent['type'], PingSignal>> = {
  'backup.started': 'start',
  'backup.succeeded': 'success',
  'backup.failed': 'fail',
};

/**
 * BACKUP_PING_URL and GET /metrics, fed by the engine's events. A ping never
 * delays or fails a backup: it is not awaited and never throws; its outcome is
 * logged with the host only (the URL may hold a token).
 */
export function createMonitoring(options: { readonly pingUrl: string | undefined; readonly log: (line: string) => void; readonly clock?: Clock; readonly pingTimeoutMs?: number }): Monitoring {
  const metrics = createBackupMetrics(options.clock ? { clock: options.clock } : {});
  const pinger = options.pingUrl
    ? createPinger({
        url: new URL(options.pingUrl),
        report: (outcome) => options.log(pingOutcomeText(outcome)),
        ...(options.pingTimeoutMs ? { timeoutMs: options.pingTimeoutMs } : {}),
      })
    : undefined;
  let lastPing: Promise<unknown> = Promise.resolve();
  return {
    metrics,
    sink(event) {
      metrics.observe(event);
      const signal = SIGNAL_OF[event.type];
      if (pinger && signal) lastPing = pinger.ping(signal);
    },
    settled: async () => {
      await lastPing;
    },
  };
}

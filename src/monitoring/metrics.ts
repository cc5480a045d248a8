import { Counter, Gauge, Registry } from 'prom-client';
import type { BackupEvent } from '../backup/backup-events.js';
import { systemClock, type Clock } from '../shared/clock.js';
import type { DiskSpace } from '../storage/disk-space.js';

/** The result of a check that runs now and then (restore drill, off-site copy). */
export interface CheckResult {
  readonly ok: boolean;
  readonly at: Date;
}

export interface BackupMetrics {
  /** Its own registry, never prom-client's global one. */
  readonly registry: Registry;
  /** Updates from one engine event; events it does not know are ignored. */
  observe(event: BackupEvent): void;
  /** The newest successful backup known at start (e.g. from the run records), before any event. */
  setLastBackup(last: { readonly at: Date; readonly durationMs?: number; readonly size: number; readonly documents?: number }): void;
  setDiskSpace(space: DiskSpace): void;
  setDrillResult(result: CheckResult): void;
  setOffsiteResult(result: CheckResult): void;
  /** The Prometheus text format, and its content type for the answer. */
  text(): Promise<string>;
  readonly contentType: string;
}

const PREFIX = 'scandy_backup_';
const seconds = (at: Date): number => at.getTime() / 1000;

/**
 * Prometheus metrics of the backup system. Timestamps are 0 until known
 * (so "time() - …_timestamp_seconds" alerts when there never was one); the
 * drill and off-site results appear with their first value.
 */
export function createBackupMetrics(options: { readonly clock?: Clock } = {}): BackupMetrics {
  const clock = options.clock ?? systemClock;
  const registry = new Registry();
  const gauge = (name: string, help: string) => new Gauge({ name: PREFIX + name, help, registers: [registry] });

  const lastSuccess = gauge('last_success_timestamp_seconds', 'When the newest successful backup finished (Unix time; 0: none yet)');
  const lastDuration = gauge('last_duration_seconds', 'How long the newest successful backup took');
  const lastSize = gauge('last_size_bytes', 'Size of the newest successful backup archive');
  const lastDocuments = gauge('last_documents', 'Documents in the newest successful backup');
  const lastFailure = gauge('last_failure_timestamp_seconds', 'When the newest failed backup ended (Unix time; 0: none yet)');
  const succeeded = new Counter({
    name: `${PREFIX}backups_total`,
    help: 'Successful backups since the process started, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  const failures = new Counter({
    name: `${PREFIX}failures_total`,
    help: 'Failed operations since the process started (backup, restore, prune)',
    labelNames: ['operation'],
    registers: [registry],
  });
  for (const operation of ['backup', 'restore', 'prune']) failures.inc({ operation }, 0);
  const diskFree = gauge('disk_free_bytes', 'Free bytes on the volume of the backup folder');
  const diskTotal = gauge('disk_total_bytes', 'Size of the volume of the backup folder');
  const drillTime = gauge('drill_last_timestamp_seconds', 'When the newest restore drill ended (Unix time; 0: none yet)');
  const offsiteTime = gauge('offsite_last_timestamp_seconds', 'When the newest off-site copy was checked (Unix time; 0: none yet)');
  let drillOk: Gauge | undefined;
  let offsiteOk: Gauge | undefined;

  function recordSuccess(last: { at: Date; durationMs?: number; size: number; documents?: number }): void {
    lastSuccess.set(seconds(last.at));
    lastSize.set(last.size);
    if (last.durationMs !== undefined) lastDuration.set(last.durationMs / 1000);
    if (last.documents !== undefined) lastDocuments.set(last.documents);
  }

  return {
    registry,
    contentType: registry.contentType,
    observe(event) {
      switch (event.type) {
        case 'backup.succeeded':
          succeeded.inc({ kind: event.kind });
          recordSuccess({ at: clock.now(), durationMs: event.durationMs, size: event.size, documents: event.documents });
          break;
        case 'backup.failed':
          failures.inc({ operation: 'backup' });
          lastFailure.set(seconds(clock.now()));
          break;
        case 'restore.failed':
          failures.inc({ operation: 'restore' });
          break;
        case 'backup.prune-failed':
          failures.inc({ operation: 'prune' });
          break;
        default:
          break;
      }
    },
    setLastBackup: recordSuccess,
    setDiskSpace(space) {
      diskFree.set(space.free);
      diskTotal.set(space.total);
    },
    setDrillResult(result) {
      drillOk ??= gauge('drill_last_success', 'Whether the newest restore drill matched the archive (1) or not (0)');
      drillOk.set(result.ok ? 1 : 0);
      drillTime.set(seconds(result.at));
    },
    setOffsiteResult(result) {
      offsiteOk ??= gauge('offsite_last_success', 'Whether the newest backup is in the off-site storage (1) or not (0)');
      offsiteOk.set(result.ok ? 1 : 0);
      offsiteTime.set(seconds(result.at));
    },
    text: () => registry.metrics(),
  };
}

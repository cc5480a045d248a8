import { register } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { BackupEvent } from '../../src/backup/backup-events.js';
import { createBackupMetrics } from '../../src/monitoring/metrics.js';

/** The samples of a scrape: "name{labels}" → value; and every # TYPE line. */
function scrape(text: string): { samples: Map<string, number>; types: Map<string, string> } {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    else if (line && !line.startsWith('#')) {
      const at = line.lastIndexOf(' ');
      samples.set(line.slice(0, at), Number(line.slice(at + 1)));
    }
  }
  return { samples, types };
}

function rig() {
  let now = new Date('2026-06-10T16:00:02Z');
  const metrics = createBackupMetrics({ clock: { now: () => now } });
  return { metrics, setNow: (at: string) => (now = new Date(at)), read: async () => scrape(await metrics.text()) };
}

describe('backup metrics (Prometheus text)', () => {
  it('starts with zero timestamps and counters, and without drill or off-site result', async () => {
    const { metrics, read } = rig();
    const { samples, types } = await read();
    expect(samples.get('scandy_backup_last_success_timestamp_seconds')).toBe(0);
    expect(samples.get('scandy_backup_failures_total{operation="backup"}')).toBe(0);
    expect(samples.get('scandy_backup_failures_total{operation="restore"}')).toBe(0);
    expect(samples.get('scandy_backup_drill_last_timestamp_seconds')).toBe(0);
    expect([...samples.keys()].some((k) => k.startsWith('scandy_backup_drill_last_success'))).toBe(false);
    expect([...samples.keys()].some((k) => k.startsWith('scandy_backup_offsite_last_success'))).toBe(false);
    expect(types.get('scandy_backup_failures_total')).toBe('counter');
    expect(types.get('scandy_backup_last_size_bytes')).toBe('gauge');
    expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('follows the engine’s events and ignores those it does not know', async () => {
    const { metrics, setNow, read } = rig();
    const events: BackupEvent[] = [
      { type: 'backup.started', kind: 'auto' },
      { type: 'backup.succeeded', kind: 'auto', name: 'a.zip', size: 4711, documents: 300, durationMs: 1460 },
      { type: 'backup.pruned', removed: ['old.zip'], tempFilesRemoved: [] },
      { type: 'restore.failed', source: 'a.zip', step: 'load', reason: 'x' },
      { type: 'backup.prune-failed', reason: 'EACCES' },
    ];
    events.forEach((e) => metrics.observe(e));
    metrics.observe({ type: 'some.future-event', detail: 1 } as unknown as BackupEvent);
    setNow('2026-06-11T04:00:09Z');
    metrics.observe({ type: 'backup.failed', kind: 'auto', reason: 'Datenbank nicht erreichbar' });
    metrics.observe({ type: 'backup.succeeded', kind: 'manual', name: 'b.zip', size: 5000, documents: 301, durationMs: 900 });

    const { samples } = await read();
    expect(samples.get('scandy_backup_last_success_timestamp_seconds')).toBe(Date.parse('2026-06-11T04:00:09Z') / 1000);
    expect(samples.get('scandy_backup_last_duration_seconds')).toBe(0.9);
    expect(samples.get('scandy_backup_last_size_bytes')).toBe(5000);
    expect(samples.get('scandy_backup_last_documents')).toBe(301);
    expect(samples.get('scandy_backup_last_failure_timestamp_seconds')).toBe(Date.parse('2026-06-11T04:00:09Z') / 1000);
    expect(samples.get('scandy_backup_backups_total{kind="auto"}')).toBe(1);
    expect(samples.get('scandy_backup_backups_total{kind="manual"}')).toBe(1);
    expect(samples.get('scandy_backup_failures_total{operation="backup"}')).toBe(1);
    expect(samples.get('scandy_backup_failures_total{operation="restore"}')).toBe(1);
    expect(samples.get('scandy_backup_failures_total{operation="prune"}')).toBe(1);
  });

  it('takes the last backup known at start, disk space, drill and off-site results', async () => {
    const { metrics, read } = rig();
    metrics.setLastBackup({ at: new Date('2026-06-09T16:00:00Z'), size: 1234 });
    metrics.setDiskSpace({ free: 5_000_000, total: 20_000_000 });
    metrics.setDrillResult({ ok: false, at: new Date('2026-06-08T03:00:00Z') });
    metrics.setDrillResult({ ok: true, at: new Date('2026-06-09T03:00:00Z') });
    metrics.setOffsiteResult({ ok: false, at: new Date('2026-06-09T16:01:00Z') });

    const { samples } = await read();
    expect(samples.get('scandy_backup_last_success_timestamp_seconds')).toBe(Date.parse('2026-06-09T16:00:00Z') / 1000);
    expect(samples.get('scandy_backup_last_size_bytes')).toBe(1234);
    expect(samples.get('scandy_backup_disk_free_bytes')).toBe(5_000_000);
    expect(samples.get('scandy_backup_disk_total_bytes')).toBe(20_000_000);
    expect(samples.get('scandy_backup_drill_last_success')).toBe(1);
    expect(samples.get('scandy_backup_drill_last_timestamp_seconds')).toBe(Date.parse('2026-06-09T03:00:00Z') / 1000);
    expect(samples.get('scandy_backup_offsite_last_success')).toBe(0);
    expect(samples.get('scandy_backup_offsite_last_timestamp_seconds')).toBe(Date.parse('2026-06-09T16:01:00Z') / 1000);
  });

  it('keeps to its own registry: two instances side by side, nothing in prom-client’s global one', async () => {
    const a = rig();
    const b = rig();
    a.metrics.observe({ type: 'backup.failed', kind: 'auto', reason: 'x' });
    expect((await a.read()).samples.get('scandy_backup_failures_total{operation="backup"}')).toBe(1);
    expect((await b.read()).samples.get('scandy_backup_failures_total{operation="backup"}')).toBe(0);
    expect(await register.metrics()).not.toContain('scandy_backup_');
  });
});

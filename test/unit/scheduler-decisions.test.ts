import { describe, expect, it } from 'vitest';
import type { LastRun } from '../../src/scheduler/scheduler-state-store.js';
import { BackupFailedError, type BackupResult } from '../../src/backup/create-backup.js';
import type { BackupNotifier, MailOutcome } from '../../src/mail/backup-notifier.js';
import { BackupScheduler } from '../../src/scheduler/backup-scheduler.js';
import type { StartTicker } from '../../src/scheduler/cron-ticker.js';
import { createRunRecords } from '../../src/scheduler/run-records.js';
import { INITIAL_STATE, type SchedulerState, type SchedulerStateStore } from '../../src/scheduler/scheduler-state-store.js';
import type { StartedBackup } from '../../src/scheduler/slot-runner.js';
import type { SlotClaim, SlotClaims } from '../../src/scheduler/slot-claims.js';
import { AppError } from '../../src/shared/app-error.js';

class MemoryState implements SchedulerStateStore {
  current: SchedulerState = INITIAL_STATE;
  failing = false;
  async read() {
    if (this.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    return this.current;
  }
  async setEnabled(enabled: boolean, actor: string, at: Date) {
    this.current = { ...this.current, enabled, changedBy: actor, changedAt: at };
  }
  async recordRun(run: LastRun) {
    this.current = { ...this.current, lastRun: run };
  }
  async recordSuccess(at: Date) {
    if (!this.current.lastSuccessAt || this.current.lastSuccessAt < at) this.current = { ...this.current, lastSuccessAt: at };
  }
}

class MemoryClaims implements SlotClaims {
  readonly slots = new Map<string, 'running' | 'done' | 'failed'>();
  readonly once = new Set<string>();
  failing = false;
  async claim(key: string): Promise<SlotClaim | undefined> {
    if (this.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:1');
    if (this.slots.has(key)) return undefined;
    this.slots.set(key, 'running');
    return {
      key,
      tookOverFrom: undefined,
      finish: async (outcome) => void this.slots.set(key, outcome.ok ? 'done' : 'failed'),
      release: async () => void this.slots.delete(key),
    };
  }
  async claimOnce(key: string) {
    if (this.once.has(key)) return false;
    this.once.add(key);
    return true;
  }
  async prune() {}
}

type RunnerBehaviour = 'succeed' | 'fail' | 'busy' | 'refused-by-lock';

/** A scheduler on in-memory parts and a fake clock; backups are names with a time. */
function rig(options: { times?: string[]; timeZone?: string; now: string; backups?: string[]; watchdogHours?: number; ticker?: StartTicker }) {
  let now = new Date(options.now);
  const clock = { now: () => now };
  const state = new MemoryState();
  const claims = new MemoryClaims();
  const backups = (options.backups ?? []).map((iso) => new Date(iso));
  const runs: { trigger: string; at: Date }[] = [];
  const mails: { kind: string; detail: string }[] = [];
  const log: string[] = [];
  let behaviour: RunnerBehaviour = 'succeed';
  /** A notifier that throws, against its promise: stands for any bug inside a tick. */
  let notifierThrows = false;
  const runRecords = createRunRecords(state, clock, (message) => log.push(message));
  const sent = (subject: string): MailOutcome => ({ sent: true, subject });

  const notifier: Pick<BackupNotifier, 'backupSucceeded' | 'backupFailed' | 'watchdogAlert' | 'offsiteWatchdogAlert'> = {
    backupSucceeded: async (result, info) => (mails.push({ kind: 'ok', detail: `${result.backup.name} ${info.trigger}` }), sent('ok')),
    backupFailed: async (reason, info) => (mails.push({ kind: 'failed', detail: `${reason} ${info.trigger}` }), sent('failed')),
    watchdogAlert: async (alert) => {
      if (notifierThrows) throw new Error('Fehler im Mailversand');
      return (mails.push({ kind: 'watchdog', detail: `${alert.hoursWithout}` }), sent('watchdog'));
    },
    offsiteWatchdogAlert: async (alert) => (mails.push({ kind: 'offsite-watchdog', detail: `${alert.hoursWithout}` }), sent('offsite-watchdog')),
  };
  const runBackup = (trigger: string): StartedBackup => {
    if (behaviour === 'busy') throw new AppError('OPERATION_RUNNING', 'Ein Backup läuft bereits');
    if (behaviour === 'refused-by-lock') {
      const refused = Promise.reject(new AppError('OPERATION_RUNNING', 'Ein Backup läuft bereits (seit …, host:1)'));
      return { started: refused, done: refused };
    }
    runs.push({ trigger, at: now });
    // The engine's events, as createBackup emits them.
    runRecords.sink({ type: 'backup.started', kind: 'auto', actor: trigger });
    if (behaviour === 'fail') {
      runRecords.sink({ type: 'backup.failed', kind: 'auto', reason: 'Festplatte voll', actor: trigger });
      return { started: Promise.resolve(), done: Promise.reject(new BackupFailedError('Festplatte voll', new Error('ENOSPC'))) };
    }
    const createdAt = now;
    backups.push(createdAt);
    const name = `scandy-backup-${createdAt.toISOString()}-auto.zip`;
    runRecords.sink({ type: 'backup.succeeded', kind: 'auto', name, size: 10, documents: 1, durationMs: 5, actor: trigger });
    const result = { backup: { name, createdAt, kind: 'auto', path: `/b/${name}`, size: 10 }, documents: 1, durationMs: 5, pruned: [] };
    return { started: Promise.resolve(), done: Promise.resolve(result as unknown as BackupResult) };
  };

  const make = () =>
    new BackupScheduler({
      schedule: { times: options.times ?? ['06:00', '18:00'], timeZone: options.timeZone ?? 'Europe/Berlin' },
      watchdogHours: options.watchdogHours ?? 26,
      state,
      runs: runRecords,
      claims,
      runBackup,
      newestBackupAt: async () => [...backups].sort((a, b) => b.getTime() - a.getTime())[0],
      notifier,
      log: (message) => log.push(message),
      clock,
      mail: { enabled: true, description: 'smtp://test:25', from: 'a@b', attachMaxBytes: 1 },
      keep: 10,
      collections: ['tools'],
      ...(options.ticker ? { ticker: options.ticker } : {}),
    });
  const scheduler = make();
  return {
    scheduler,
    make,
    state,
    claims,
    runs,
    mails,
    log,
    setNow: (iso: string | Date) => (now = new Date(iso)),
    behave: (next: RunnerBehaviour) => (behaviour = next),
    breakNotifier: () => (notifierThrows = true),
    /** Ticks every `stepMinutes` from `fromIso` to `toIso` inclusive; returns the decisions that are not "up to date". */
    async tickThrough(fromIso: string, toIso: string, stepMinutes = 1, on: BackupScheduler = scheduler) {
      const seen: { at: string; kind: string; watchdog: string }[] = [];
      for (let t = new Date(fromIso).getTime(); t <= new Date(toIso).getTime(); t += stepMinutes * 60_000) {
        now = new Date(t);
        const outcome = await on.tick(now);
        if (outcome.decision.kind !== 'up-to-date' || outcome.watchdog !== 'ok') {
          seen.push({ at: now.toISOString(), kind: outcome.decision.kind, watchdog: outcome.watchdog });
        }
      }
      return seen;
    },
  };
}

describe('which slot is due', () => {
  it('runs the 18:00 slot at 18:00 once, and nothing at 18:01', async () => {
    // 2026-06-10 is summer time: 18:00 in Berlin is 16:00Z.
    const r = rig({ now: '2026-06-10T16:00:00Z', backups: ['2026-06-10T04:00:00Z'] });
    const first = await r.scheduler.tick();
    expect(first.decision).toMatchObject({ kind: 'succeeded', trigger: 'Zeitplan', slot: new Date('2026-06-10T16:00:00Z') });
    r.setNow('2026-06-10T16:01:00Z');
    expect((await r.scheduler.tick()).decision.kind).toBe('up-to-date');
    expect(r.runs).toHaveLength(1);
    expect(r.mails).toEqual([{ kind: 'ok', detail: expect.stringContaining('Zeitplan') as string }]);
    expect(r.state.current.lastRun).toMatchObject({ ok: true, trigger: 'Zeitplan' });
    expect(r.claims.slots.get('2026-06-10T18:00@Europe/Berlin')).toBe('done');
  });

  it('at 07:00, with the 06:00 backup made, runs nothing and reports today 18:00 as the next run', async () => {
    const r = rig({ now: '2026-06-10T05:00:00Z', backups: ['2026-06-10T04:00:00.500Z'] });
    expect((await r.scheduler.tick()).decision.kind).toBe('up-to-date');
    const status = await r.scheduler.status();
    expect(status.nextRuns.map((d) => d.toISOString())).toEqual(['2026-06-10T16:00:00.000Z', '2026-06-11T04:00:00.000Z']);
    expect(status.enabled).toBe(true);
    expect(r.runs).toHaveLength(0);
  });

  it('catches up a slot missed while the app was down, once, as "Nachholen"', async () => {
    const r = rig({ now: '2026-06-10T19:30:00Z', backups: ['2026-06-10T04:00:00Z'] });
    expect((await r.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', trigger: 'Nachholen' });
    expect(await r.tickThrough('2026-06-10T19:31:00Z', '2026-06-11T03:59:00Z', 7)).toEqual([]);
    expect(r.runs.map((run) => run.trigger)).toEqual(['Nachholen']);
  });

  it('needs no catch-up when a backup newer than the slot exists (a manual one)', async () => {
    const r = rig({ now: '2026-06-10T19:30:00Z', backups: ['2026-06-10T17:10:00Z'] });
    expect((await r.scheduler.tick()).decision.kind).toBe('up-to-date');
    expect(r.runs).toHaveLength(0);
  });

  it('makes a first backup right away on a fresh installation', async () => {
    const r = rig({ now: '2026-06-10T12:00:00Z' });
    expect((await r.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', trigger: 'Nachholen' });
  });

  it('leaves a slot alone that another process has claimed', async () => {
    const r = rig({ now: '2026-06-10T16:00:30Z', backups: ['2026-06-10T04:00:00Z'] });
    const other = r.make();
    r.behave('succeed');
    const [a, b] = await Promise.all([r.scheduler.tick(), other.tick()]);
    expect([a.decision.kind, b.decision.kind].sort()).toEqual(['succeeded', 'taken']);
    expect(r.runs).toHaveLength(1);
  });

  it('says "busy" to a tick that arrives while the previous one still works', async () => {
    const r = rig({ now: '2026-06-10T16:00:00Z', backups: ['2026-06-10T04:00:00Z'] });
    const first = r.scheduler.tick();
    expect((await r.scheduler.tick()).decision.kind).toBe('busy');
    expect((await first).decision.kind).toBe('succeeded');
  });
});

describe('stopped', () => {
  it('runs nothing while stopped, even with a slot due; started again it catches up', async () => {
    const r = rig({ now: '2026-06-10T10:00:00Z', backups: ['2026-06-10T04:00:00Z'] });
    await r.scheduler.stop('admin@example.org');
    expect(await r.tickThrough('2026-06-10T15:55:00Z', '2026-06-10T16:30:00Z')).toEqual(
      Array.from({ length: 36 }, (_, i) => ({ at: new Date(Date.parse('2026-06-10T15:55:00Z') + i * 60_000).toISOString(), kind: 'stopped', watchdog: 'ok' })),
    );
    expect(r.runs).toHaveLength(0);
    const status = await r.scheduler.status();
    expect(status).toMatchObject({ enabled: false, changedBy: 'admin@example.org', nextRuns: [] });

    // A new instance (an app restart) reads the same state: still stopped.
    const restarted = r.make();
    expect((await restarted.tick(new Date('2026-06-10T17:00:00Z'))).decision.kind).toBe('stopped');

    await restarted.start('chef@example.org');
    r.setNow('2026-06-10T17:01:00Z');
    expect((await restarted.tick()).decision).toMatchObject({ kind: 'succeeded', trigger: 'Nachholen' });
    expect(r.log).toEqual(['Automatisches Backup gestoppt von admin@example.org', 'Automatisches Backup gestartet von chef@example.org']);
  });
});

describe('daylight saving time', () => {
  it('gives a time that does not exist that day (02:30 on 2026-03-29) its backup at 03:00 summer time, once', async () => {
    const r = rig({ times: ['02:30'], now: '2026-03-28T23:00:00Z', backups: ['2026-03-28T01:30:00Z'] });
    const events = await r.tickThrough('2026-03-28T23:00:00Z', '2026-03-29T03:00:00Z');
    expect(events).toEqual([{ at: '2026-03-29T01:00:00.000Z', kind: 'succeeded', watchdog: 'ok' }]);
    expect(r.runs.map((run) => run.at.toISOString())).toEqual(['2026-03-29T01:00:00.000Z']);
  });

  it('gives a time that occurs twice (02:30 on 2026-10-25) one backup, at its first occurrence', async () => {
    const r = rig({ times: ['02:30'], now: '2026-10-24T22:00:00Z', backups: ['2026-10-24T00:30:00Z'] });
    const events = await r.tickThrough('2026-10-24T22:00:00Z', '2026-10-25T03:00:00Z');
    expect(events).toEqual([{ at: '2026-10-25T00:30:00.000Z', kind: 'succeeded', watchdog: 'ok' }]);
  });

  it('does not run the repeated time again even when its first run failed', async () => {
    const r = rig({ times: ['02:30'], now: '2026-10-25T00:30:00Z', backups: ['2026-10-24T00:30:00Z'] });
    r.behave('fail');
    expect((await r.scheduler.tick()).decision).toMatchObject({ kind: 'failed', reason: 'Festplatte voll' });
    r.setNow('2026-10-25T01:30:00Z');
    expect((await r.scheduler.tick()).decision.kind).toBe('taken');
    expect(r.runs).toHaveLength(1);
    expect(r.mails.map((m) => m.kind)).toEqual(['failed']);
  });
});

describe('failures and refusals', () => {
  it('mails a failed backup once and records it as the last run', async () => {
    const r = rig({ now: '2026-06-10T16:00:00Z', backups: ['2026-06-10T04:00:00Z'] });
    r.behave('fail');
    expect((await r.scheduler.tick()).decision).toMatchObject({ kind: 'failed', trigger: 'Zeitplan' });
    expect(await r.tickThrough('2026-06-10T16:01:00Z', '2026-06-10T17:00:00Z')).toEqual(
      Array.from({ length: 60 }, (_, i) => ({ at: new Date(Date.parse('2026-06-10T16:01:00Z') + i * 60_000).toISOString(), kind: 'taken', watchdog: 'ok' })),
    );
    expect(r.mails).toEqual([{ kind: 'failed', detail: 'Festplatte voll Zeitplan' }]);
    expect(r.state.current.lastRun).toMatchObject({ ok: false, message: 'Festplatte voll' });
    // The engine logs a failure of a backup that began; the scheduler does not repeat it.
    expect(r.log).toEqual([]);
  });

  it('waits while another backup or restore holds the lock, says so once, and runs when it is free', async () => {
    const r = rig({ now: '2026-06-10T16:00:00Z', backups: ['2026-06-10T04:00:00Z'] });
    r.behave('refused-by-lock');
    expect((await r.scheduler.tick()).decision).toMatchObject({ kind: 'deferred', reason: expect.stringContaining('läuft bereits') as string });
    r.behave('busy');
    r.setNow('2026-06-10T16:01:00Z');
    expect((await r.scheduler.tick()).decision.kind).toBe('deferred');
    expect(r.claims.slots.size).toBe(0);
    r.behave('succeed');
    r.setNow('2026-06-10T16:02:00Z');
    expect((await r.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', trigger: 'Zeitplan' });
    expect(r.log).toEqual(['Geplantes Backup 2026-06-10 18:00 wartet: Ein Backup läuft bereits (seit …, host:1); neuer Versuch jede Minute']);
  });

  it('reports a slot as failed, once, when the database cannot even be asked', async () => {
    const r = rig({ now: '2026-06-10T16:00:00Z', backups: ['2026-06-10T04:00:00Z'] });
    r.state.failing = true;
    r.claims.failing = true;
    expect((await r.scheduler.tick()).decision).toMatchObject({ kind: 'failed', reason: expect.stringContaining('ECONNREFUSED') as string });
    r.setNow('2026-06-10T16:01:00Z');
    expect((await r.scheduler.tick()).decision.kind).toBe('taken');
    expect(r.mails.map((m) => m.kind)).toEqual(['failed']);
    expect(r.log[0]).toBe('Backup fehlgeschlagen (Zeitplan 2026-06-10 18:00): Datenbank nicht erreichbar: connect ECONNREFUSED 127.0.0.1:1');
    expect((await r.scheduler.status()).problem).toContain('Zustand nicht aus der Datenbank lesbar');
  });
});

describe('watchdog', () => {
  it('alerts once per outage, lifts the alert after a success, and alerts again for a new outage', async () => {
    const r = rig({ now: '2026-06-10T04:00:00Z', backups: ['2026-06-10T04:00:00Z'], watchdogHours: 26 });
    r.behave('fail');
    const outage = await r.tickThrough('2026-06-10T04:10:00Z', '2026-06-11T16:00:00Z', 10);
    const alerts = outage.filter((e) => e.watchdog === 'alerted');
    expect(alerts).toEqual([{ at: '2026-06-11T06:10:00.000Z', kind: 'taken', watchdog: 'alerted' }]);
    expect(outage.filter((e) => e.watchdog === 'known').length).toBeGreaterThan(50);
    expect(r.mails.filter((m) => m.kind === 'watchdog')).toEqual([{ kind: 'watchdog', detail: '26' }]);
    expect(r.log.filter((l) => l.startsWith('WARNUNG'))).toEqual([
      'WARNUNG: Seit 26 Stunden kein erfolgreiches Backup (Warngrenze 26 Stunden); letztes erfolgreiches Backup: 2026-06-10 06:00',
    ]);
    expect((await r.scheduler.status()).watchdog.ok).toBe(false);

    r.behave('succeed');
    r.setNow('2026-06-12T04:00:00Z');
    expect(await r.scheduler.tick()).toMatchObject({ decision: { kind: 'succeeded' }, watchdog: 'ok' });
    expect(r.log.at(-1)).toMatch(/^Überwachung: wieder ein erfolgreiches Backup, Warnung aufgehoben/);

    r.behave('fail');
    const second = await r.tickThrough('2026-06-12T04:10:00Z', '2026-06-13T08:00:00Z', 10);
    expect(second.filter((e) => e.watchdog === 'alerted')).toHaveLength(1);
    expect(r.mails.filter((m) => m.kind === 'watchdog')).toHaveLength(2);
  });

  it('does not alert again from a second process or after a restart for the same outage', async () => {
    const r = rig({ now: '2026-06-12T10:00:00Z', backups: ['2026-06-10T04:00:00Z'] });
    r.behave('fail');
    expect((await r.scheduler.tick()).watchdog).toBe('alerted');
    expect((await r.make().tick(new Date('2026-06-12T10:01:00Z'))).watchdog).toBe('known');
    expect(r.mails.filter((m) => m.kind === 'watchdog')).toHaveLength(1);
  });
});

describe('lifecycle', () => {
  it('starts ticking with the catch-up tick, ticks on the ticker, and after shutdown does nothing', async () => {
    let onTick: (() => void) | undefined;
    let stopped = 0;
    const ticker: StartTicker = (callback) => {
      onTick = callback;
      return { stop: () => void (stopped += 1) };
    };
    const r = rig({ now: '2026-06-10T19:00:00Z', backups: ['2026-06-10T04:00:00Z'], ticker });
    await r.scheduler.startTicking();
    await r.scheduler.whenIdle();
    expect(r.runs.map((run) => run.trigger)).toEqual(['Nachholen']);
    expect(r.log[0]).toBe('Zeitplan geladen: täglich 06:00, 18:00 (Europe/Berlin), nächstes Backup 2026-06-11 06:00');
    expect(r.scheduler.currentPhase).toBe('idle');

    r.setNow('2026-06-11T04:00:00Z');
    onTick?.();
    expect(r.scheduler.currentPhase).toBe('checking');
    await r.scheduler.whenIdle();
    expect(r.runs.map((run) => run.trigger)).toEqual(['Nachholen', 'Zeitplan']);

    await r.scheduler.shutdown();
    expect(stopped).toBe(1);
    expect(r.scheduler.currentPhase).toBe('closed');
    r.setNow('2026-06-11T16:00:00Z');
    expect((await r.scheduler.tick()).decision.kind).toBe('closed');
    expect(r.runs).toHaveLength(2);
  });

  it('logs what went wrong in a tick from the ticker, and goes on ticking', async () => {
    let onTick: (() => void) | undefined;
    const ticker: StartTicker = (callback) => {
      onTick = callback;
      return { stop: () => undefined };
    };
    const r = rig({ now: '2026-06-12T10:00:00Z', backups: ['2026-06-10T04:00:00Z'], ticker });
    r.behave('fail');
    r.breakNotifier();
    await r.scheduler.startTicking();
    await r.scheduler.whenIdle();
    expect(r.log.slice(1)).toEqual([
      'WARNUNG: Seit 54 Stunden kein erfolgreiches Backup (Warngrenze 26 Stunden); letztes erfolgreiches Backup: 2026-06-10 06:00',
      'Zeitplan-Prüfung fehlgeschlagen: Fehler im Mailversand',
    ]);
    expect(r.scheduler.currentPhase).toBe('idle');

    r.setNow('2026-06-12T10:01:00Z');
    onTick?.();
    expect(r.scheduler.currentPhase).toBe('checking');
    await r.scheduler.whenIdle();
    expect(r.log).toHaveLength(3);
    expect(r.runs).toHaveLength(1);
    await r.scheduler.shutdown();
  });

  it('says at start that the automatic backup is stopped, and by whom', async () => {
    const r = rig({ now: '2026-06-10T19:00:00Z', backups: ['2026-06-10T16:00:00Z'] });
    await r.scheduler.stop('admin@example.org');
    await r.make().startTicking();
    expect(r.log.at(-1)).toBe('Zeitplan geladen: automatisches Backup ist gestoppt (seit 2026-06-10 21:00, von admin@example.org)');
  });
});

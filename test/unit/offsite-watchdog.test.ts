import { describe, expect, it } from 'vitest';
import { evaluateOffsiteWatchdog } from '../../src/scheduler/offsite-watchdog.js';
import { presentStatus } from '../../src/scheduler/scheduler-status.js';
import { INITIAL_STATE } from '../../src/scheduler/scheduler-state-store.js';
import { evaluateWatchdog } from '../../src/scheduler/watchdog.js';

const at = (iso: string) => new Date(iso);
const base = { thresholdHours: 26, timeZone: 'Europe/Berlin', watchingSince: at('2026-06-01T00:00:00Z') };

describe('evaluateOffsiteWatchdog', () => {
  const cases: { name: string; now: string; lastCopiedAt?: string; ok: boolean; hoursWithout: number; since: string; message: string }[] = [
    {
      name: 'fresh install, first copy not yet due',
      now: '2026-06-01T10:00:00Z',
      ok: true,
      hoursWithout: 10,
      since: '2026-06-01T00:00:00Z',
      message: 'Noch keine externe Kopie; Warnung, wenn bis 2026-06-02 04:00 keine gelingt',
    },
    {
      name: 'never a copy, threshold passed since watching began',
      now: '2026-06-02T02:00:01Z',
      ok: false,
      hoursWithout: 26,
      since: '2026-06-01T00:00:00Z',
      message: 'Seit 26 Stunden hat kein Backup den externen Speicher erreicht (Warngrenze 26 Stunden); noch nie eine externe Kopie',
    },
    {
      name: 'a recent copy',
      now: '2026-06-10T12:00:00Z',
      lastCopiedAt: '2026-06-10T04:00:00Z',
      ok: true,
      hoursWithout: 8,
      since: '2026-06-10T04:00:00Z',
      message: 'Letzte externe Kopie: 2026-06-10 06:00 (vor 8 Stunden)',
    },
    {
      name: 'exactly at the threshold is still fine',
      now: '2026-06-11T06:00:00Z',
      lastCopiedAt: '2026-06-10T04:00:00Z',
      ok: true,
      hoursWithout: 26,
      since: '2026-06-10T04:00:00Z',
      message: 'Letzte externe Kopie: 2026-06-10 06:00 (vor 26 Stunden)',
    },
    {
      name: 'the last copy older than the threshold',
      now: '2026-06-11T16:30:00Z',
      lastCopiedAt: '2026-06-10T04:00:00Z',
      ok: false,
      hoursWithout: 36,
      since: '2026-06-10T04:00:00Z',
      message: 'Seit 36 Stunden hat kein Backup den externen Speicher erreicht (Warngrenze 26 Stunden); letzte externe Kopie: 2026-06-10 06:00',
    },
  ];
  it.each(cases)('$name', (c) => {
    const verdict = evaluateOffsiteWatchdog({ ...base, now: at(c.now), lastCopiedAt: c.lastCopiedAt ? at(c.lastCopiedAt) : undefined });
    expect(verdict).toMatchObject({ ok: c.ok, hoursWithout: c.hoursWithout, message: c.message, thresholdHours: 26 });
    expect(verdict.since.toISOString()).toBe(at(c.since).toISOString());
    expect(verdict.outageKey).toBe(`offsite-watchdog@${at(c.since).toISOString()}`);
  });

  it('keeps its outages apart from the backups’ watchdog (its own key for the once-per-outage claim)', () => {
    const input = { ...base, now: at('2026-06-05T00:00:00Z') };
    expect(evaluateOffsiteWatchdog({ ...input, lastCopiedAt: undefined }).outageKey).not.toBe(evaluateWatchdog({ ...input, lastSuccessAt: undefined }).outageKey);
  });
});

describe('the status with a bucket', () => {
  const settings = { schedule: { times: ['06:00'], timeZone: 'Europe/Berlin' }, mail: { enabled: false, description: 'aus', from: 'a@b', attachMaxBytes: 1 }, keep: 5, collections: [] };
  const now = at('2026-06-11T16:30:00Z');
  const backupsFine = evaluateWatchdog({ ...base, now, lastSuccessAt: at('2026-06-11T04:00:00Z') });
  const status = (offsiteVerdict: ReturnType<typeof evaluateOffsiteWatchdog> | undefined) =>
    presentStatus(settings, { now, state: INITIAL_STATE, lastRun: undefined, verdict: backupsFine, offsiteVerdict, phase: 'idle', running: undefined, stateError: undefined }).watchdog;

  const cases = [
    { name: 'without a bucket: as before', lastCopiedAt: undefined, bucket: false, ok: true, message: /^Letztes erfolgreiches Backup/, offsite: undefined },
    { name: 'a recent copy: fine, and says when', lastCopiedAt: '2026-06-11T04:10:00Z', bucket: true, ok: true, message: /^Letztes erfolgreiches Backup/, offsite: true },
    { name: 'no copy for too long: a warning although backups succeed', lastCopiedAt: '2026-06-10T04:00:00Z', bucket: true, ok: false, message: /^Seit 36 Stunden hat kein Backup den externen Speicher erreicht/, offsite: false },
  ];
  it.each(cases)('$name', (c) => {
    const offsite = c.bucket ? evaluateOffsiteWatchdog({ ...base, now, lastCopiedAt: c.lastCopiedAt ? at(c.lastCopiedAt) : undefined }) : undefined;
    const shown = status(offsite);
    expect(shown.ok).toBe(c.ok);
    expect(shown.message).toMatch(c.message);
    expect(shown.offsite?.ok).toBe(c.offsite);
  });
});

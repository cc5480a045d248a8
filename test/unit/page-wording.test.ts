import { describe, expect, it } from 'vitest';
import { TRIGGER_CATCH_UP, TRIGGER_SCHEDULE } from '../../src/scheduler/slot-decision.js';
import { countOf, formatDocuments } from '../../src/shared/human-units.js';
import { describeMoment, formatDateTime, formatTimeOfDay } from '../../src/web/wording/moments.js';
import { backupLabel, operationLabel, runLabel } from '../../src/web/wording/operation-labels.js';
import { keepText, timesText } from '../../src/web/wording/schedule-text.js';
import { watchdogText } from '../../src/web/wording/watchdog-text.js';

const BERLIN = 'Europe/Berlin';

describe('counts with the noun that fits', () => {
  it.each([
    [0, '0 Dokumente'],
    [1, '1 Dokument'],
    [2, '2 Dokumente'],
    [20_000, '20.000 Dokumente'],
  ])('%i → %s', (count, text) => {
    expect(countOf(count, 'Dokument', 'Dokumente')).toBe(text);
    expect(formatDocuments(count)).toBe(text);
  });

  it.each([
    [1, 'Collection', 'Collections', '1 Collection'],
    [9, 'Collection', 'Collections', '9 Collections'],
    [1, 'Minute', 'Minuten', '1 Minute'],
    [1_234, 'Backup', 'Backups', '1.234 Backups'],
  ])('%i %s/%s → %s', (count, one, many, text) => {
    expect(countOf(count, one, many)).toBe(text);
  });
});

describe('dates on the pages', () => {
  it.each([
    ['2026-12-01T22:23:12.345Z', BERLIN, '01.12.2026, 23:23'],
    ['2026-07-15T04:00:59.000Z', BERLIN, '15.07.2026, 06:00'],
    ['2025-12-31T23:00:00.000Z', BERLIN, '01.01.2026, 00:00'],
    ['2026-01-01T00:00:00.000Z', 'America/New_York', '31.12.2025, 19:00'],
  ])('%s in %s is %s', (iso, zone, text) => {
    expect(formatDateTime(new Date(iso), zone)).toBe(text);
    expect(formatTimeOfDay(new Date(iso), zone)).toBe(text.slice(-5));
  });
});

describe('moments as people say them', () => {
  // 01.12.2026, 23:23:00 in Berlin.
  const now = new Date('2026-12-01T22:23:00.000Z');
  it.each([
    ['2026-12-01T22:23:00.000Z', 'gerade eben'],
    ['2026-12-01T22:22:01.000Z', 'gerade eben'],
    ['2026-12-01T22:22:00.000Z', 'vor 1 Minute'],
    ['2026-12-01T22:11:00.000Z', 'vor 12 Minuten'],
    ['2026-12-01T21:23:30.000Z', 'vor 59 Minuten'],
    ['2026-12-01T21:23:00.000Z', 'vor 1 Stunde'],
    ['2026-12-01T19:00:00.000Z', 'vor 3 Stunden'],
    // Just after midnight the same day in Berlin (23:05 UTC the day before).
    ['2026-11-30T23:05:00.000Z', 'vor 23 Stunden'],
    ['2026-11-30T17:00:00.000Z', 'gestern, 18:00'],
    ['2026-11-29T23:00:00.000Z', 'gestern, 00:00'],
    ['2026-11-29T22:59:00.000Z', '29.11.2026, 23:59'],
    ['2025-12-01T22:23:00.000Z', '01.12.2025, 23:23'],
    ['2026-12-01T22:23:30.000Z', 'heute, 23:23'],
    ['2026-12-02T05:00:00.000Z', 'morgen, 06:00'],
    ['2026-12-02T22:59:00.000Z', 'morgen, 23:59'],
    ['2026-12-02T23:00:00.000Z', '03.12.2026, 00:00'],
  ])('%s → %s', (iso, text) => {
    expect(describeMoment(new Date(iso), now, BERLIN)).toBe(text);
  });

  it('counts calendar days in the time zone, not in UTC', () => {
    // 00:30 in Berlin on 02.12.; 18:00 Berlin on 01.12. is "gestern", though UTC sees the same day.
    const justAfterMidnight = new Date('2026-12-01T23:30:00.000Z');
    expect(describeMoment(new Date('2026-12-01T17:00:00.000Z'), justAfterMidnight, BERLIN)).toBe('gestern, 18:00');
    expect(describeMoment(new Date('2026-12-01T17:00:00.000Z'), justAfterMidnight, 'UTC')).toBe('vor 6 Stunden');
  });

  it('handles the day clocks go back', () => {
    // 25.10.2026: 03:00 CEST becomes 02:00 CET; the day has 25 hours.
    const evening = new Date('2026-10-25T21:00:00.000Z'); // 22:00 CET
    expect(describeMoment(new Date('2026-10-24T22:30:00.000Z'), evening, BERLIN)).toBe('vor 22 Stunden');
    expect(describeMoment(new Date('2026-10-24T21:30:00.000Z'), evening, BERLIN)).toBe('gestern, 23:30');
  });
});

describe('what an operation is', () => {
  it.each([
    ['auto', 'Zeitplan', 'Backup (automatisch)'],
    ['auto', 'Nachholen', 'Backup (automatisch, nachgeholt)'],
    ['manual', 'admin@example.org', 'Backup (manuell, von admin@example.org)'],
    ['manual', 'CLI', 'Backup (manuell, über die Kommandozeile)'],
    ['manual', 'manuell', 'Backup (manuell)'],
    ['manual', undefined, 'Backup (manuell)'],
    ['pre-restore', 'admin@example.org', 'Backup (vor Wiederherstellung, von admin@example.org)'],
    ['upload', 'admin@example.org', 'Backup (hochgeladen, von admin@example.org)'],
  ] as const)('%s by %s → %s', (kind, actor, text) => {
    expect(backupLabel(kind, actor)).toBe(text);
    if (actor) expect(operationLabel({ operation: 'backup', subject: kind, actor })).toBe(text);
  });

  it.each([
    ['admin@example.org', 'Wiederherstellung aus scandy-backup-20261201T222300000Z-manual.zip (von admin@example.org)'],
    ['CLI', 'Wiederherstellung aus scandy-backup-20261201T222300000Z-manual.zip (über die Kommandozeile)'],
  ])('a restore by %s → %s', (actor, text) => {
    expect(operationLabel({ operation: 'restore', subject: 'scandy-backup-20261201T222300000Z-manual.zip', actor })).toBe(text);
  });

  it.each([
    [TRIGGER_SCHEDULE, 'Backup (automatisch)'],
    [TRIGGER_CATCH_UP, 'Backup (automatisch, nachgeholt)'],
    ['admin@example.org', 'Backup (manuell, von admin@example.org)'],
    ['CLI', 'Backup (manuell, über die Kommandozeile)'],
    ['manuell', 'Backup (manuell)'],
  ])('the last run triggered by %s → %s', (trigger, text) => {
    expect(runLabel(trigger)).toBe(text);
  });
});

describe('the watchdog in words', () => {
  const now = new Date('2026-12-01T22:23:00.000Z');
  const status = (ok: boolean, lastSuccessAt: string | undefined) => ({
    ok,
    thresholdHours: 26,
    lastSuccessAt: lastSuccessAt ? new Date(lastSuccessAt) : undefined,
    message: 'vom Zeitplan',
  });
  it.each([
    [status(true, '2026-12-01T22:11:00.000Z'), 'Letztes erfolgreiches Backup: vor 12 Minuten'],
    [status(true, '2026-12-01T22:22:59.000Z'), 'Letztes erfolgreiches Backup: gerade eben'],
    [status(true, '2026-11-30T17:00:00.000Z'), 'Letztes erfolgreiches Backup: gestern, 18:00'],
    [status(false, '2026-11-30T19:00:00.000Z'), 'Seit 27 Stunden kein erfolgreiches Backup (Warngrenze: 26 Stunden)'],
    [status(true, undefined), 'Noch kein erfolgreiches Backup'],
    [status(false, undefined), 'Noch nie ein erfolgreiches Backup (Warngrenze: 26 Stunden überschritten)'],
  ])('%o → %s', (watchdog, text) => {
    expect(watchdogText(watchdog, now, BERLIN)).toBe(text);
  });
});

describe('schedule and retention in words', () => {
  it.each([
    [['06:00'], '06:00 Uhr'],
    [['06:00', '18:00'], '06:00 und 18:00 Uhr'],
    [['06:00', '12:00', '18:00'], '06:00, 12:00 und 18:00 Uhr'],
    [[], 'keine'],
  ])('%j → %s', (times, text) => {
    expect(timesText(times)).toBe(text);
  });

  it.each([
    [1, 'nur das letzte automatische Backup'],
    [2, 'die letzten 2 automatischen Backups'],
    [10, 'die letzten 10 automatischen Backups'],
  ])('keep %i → %s', (keep, text) => {
    expect(keepText(keep)).toBe(text);
  });
});

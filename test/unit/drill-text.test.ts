import { describe, expect, it } from 'vitest';
import { daysAgoText, drillScheduleText, drillSummaryText } from '../../src/web/wording/drill-text.js';

const BERLIN = 'Europe/Berlin';

describe('the words for the restore drill', () => {
  it.each([
    ['2026-12-02T10:00:00Z', '2026-12-02T22:59:00Z', 'heute'],
    ['2026-12-01T22:59:00Z', '2026-12-01T23:01:00Z', 'vor 1 Tag'], // 23:59 and 00:01 in Berlin: another calendar day
    ['2026-11-29T03:00:00Z', '2026-12-02T12:00:00Z', 'vor 3 Tagen'],
    ['2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z', 'vor 2 Tagen'], // across the end of summer time
    ['2026-12-03T10:00:00Z', '2026-12-02T10:00:00Z', 'heute'], // a clock that went back shows no future
  ])('%s seen at %s is "%s"', (at, now, text) => {
    expect(daysAgoText(new Date(at), new Date(now), BERLIN)).toBe(text);
  });

  it('sums up the last drill', () => {
    const now = new Date('2026-12-09T12:00:00Z');
    expect(drillSummaryText({ ok: true, finishedAt: new Date('2026-12-06T03:05:00Z') }, now, BERLIN)).toBe('erfolgreich, vor 3 Tagen');
    expect(drillSummaryText({ ok: false, finishedAt: new Date('2026-12-09T03:05:00Z') }, now, BERLIN)).toBe('fehlgeschlagen, heute');
    expect(drillSummaryText(undefined, now, BERLIN)).toBe('noch keiner');
  });

  it('names the schedule', () => {
    expect(drillScheduleText('weekly')).toBe('wöchentlich, sonntags um 04:00 Uhr');
    expect(drillScheduleText('daily')).toBe('täglich um 04:00 Uhr');
    expect(drillScheduleText('off')).toBe('aus');
  });
});

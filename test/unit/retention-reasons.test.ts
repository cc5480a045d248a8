import { describe, expect, it } from 'vitest';
import { formatBackupName } from '../../src/archive/backup-name.js';
import { DEFAULT_RETENTION, planRetention, type RetentionRules } from '../../src/retention/retention-policy.js';
import { decisionText, reasonText, retentionText } from '../../src/retention/retention-reasons.js';

const rules: RetentionRules = { ...DEFAULT_RETENTION, keepDaily: 7, keepWeekly: 4, keepMonthly: 0 };

describe('retention reasons in German', () => {
  it.each([
    ['last-n auto', undefined, 'eines der letzten 10 automatischen Backups'],
    ['last-n manual', undefined, 'eines der letzten 5 manuellen oder hochgeladenen Backups'],
    ['last-n pre-restore', undefined, 'eines der letzten 3 vor einer Wiederherstellung erstellten Backups'],
    ['daily', '2026-06-10', 'neuestes automatisches Backup vom 10.06.2026'],
    ['weekly', '2026-W07', 'neuestes automatisches Backup der KW 7/2026'],
    ['monthly', '2026-03', 'neuestes automatisches Backup im März 2026'],
    ['pinned', undefined, 'angeheftet („Behalten“)'],
    ['in use', undefined, 'wird gerade verwendet'],
    ['beyond last-n auto', undefined, 'älter als die letzten 10 automatischen Backups'],
    ['beyond last-n manual', undefined, 'älter als die letzten 5 manuellen oder hochgeladenen Backups'],
  ] as const)('%s %s → %s', (reason, period, text) => {
    expect(reasonText(reason, rules, period)).toBe(text);
  });

  it('uses the singular for a count of one', () => {
    const one = { keepLast: 1, keepManual: 1, keepPreRestore: 1 };
    expect(reasonText('last-n auto', one)).toBe('das neueste automatische Backup');
    expect(reasonText('last-n manual', one)).toBe('das neueste manuelle oder hochgeladene Backup');
    expect(reasonText('beyond last-n pre-restore', one)).toBe('nicht das neueste vor einer Wiederherstellung erstellte Backup');
  });

  it('says per backup whether it stays and why', () => {
    const at = (iso: string) => new Date(iso);
    const newest = { name: formatBackupName(at('2026-06-12T16:00:00Z'), 'auto'), createdAt: at('2026-06-12T16:00:00Z'), kind: 'auto' as const };
    const older = { name: formatBackupName(at('2026-06-12T04:00:00Z'), 'auto'), createdAt: at('2026-06-12T04:00:00Z'), kind: 'auto' as const };
    const small = { ...rules, keepLast: 1, keepDaily: 1, keepWeekly: 0 };
    const [first, second] = planRetention([older, newest], { ...small, pinned: new Set() }).decisions;
    expect(decisionText(first!, small)).toBe('bleibt: das neueste automatische Backup; neuestes automatisches Backup vom 12.06.2026');
    expect(decisionText(second!, small)).toBe('wird gelöscht: nicht das neueste automatische Backup');
  });

  it('sums the rule up in one sentence', () => {
    expect(retentionText(DEFAULT_RETENTION)).toBe(
      'Behalten werden die neuesten Backups: 10 automatische, 5 manuelle oder hochgeladene und 3 vor einer Wiederherstellung erstellte; außerdem angeheftete und gerade verwendete.',
    );
    expect(retentionText(rules)).toContain('; dazu je das neueste automatische Backup der letzten 7 Tage und 4 Wochen;');
    expect(retentionText({ ...rules, keepMonthly: 12 })).toContain('der letzten 7 Tage, 4 Wochen und 12 Monate;');
  });
});

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { parseSettingsPatch, retentionRulesFrom, settingsDefaultsFrom, SETTINGS_FIELD_NAMES } from '../../src/settings/settings-schema.js';

function refusal(input: unknown): { message: string; code: string; fields: Record<string, string> } {
  try {
    parseSettingsPatch(input);
  } catch (error) {
    const e = error as { message: string; code: string; details: { fields: Record<string, string> } };
    return { message: e.message, code: e.code, fields: e.details.fields };
  }
  throw new Error('accepted');
}

describe('settings schema', () => {
  it('accepts a full set as the page sends it and normalises it', () => {
    expect(
      parseSettingsPatch({
        backupTimes: ['18:00', '06:00', '18:00'],
        timeZone: 'Europe/Vienna',
        keep: 14,
        keepManual: '8',
        keepPreRestore: 2,
        keepDaily: 7,
        keepWeekly: 4,
        keepMonthly: 0,
        mailEnabled: true,
        extraRecipients: 'chef@example.org, Werkstatt@example.org,werkstatt@example.org',
        mailAttachMaxMb: '12.5',
        drill: 'daily',
      }),
    ).toEqual({
      backupTimes: ['06:00', '18:00'],
      timeZone: 'Europe/Vienna',
      keep: 14,
      keepManual: 8,
      keepPreRestore: 2,
      keepDaily: 7,
      keepWeekly: 4,
      keepMonthly: 0,
      mailEnabled: true,
      extraRecipients: ['chef@example.org', 'werkstatt@example.org'],
      mailAttachMaxMb: 12.5,
      drill: 'daily',
    });
  });

  it('accepts any subset, and an empty change', () => {
    expect(parseSettingsPatch({ keep: 3, backupTimes: '07:30' })).toEqual({ keep: 3, backupTimes: ['07:30'] });
    expect(parseSettingsPatch({ extraRecipients: '' })).toEqual({ extraRecipients: [] });
    expect(parseSettingsPatch({})).toEqual({});
  });

  it.each([
    [{ keep: 0 }, '„Automatische Backups behalten“ (keep): muss mindestens 1 sein'],
    [{ keep: 'zehn' }, '„Automatische Backups behalten“ (keep): muss eine ganze Zahl von 1 bis 10000 sein'],
    [{ keep: 2.5 }, '(keep): muss eine ganze Zahl von 1 bis 10000 sein'],
    [{ keepManual: 10001 }, '„Manuelle und hochgeladene Backups behalten“ (keepManual): darf höchstens 10000 sein'],
    [{ keepDaily: -1 }, '„Tage mit je einem Backup“ (keepDaily): muss mindestens 0 sein'],
    [{ backupTimes: ['25:00'] }, '„Backup-Zeiten“ (backupTimes): muss eine kommagetrennte Liste von Uhrzeiten HH:MM sein (00:00 bis 23:59)'],
    [{ backupTimes: [] }, '(backupTimes): muss eine kommagetrennte Liste von Uhrzeiten HH:MM sein'],
    [{ backupTimes: 6 }, '(backupTimes): muss eine kommagetrennte Liste von Uhrzeiten HH:MM sein'],
    [{ timeZone: 'Mars/Olympus' }, '„Zeitzone“ (timeZone): muss eine IANA-Zeitzone wie Europe/Berlin sein'],
    [{ mailEnabled: 'vielleicht' }, '„E-Mail-Benachrichtigung“ (mailEnabled): muss ja oder nein sein (true oder false)'],
    [{ extraRecipients: 'chef@example.org, kein-mail' }, '„Weitere Empfänger“ (extraRecipients): muss eine E-Mail-Adresse sein'],
    [{ extraRecipients: Array.from({ length: 21 }, (_, i) => `a${i}@example.org`) }, '(extraRecipients): höchstens 20 Adressen'],
    [{ mailAttachMaxMb: 0 }, '„Größter E-Mail-Anhang (MB)“ (mailAttachMaxMb): muss eine positive Zahl sein'],
    [{ drill: 'monthly' }, '„Wiederherstellungstest“ (drill): muss daily, weekly oder off sein'],
    [{ keep: 5, passwort: 'x' }, '„passwort“: ist keine Einstellung'],
    [null, '„Einstellungen“: müssen ein JSON-Objekt sein'],
  ])('refuses %j naming the field in German', (input, message) => {
    const refused = refusal(input);
    expect(refused.code).toBe('INVALID_INPUT');
    expect(refused.message.startsWith('Ungültige Einstellung ')).toBe(true);
    expect(refused.message).toContain(message);
  });

  it('lists every bad field in the details, for the form', () => {
    expect(refusal({ keep: 0, drill: 'x', timeZone: 'Europe/Berlin' }).fields).toEqual({
      keep: 'muss mindestens 1 sein',
      drill: 'muss daily, weekly oder off sein',
    });
  });

  it.each([
    ['BACKUP_TIMES', 'backupTimes', '24:00'],
    ['BACKUP_TIMEZONE', 'timeZone', 'Berlin'],
    ['BACKUP_KEEP', 'keep', '0'],
    ['BACKUP_KEEP_PRE_RESTORE', 'keepPreRestore', '99999'],
    ['MAIL_ATTACH_MAX_MB', 'mailAttachMaxMb', '0'],
  ])('says %s and %s are wrong in the same words', (variable, field, value) => {
    const settingsMessage = refusal({ [field]: value }).fields[field]!;
    expect(() => loadConfig({ [variable]: value })).toThrow(`${variable} ${settingsMessage}`);
  });

  it('takes its defaults from the environment', () => {
    const config = loadConfig({ BACKUP_TIMES: '05:00', BACKUP_KEEP: '12', BACKUP_KEEP_WEEKLY: '4', MAIL_ATTACH_MAX_MB: '10', BACKUP_DRILL: 'daily' });
    const defaults = settingsDefaultsFrom(config);
    expect(defaults).toEqual({
      backupTimes: ['05:00'],
      timeZone: 'Europe/Berlin',
      keep: 12,
      keepManual: 5,
      keepPreRestore: 3,
      keepDaily: 0,
      keepWeekly: 4,
      keepMonthly: 0,
      mailEnabled: false,
      extraRecipients: [],
      mailAttachMaxMb: 10,
      drill: 'daily',
    });
    expect(Object.keys(defaults).sort()).toEqual([...SETTINGS_FIELD_NAMES].sort());
    expect(parseSettingsPatch(defaults)).toEqual(defaults);
    expect(retentionRulesFrom(defaults)).toEqual({ keepLast: 12, keepManual: 5, keepPreRestore: 3, keepDaily: 0, keepWeekly: 4, keepMonthly: 0, timeZone: 'Europe/Berlin' });
  });
});

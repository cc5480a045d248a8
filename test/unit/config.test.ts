import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment', () => {
    const config = loadConfig({}, '/srv/scandy');
    expect(config.backupDir).toBe('/srv/scandy/backups');
    expect(config.logDir).toBe('/srv/scandy/logs');
    expect(config.backupTimes).toEqual(['06:00', '18:00']);
    expect(config.backupTimezone).toBe('Europe/Berlin');
    expect(config.backupKeep).toBe(10);
    expect([config.backupKeepManual, config.backupKeepPreRestore]).toEqual([5, 3]);
    expect([config.backupKeepDaily, config.backupKeepWeekly, config.backupKeepMonthly]).toEqual([0, 0, 0]);
    expect(config.backupCollections).toEqual([...SCANDY_COLLECTIONS]);
    expect(config.mongodbUri).toBeUndefined();
    expect(config.smtp).toBeUndefined();
    expect(config.mailAttachMaxBytes).toBe(18 * 1024 * 1024);
    expect(config.backupDrill).toBe('weekly');
    expect(config.backupDrillDb).toBe('scandy_restore_test');
    expect(config.backupMinFreeMb).toBe(100);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads the restore drill schedule and its scratch database', () => {
    expect(loadConfig({ MONGODB_DB: 'werkstatt', BACKUP_DRILL: 'daily' })).toMatchObject({ backupDrill: 'daily', backupDrillDb: 'werkstatt_restore_test' });
    expect(loadConfig({ BACKUP_DRILL: 'off', BACKUP_DRILL_DB: 'probe' })).toMatchObject({ backupDrill: 'off', backupDrillDb: 'probe' });
  });

  it('reads the retention counts and tiers', () => {
    const config = loadConfig({
      BACKUP_KEEP_MANUAL: '8',
      BACKUP_KEEP_PRE_RESTORE: '1',
      BACKUP_KEEP_DAILY: '7',
      BACKUP_KEEP_WEEKLY: '4',
      BACKUP_KEEP_MONTHLY: '12',
    });
    expect(config).toMatchObject({ backupKeepManual: 8, backupKeepPreRestore: 1, backupKeepDaily: 7, backupKeepWeekly: 4, backupKeepMonthly: 12 });
  });

  it('wires the bucket in: off without BACKUP_S3_URL, without BACKUP_S3_KEEP the bucket follows BACKUP_KEEP in force', () => {
    expect(loadConfig({}).s3).toBeUndefined();
    expect(loadConfig({ BACKUP_S3_URL: 's3://scandy-backups/werkstatt', BACKUP_KEEP: '4' }).s3).toEqual({
      bucket: 'scandy-backups',
      prefix: 'werkstatt',
      url: 's3://scandy-backups/werkstatt',
      keep: undefined,
      forcePathStyle: false,
    });
    expect(loadConfig({ BACKUP_S3_URL: 's3://abc', BACKUP_S3_KEEP: '30', BACKUP_S3_FORCE_PATH_STYLE: 'true' }).s3).toMatchObject({ keep: 30, forcePathStyle: true });
    expect(() => loadConfig({ BACKUP_S3_URL: 's3://Falsch' })).toThrow(/^Ungültige Konfiguration: BACKUP_S3_URL /);
  });

  it('reads BACKUP_MIN_FREE_MB', () => {
    expect(loadConfig({ BACKUP_MIN_FREE_MB: '2048' }).backupMinFreeMb).toBe(2048);
    expect(loadConfig({ BACKUP_MIN_FREE_MB: '0' }).backupMinFreeMb).toBe(0);
  });

  it('sorts and de-duplicates backup times', () => {
    expect(loadConfig({ BACKUP_TIMES: '18:00, 06:00,18:00' }).backupTimes).toEqual(['06:00', '18:00']);
  });

  it.each([
    ['BACKUP_KEEP', 'zehn'],
    ['BACKUP_KEEP', '0'],
    ['BACKUP_KEEP_MANUAL', '0'],
    ['BACKUP_KEEP_PRE_RESTORE', 'drei'],
    ['BACKUP_KEEP_DAILY', '-1'],
    ['BACKUP_KEEP_WEEKLY', '1.5'],
    ['BACKUP_KEEP_MONTHLY', '10001'],
    ['BACKUP_MIN_FREE_MB', 'viel'],
    ['BACKUP_MIN_FREE_MB', '-5'],
    ['BACKUP_PING_URL', 'ftp://hc-ping.com/abc'],
    ['METRICS_TOKEN', 'kurz'],
    ['BACKUP_TIMES', '25:00'],
    ['BACKUP_TIMES', '6 Uhr'],
    ['BACKUP_TIMEZONE', 'Mars/Olympus'],
    ['PORT', '70000'],
    ['MONGODB_URI', 'postgres://x'],
    ['BACKUP_COLLECTIONS', 'tools,../etc'],
    ['SMTP_PORT', 'abc'],
    ['ADMIN_EMAIL', 'not-an-email'],
    ['MAIL_ATTACH_MAX_MB', '-3'],
    ['TRUST_PROXY', 'alle'],
    ['BACKUP_DRILL', '0 4 * * 0'],
    ['BACKUP_DRILL_DB', 'a b'],
    ['SMTP_TLS', 'aus'],
    ['BACKUP_ENCRYPTION_RECIPIENTS', 'age1abc'],
    ['BACKUP_ENCRYPTION_RECIPIENTS', 'AGE-SECRET-KEY-1GEHEIM'],
    ['SMTP_URL', 'smtp://mail.example.org:25?ignoreTLS=true'],
  ])('refuses %s=%s with one line naming the variable', (variable, value) => {
    let message = '';
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(variable);
    expect(message.split('\n')).toHaveLength(1);
  });

  it.each([
    ['BACKUP_KEEP', 'zehn', 'BACKUP_KEEP muss eine ganze Zahl von 1 bis 10000 sein (erhalten: "zehn")'],
    ['BACKUP_KEEP', '0', 'BACKUP_KEEP muss mindestens 1 sein (erhalten: "0")'],
    ['BACKUP_KEEP', '10001', 'BACKUP_KEEP darf höchstens 10000 sein (erhalten: "10001")'],
    ['BACKUP_TIMES', '25:00', 'BACKUP_TIMES muss eine kommagetrennte Liste von Uhrzeiten HH:MM sein (00:00 bis 23:59) (erhalten: "25:00")'],
    ['BACKUP_TIMES', ',', 'BACKUP_TIMES muss eine kommagetrennte Liste von Uhrzeiten HH:MM sein (00:00 bis 23:59) (erhalten: ",")'],
    ['BACKUP_TIMEZONE', 'Mars/Olympus', 'BACKUP_TIMEZONE muss eine IANA-Zeitzone wie Europe/Berlin sein (erhalten: "Mars/Olympus")'],
    ['MAIL_ATTACH_MAX_MB', '-3', 'MAIL_ATTACH_MAX_MB muss eine positive Zahl sein (erhalten: "-3")'],
    ['MAIL_ATTACH_MAX_MB', '0', 'MAIL_ATTACH_MAX_MB muss eine positive Zahl sein (erhalten: "0")'],
    ['PORT', '1.5', 'PORT muss eine ganze Zahl von 0 bis 65535 sein (erhalten: "1.5")'],
    ['BACKUP_DRILL', 'monatlich', 'BACKUP_DRILL muss daily, weekly oder off sein (erhalten: "monatlich")'],
    ['BACKUP_DRILL_DB', 'test/db', 'BACKUP_DRILL_DB muss ein Datenbankname sein (Buchstaben, Ziffern, _ und -) (erhalten: "test/db")'],
    ['BACKUP_DRILL_DB', 'scandy', 'BACKUP_DRILL_DB darf nicht die Datenbank der App (MONGODB_DB) sein (erhalten: "scandy")'],
  ])('says %s=%s is wrong in the same words as always', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(`Ungültige Konfiguration: ${message}`);
  });

  it('never echoes a secret value in its error', () => {
    let message = '';
    try {
      loadConfig({ MONGODB_URI: 'http://admin:hunter2@db' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('MONGODB_URI');
    expect(message).not.toContain('hunter2');
  });

  it.each([
    [undefined, false],
    ['false', false],
    ['2', 2],
    ['10.0.0.1, 10.0.0.2', '10.0.0.1, 10.0.0.2'],
    ['loopback,172.16.0.0/12 , fd00::/8', 'loopback, 172.16.0.0/12, fd00::/8'],
  ])('reads TRUST_PROXY=%s', (value, expected) => {
    expect(loadConfig(value === undefined ? {} : { TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it('refuses TRUST_PROXY=true with one German line saying why and what to set instead', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow(
      /^Ungültige Konfiguration: TRUST_PROXY darf nicht true sein \(dann gibt jeder Client mit X-Forwarded-For eine beliebige Adresse vor\); die Anzahl der Proxys vor der App \(z\. B\. 1\) oder ihre Adressen angeben \(erhalten: "true"\)$/,
    );
  });

  it.each(['10.0.0.300', '10.0.0.0/33', 'fd00::/129', '10.0.0.1/8/8', 'localhost', 'yes', '1.5', '10.0.0.1,'])('refuses TRUST_PROXY=%s', (value) => {
    expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^Ungültige Konfiguration: TRUST_PROXY muss false, die Anzahl der Proxys/);
  });

  it('builds SMTP settings from the SMTP_* variables', () => {
    const config = loadConfig({ SMTP_HOST: 'mail.example.org', SMTP_PORT: '465', SMTP_USER: 'u', SMTP_PASS: 'p' });
    expect(config.smtp).toEqual({ host: 'mail.example.org', port: 465, secure: true, user: 'u', pass: 'p' });
  });

  it('requires TLS for SMTP unless SMTP_TLS=off is set explicitly', () => {
    expect(loadConfig({ SMTP_HOST: 'mail.example.org' }).smtp?.allowPlaintext).toBeUndefined();
    expect(loadConfig({ SMTP_HOST: 'mail.example.org', SMTP_TLS: 'on' }).smtp?.allowPlaintext).toBeUndefined();
    expect(loadConfig({ SMTP_URL: 'smtp://mail.example.org:25', SMTP_TLS: 'off' }).smtp).toEqual({ url: 'smtp://mail.example.org:25', allowPlaintext: true });
  });

  it('reads the encryption keys: recipients de-duplicated, the identity file resolved, both off by default', () => {
    const recipient = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
    expect(loadConfig({}, '/srv').encryptionRecipients).toEqual([]);
    expect(loadConfig({}, '/srv').encryptionIdentityFile).toBeUndefined();
    const config = loadConfig({ BACKUP_ENCRYPTION_RECIPIENTS: ` ${recipient}, ${recipient}`, BACKUP_ENCRYPTION_IDENTITY_FILE: 'keys/server.txt' }, '/srv');
    expect(config.encryptionRecipients).toEqual([recipient]);
    expect(config.encryptionIdentityFile).toBe('/srv/keys/server.txt');
  });

  it('refuses a secret key as recipient without repeating it', () => {
    const secret = 'AGE-SECRET-KEY-1GFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPYYSJZGFPQ4EGAEX';
    expect(() => loadConfig({ BACKUP_ENCRYPTION_RECIPIENTS: secret })).toThrow(/^Ungültige Konfiguration: BACKUP_ENCRYPTION_RECIPIENTS: Eintrag 1 ist ein GEHEIMER Schlüssel/);
    expect(() => loadConfig({ BACKUP_ENCRYPTION_RECIPIENTS: secret })).not.toThrow(/GFPYY/);
  });
});

import { describe, expect, it } from 'vitest';
import type { BackupResult } from '../../src/backup/create-backup.js';
import { backupSucceededMail } from '../../src/mail/backup-mails.js';
import { NO_RECIPIENTS_REASON, createBackupNotifier } from '../../src/mail/backup-notifier.js';
import type { MailMessage, Mailer } from '../../src/mail/mailer.js';
import { rememberingRecipients } from '../../src/mail/recipients.js';
import { MAIL_OFF_REASON, describeSmtp, mailStatusOf } from '../../src/mail/smtp-mailer.js';

const MiB = 1024 * 1024;

function result(size: number): BackupResult {
  const name = 'scandy-backup-20260610T160000123Z-auto.zip';
  return {
    backup: { name, createdAt: new Date('2026-06-10T16:00:00.123Z'), kind: 'auto', path: `/srv/backups/${name}`, size },
    manifest: { collections: [{ name: 'tools', count: 1501 }, { name: 'ticket_notes', count: 0 }] },
    documents: 1501,
    durationMs: 4100,
    pruned: ['scandy-backup-20260101T050000000Z-auto.zip'],
  } as unknown as BackupResult;
}

function rig(mailer: Mailer | undefined, recipients: string[] = ['admin@example.org']) {
  const log: string[] = [];
  const notifier = createBackupNotifier({
    mailer,
    recipients: async () => ({ recipients, note: undefined }),
    log: (m) => log.push(m),
    attachMaxBytes: 18 * MiB,
    timeZone: 'Europe/Berlin',
    redact: (t) => t.replaceAll('geheim', '***'),
    clock: { now: () => new Date('2026-06-10T16:05:00Z') },
  });
  return { notifier, log };
}

describe('the success mail', () => {
  it('attaches an archive up to the limit as application/zip under its own name', () => {
    const mail = backupSucceededMail(result(18 * MiB), { trigger: 'Zeitplan', attachMaxBytes: 18 * MiB, timeZone: 'Europe/Berlin' });
    expect(mail.subject).toBe('Scandy-Backup erfolgreich: scandy-backup-20260610T160000123Z-auto.zip');
    expect(mail.attachments).toEqual([
      { filename: 'scandy-backup-20260610T160000123Z-auto.zip', path: '/srv/backups/scandy-backup-20260610T160000123Z-auto.zip', contentType: 'application/zip' },
    ]);
    expect(mail.text).toMatch(/Erstellt: +2026-06-10 18:00 \(Europe\/Berlin\)/);
    expect(mail.text).toMatch(/Auslöser: +Zeitplan/);
    expect(mail.text).toContain('tools: 1.501 Dokumente');
    expect(mail.text).toContain('als Anhang beigefügt');
    expect(mail.text).toContain('Nach der Aufbewahrungsregel gelöscht: scandy-backup-20260101T050000000Z-auto.zip');
  });

  it('attaches an encrypted archive as it is stored, saying how to decrypt it', () => {
    const plain = result(MiB);
    const name = 'scandy-backup-20260610T160000123Z-auto.zip.age';
    const sealed = { ...plain, backup: { ...plain.backup, name, path: `/srv/backups/${name}`, encrypted: true } } as BackupResult;
    const mail = backupSucceededMail(sealed, { trigger: 'Zeitplan', attachMaxBytes: 18 * MiB, timeZone: 'Europe/Berlin' });
    expect(mail.attachments).toEqual([{ filename: name, path: `/srv/backups/${name}`, contentType: 'application/octet-stream' }]);
    expect(mail.text).toContain('mit age verschlüsselt');
    expect(mail.text).not.toContain('AGE-SECRET-KEY-1');
  });

  it('names a larger archive with its size and where to download it instead of attaching it', () => {
    const mail = backupSucceededMail(result(18 * MiB + 1), { trigger: 'Zeitplan', attachMaxBytes: 18 * MiB, timeZone: 'Europe/Berlin' });
    expect(mail.attachments).toEqual([]);
    expect(mail.text).toContain('18,0 MiB groß und damit größer als die Grenze für E-Mail-Anhänge (18,0 MiB)');
    expect(mail.text).toContain('NICHT angehängt');
    expect(mail.text).toContain('/admin/backups');
    expect(mail.text).toContain('Datei scandy-backup-20260610T160000123Z-auto.zip');
  });
});

describe('the notifier', () => {
  it('logs a sent mail with its recipients and subject', async () => {
    const sent: MailMessage[] = [];
    const recording = {
      send: async (m: MailMessage) => {
        sent.push(m);
        return { response: '250 OK' };
      },
    };
    const { notifier, log } = rig(recording, ['admin@example.org', 'chef@example.org']);
    expect(await notifier.backupFailed('Passwort geheim abgelehnt', { trigger: 'Zeitplan' })).toMatchObject({ sent: true });
    expect(sent[0]).toMatchObject({ to: ['admin@example.org', 'chef@example.org'], subject: 'Scandy-Backup FEHLGESCHLAGEN (Zeitplan)' });
    expect(sent[0]?.text).toMatch(/Grund: +Passwort \*\*\* abgelehnt/);
    expect(log).toEqual(['E-Mail an admin@example.org, chef@example.org gesendet: Scandy-Backup FEHLGESCHLAGEN (Zeitplan)']);
  });

  it('logs a mail the server refused as not sent, with the reason, and never throws', async () => {
    const { notifier, log } = rig({
      send: async () => {
        throw new Error("Can't send mail - all recipients were rejected: 550 Postfach unbekannt\nmore");
      },
    });
    const outcome = await notifier.backupSucceeded(result(1), { trigger: 'Zeitplan' });
    expect(outcome).toMatchObject({ sent: false, reason: "Can't send mail - all recipients were rejected: 550 Postfach unbekannt" });
    expect(log).toEqual([
      "E-Mail nicht gesendet (Can't send mail - all recipients were rejected: 550 Postfach unbekannt): Scandy-Backup erfolgreich: scandy-backup-20260610T160000123Z-auto.zip",
    ]);
    expect(log.some((line) => line.includes(' gesendet:') && !line.includes('nicht gesendet'))).toBe(false);
  });

  it('logs a mail without recipients as not sent', async () => {
    const { notifier, log } = rig({ send: async () => ({ response: '250 OK' }) }, []);
    expect(await notifier.watchdogAlert({ lastSuccessAt: undefined, since: new Date(0), thresholdHours: 26, hoursWithout: 30, schedulerEnabled: true })).toMatchObject({
      sent: false,
      reason: NO_RECIPIENTS_REASON,
    });
    expect(log[0]).toBe(`E-Mail nicht gesendet (${NO_RECIPIENTS_REASON}): WARNUNG: seit 30 Stunden kein erfolgreiches Scandy-Backup`);
  });

  it('sends nothing and logs nothing per mail when mail is off (that is said once at start)', async () => {
    const { notifier, log } = rig(undefined);
    expect(await notifier.restoreFailed({ source: 'a.zip', step: 'load', reason: 'x' })).toMatchObject({ sent: false, reason: MAIL_OFF_REASON });
    expect(log).toEqual([]);
  });
});

describe('the mails about the safety archive of a restore', () => {
  it('says the restore succeeded, the safety archive is pending, where the replaced data is and what to do', async () => {
    const sent: MailMessage[] = [];
    const { notifier } = rig({ send: async (m) => { sent.push(m); return { response: '250 OK' }; } });
    const pending = { source: 'a.zip', reason: 'Backup fehlgeschlagen: ENOSPC', keptIn: ['scandy_backup_aside_ab12_tools'], actor: 'admin@example.org' };
    expect(await notifier.safetyArchivePending(pending)).toMatchObject({ sent: true });
    expect(sent[0]?.subject).toBe('Scandy-Wiederherstellung: Sicherungs-Backup steht noch aus (a.zip)');
    expect(sent[0]?.text).toContain('ist gelungen: die Daten des Backups sind wiederhergestellt');
    expect(sent[0]?.text).toContain('konnte aber noch NICHT geschrieben werden');
    expect(sent[0]?.text).toMatch(/Grund: +Backup fehlgeschlagen: ENOSPC/);
    expect(sent[0]?.text).toMatch(/Aufbewahrt in: +scandy_backup_aside_ab12_tools/);
    expect(sent[0]?.text).toContain('automatisch nachgeholt');
    expect(sent[0]?.text).toContain('Speicherplatz');
  });

  it('says when it was written after all', async () => {
    const sent: MailMessage[] = [];
    const { notifier } = rig({ send: async (m) => { sent.push(m); return { response: '250 OK' }; } });
    await notifier.safetyArchiveWritten({ source: 'a.zip', name: 'scandy-backup-20260610T160000123Z-pre-restore.zip' });
    expect(sent[0]?.subject).toBe('Scandy-Wiederherstellung: Sicherungs-Backup nachgeholt (scandy-backup-20260610T160000123Z-pre-restore.zip)');
    expect(sent[0]?.text).toMatch(/Sicherungs-Backup: +scandy-backup-20260610T160000123Z-pre-restore\.zip/);
    expect(sent[0]?.text).toContain('jetzt geschrieben und geprüft');
  });
});

describe('recipients while the database is down', () => {
  it('uses the last list read, else ADMIN_EMAIL, and says so', async () => {
    let up = false;
    const lookup = rememberingRecipients(async () => {
      if (!up) throw new Error('connect ECONNREFUSED');
      return ['admin@example.org'];
    }, ['fallback@example.org']);
    expect(await lookup()).toEqual({ recipients: ['fallback@example.org'], note: expect.stringContaining('ADMIN_EMAIL') as string });
    up = true;
    expect(await lookup()).toEqual({ recipients: ['admin@example.org'], note: undefined });
    up = false;
    expect(await lookup()).toMatchObject({ recipients: ['admin@example.org'], note: expect.stringContaining('zuletzt bekannte') as string });
  });
});

describe('mail status', () => {
  it('describes the transport and its TLS without credentials', () => {
    expect(describeSmtp({ url: 'smtps://user:Geheim@mail.example.org' })).toBe('smtps://mail.example.org:465 (TLS)');
    expect(describeSmtp({ url: 'smtp://user:Geheim@mail.example.org:2525' })).toBe('smtp://mail.example.org:2525 (STARTTLS Pflicht)');
    expect(describeSmtp({ host: 'mail.example.org', port: 587, secure: false, user: 'u', pass: 'Geheim' })).toBe('smtp://mail.example.org:587 (STARTTLS Pflicht)');
    expect(describeSmtp({ host: 'mail.example.org', port: 25, allowPlaintext: true })).toBe('smtp://mail.example.org:25 (ohne TLS erlaubt, SMTP_TLS=off)');
  });

  it('says why mail is off when no SMTP is configured', () => {
    expect(mailStatusOf({ smtp: undefined, mailFrom: 'a@b', mailAttachMaxBytes: 5 })).toEqual({
      enabled: false,
      description: `E-Mail-Versand aus: ${MAIL_OFF_REASON}`,
      from: 'a@b',
      attachMaxBytes: 5,
    });
  });
});

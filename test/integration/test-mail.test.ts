import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { createSmtpMailer, describeSmtp } from '../../src/mail/smtp-mailer.js';
import { sendTestMail, TEST_MAIL_SUBJECT } from '../../src/mail/test-mail.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';

const at = new Date('2026-06-10T16:00:00Z');
const recipients = ['admin@example.org', 'werkstatt@example.org'];
const servers: TestSmtpServer[] = [];

async function server(options?: Parameters<typeof startSmtpServer>[0]): Promise<TestSmtpServer> {
  const started = await startSmtpServer(options);
  servers.push(started);
  return started;
}

/** The test servers speak no TLS: SMTP_TLS=off allows that (ignored where TLS is not yet required). */
function mailerFor(url: string) {
  const smtp = loadConfig({ SMTP_URL: url, SMTP_TLS: 'off' }).smtp!;
  return { mailer: createSmtpMailer(smtp, 'Scandy Backup <backup@example.org>'), server: describeSmtp(smtp) };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('sendTestMail against a real SMTP server', () => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await server();
  });

  it('sends a German test mail to every recipient and returns the server’s answer', async () => {
    const { mailer, server: described } = mailerFor(smtp.url);
    const result = await sendTestMail(mailer, recipients, { at, timeZone: 'Europe/Berlin', server: described, actor: 'chef@example.org' });

    expect(result).toEqual({ sent: true, recipients, subject: TEST_MAIL_SUBJECT, response: '250 OK: message queued' });
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelopeTo).toEqual(recipients);
    expect(mail!.subject).toBe('Scandy-Backup: Test-E-Mail');
    expect(mail!.text).toContain('dies ist eine Test-E-Mail des Scandy-Backup-Systems');
    expect(mail!.text).toContain('Gesendet:   2026-06-10 18:00 (Europe/Berlin), angefordert von chef@example.org');
    expect(mail!.text).toContain(`Server:     smtp://127.0.0.1:${smtp.port}`);
    expect(mail!.text).toContain('Empfänger:  admin@example.org, werkstatt@example.org');
  });

  it('says in German when nobody listens on the port', async () => {
    const { mailer, server: described } = mailerFor(`smtp://127.0.0.1:${await freePort()}`);
    const result = await sendTestMail(mailer, recipients, { at, timeZone: 'Europe/Berlin', server: described });
    expect(result).toMatchObject({ sent: false, problem: 'refused' });
    expect(result.sent || result.message).toBe('Der SMTP-Server lehnt die Verbindung ab (läuft er, stimmt der Port?). Prüfen Sie die SMTP-Einstellungen (Rechner und Port).');
  });

  it('says in German when the password is wrong, with the server’s answer and without the password', async () => {
    const guarded = await server({ credentials: { user: 'backup', pass: 'richtig' } });
    const { mailer, server: described } = mailerFor(`smtp://backup:falsch-geheim@127.0.0.1:${guarded.port}`);
    const result = await sendTestMail(mailer, recipients, { at, timeZone: 'Europe/Berlin', server: described });
    expect(result).toMatchObject({ sent: false, problem: 'auth-failed' });
    expect(result.sent || result.message).toBe(
      'Anmeldung am SMTP-Server fehlgeschlagen: Benutzername oder Passwort falsch. Antwort des Servers: „535 Anmeldung abgelehnt“. Prüfen Sie die SMTP-Einstellungen (SMTP_USER, SMTP_PASS).',
    );
    expect(JSON.stringify(result)).not.toContain('falsch-geheim');
    expect(guarded.received).toHaveLength(0);
  });

  it('says in German when a login is required but none is configured', async () => {
    const guarded = await server({ credentials: { user: 'backup', pass: 'richtig' } });
    const { mailer, server: described } = mailerFor(`smtp://127.0.0.1:${guarded.port}`);
    const result = await sendTestMail(mailer, recipients, { at, timeZone: 'Europe/Berlin', server: described });
    expect(result).toMatchObject({ sent: false, problem: 'auth-required' });
  });

  it('names the rejected recipients and the server’s answer', async () => {
    const strict = await server({ rejectRecipients: '550 Postfach unbekannt' });
    const { mailer, server: described } = mailerFor(strict.url);
    const result = await sendTestMail(mailer, recipients, { at, timeZone: 'Europe/Berlin', server: described });
    expect(result).toMatchObject({ sent: false, problem: 'recipient-rejected' });
    expect(result.sent || result.message).toBe(
      'Der SMTP-Server hat die Empfänger admin@example.org, werkstatt@example.org abgelehnt. Antwort des Servers: „550 Postfach unbekannt“. Prüfen Sie die Adressen.',
    );
  });

  it('says it is a TLS problem when TLS is spoken to a server that does not', async () => {
    const { mailer, server: described } = mailerFor(`smtps://127.0.0.1:${smtp.port}`);
    const result = await sendTestMail(mailer, recipients, { at, timeZone: 'Europe/Berlin', server: described });
    expect(result).toMatchObject({ sent: false, problem: 'tls' });
    expect(result.sent || result.message).toBe(
      'Verschlüsselte Verbindung (TLS) zum SMTP-Server fehlgeschlagen. Grund: wrong version number. Prüfen Sie die SMTP-Einstellungen: Port 465 verlangt SMTP_SECURE=true (oder smtps://), Port 587 STARTTLS.',
    );
  });

  it('sends nothing when mail is off or nobody would receive it', async () => {
    const before = smtp.received.length;
    expect(await sendTestMail(undefined, recipients, { at, timeZone: 'UTC', server: '' })).toMatchObject({
      sent: false,
      problem: 'mail-off',
      message: 'E-Mail-Versand ist aus: kein SMTP-Server konfiguriert (SMTP_URL oder SMTP_HOST setzen).',
    });
    const { mailer, server: described } = mailerFor(smtp.url);
    expect(await sendTestMail(mailer, [], { at, timeZone: 'UTC', server: described })).toMatchObject({ sent: false, problem: 'no-recipients' });
    expect(smtp.received.length).toBe(before);
  });
});

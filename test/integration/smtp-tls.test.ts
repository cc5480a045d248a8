import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { SmtpConfig } from '../../src/config/smtp-config.js';
import { createSmtpMailer } from '../../src/mail/smtp-mailer.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';

const LOGIN = { user: 'backup', pass: 'Smtp-Geheim-77' };
const FROM = 'Scandy Backup <backup@example.org>';
const servers: TestSmtpServer[] = [];
let certificate = { key: '', cert: '' };

beforeAll(async () => {
  // A certificate made here, for 127.0.0.1 (selfsigned adds the address for CN=localhost).
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec' });
  certificate = { key: pems.private, cert: pems.cert };
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function server(tls?: 'starttls' | 'implicit'): Promise<TestSmtpServer> {
  const started = await startSmtpServer({
    credentials: LOGIN,
    ...(tls ? { tls: { ...certificate, implicit: tls === 'implicit' } } : {}),
  });
  servers.push(started);
  return started;
}

function smtpFor(target: TestSmtpServer, env: Record<string, string> = {}): SmtpConfig {
  const url = target.url.replace('://', `://${LOGIN.user}:${LOGIN.pass}@`);
  const smtp = loadConfig({ SMTP_URL: url, ...env }).smtp;
  if (!smtp) throw new Error('no SMTP configuration');
  return smtp;
}

const message = { to: ['admin@example.org'], subject: 'Scandy-Backup erfolgreich: Test', text: 'Hallo' };

describe('SMTP with TLS required (the default)', () => {
  it('sends over STARTTLS; the login and the message go over TLS only', async () => {
    const starttls = await server('starttls');
    await createSmtpMailer(smtpFor(starttls), FROM, { trustedCertificates: certificate.cert }).send(message);
    const [mail] = await starttls.waitFor(1);
    expect(mail).toMatchObject({ subject: message.subject, secure: true });
    expect(starttls.logins).toEqual([{ user: LOGIN.user, secure: true }]);
  });

  it('sends with implicit TLS (smtps://)', async () => {
    const implicit = await server('implicit');
    await createSmtpMailer(smtpFor(implicit), FROM, { trustedCertificates: certificate.cert }).send(message);
    expect((await implicit.waitFor(1))[0]?.secure).toBe(true);
  });

  it('refuses a server that offers no STARTTLS before the password or the message is sent', async () => {
    const plain = await server();
    await expect(createSmtpMailer(smtpFor(plain), FROM).send(message)).rejects.toThrow(/STARTTLS|TLS/);
    expect(plain.logins).toEqual([]);
    expect(plain.received).toEqual([]);
  });

  it('checks the certificate: one nobody trusts is refused', async () => {
    const starttls = await server('starttls');
    await expect(createSmtpMailer(smtpFor(starttls), FROM).send(message)).rejects.toThrow(/certificate/i);
    expect(starttls.logins).toEqual([]);
    expect(starttls.received).toEqual([]);
  });
});

describe('SMTP_TLS=off', () => {
  it('sends to a plain-text server, as the operator asked for explicitly', async () => {
    const plain = await server();
    await createSmtpMailer(smtpFor(plain, { SMTP_TLS: 'off' }), FROM).send(message);
    expect((await plain.waitFor(1))[0]?.secure).toBe(false);
    expect(plain.logins).toEqual([{ user: LOGIN.user, secure: false }]);
  });
});

import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { MailMessage, Mailer } from '../../src/mail/mailer.js';
import { createSmtpMailer } from '../../src/mail/smtp-mailer.js';
import { TEST_MAIL_SUBJECT } from '../../src/mail/test-mail.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import request from 'supertest';
import { ADMIN, logLine, signIn, useWebApp } from './helpers/web-app.js';

let smtp: TestSmtpServer;
/** Where the app's mailer sends to now: the real test server, or a port nobody listens on. */
let target: Mailer | undefined;
const switchable: Mailer = { send: (message: MailMessage) => target!.send(message) };
const w = useWebApp({ mailer: switchable });

function mailerFor(url: string): Mailer {
  return createSmtpMailer(loadConfig({ SMTP_URL: url, SMTP_TLS: 'off' }).smtp!, 'Scandy Backup <backup@example.org>', {});
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp?.close();
});

describe('POST /admin/api/mail/test ("Test-E-Mail senden")', () => {
  it('offers the button on the auto-backup page', async () => {
    const admin = await signIn(w.app, ADMIN);
    expect((await admin.agent.get('/admin/auto-backup').expect(200)).text).toContain('data-action="test-mail">Test-E-Mail senden</button>');
  });

  it('sends the test mail to the admins through the real SMTP server and answers with its reply', async () => {
    target = mailerFor(smtp.url);
    const admin = await signIn(w.app, ADMIN);
    const res = await admin.agent.post('/admin/api/mail/test').set('x-csrf-token', admin.csrf).expect(200);
    expect(res.body).toMatchObject({ sent: true, recipients: [ADMIN.email], subject: TEST_MAIL_SUBJECT });
    expect(res.body.response).toMatch(/^250 /);
    const [mail] = await smtp.waitFor(1);
    expect(mail?.subject).toBe(TEST_MAIL_SUBJECT);
    expect(mail?.envelopeTo).toEqual([ADMIN.email]);
    expect(mail?.text).toContain(`angefordert von ${ADMIN.email}`);
    await logLine(w, `Test-E-Mail an ${ADMIN.email} gesendet`);
  });

  it('says in German what is wrong when the SMTP server cannot be reached, as 502', async () => {
    target = mailerFor(`smtp://127.0.0.1:${await unusedPort()}`);
    const admin = await signIn(w.app, ADMIN);
    const res = await admin.agent.post('/admin/api/mail/test').set('x-csrf-token', admin.csrf).expect(502);
    expect(res.body.error.code).toBe('MAIL_FAILED');
    expect(res.body.error.problem).toBe('refused');
    expect(res.body.error.message).toMatch(/SMTP/);
    await logLine(w, 'Test-E-Mail nicht gesendet');
  });

  it('needs the CSRF token and a signed-in admin', async () => {
    const admin = await signIn(w.app, ADMIN);
    await admin.agent.post('/admin/api/mail/test').expect(403);
    await request(w.app).post('/admin/api/mail/test').expect(401);
  });
});

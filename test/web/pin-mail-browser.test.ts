import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MAIL_SUBJECT } from '../../src/mail/test-mail.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { ADMIN, logLine, useWebApp } from './helpers/web-app.js';

const CHROMIUM = '/usr/bin/chromium';
const EXTRA = 'werkstatt@example.org';
let smtp: TestSmtpServer;
const env: Record<string, string> = { BACKUP_KEEP_MANUAL: '2', SMTP_TLS: 'off' };

// Registered before useWebApp's own beforeAll, so the app starts with the SMTP server's URL, as from .env.
beforeAll(async () => {
  smtp = await startSmtpServer();
  env.SMTP_URL = smtp.url;
});
const w = useWebApp({ env });
let server: http.Server;
let base = '';
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 200 });
  for (let i = 0; i < 2; i++) await w.manager.create({ kind: 'manual', actor: ADMIN.email });
  server = http.createServer(w.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await (await browser.newContext({ locale: 'de-DE' })).newPage();
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  await page.goto(`${base}/login`);
  await page.getByLabel('E-Mail-Adresse').fill(ADMIN.email);
  await page.getByLabel('Passwort').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${base}/admin`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
  await smtp?.close();
});

describe('pins and the test mail in a real Chromium', () => {
  it('"Behalten" pins a backup: the retention keeps it while newer manual backups push others out', async () => {
    const [, oldest] = (await w.manager.list()).map((b) => b.name);
    await page.goto(`${base}/admin/backups`);
    const row = page.locator(`tr[data-name="${oldest}"]`);
    await row.getByRole('button', { name: 'Behalten', exact: true }).click();
    await page.locator('#message', { hasText: `${oldest} wird behalten und nie automatisch gelöscht.` }).waitFor();
    await page.waitForLoadState('load');
    await row.locator('[data-role="pinned"]', { hasText: 'behalten' }).waitFor();
    expect(await w.manager.pinnedNames()).toEqual(new Set([oldest]));

    // BACKUP_KEEP_MANUAL=2: two more manual backups would push the oldest out; pinned, it stays.
    for (let i = 0; i < 2; i++) await w.manager.create({ kind: 'manual', actor: ADMIN.email });
    const names = (await w.manager.list()).map((b) => b.name);
    expect(names).toContain(oldest);
    expect(names).toHaveLength(3);

    await page.reload();
    await row.getByRole('button', { name: 'Nicht mehr behalten' }).click();
    await page.locator('#message', { hasText: `${oldest} wird nicht mehr behalten.` }).waitFor();
    await row.getByRole('button', { name: 'Behalten', exact: true }).waitFor();
    expect(await w.manager.pinnedNames()).toEqual(new Set());
  });

  it('"Test-E-Mail senden" reaches the SMTP server, to the admins and the extra recipients of the settings, and shows its answer', async () => {
    await page.goto(`${base}/admin/auto-backup`);
    await page.locator('#settings-card').getByLabel('Weitere Empfänger').fill(EXTRA);
    await page.locator('#settings-card').getByRole('button', { name: 'Speichern' }).click();
    await page.locator('#settings-card [data-field="extraRecipients"] [data-role="source"]', { hasText: 'Einstellungen' }).waitFor();

    const before = smtp.received.length;
    await page.getByRole('button', { name: 'Test-E-Mail senden' }).click();
    const result = page.locator('[data-role="test-mail-result"]');
    await result.filter({ hasText: 'Antwort des Servers' }).waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toMatch(new RegExp(`^Test-E-Mail an ${ADMIN.email}, ${EXTRA} gesendet\\. Antwort des Servers: 250 `));
    const mail = (await smtp.waitFor(before + 1)).at(-1);
    expect(mail?.subject).toBe(TEST_MAIL_SUBJECT);
    expect(mail?.envelopeTo).toEqual([ADMIN.email, EXTRA]);
    expect(mail?.text).toContain(`angefordert von ${ADMIN.email}`);
    await logLine(w, `Test-E-Mail an ${ADMIN.email}, ${EXTRA} gesendet (${ADMIN.email})`);
    expect(problems).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_MAIL_SUBJECT } from '../../src/mail/test-mail.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { signInOnPage, useBrowserPage } from './helpers/browser-page.js';
import { ADMIN, logLine, useWebApp } from './helpers/web-app.js';

const EXTRA = 'werkstatt@example.org';
let smtp: TestSmtpServer;
const env: Record<string, string> = { BACKUP_KEEP_MANUAL: '2', SMTP_TLS: 'off' };

// Registered before useWebApp's own beforeAll, so the app starts with the SMTP server's URL, as from .env.
beforeAll(async () => {
  smtp = await startSmtpServer();
  env.SMTP_URL = smtp.url;
});
const w = useWebApp({ env });
const b = useBrowserPage(w);

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 200 });
  for (let i = 0; i < 2; i++) await w.manager.create({ kind: 'manual', actor: ADMIN.email });
  await signInOnPage(b.page, b.base, ADMIN);
});

afterAll(async () => {
  await smtp?.close();
});

describe('pins and the test mail in a real Chromium', () => {
  it('"Behalten" pins a backup: the retention keeps it while newer manual backups push others out', async () => {
    const [, oldest] = (await w.manager.list()).map((b) => b.name);
    await b.page.goto(`${b.base}/admin/backups`);
    const row = b.page.locator(`tr[data-name="${oldest}"]`);
    await row.getByRole('button', { name: 'Behalten', exact: true }).click();
    await b.page.locator('#message', { hasText: `${oldest} wird behalten und nie automatisch gelöscht.` }).waitFor();
    await b.page.waitForLoadState('load');
    await row.locator('[data-role="pinned"]', { hasText: 'behalten' }).waitFor();
    expect(await w.manager.pinnedNames()).toEqual(new Set([oldest]));

    // BACKUP_KEEP_MANUAL=2: two more manual backups would push the oldest out; pinned, it stays.
    for (let i = 0; i < 2; i++) await w.manager.create({ kind: 'manual', actor: ADMIN.email });
    const names = (await w.manager.list()).map((b) => b.name);
    expect(names).toContain(oldest);
    expect(names).toHaveLength(3);

    await b.page.reload();
    await row.getByRole('button', { name: 'Nicht mehr behalten' }).click();
    await b.page.locator('#message', { hasText: `${oldest} wird nicht mehr behalten.` }).waitFor();
    await row.getByRole('button', { name: 'Behalten', exact: true }).waitFor();
    expect(await w.manager.pinnedNames()).toEqual(new Set());
  });

  it('"Test-E-Mail senden" reaches the SMTP server, to the admins and the extra recipients of the settings, and shows its answer', async () => {
    await b.page.goto(`${b.base}/admin/auto-backup`);
    await b.page.locator('#settings-card').getByLabel('Weitere Empfänger').fill(EXTRA);
    await b.page.locator('#settings-card').getByRole('button', { name: 'Speichern' }).click();
    await b.page.locator('#settings-card [data-field="extraRecipients"] [data-role="source"]', { hasText: 'Einstellungen' }).waitFor();

    const before = smtp.received.length;
    await b.page.getByRole('button', { name: 'Test-E-Mail senden' }).click();
    const result = b.page.locator('[data-role="test-mail-result"]');
    await result.filter({ hasText: 'Antwort des Servers' }).waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toMatch(new RegExp(`^Test-E-Mail an ${ADMIN.email}, ${EXTRA} gesendet\\. Antwort des Servers: 250 `));
    const mail = (await smtp.waitFor(before + 1)).at(-1);
    expect(mail?.subject).toBe(TEST_MAIL_SUBJECT);
    expect(mail?.envelopeTo).toEqual([ADMIN.email, EXTRA]);
    expect(mail?.text).toContain(`angefordert von ${ADMIN.email}`);
    await logLine(w, `Test-E-Mail an ${ADMIN.email}, ${EXTRA} gesendet (${ADMIN.email})`);
    expect(b.problems).toEqual([]);
  });
});

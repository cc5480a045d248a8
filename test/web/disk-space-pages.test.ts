import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { MailMessage, Mailer } from '../../src/mail/mailer.js';
import { createSmtpMailer } from '../../src/mail/smtp-mailer.js';
import { formatBytes } from '../../src/shared/human-units.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { DISK_WATCH_COLLECTION, type DiskSpace } from '../../src/storage/disk-space.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { ADMIN, logLine, signIn, useWebApp, waitForIdle } from './helpers/web-app.js';

const MB = 1024 * 1024;
/** What the injected disk-space reader reports; each test sets it. */
let space: DiskSpace = { free: 600 * MB, total: 1000 * MB };
let smtp: TestSmtpServer;
let realMailer: Mailer | undefined;
const viaSmtp: Mailer = { send: (message: MailMessage) => realMailer!.send(message) };

const w = useWebApp({ mailer: viaSmtp, env: { BACKUP_MIN_FREE_MB: '100' }, readDiskSpace: async () => space });

beforeAll(async () => {
  smtp = await startSmtpServer();
  const smtpConfig = loadConfig({ SMTP_URL: smtp.url, SMTP_TLS: 'off' }).smtp!;
  realMailer = createSmtpMailer(smtpConfig, 'Scandy Backup <backup@example.org>');
  await seedDatabase(w.t.db, { docs: 100 });
});

afterAll(async () => {
  await smtp?.close();
});

describe('disk space of the backup volume on the pages and before each backup', () => {
  it('shows free and total space, what the backups take, growth per day and the days left', async () => {
    const admin = await signIn(w.app, ADMIN);
    await admin.agent.post('/admin/api/backups').set('x-csrf-token', admin.csrf).send({}).expect(202);
    expect(await waitForIdle(w.tracker)).toMatchObject({ ok: true });
    const [newest] = await w.manager.list();

    for (const page of ['/admin', '/admin/auto-backup']) {
      const html = (await admin.agent.get(page).expect(200)).text;
      expect(html).toContain('600,0 MiB frei von 1.000,0 MiB (60 %)');
      expect(html).toContain(`Belegt durch Backups</dt><dd data-role="disk-backups">${formatBytes(newest!.size)}</dd>`);
      expect(html).toContain(`Zuwachs pro Tag</dt><dd data-role="disk-growth">${formatBytes(newest!.size)}</dd>`);
      expect(html).toMatch(/Reicht noch<\/dt><dd data-role="disk-days-left">[\d.]+ Tage/);
      expect(html).not.toContain('data-role="disk-warning"');
    }
  });

  it('warns below 20 % free on the pages and mails the warning once per episode', async () => {
    const admin = await signIn(w.app, ADMIN);
    const before = smtp.received.length;
    space = { free: 150 * MB, total: 1000 * MB };
    for (const page of ['/admin', '/admin/auto-backup', '/admin']) {
      expect((await admin.agent.get(page).expect(200)).text).toContain('Wenig Speicherplatz: nur noch 15 % frei');
    }
    const mails = await smtp.waitFor(before + 1);
    expect(mails[before]?.subject).toBe('WARNUNG: wenig Speicherplatz für Scandy-Backups');
    expect(mails[before]?.text).toContain('nur noch 15 % frei');
    await logLine(w, 'Wenig Speicherplatz: nur noch 15 % frei');
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received).toHaveLength(before + 1);

    space = { free: 500 * MB, total: 1000 * MB };
    expect((await admin.agent.get('/admin').expect(200)).text).not.toContain('Wenig Speicherplatz');
    expect(await w.t.db.collection(DISK_WATCH_COLLECTION).countDocuments()).toBe(0);
    space = { free: 100 * MB + 5 * MB, total: 1000 * MB };
    await admin.agent.get('/admin').expect(200);
    await smtp.waitFor(before + 2);
  });

  it('refuses a backup below max(2 × newest archive, BACKUP_MIN_FREE_MB) in German, with a log line and a mail, and writes nothing', async () => {
    const admin = await signIn(w.app, ADMIN);
    const archives = (await w.manager.list()).length;
    const before = smtp.received.length;
    space = { free: 40 * MB, total: 1000 * MB };

    expect((await admin.agent.get('/admin').expect(200)).text).toContain('Nicht genug Speicherplatz für ein Backup');
    await admin.agent.post('/admin/api/backups').set('x-csrf-token', admin.csrf).send({}).expect(202);
    const last = await waitForIdle(w.tracker);
    expect(last).toMatchObject({ ok: false });
    expect(last?.message).toContain('Nicht genug Speicherplatz für ein Backup: frei sind 40,0 MiB, nötig sind mindestens 100,0 MiB (Mindestwert BACKUP_MIN_FREE_MB = 100)');
    expect(await w.manager.list()).toHaveLength(archives);
    await logLine(w, 'Nicht genug Speicherplatz für ein Backup');

    const mails = await smtp.waitFor(before + 1);
    const refused = mails.slice(before).find((m) => m.subject.includes('FEHLGESCHLAGEN'));
    expect(refused?.text).toContain('Nicht genug Speicherplatz für ein Backup');
  });
});

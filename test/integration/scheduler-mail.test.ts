import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem } from '../../src/app/compose.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { LOG_LINE_PATTERN } from '../../src/log/log-line.js';
import { useTestDatabase } from '../helpers/database.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-mail-');
const logDir = path.join(root, 'logs');
const SECRETS = {
  SMTP_PASS: 'Smtp-Geheim-42',
  ADMIN_PASSWORD: 'Admin-Geheim-43',
  SESSION_SECRET: 'Session-Geheimnis-0123456789',
  MONGO_PASS: 'Mongo-Geheim-44',
};
let smtp: TestSmtpServer;
let now = new Date();
const clock = { now: () => now };
let processes = 0;

function config(overrides: Record<string, string | undefined> = {}): Config {
  return loadConfig(
    {
      MONGODB_URI: `mongodb://backup:${SECRETS.MONGO_PASS}@db.example.org:27017/scandy`,
      BACKUP_DIR: path.join(root, `backups-${++processes}`),
      LOG_DIR: logDir,
      BACKUP_TIMES: '06:00,18:00',
      BACKUP_TIMEZONE: 'Europe/Berlin',
      SMTP_URL: smtp.url,
      SMTP_TLS: 'off', // the test server speaks plain SMTP; TLS itself: smtp-tls.test.ts
      MAIL_FROM: 'Scandy Backup <backup@example.org>',
      ADMIN_PASSWORD: SECRETS.ADMIN_PASSWORD,
      SESSION_SECRET: SECRETS.SESSION_SECRET,
      ...overrides,
    },
    root,
  );
}

/** One app process, composed as the app composes it, with a scheduler without cron. */
function appProcess(cfg: Config, db: Db = t.db, name = `host-test:${processes}`) {
  const automatic = composeBackupSystem({ config: cfg, db, clock, owner: name, lock: new MongoOperationLock(db, { owner: name }), ticker: false });
  return { automatic, manager: automatic.manager, tracker: automatic.tracker, scheduler: automatic.scheduler };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const logLines = () => readFileSync(path.join(logDir, 'auto_backup.log'), 'utf8').split('\n').filter(Boolean);

beforeAll(async () => {
  smtp = await startSmtpServer();
  await t.db.collection('tools').insertMany(
    Array.from({ length: 300 }, (_, i) => ({ _id: new ObjectId(), name: `Bohrmaschine ${i}`, barcode: `T${i}`, created_at: new Date() })),
  );
  await t.db.collection('users').insertMany([
    { username: 'admin', role: 'admin', email: 'admin@example.org', password_hash: 'x' },
    { username: 'chef', role: 'admin', email: ' chef@example.org ' },
    { username: 'ohne', role: 'admin', email: '' },
    { username: 'mitarbeiter', role: 'mitarbeiter', email: 'ma@example.org' },
  ]);
});

afterAll(async () => {
  await smtp.close();
});

describe('scheduled backups and their mail, on the real database and a real SMTP server', () => {
  it('a scheduled tick makes a backup and mails it to every admin with the archive attached', async () => {
    const cfg = config();
    const app = appProcess(cfg);
    now = new Date('2026-06-10T16:00:02Z'); // 18:00:02 in Berlin
    const outcome = await app.scheduler.tick();
    await app.automatic.close();

    expect(outcome.decision).toMatchObject({ kind: 'succeeded', trigger: 'Zeitplan', mail: { sent: true } });
    const [stored] = await app.manager.list();
    expect(stored?.name).toMatch(/^scandy-backup-20260610T160002\d{3}Z-auto\.zip$/);
    const [mail] = await smtp.waitFor(1);
    expect(mail?.envelopeTo).toEqual(['admin@example.org', 'chef@example.org']);
    expect(mail?.envelopeFrom).toBe('backup@example.org');
    expect(mail?.subject).toBe(`Scandy-Backup erfolgreich: ${stored?.name}`);
    expect(mail?.text).toContain('Auslöser:');
    expect(mail?.text).toContain('tools: 300 Dokumente');
    expect(mail?.attachments).toHaveLength(1);
    const attachment = mail!.attachments[0]!;
    expect(attachment.filename).toBe(stored?.name);
    expect(attachment.contentType).toBe('application/zip');
    expect(attachment.content.length).toBe(stored?.size);
    expect(sha256(attachment.content)).toBe(sha256(readFileSync(path.join(app.manager.backupDir, stored!.name))));
    expect(logLines()).toEqual(
      expect.arrayContaining([
        '[2026-06-10 18:00:02] Backup gestartet (automatisch, Zeitplan)',
        `[2026-06-10 18:00:02] E-Mail an admin@example.org, chef@example.org gesendet: Scandy-Backup erfolgreich: ${stored?.name}`,
      ]),
    );
  });

  it('a backup too large for mail is named with its size and where to download it, not attached', async () => {
    const cfg = config({ MAIL_ATTACH_MAX_MB: '0.000001' });
    expect(cfg.mailAttachMaxBytes).toBe(1);
    const app = appProcess(cfg);
    now = new Date('2026-06-11T04:00:01Z');
    const outcome = await app.scheduler.tick();
    await app.automatic.close();

    expect(outcome.decision).toMatchObject({ kind: 'succeeded', mail: { sent: true } });
    const [stored] = await app.manager.list();
    const mails = await smtp.waitFor(2);
    const mail = mails[1]!;
    expect(mail.attachments).toEqual([]);
    expect(mail.subject).toBe(`Scandy-Backup erfolgreich: ${stored?.name}`);
    expect(mail.text).toContain('NICHT angehängt');
    expect(mail.text).toMatch(/ist [\d,.]+ (B|KiB|MiB) groß und damit größer als die Grenze für E-Mail-Anhänge \(1 B\)/);
    expect(mail.text).toContain(`in Scandy unter /admin/backups („Alle Backups anzeigen“), Datei ${stored?.name}`);
  });

  it('a backup that fails because the database is unreachable sends the failure mail (to ADMIN_EMAIL, as the database cannot be asked)', async () => {
    const port = await closedPort();
    const dead = new MongoClient(`mongodb://127.0.0.1:${port}/?directConnection=true`, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
    const cfg = config({ ADMIN_EMAIL: 'notfall@example.org' });
    const app = appProcess(cfg, dead.db('scandy'));
    now = new Date('2026-06-11T16:00:03Z');
    try {
      const outcome = await app.scheduler.tick();
      expect(outcome.decision).toMatchObject({ kind: 'failed', trigger: 'Zeitplan', mail: { sent: true } });
      expect((await app.scheduler.tick(new Date('2026-06-11T16:01:00Z'))).decision.kind).toBe('taken');
    } finally {
      await app.automatic.close();
      await dead.close();
    }
    const mails = await smtp.waitFor(3);
    const mail = mails[2]!;
    expect(mail.envelopeTo).toEqual(['notfall@example.org']);
    expect(mail.subject).toBe('Scandy-Backup FEHLGESCHLAGEN (Zeitplan)');
    expect(mail.text).toMatch(/Grund: +Datenbank nicht erreichbar: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(mail.attachments).toEqual([]);
    expect(smtp.received).toHaveLength(3);
    const lines = logLines();
    expect(lines.some((l) => /^\[2026-06-11 18:00:0\d\] Backup fehlgeschlagen \(Zeitplan 2026-06-11 18:00\): /.test(l))).toBe(true);
    expect(lines.some((l) => l.includes('Empfänger nicht aus der Datenbank lesbar') && l.includes('ADMIN_EMAIL'))).toBe(true);
  });

  it('a backup that fails inside the engine (backup folder unusable) sends the failure mail to the admins', async () => {
    const cfg = config();
    writeFileSync(cfg.backupDir, 'keine Mappe');
    const app = appProcess(cfg);
    now = new Date('2026-06-12T04:00:00Z');
    const outcome = await app.scheduler.tick();
    await app.automatic.close();
    expect(outcome.decision).toMatchObject({ kind: 'failed', trigger: 'Zeitplan', mail: { sent: true } });
    const mail = (await smtp.waitFor(4))[3]!;
    expect(mail.envelopeTo).toEqual(['admin@example.org', 'chef@example.org']);
    expect(mail.subject).toBe('Scandy-Backup FEHLGESCHLAGEN (Zeitplan)');
    expect(mail.text).toMatch(/Grund: +.*(EEXIST|ENOTDIR)/);
    const status = await app.scheduler.status();
    expect(status.lastRun).toMatchObject({ ok: false, trigger: 'Zeitplan' });
    expect(logLines().filter((l) => l.startsWith('[2026-06-12 06:00:00] Backup fehlgeschlagen'))).toHaveLength(1);
  });

  it('an SMTP server that refuses the recipient leaves the backup intact and logs "nicht gesendet" with the reason', async () => {
    const refusing = await startSmtpServer({ rejectRecipients: '550 Postfach unbekannt' });
    const cfg = config({ SMTP_URL: refusing.url });
    const app = appProcess(cfg);
    now = new Date('2026-06-12T16:00:00Z');
    try {
      const outcome = await app.scheduler.tick();
      expect(outcome.decision).toMatchObject({ kind: 'succeeded', mail: { sent: false } });
      const [stored] = await app.manager.list();
      expect((await app.manager.verify({ name: stored!.name })).documents).toBe(300);
      expect((await app.scheduler.status()).lastRun).toMatchObject({ ok: true, backupName: stored!.name });
      await app.automatic.close();
      const lines = logLines().filter((l) => l.startsWith('[2026-06-12 18:00:00]'));
      expect(lines).toContainEqual(expect.stringMatching(/E-Mail nicht gesendet \(.*550 Postfach unbekannt.*\): Scandy-Backup erfolgreich: /));
      expect(lines.filter((l) => / gesendet: /.test(l) && !l.includes('nicht gesendet'))).toEqual([]);
      expect(refusing.received).toHaveLength(0);
    } finally {
      await refusing.close();
    }
  });

  it('an SMTP server that refuses the login leaves the backup intact and logs "nicht gesendet", without the password', async () => {
    const strict = await startSmtpServer({ credentials: { user: 'backup', pass: 'das-richtige' } });
    const cfg = config({ SMTP_URL: undefined, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(strict.port), SMTP_USER: 'backup', SMTP_PASS: SECRETS.SMTP_PASS });
    const app = appProcess(cfg);
    now = new Date('2026-06-13T04:00:00Z');
    try {
      const outcome = await app.scheduler.tick();
      expect(outcome.decision).toMatchObject({ kind: 'succeeded', mail: { sent: false } });
      expect((await app.manager.list())).toHaveLength(1);
      await app.automatic.close();
      expect(logLines()).toContainEqual(expect.stringMatching(/^\[2026-06-13 06:00:0\d\] E-Mail nicht gesendet \(.*535.*\): Scandy-Backup erfolgreich: /));
    } finally {
      await strict.close();
    }
  });

  it('mails a failed restore reported by the engine, and a manual backup on request', async () => {
    const cfg = config();
    const app = appProcess(cfg);
    now = new Date('2026-06-13T08:00:00Z');
    app.automatic.emit({ type: 'restore.failed', source: 'x.zip', step: 'load', reason: 'Wiederherstellung fehlgeschlagen beim Laden: E11000. Die Datenbank ist unverändert.', actor: 'admin@example.org' });
    await app.automatic.settled();
    const restoreMail = (await smtp.waitFor(5))[4]!;
    expect(restoreMail.subject).toBe('Scandy-Wiederherstellung FEHLGESCHLAGEN: x.zip');
    expect(restoreMail.text).toContain('Die Datenbank ist unverändert.');

    const result = await app.manager.create({ kind: 'manual', actor: 'admin@example.org' });
    await app.automatic.mailBackup(result, 'admin@example.org');
    await app.automatic.close();
    const manualMail = (await smtp.waitFor(6))[5]!;
    expect(manualMail.attachments[0]?.filename).toBe(result.backup.name);
    expect((await app.scheduler.status()).lastRun).toMatchObject({ ok: true, trigger: 'admin@example.org', backupName: result.backup.name });
  });

  it('wrote only well-formed lines, and no secret', () => {
    const text = readFileSync(path.join(logDir, 'auto_backup.log'), 'utf8');
    const lines = text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(15);
    for (const line of lines) expect(line).toMatch(LOG_LINE_PATTERN);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    for (const mail of smtp.received) for (const secret of Object.values(SECRETS)) expect(mail.raw).not.toContain(secret);
    if (process.env.SHOW_LOG) {
      mkdirSync('/tmp/scandy-log-excerpt', { recursive: true });
      writeFileSync('/tmp/scandy-log-excerpt/scheduler-mail.log', text);
    }
  });
});

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 1;
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentToLine } from '../../src/archive/extended-json.js';
import { composeBackupSystem, type BackupSystem } from '../../src/app/compose.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { loadConfig } from '../../src/config/config.js';
import { useTestDatabase } from '../helpers/database.js';
import { collectionFileText, writeHandmadeArchive } from '../helpers/handmade-archive.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-drill-');
let smtp: TestSmtpServer;
let system: BackupSystem;
let now = new Date('2026-12-05T12:00:00Z'); // Saturday
const logLines = () => readFileSync(path.join(root, 'logs', 'auto_backup.log'), 'utf8').split('\n').filter(Boolean);

beforeAll(async () => {
  smtp = await startSmtpServer();
  await t.db.collection('tools').insertMany(Array.from({ length: 120 }, (_, i) => ({ _id: new ObjectId(), name: `Säge ${i}`, barcode: `T${i}` })));
  await t.db.collection('users').insertOne({ username: 'admin', role: 'admin', email: 'admin@example.org' });
  const config = loadConfig(
    { MONGODB_DB: t.dbName, BACKUP_DIR: 'backups', LOG_DIR: 'logs', BACKUP_DRILL: 'weekly', SMTP_URL: smtp.url, SMTP_TLS: 'off' },
    root,
  );
  system = composeBackupSystem({ config, db: t.db, clock: { now: () => now }, ticker: false });
  await system.manager.ensureDir();
});

afterAll(async () => {
  await system.close();
  await smtp.close();
});

describe('scheduled restore drills, their log and their mail', () => {
  it('runs the weekly drill at its slot on Sunday 04:00 in BACKUP_TIMEZONE, once', async () => {
    await system.manager.create({ kind: 'manual', actor: 'test' });
    expect(await system.drills.tick()).toEqual({ kind: 'up-to-date', slot: new Date('2026-11-29T03:00:00Z') });

    now = new Date('2026-12-06T03:00:30Z'); // Sunday 04:00:30 in Berlin
    const outcome = await system.drills.tick();
    expect(outcome).toMatchObject({ kind: 'ran', slot: new Date('2026-12-06T03:00:00Z'), drill: { ok: true, documents: 120, actor: 'Zeitplan' } });
    now = new Date('2026-12-06T03:01:30Z');
    expect(await system.drills.tick()).toMatchObject({ kind: 'up-to-date' });
    expect(await system.drills.status()).toMatchObject({ schedule: 'weekly', nextRun: new Date('2026-12-13T03:00:00Z'), last: { ok: true } });
    expect(logLines().some((line) => line.includes('Wiederherstellungstest erfolgreich') && line.includes('120 Dokumente'))).toBe(true);
  });

  it('waits while a backup holds the lock, says so once in the log, and runs when it is free', async () => {
    now = new Date('2026-12-13T03:00:10Z');
    const lease = await new MongoOperationLock(t.db, { owner: 'other-host:1:x' }).acquire('backup');
    try {
      expect(await system.drills.tick()).toMatchObject({ kind: 'deferred', reason: expect.stringMatching(/^Ein Backup läuft bereits/) });
      expect(await system.drills.tick()).toMatchObject({ kind: 'deferred' });
    } finally {
      await lease.release();
    }
    expect(logLines().filter((line) => line.includes('Geplanter Wiederherstellungstest 2026-12-13 04:00 wartet'))).toHaveLength(1);
    expect(await system.drills.tick()).toMatchObject({ kind: 'ran', drill: { ok: true } });
  });

  it('mails the admins and logs when a drill fails', async () => {
    const lines = [documentToLine({ _id: new ObjectId(), name: 'Hobel' })];
    const held = collectionFileText(lines).replace('Hobel', 'Hobbl');
    writeHandmadeArchive(system.manager.backupDir, 'scandy-backup-20990101T000000000Z-manual.zip', t.dbName, [{ name: 'tools', promised: collectionFileText(lines), held }]);

    const result = await system.manager.drill({ actor: 'admin@example.org' });
    await system.settled();

    expect(result?.ok).toBe(false);
    const [mail] = await smtp.waitFor(1);
    expect(mail?.envelopeTo).toEqual(['admin@example.org']);
    expect(mail?.subject).toBe('Scandy-Wiederherstellungstest FEHLGESCHLAGEN: scandy-backup-20990101T000000000Z-manual.zip');
    expect(mail?.text).toContain('SHA-256-Prüfsumme stimmt nicht');
    expect(mail?.text).toContain('Die Daten von Scandy wurden dabei nicht berührt');
    expect(logLines().some((line) => line.includes('Wiederherstellungstest fehlgeschlagen (scandy-backup-20990101T000000000Z-manual.zip)'))).toBe(true);
  });

  it('does nothing when BACKUP_DRILL is off', async () => {
    const config = loadConfig({ MONGODB_DB: t.dbName, BACKUP_DIR: 'backups', LOG_DIR: 'logs', BACKUP_DRILL: 'off' }, root);
    const off = composeBackupSystem({ config, db: t.db, clock: { now: () => new Date('2026-12-20T03:00:10Z') }, ticker: false });
    try {
      expect(await off.drills.tick()).toEqual({ kind: 'off' });
      expect((await off.drills.status()).nextRun).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});

import path from 'node:path';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem, type BackupSystem } from '../../src/app/compose.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { loadConfig } from '../../src/config/config.js';
import { useTestDatabase } from '../helpers/database.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-settings-');
let smtp: TestSmtpServer;
let now = new Date();
const clock = { now: () => now };
let systems = 0;

function appProcess(): BackupSystem {
  const config = loadConfig(
    {
      MONGODB_URI: t.uri,
      MONGODB_DB: t.dbName,
      BACKUP_DIR: path.join(root, `backups-${++systems}`),
      LOG_DIR: path.join(root, 'logs'),
      BACKUP_TIMES: '06:00',
      BACKUP_TIMEZONE: 'Europe/Berlin',
      SMTP_URL: smtp.url,
      SMTP_TLS: 'off',
      SESSION_SECRET: 'Session-Geheimnis-0123456789',
    },
    root,
  );
  const owner = `host-test:${systems}`;
  return composeBackupSystem({ config, db: t.db, clock, owner, lock: new MongoOperationLock(t.db, { owner }), ticker: false });
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  await t.db.collection('tools').insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: new ObjectId(), name: `Zange ${i}` })));
  await t.db.collection('users').insertOne({ username: 'admin', role: 'admin', email: 'admin@example.org' });
});

afterAll(async () => {
  await smtp.close();
});

describe('saved settings are in force in the scheduler and the mail', () => {
  it('new times: a time that has just passed is no missed backup; the next slot of the new times runs', async () => {
    const app = appProcess();
    try {
      now = new Date('2026-06-10T04:00:30Z'); // 06:00:30 in Berlin
      await app.settings.refresh(); // as startTicking does
      expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', trigger: 'Zeitplan' });
      now = new Date('2026-06-10T10:00:00Z'); // 12:00 in Berlin: 11:30 has just passed
      await app.settings.save({ backupTimes: '06:00, 11:30' }, 0, 'admin@example.org');
      expect((await app.scheduler.status()).nextRuns.map((r) => r.toISOString())).toEqual(['2026-06-11T04:00:00.000Z', '2026-06-11T09:30:00.000Z']);
      expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'up-to-date' });
      now = new Date('2026-06-11T09:30:10Z');
      expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', trigger: 'Zeitplan' });
    } finally {
      await app.close();
    }
  });

  it('a process starting with saved times catches up the slot of those times it missed', async () => {
    const app = appProcess();
    try {
      now = new Date('2026-06-11T12:00:00Z');
      await app.settings.save({ backupTimes: '13:00' }, 1, 'admin@example.org');
    } finally {
      await app.close();
    }
    const restarted = appProcess();
    try {
      now = new Date('2026-06-11T16:00:00Z'); // 18:00 in Berlin: 13:00 was missed while the app was down
      await restarted.settings.refresh();
      expect((await restarted.scheduler.status()).times).toEqual(['13:00']);
      expect((await restarted.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', trigger: 'Nachholen' });
    } finally {
      await restarted.close();
    }
  });

  it('extra recipients get the backup mails; mail off sends none', async () => {
    const app = appProcess();
    try {
      await app.settings.refresh();
      await app.settings.save({ extraRecipients: 'werkstatt@example.org, Admin@example.org' }, 2, 'admin@example.org');
      now = new Date('2026-06-12T11:00:20Z'); // 13:00:20 in Berlin, the saved time
      const before = smtp.received.length;
      expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', mail: { sent: true } });
      const mails = await smtp.waitFor(before + 1);
      expect(mails.at(-1)?.envelopeTo).toEqual(['admin@example.org', 'werkstatt@example.org']);

      await app.settings.save({ mailEnabled: false }, 3, 'admin@example.org');
      now = new Date('2026-06-13T11:00:20Z');
      expect((await app.scheduler.tick()).decision).toMatchObject({ kind: 'succeeded', mail: { sent: false } });
      await app.settled();
      expect(smtp.received).toHaveLength(before + 1);
    } finally {
      await app.close();
    }
  });

  it('the drill schedule: switched from weekly to daily, the drill runs at the next 04:00; switched off, none runs', async () => {
    now = new Date('2026-06-15T01:00:00Z'); // Monday, 03:00 in Berlin
    const app = appProcess();
    try {
      await app.settings.refresh();
      await app.manager.create({ kind: 'manual', actor: 'test' });
      now = new Date('2026-06-15T02:00:30Z'); // Monday 04:00:30: weekly drills are on Sundays
      expect(await app.drills.tick()).toMatchObject({ kind: 'up-to-date' });
      await app.settings.save({ drill: 'daily' }, 4, 'admin@example.org');
      expect((await app.drills.status()).schedule).toBe('daily');
      expect(await app.drills.tick()).toMatchObject({ kind: 'ran', slot: new Date('2026-06-15T02:00:00Z'), drill: { ok: true, actor: 'Zeitplan' } });

      await app.settings.save({ drill: 'off' }, 5, 'admin@example.org');
      now = new Date('2026-06-16T02:00:30Z'); // Tuesday 04:00:30
      expect(await app.drills.tick()).toEqual({ kind: 'off' });
      expect(await app.drills.status()).toMatchObject({ schedule: 'off', nextRun: undefined });
      expect((await app.manager.lastDrill())?.startedAt).toEqual(new Date('2026-06-15T02:00:30Z'));
    } finally {
      await app.close();
    }
  });
});

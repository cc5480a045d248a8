import path from 'node:path';
import { readFileSync } from 'node:fs';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupSystem } from '../../src/app/compose.js';
import { CopyRecords } from '../../src/offsite/copy-records.js';
import { useTestDatabase } from '../helpers/database.js';
import { composeAppProcess } from '../helpers/offsite.js';
import { TestS3Server } from '../helpers/s3-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-offsite-watchdog-');
let server: TestS3Server;
let smtp: TestSmtpServer;
let now = new Date('2026-12-01T10:00:00Z');
const clock = { now: () => now };
const systems: BackupSystem[] = [];
const HOUR = 3_600_000;

function appProcess(owner: string, withBucket = true): BackupSystem {
  const system = composeAppProcess({ db: t.db, root, backupDir: path.join(root, owner), owner, clock, smtpUrl: smtp.url, server: withBucket ? server : undefined });
  systems.push(system);
  return system;
}

const log = () => readFileSync(path.join(root, 'logs', 'auto_backup.log'), 'utf8');
const offsiteAlerts = () => smtp.received.filter((m) => m.subject.includes('kein Scandy-Backup im externen Speicher'));
const later = (hours: number) => (now = new Date(now.getTime() + hours * HOUR));

beforeAll(async () => {
  [server, smtp] = await Promise.all([TestS3Server.start(), startSmtpServer()]);
  await t.db.collection('tools').insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: new ObjectId(), name: `Bohrer ${i}` })));
  await t.db.collection('users').insertOne({ username: 'chef', role: 'admin', email: 'chef@example.org' });
});
afterAll(async () => {
  for (const system of systems) await system.close();
  await Promise.all([server.stop(), smtp.close()]);
});

describe('the watchdog of the bucket', () => {
  it('stays quiet on a fresh install, alerts once when no copy reached the bucket within BACKUP_WATCHDOG_HOURS, and clears with a fresh copy', async () => {
    const app = appProcess('host-a');
    // The automatic backups are stopped: only the bucket's watchdog is under test here, no backup of a slot may copy meanwhile.
    await app.scheduler.stop('test');
    expect((await app.scheduler.tick()).offsiteWatchdog).toBe('ok');
    expect((await app.scheduler.status()).watchdog.offsite).toMatchObject({ ok: true, lastCopiedAt: undefined });

    const first = await app.manager.create({ kind: 'manual', actor: 'test' });
    await app.settled();
    expect((await new CopyRecords(t.db).find(first.backup.name))?.copiedAt?.toISOString()).toBe(now.toISOString());

    later(27);
    expect((await app.scheduler.tick()).offsiteWatchdog).toBe('alerted');
    later(1);
    expect((await app.scheduler.tick()).offsiteWatchdog).toBe('known');
    // Another app host (its own backup folder, same database) knows the outage is already reported.
    const other = appProcess('host-b');
    expect((await other.scheduler.tick()).offsiteWatchdog).toBe('known');
    await Promise.all([app.settled(), other.settled()]);

    expect(offsiteAlerts()).toHaveLength(1);
    expect(offsiteAlerts()[0]!.text).toContain('seit 27 Stunden hat kein Backup den externen Speicher (S3-Bucket) erreicht');
    expect(log()).toContain('WARNUNG: Seit 27 Stunden hat kein Backup den externen Speicher erreicht (Warngrenze 26 Stunden)');
    const warned = (await app.scheduler.status()).watchdog;
    expect(warned.ok).toBe(false);
    expect(warned.offsite).toMatchObject({ ok: false, message: expect.stringMatching(/^Seit 28 Stunden hat kein Backup den externen Speicher erreicht/) });

    // A copy from the other host counts too.
    await other.manager.create({ kind: 'manual', actor: 'test' });
    await other.settled();
    expect((await app.scheduler.tick()).offsiteWatchdog).toBe('ok');
    expect(log()).toMatch(/Überwachung: wieder ein Backup im externen Speicher, Warnung aufgehoben/);
    expect((await app.scheduler.status()).watchdog.offsite).toMatchObject({ ok: true, lastCopiedAt: now });
    expect(offsiteAlerts()).toHaveLength(1);
  });

  it('without a bucket, has no say at all', async () => {
    const app = appProcess('host-c', false);
    later(100);
    const outcome = await app.scheduler.tick();
    expect(outcome).not.toHaveProperty('offsiteWatchdog');
    expect((await app.scheduler.status()).watchdog.offsite).toBeUndefined();
  });
});

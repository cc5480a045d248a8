import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem, type BackupSystem } from '../../src/app/compose.js';
import { loadConfig } from '../../src/config/config.js';
import { CopyRecords } from '../../src/offsite/copy-records.js';
import { COMMANDS, type CommandInput } from '../../src/cli/cli-commands.js';
import { listBackupRows } from '../../src/web/use-cases/backup-rows.js';
import { projectRoot } from '../../src/shared/project.js';
import { S3Place } from '../../src/storage/s3-place.js';
import { S3Target } from '../../src/storage/s3-target.js';
import { useTestDatabase } from '../helpers/database.js';
import { composeAppProcess, objectSha256 } from '../helpers/offsite.js';
import { TestS3Server } from '../helpers/s3-server.js';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-offsite-');
let server: TestS3Server;
let smtp: TestSmtpServer;
let now = new Date('2026-12-01T10:00:00Z');
const clock = { now: () => now };
const systems: BackupSystem[] = [];

function appProcess(backupDir: string, owner: string): BackupSystem {
  const system = composeAppProcess({ db: t.db, root, backupDir, owner, clock, smtpUrl: smtp.url, server });
  systems.push(system);
  return system;
}

const fileSha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const log = () => readFileSync(path.join(root, 'logs', 'auto_backup.log'), 'utf8');

beforeAll(async () => {
  [server, smtp] = await Promise.all([TestS3Server.start(), startSmtpServer()]);
  await t.db.collection('tools').insertMany(Array.from({ length: 50 }, (_, i) => ({ _id: new ObjectId(), name: `Säge ${i}` })));
  await t.db.collection('users').insertOne({ username: 'chef', role: 'admin', email: 'chef@example.org' });
});
afterAll(async () => {
  for (const system of systems) await system.close();
  await Promise.all([server.stop(), smtp.close()]);
});

describe('off-site copies', () => {
  const dir = path.join(root, 'backups-a');

  it('copies a new backup to the bucket and records it as checked, with its counts', async () => {
    const app = appProcess(dir, 'host-a:1');
    const result = await app.manager.create({ kind: 'manual', actor: 'test' });
    await app.settled();
    expect(await objectSha256(server, result.backup.name)).toBe(fileSha256(result.backup.path));
    const record = await new CopyRecords(t.db).find(result.backup.name);
    expect(record).toMatchObject({ state: 'copied', size: result.backup.size, sha256: fileSha256(result.backup.path), lastError: undefined });
    expect(record?.summary?.collections.find((c) => c.name === 'tools')?.count).toBe(50);
    expect(log()).toContain(`Externe Kopie geprüft: ${result.backup.name}`);
  });

  it('copies an imported (uploaded) archive too', async () => {
    const app = appProcess(dir, 'host-a:4');
    const imported = await app.manager.importLegacy(path.join(projectRoot, 'test', 'fixtures', 'scandy_backup_20250712_060000.json'), 'test');
    await app.settled();
    expect(await objectSha256(server, imported.backup.name)).toBe(fileSha256(imported.backup.path));
  });

  it('server down: the local backup stays, the copy is pending, one mail per outage, and a later run completes it', async () => {
    const app = appProcess(dir, 'host-a:2');
    await server.kill();
    try {
      const first = await app.manager.create({ kind: 'manual', actor: 'test' });
      await app.settled();
      const second = await app.manager.create({ kind: 'manual', actor: 'test' });
      await app.settled();
      const records = new CopyRecords(t.db);
      for (const backup of [first.backup, second.backup]) {
        expect(readFileSync(backup.path).length).toBe(backup.size);
        const record = await records.find(backup.name);
        expect(record).toMatchObject({ state: 'pending', attempts: 1 });
        expect(record?.lastError).toMatch(/S3|erreich/i);
      }
      const listed = (await app.manager.list()).find((b) => b.name === first.backup.name);
      expect(listed).toMatchObject({ locations: ['local'], offsite: { state: 'failed' } });
      const rows = await listBackupRows(app);
      expect(rows.find((r) => r.name === first.backup.name)?.offsiteNote).toMatch(/^extern fehlgeschlagen: S3-Server nicht erreichbar/);
      const mails = await smtp.waitFor(1);
      expect(mails.map((m) => m.subject)).toEqual(['Scandy-Backup: externe Kopie FEHLGESCHLAGEN']);
      expect(mails[0]!.text).toContain('lokale Backup ist vollständig');

      // Not due yet: nothing is tried.
      await server.start();
      await app.manager.copyDueOffsite();
      expect((await records.find(first.backup.name))?.state).toBe('pending');

      // A new process of the same backup folder (the app restarted) finishes them once they are due.
      now = new Date(now.getTime() + 60_000);
      const restarted = appProcess(dir, 'host-a:3');
      const elsewhere = appProcess(path.join(root, 'backups-b'), 'host-b:1');
      await elsewhere.manager.copyDueOffsite();
      expect((await records.find(first.backup.name))?.state).toBe('pending');
      await restarted.manager.copyDueOffsite();
      for (const backup of [first.backup, second.backup]) {
        expect((await records.find(backup.name))?.state).toBe('copied');
        expect(await objectSha256(server, backup.name)).toBe(fileSha256(backup.path));
      }
      expect(log()).toContain('Externe Kopien funktionieren wieder');
      expect((await app.manager.list()).find((b) => b.name === first.backup.name)).toMatchObject({ locations: ['local', 's3'], offsite: { state: 'copied' } });
      expect(smtp.received).toHaveLength(1);
    } finally {
      await server.start();
    }
  });

  it('another backup folder sharing bucket and database lists the same backups, its own as "lokal"/"beide", the others as "extern" with their counts', async () => {
    const a = appProcess(dir, 'host-a:5');
    const b = appProcess(path.join(root, 'backups-c'), 'host-c:1');
    const own = await b.manager.create({ kind: 'manual', actor: 'test' });
    await b.settled();
    const [listA, listB] = await Promise.all([a.manager.list(), b.manager.list()]);
    expect(listA.map((x) => x.name)).toEqual(listB.map((x) => x.name));
    const inA = listA.find((x) => x.name === own.backup.name)!;
    expect(inA).toMatchObject({ locations: ['s3'], documents: own.documents, problem: undefined });
    expect(listB.find((x) => x.name === own.backup.name)?.locations).toEqual(['local', 's3']);
    const json = (await COMMANDS.list!(a.manager, {} as CommandInput)).json as { name: string; locations: string[] }[];
    expect(json.find((x) => x.name === own.backup.name)?.locations).toEqual(['s3']);
    const text = (await COMMANDS.list!(a.manager, {} as CommandInput)).text;
    expect(text).toMatch(new RegExp(`${own.backup.name}.*extern`));
    expect((await listBackupRows(a)).find((r) => r.name === own.backup.name)?.locationLabel).toBe('extern');
    expect((await listBackupRows(b)).find((r) => r.name === own.backup.name)?.locationLabel).toBe('beide');
  });

  it('retention runs per place: BACKUP_S3_KEEP automatic backups stay in the bucket, BACKUP_KEEP on the disk', async () => {
    const config = loadConfig(
      { BACKUP_DIR: path.join(root, 'backups-keep'), LOG_DIR: path.join(root, 'logs'), BACKUP_KEEP: '1', BACKUP_S3_URL: 's3://scandy-backups/werkstatt', BACKUP_S3_KEEP: '3' },
      root,
    );
    const place = new S3Place(new S3Target(server.client(), server.bucket!, 'keep-test'));
    const app = composeBackupSystem({ config, db: t.db, clock, ticker: false, offsitePlace: place });
    systems.push(app);
    const names: string[] = [];
    for (let i = 0; i < 5; i++) {
      now = new Date(now.getTime() + 3_600_000);
      names.push((await app.manager.create({ kind: 'auto', actor: 'Zeitplan' })).backup.name);
      await app.settled();
    }
    // Whether the prune inside the fifth backup already saw that backup's copy depends on timing; either way only older ones go.
    const result = await app.manager.prune();
    expect(result.removedOffsite.filter((name) => !names.slice(0, 2).includes(name))).toEqual([]);
    expect((await place.list()).map((f) => f.name)).toEqual(names.slice(2).reverse());
    expect((await app.manager.list()).filter((b) => names.includes(b.name)).map((b) => [b.name, b.locations])).toEqual([
      [names[4], ['local', 's3']],
      [names[3], ['s3']],
      [names[2], ['s3']],
    ]);
  });

  it('without BACKUP_S3_KEEP the bucket keeps as many automatic backups as the retention in force (settings page), and a pinned one stays', async () => {
    const config = loadConfig(
      { BACKUP_DIR: path.join(root, 'backups-live'), LOG_DIR: path.join(root, 'logs'), BACKUP_KEEP: '4', BACKUP_S3_URL: 's3://scandy-backups/werkstatt' },
      root,
    );
    const place = new S3Place(new S3Target(server.client(), server.bucket!, 'live-keep-test'));
    const app = composeBackupSystem({ config, db: t.db, clock, ticker: false, offsitePlace: place });
    systems.push(app);
    const names: string[] = [];
    for (let i = 0; i < 4; i++) {
      now = new Date(now.getTime() + 3_600_000);
      names.push((await app.manager.create({ kind: 'auto', actor: 'Zeitplan' })).backup.name);
      await app.settled();
    }
    expect((await place.list()).map((f) => f.name)).toEqual([...names].reverse());
    await app.manager.pin(names[0]!, 'admin@example.org');
    await app.settings.save({ keep: 1 }, (await app.settings.current()).version, 'admin@example.org');
    const result = await app.manager.prune();
    expect([...result.removedOffsite].sort()).toEqual([names[1], names[2]]);
    expect((await place.list()).map((f) => f.name)).toEqual([names[3], names[0]]);
    await app.settings.reset(['keep'], (await app.settings.current()).version, 'admin@example.org');
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem, type BackupSystem } from '../../src/app/compose.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { loadConfig } from '../../src/config/config.js';
import { CopyRecords } from '../../src/offsite/copy-records.js';
import { S3Place } from '../../src/storage/s3-place.js';
import { S3Target } from '../../src/storage/s3-target.js';
import type { ExpectedContent, StoragePlace } from '../../src/storage/storage-place.js';
import { useTestDatabase } from '../helpers/database.js';
import { OFFSITE_PREFIX, objectSha256 } from '../helpers/offsite.js';
import { TestS3Server } from '../helpers/s3-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-offsite-faults-');
const MiB = 1024 * 1024;
let server: TestS3Server;
let now = new Date('2026-12-01T10:00:00Z');
const clock = { now: () => now };
const systems: BackupSystem[] = [];

/** The real bucket; the first upload stops the server once `afterBytes` have been read from the archive. */
function killingMidUpload(place: S3Place, afterBytes: number): StoragePlace {
  let armed = true;
  return Object.assign(Object.create(place) as S3Place, {
    writeNew(name: string, source: Readable, expected?: ExpectedContent) {
      if (!armed) return place.writeNew(name, source, expected);
      armed = false;
      let seen = 0;
      const watch = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          if (seen >= afterBytes && seen - chunk.length < afterBytes) void server.kill();
          callback(null, chunk);
        },
      });
      return place.writeNew(name, source.pipe(watch), expected);
    },
  });
}

/** The real bucket; the first download stops the server once `afterBytes` have come through. */
function killingMidDownload(place: S3Place, afterBytes: number): StoragePlace {
  let armed = true;
  return Object.assign(Object.create(place) as S3Place, {
    async openRead(name: string, expected?: ExpectedContent) {
      const stream = await place.openRead(name, expected);
      if (!armed) return stream;
      armed = false;
      let seen = 0;
      stream.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen >= afterBytes && seen - chunk.length < afterBytes) void server.kill();
      });
      return stream;
    },
  });
}

function appProcess(dir: string, place: StoragePlace): BackupSystem {
  const config = loadConfig({ BACKUP_DIR: path.join(root, dir), LOG_DIR: path.join(root, 'logs') }, root);
  const owner = `${dir}:${systems.length}`;
  const system = composeBackupSystem({ config, db: t.db, clock, owner, ticker: false, lock: new MongoOperationLock(t.db, { owner }), offsitePlace: place });
  systems.push(system);
  return system;
}

const bucketPlace = (credentials?: { accessKeyId: string; secretAccessKey: string }) =>
  new S3Place(new S3Target(server.client(credentials), server.bucket!, OFFSITE_PREFIX), undefined, { partSize: 5 * MiB });
const log = () => readFileSync(path.join(root, 'logs', 'auto_backup.log'), 'utf8');
const fileSha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  server = await TestS3Server.start();
  // About 16 MiB of archive: incompressible text, so the copy is a multipart upload of several parts.
  await t.db.collection('tools').insertMany(Array.from({ length: 160 }, (_, i) => ({ _id: new ObjectId(), name: `Gerät ${i}`, notes: randomBytes(75_000).toString('base64') })));
});
afterAll(async () => {
  for (const system of systems) await system.close();
  await server.stop();
});

describe('off-site copy faults (real S3 server)', () => {
  it('server stopped in the middle of a copy: the local backup stays whole, the copy stays pending, and completes once the server is back', async () => {
    const app = appProcess('mid-copy', killingMidUpload(bucketPlace(), 7 * MiB));
    const made = await app.manager.create({ kind: 'manual', actor: 'test' });
    await app.settled();
    expect(made.backup.size).toBeGreaterThan(10 * MiB);
    expect(server.running).toBe(false);
    const records = new CopyRecords(t.db);
    expect(await records.find(made.backup.name)).toMatchObject({ state: 'pending', attempts: 1 });
    expect((await app.manager.verify({ name: made.backup.name })).documents).toBe(made.documents);

    await server.start();
    expect((await app.manager.list()).find((b) => b.name === made.backup.name)?.locations).toEqual(['local']);
    now = new Date(now.getTime() + 60_000);
    await app.manager.copyDueOffsite();
    expect(await records.find(made.backup.name)).toMatchObject({ state: 'copied', attempts: 1 });
    expect(await objectSha256(server, made.backup.name)).toBe(fileSha256(made.backup.path));
    expect(log()).toMatch(/Externe Kopie fehlgeschlagen: .*Versuch 1: S3-Server nicht erreichbar/);
  });

  it('wrong keys: a German reason naming the keys, the local backup kept, and no secret in the log or the list', async () => {
    const wrongSecret = `falsch-${randomBytes(12).toString('hex')}`;
    const app = appProcess('wrong-keys', bucketPlace({ accessKeyId: server.accessKeyId, secretAccessKey: wrongSecret }));
    const made = await app.manager.create({ kind: 'manual', actor: 'test' });
    await app.settled();
    const listed = (await app.manager.list()).find((b) => b.name === made.backup.name);
    expect(listed?.locations).toEqual(['local']);
    expect(listed?.offsite?.state).toBe('failed');
    const reason = listed?.offsite?.state === 'failed' ? listed.offsite.reason : '';
    expect(reason).toMatch(/Schlüssel|Zugang/);
    for (const text of [log(), JSON.stringify(await app.manager.list())]) {
      expect(text).not.toContain(wrongSecret);
      expect(text).not.toContain(server.secretAccessKey);
    }
  });

  it('server stopped in the middle of a restore from the bucket: refused in German, database and folder untouched; works once it is back', async () => {
    // A backup name is unique per folder and millisecond: another hour, so no earlier test's backup has this one's name.
    now = new Date(now.getTime() + 3_600_000);
    const maker = appProcess('maker', bucketPlace());
    const made = await maker.manager.create({ kind: 'manual', actor: 'test' });
    await maker.settled();
    const other = appProcess('restorer', killingMidDownload(bucketPlace(), 6 * MiB));
    await t.db.collection('tools').insertOne({ _id: new ObjectId(), name: 'nach dem Backup' });
    const before = await t.db.collection('tools').countDocuments();
    let message = '';
    try {
      await other.manager.restore({ source: { name: made.backup.name }, actor: 'test' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Verbindung zum S3-Server abgebrochen|S3-Server nicht erreichbar/);
    expect(await t.db.collection('tools').countDocuments()).toBe(before);
    expect(readdirSync(path.join(root, 'restorer')).filter((n) => n.startsWith('.upload-'))).toEqual([]);

    await server.start();
    const result = await other.manager.restore({ source: { name: made.backup.name }, actor: 'test' });
    expect(result.documents).toBe(made.documents);
    expect(await t.db.collection('tools').countDocuments()).toBe(160);
  });
});

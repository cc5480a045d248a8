import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem, type BackupSystem } from '../../src/app/compose.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { loadConfig } from '../../src/config/config.js';
import { AgeIdentities } from '../../src/crypto/age-identities.js';
import { generateKeyPair } from '../../src/crypto/age-keys.js';
import { CopyRecords } from '../../src/offsite/copy-records.js';
import type { S3Place } from '../../src/storage/s3-place.js';
import { useTestDatabase } from '../helpers/database.js';
import { objectSha256, testBucketPlace } from '../helpers/offsite.js';
import { TestS3Server } from '../helpers/s3-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-offsite-encrypted-');
let server: TestS3Server;
let bucket: S3Place;
let recipient = '';
let secretKey = '';
let now = new Date('2026-12-01T10:00:00Z');
const clock = { now: () => now };
const systems: BackupSystem[] = [];

/** One process of a host: its own backup folder, the shared database and bucket; encrypting when given a recipient. */
function appProcess(name: string, recipients: string[]): BackupSystem {
  const env: Record<string, string> = {
    BACKUP_DIR: path.join(root, name),
    LOG_DIR: path.join(root, 'logs'),
    BACKUP_S3_URL: 's3://scandy-backups/werkstatt',
    BACKUP_S3_KEEP: '1',
  };
  if (recipients.length > 0) env.BACKUP_ENCRYPTION_RECIPIENTS = recipients.join(',');
  const config = loadConfig(env, root);
  const owner = `${name}:1`;
  const system = composeBackupSystem({ config, db: t.db, clock, owner, ticker: false, lock: new MongoOperationLock(t.db, { owner }), offsitePlace: bucket });
  systems.push(system);
  return system;
}

const fileSha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

let a: BackupSystem;
let b: BackupSystem;
/** The encrypted backup the first case copies. */
let encryptedName = '';

beforeAll(async () => {
  server = await TestS3Server.start();
  bucket = testBucketPlace(server);
  const pair = await generateKeyPair();
  recipient = pair.publicKey;
  secretKey = /AGE-SECRET-KEY-1\S+/.exec(pair.secretKeyFile)?.[0] ?? '';
  await t.db.collection('tools').insertMany(Array.from({ length: 30 }, (_, i) => ({ _id: new ObjectId(), name: `Zange ${i}` })));
  a = appProcess('host-a', [recipient]);
  b = appProcess('host-b', []);
});
afterAll(async () => {
  for (const system of systems) await system.close();
  await server.stop();
});

describe('an encrypted backup in the bucket', () => {
  it('is copied with its sidecar; the bucket lists the archive only, and the copy record has the counts', async () => {
    const made = await a.manager.create({ kind: 'manual', actor: 'test' });
    await a.settled();
    encryptedName = made.backup.name;
    expect(encryptedName).toMatch(/\.zip\.age$/);
    const sidecarPath = path.join(root, 'host-a', `${encryptedName}.json`);
    expect(await objectSha256(server, encryptedName)).toBe(fileSha256(made.backup.path));
    expect(await objectSha256(server, `${encryptedName}.json`)).toBe(fileSha256(sidecarPath));
    expect((await bucket.list()).map((f) => f.name)).toEqual([encryptedName]);
    const record = await new CopyRecords(t.db).find(encryptedName);
    expect(record).toMatchObject({ state: 'copied', files: [encryptedName, `${encryptedName}.json`] });
    expect(record?.summary).toMatchObject({ documents: 30, collections: expect.arrayContaining([{ name: 'tools', count: 30 }]) });
  });

  it('an uploaded .zip.age is copied with the sidecar written for it', async () => {
    const upload = path.join(root, 'host-a', 'hochgeladen.zip.age');
    copyFileSync(path.join(root, 'host-a', encryptedName), upload);
    const { backup } = await a.manager.storeEncryptedUpload(upload, { actor: 'test', identities: await AgeIdentities.fromSecretKeys([secretKey]) });
    await a.settled();
    expect(backup.name).toMatch(/-upload\.zip\.age$/);
    expect(await objectSha256(server, `${backup.name}.json`)).toBe(fileSha256(path.join(root, 'host-a', `${backup.name}.json`)));
    expect((await new CopyRecords(t.db).find(backup.name))?.summary?.documents).toBe(30);
    await a.manager.delete(backup.name, 'test');
  });

  it('is listed with its counts by another host without the key, and verified there with the key', async () => {
    const listed = (await b.manager.list()).find((x) => x.name === encryptedName);
    expect(listed).toMatchObject({ locations: ['s3'], encrypted: true, documents: 30, problem: undefined });
    expect(listed?.collections).toContainEqual({ name: 'tools', count: 30 });
    const report = await b.manager.verify({ name: encryptedName }, undefined, await AgeIdentities.fromSecretKeys([secretKey]));
    expect(report.documents).toBe(30);
  });

  it('is restored by another host with the key', async () => {
    await t.db.collection('tools').deleteMany({});
    const result = await b.manager.restore({ source: { name: encryptedName }, actor: 'test', identities: await AgeIdentities.fromSecretKeys([secretKey]) });
    expect(result.documents).toBe(30);
    expect(await t.db.collection('tools').countDocuments()).toBe(30);
    await b.settled();
  });

  it('deleted from the bucket, leaves neither the archive nor its sidecar there', async () => {
    expect(await bucket.stat(`${encryptedName}.json`)).toBeDefined();
    expect(await b.manager.delete(encryptedName, 'test', ['s3'])).toEqual(['s3']);
    expect(await bucket.stat(encryptedName)).toBeUndefined();
    expect(await bucket.stat(`${encryptedName}.json`)).toBeUndefined();
  });

  it('pruned in the bucket, leaves neither the archive nor its sidecar there', async () => {
    const names: string[] = [];
    for (let i = 0; i < 2; i++) {
      now = new Date(now.getTime() + 3_600_000);
      names.push((await a.manager.create({ kind: 'auto', actor: 'Zeitplan' })).backup.name);
      await a.settled();
    }
    expect(await bucket.stat(`${names[0]}.json`)).toBeDefined();
    const result = await a.manager.prune();
    expect(result.removedOffsite).toEqual([names[0]]);
    expect(await bucket.stat(names[0]!)).toBeUndefined();
    expect(await bucket.stat(`${names[0]}.json`)).toBeUndefined();
    expect(await bucket.stat(`${names[1]}.json`)).toBeDefined();
    const listed = (await bucket.list()).map((f) => f.name);
    expect(listed).toContain(names[1]);
    expect(listed.some((n) => n.endsWith('.json'))).toBe(false);
  });
});

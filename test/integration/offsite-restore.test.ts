import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem, type BackupSystem } from '../../src/app/compose.js';
import type { BackupResult } from '../../src/backup/create-backup.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { loadConfig } from '../../src/config/config.js';
import { COUNTS_NOT_RECORDED } from '../../src/backup/list-backups.js';
import { CopyRecords } from '../../src/offsite/copy-records.js';
import { isAppError } from '../../src/shared/app-error.js';
import { useTestDatabase } from '../helpers/database.js';
import { OFFSITE_PREFIX, testBucketPlace } from '../helpers/offsite.js';
import { TestS3Server } from '../helpers/s3-server.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir('scandy-offsite-restore-');
let server: TestS3Server;
const systems: BackupSystem[] = [];

function appProcess(name: string): BackupSystem {
  const config = loadConfig({ BACKUP_DIR: path.join(root, name), LOG_DIR: path.join(root, 'logs') }, root);
  const owner = `${name}:1`;
  const system = composeBackupSystem({ config, db: t.db, owner, ticker: false, lock: new MongoOperationLock(t.db, { owner }), offsitePlace: testBucketPlace(server) });
  systems.push(system);
  return system;
}

const tools = () => t.db.collection('tools');
async function refusal(operation: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await operation;
  } catch (error) {
    if (isAppError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('not refused');
}

let a: BackupSystem;
let b: BackupSystem;
let made: BackupResult;

beforeAll(async () => {
  server = await TestS3Server.start();
  await tools().insertMany(Array.from({ length: 40 }, (_, i) => ({ _id: new ObjectId(), name: `Hammer ${i}` })));
  a = appProcess('host-a');
  b = appProcess('host-b');
  made = await a.manager.create({ kind: 'manual', actor: 'test' });
  await a.settled();
});
afterAll(async () => {
  for (const system of systems) await system.close();
  await server.stop();
});

describe('a backup only in the bucket', () => {
  it('is verified from a private temporary file (0700 folder, 0600 file) that is gone afterwards', async () => {
    const dirB = path.join(root, 'host-b');
    const modes: string[] = [];
    const report = await b.manager.verify({ name: made.backup.name }, () => {
      if (modes.length > 0) return;
      for (const entry of readdirSync(dirB).filter((n) => n.startsWith('.upload-'))) {
        modes.push((statSync(path.join(dirB, entry)).mode & 0o777).toString(8));
        modes.push((statSync(path.join(dirB, entry, made.backup.name)).mode & 0o777).toString(8));
      }
    });
    expect(report.documents).toBe(made.documents);
    expect(modes).toEqual(['700', '600']);
    expect(readdirSync(dirB).filter((n) => n.startsWith('.upload-'))).toEqual([]);
  });

  it('is downloaded with the same bytes', async () => {
    const opened = await b.manager.openBackup(made.backup.name);
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
    opened.release();
    expect(Buffer.concat(chunks).equals(readFileSync(made.backup.path))).toBe(true);
    expect(opened.size).toBe(made.backup.size);
  });

  it('is drilled and pinned by another host', async () => {
    const drill = await b.manager.drill({ source: { name: made.backup.name }, actor: 'test' });
    expect(drill).toMatchObject({ ok: true, backup: made.backup.name, documents: made.documents });
    expect((await b.manager.pin(made.backup.name, 'test')).name).toBe(made.backup.name);
    expect(await a.manager.pinnedNames()).toContain(made.backup.name);
    expect(await b.manager.unpin(made.backup.name)).toBe(true);
    expect(readdirSync(path.join(root, 'host-b')).filter((n) => n.startsWith('.upload-') || n.endsWith('.zip'))).toEqual([]);
  });

  it('is restored by another host of the same database', async () => {
    await tools().deleteMany({});
    await tools().insertOne({ _id: new ObjectId(), name: 'nach dem Backup' });
    const result = await b.manager.restore({ source: { name: made.backup.name }, actor: 'test' });
    expect(result.documents).toBe(made.documents);
    expect(await tools().countDocuments()).toBe(40);
    expect(readdirSync(path.join(root, 'host-b')).filter((n) => n.startsWith('.upload-'))).toEqual([]);
    // The safety archive of the replaced data is a new archive too: copied like any other.
    await b.settled();
    expect(result.preRestoreBackup).not.toBeNull();
    expect((await a.manager.list()).find((x) => x.name === result.preRestoreBackup)?.locations).toEqual(['s3']);
  });

  it('overwritten through the S3 API with other bytes: verify, download and restore refuse it, the database stays as it is', async () => {
    const other = await a.manager.create({ kind: 'manual', actor: 'test' });
    await a.settled();
    await server.client().send(
      new PutObjectCommand({ Bucket: server.bucket!, Key: `${OFFSITE_PREFIX}/${made.backup.name}`, Body: readFileSync(other.backup.path) }),
    );
    const verify = await refusal(b.manager.verify({ name: made.backup.name }));
    expect(verify.code).toBe('ARCHIVE_INVALID');
    expect(verify.message).toContain('verändert oder unvollständig');
    const download = await b.manager.openBackup(made.backup.name);
    await expect(download.stream.toArray()).rejects.toThrow(/verändert oder unvollständig/);
    await tools().insertOne({ _id: new ObjectId(), name: 'neu' });
    const restore = await refusal(b.manager.restore({ source: { name: made.backup.name }, actor: 'test' }));
    expect(restore.code).toBe('ARCHIVE_INVALID');
    expect(await tools().countDocuments()).toBe(41);
    expect(readdirSync(path.join(root, 'host-b')).filter((n) => n.startsWith('.upload-'))).toEqual([]);
  });

  it('without its copy record (a lost catalog): listed without counts until a verify reads them', async () => {
    const lost = await a.manager.create({ kind: 'manual', actor: 'test' });
    await a.settled();
    await new CopyRecords(t.db).forget([lost.backup.name]);
    const before = (await b.manager.list()).find((x) => x.name === lost.backup.name);
    expect(before).toMatchObject({ locations: ['s3'], documents: undefined, problem: COUNTS_NOT_RECORDED });
    await b.manager.verifyAndRecord(lost.backup.name, 'test');
    const after = (await b.manager.list()).find((x) => x.name === lost.backup.name);
    expect(after).toMatchObject({ locations: ['s3'], documents: lost.documents, problem: undefined });
  });
});

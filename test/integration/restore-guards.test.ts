import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../src/archive/archive-writer.js';
import { documentToLine } from '../../src/archive/extended-json.js';
import type { BackupContext } from '../../src/backup/backup-context.js';
import { createBackupContext } from '../../src/app/compose.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { listBackups } from '../../src/backup/list-backups.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { pruneBackups } from '../../src/backup/prune-backups.js';
import { restoreBackup } from '../../src/restore/restore-backup.js';
import { useTestDatabase } from '../helpers/database.js';
import { scandyBackupLeftovers, snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();
const collections = ['tools', 'workers'];

function context(keep = 10, owner?: string): BackupContext {
  return createBackupContext({ backupDir, backupCollections: collections, backupKeep: keep }, t.db, {
    ...(owner ? { lock: new MongoOperationLock(t.db, { owner }) } : {}),
  });
}

beforeAll(async () => {
  await t.db.collection('tools').insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: new ObjectId(), barcode: `T${i}`, name: `Werkzeug ${i}` })));
  await t.db.collection('tools').createIndex({ barcode: 1 }, { unique: true, name: 'barcode_unique' });
  await t.db.collection('workers').insertOne({ barcode: 'W1', firstname: 'Jürgen' });
});

describe('restore guards', () => {
  it('a duplicate key on the unique barcode index half-way through loading leaves the data as it was', async () => {
    const file = path.join(backupDir, 'duplicate-barcodes.zip');
    const indexes = await t.db.collection('tools').listIndexes().toArray();
    async function* lines() {
      yield Array.from({ length: 1500 }, (_, i) => documentToLine({ _id: new ObjectId(), barcode: i === 1200 ? 'T5' : `T${i}` }));
    }
    async function* workers() {
      yield [documentToLine({ _id: new ObjectId(), barcode: 'W2' })];
    }
    await writeArchive(file, { kind: 'manual', createdAt: new Date(), database: t.dbName }, [
      { name: 'workers', indexes: [], lines: workers() },
      { name: 'tools', indexes, lines: lines() },
    ]);
    const before = await snapshot(t.db, collections);

    const failure = restoreBackup(context(), { source: { file } });
    await expect(failure).rejects.toMatchObject({ code: 'RESTORE_FAILED', details: { step: 'load' } });
    await expect(failure).rejects.toThrow(/Laden in Staging-Collections: .*(E11000|duplicate|UNIQUE)/);
    expect(snapshotDifferences(before, await snapshot(t.db, collections))).toEqual([]);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
  });

  it('refuses an archive collection that is not one of the backed-up collections', async () => {
    const file = path.join(backupDir, 'users.zip');
    async function* lines() {
      yield [documentToLine({ _id: new ObjectId(), email: 'x@example.org', role: 'admin' })];
    }
    await writeArchive(file, { kind: 'manual', createdAt: new Date(), database: t.dbName }, [{ name: 'users', indexes: [], lines: lines() }]);
    await expect(restoreBackup(context(), { source: { file } })).rejects.toThrow(/"users" gehört nicht zu den gesicherten Collections/);
    expect(await t.db.listCollections({ name: 'users' }).toArray()).toEqual([]);
  });

  it('keeps the newest BACKUP_KEEP automatic backups, removes stale temporary files, and never a backup in use', async () => {
    const ctx = context(3);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await createBackup(ctx, { kind: 'auto' })).backup.name);
    // Pre-restore backups of the tests above are counted apart and stay.
    const automatic = async () => (await listBackups(ctx)).filter((b) => b.kind === 'auto').map((b) => b.name);
    expect(await automatic()).toEqual(made.slice(-3).reverse());

    const oldest = made[2]!;
    const release = ctx.store.markInUse(oldest);
    writeFileSync(path.join(backupDir, 'scandy-backup-20200101T000000000Z-auto.zip.tmp'), 'halb');
    writeFileSync(path.join(backupDir, 'notizen.txt'), 'bleibt');
    made.push((await createBackup(ctx, { kind: 'auto' })).backup.name);
    release();

    expect(await automatic()).toEqual([made[5], made[4], made[3], oldest]);
    expect(await ctx.store.tempFiles()).toEqual([]);
    const { removed } = await pruneBackups(ctx);
    expect(removed).toEqual([oldest]);
    expect(readdirSync(backupDir)).toContain('notizen.txt');
  });

  it('lets only one operation run at a time across processes, and says so', async () => {
    const a = context(10, 'host-a:1');
    const b = context(10, 'host-b:2');
    const results = await Promise.allSettled([createBackup(a, { kind: 'manual' }), createBackup(b, { kind: 'manual' })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'OPERATION_RUNNING', message: expect.stringContaining('läuft bereits') });
  });

  it('takes over a lease whose holder crashed once it expires', async () => {
    let now = new Date('2026-11-27T06:00:00Z');
    const crashed = new MongoOperationLock(t.db, { owner: 'host-a:1', leaseMs: 60_000, now: () => now });
    await crashed.acquire('backup:auto');
    const other = new MongoOperationLock(t.db, { owner: 'host-b:2', leaseMs: 60_000, now: () => now });
    await expect(other.acquire('backup:manual')).rejects.toMatchObject({ code: 'OPERATION_RUNNING' });
    now = new Date(now.getTime() + 61_000);
    const lease = await other.acquire('backup:manual');
    expect(lease.tookOverFrom?.owner).toBe('host-a:1');
    await lease.release();
  });
});

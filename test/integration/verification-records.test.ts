import { truncate } from 'node:fs/promises';
import path from 'node:path';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { VERIFICATIONS_COLLECTION } from '../../src/backup/verification-records.js';
import { createBackupManager } from '../../src/manager/backup-manager.js';
import { createBackupContext } from '../../src/app/compose.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const root = useTempDir();

/** A manager on its own folder; `keep` is BACKUP_KEEP (how many automatic backups stay). */
function manager(folder: string, keep: number) {
  return createBackupManager(createBackupContext({ backupDir: path.join(root, folder), backupCollections: ['tools'], backupKeep: keep }, t.db));
}

const recordedNames = async () =>
  (await t.db.collection<{ _id: string }>(VERIFICATIONS_COLLECTION).find({}).toArray()).map((d) => d._id).sort();

beforeAll(async () => {
  await t.db.collection('tools').insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: new ObjectId(), name: `Hobel ${i}` })));
});

describe('remembered verify results belong to their backup', () => {
  it('a prune forgets the verify results of the backups it removes, and keeps the others', async () => {
    await t.db.collection(VERIFICATIONS_COLLECTION).deleteMany({});
    const keepingAll = manager('pruned', 10);
    const names: string[] = [];
    for (let i = 0; i < 3; i++) names.push((await keepingAll.create({ kind: 'auto' })).backup.name);
    for (const name of names) await keepingAll.verifyAndRecord(name, 'admin@example.org');
    expect(await recordedNames()).toEqual([...names].sort());

    const pruned = await manager('pruned', 1).prune();
    expect([...pruned.removed].sort()).toEqual(names.slice(0, 2).sort());
    expect(await recordedNames()).toEqual([names[2]]);
    expect((await keepingAll.verifications(names)).get(names[2]!)).toMatchObject({ ok: true, checkedBy: 'admin@example.org', documents: 5 });
  });

  it('a delete forgets the verify result of the deleted backup', async () => {
    await t.db.collection(VERIFICATIONS_COLLECTION).deleteMany({});
    const backups = manager('deleted', 10);
    const kept = (await backups.create({ kind: 'manual' })).backup.name;
    const deleted = (await backups.create({ kind: 'manual' })).backup.name;
    await backups.verifyAndRecord(kept, 'admin@example.org');
    await backups.verifyAndRecord(deleted, 'admin@example.org');
    await backups.delete(deleted, 'admin@example.org');
    expect(await recordedNames()).toEqual([kept]);
  });

  it('a damaged backup is remembered as failed; one that is not there is not remembered', async () => {
    await t.db.collection(VERIFICATIONS_COLLECTION).deleteMany({});
    const backups = manager('damaged', 10);
    const made = await backups.create({ kind: 'manual' });
    await truncate(made.backup.path, 100);
    await expect(backups.verifyAndRecord(made.backup.name, 'admin@example.org')).rejects.toThrow();
    expect((await backups.verifications([made.backup.name])).get(made.backup.name)).toMatchObject({ ok: false, documents: null });
    await expect(backups.verifyAndRecord('scandy-backup-20200101T000000000Z-manual.zip', 'admin@example.org')).rejects.toMatchObject({
      code: 'BACKUP_NOT_FOUND',
    });
    expect(await recordedNames()).toEqual([made.backup.name]);
  });
});

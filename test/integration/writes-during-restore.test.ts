import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, ObjectId, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupContext, Failpoints } from '../../src/backup/backup-context.js';
import { createBackupContext } from '../../src/app/compose.js';
import type { BackupEvent } from '../../src/backup/backup-events.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { repairInterruptedRestore } from '../../src/restore/repair-interrupted-restore.js';
import { readJournal } from '../../src/restore/restore-journal.js';
import { restoreBackup } from '../../src/restore/restore-backup.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { archivedDocuments, lostWrites, startAppWriter, type AcknowledgedWrites } from '../helpers/app-writer.js';
import { useTestDatabase } from '../helpers/database.js';
import { scandyBackupLeftovers, snapshot, snapshotDifferences, type CollectionSnapshot } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();
const collections = [...SCANDY_COLLECTIONS];
const events: BackupEvent[] = [];
/** Scandy itself: a client of its own that writes while the restore runs. */
const app = new MongoClient(t.uri);
let backupName = '';
let backedUp: Map<string, CollectionSnapshot>;
/** Lendings that exist both in the backup and in the database before each restore. */
let lendingIds: ObjectId[] = [];

function context(failpoints?: Failpoints): BackupContext {
  return createBackupContext({ backupDir, backupCollections: collections, backupKeep: 100 }, t.db, {
    emit: (e) => events.push(e),
    ...(failpoints ? { failpoints } : {}),
  });
}

beforeAll(async () => {
  await app.connect();
  await seedDatabase(t.db, { docs: 5_000 });
  backupName = (await createBackup(context(), { kind: 'manual' })).backup.name;
  backedUp = await snapshot(t.db, collections);
  lendingIds = (await t.db.collection('lendings').find({}, { projection: { _id: 1 } }).toArray()).map((d) => d._id as ObjectId);
});

afterAll(async () => {
  await app.close();
});

/** Changes made after the backup, so that the restore replaces something. */
async function changeData(): Promise<void> {
  await t.db.collection('tools').insertOne({ name: 'nach dem Backup angelegt', barcode: `T-NEU-${Date.now()}` });
  await t.db.collection('lendings').updateMany({ _id: { $in: lendingIds.slice(0, 50) } }, { $set: { returned_at: new Date() } });
}

async function liveDocuments(collection: string): Promise<Map<string, Document>> {
  const docs = await t.db.collection(collection).find({}).toArray();
  return new Map(docs.map((d) => [String(d._id), d]));
}

/** Runs `restore` while the app writes lendings every 20-50 ms, from before it starts until after it ended. */
async function whileTheAppWrites<T>(restore: () => Promise<T>): Promise<{ outcome: PromiseSettledResult<T>; writes: AcknowledgedWrites }> {
  const writer = startAppWriter(t.uri, t.dbName, 'lendings', lendingIds.slice(100));
  while (writer.count() < 3) await sleep(10);
  const [outcome] = await Promise.allSettled([restore()]);
  await sleep(200);
  const writes = await writer.stop();
  return { outcome: outcome!, writes };
}

describe('the app writes during a restore', () => {
  it('on success, every acknowledged write is live or in the pre-restore archive', async () => {
    await changeData();
    const { outcome, writes } = await whileTheAppWrites(() => restoreBackup(context(), { source: { name: backupName } }));
    expect(outcome.status).toBe('fulfilled');
    const result = (outcome as PromiseFulfilledResult<Awaited<ReturnType<typeof restoreBackup>>>).value;
    expect(result.preRestoreBackup).toMatch(/-pre-restore\.zip$/);
    expect(writes.inserted.length + writes.updated.size).toBeGreaterThan(20);

    const archived = await archivedDocuments(`${backupDir}/${result.preRestoreBackup}`, 'lendings');
    expect(lostWrites(writes, [await liveDocuments('lendings'), archived])).toEqual([]);
    // The archive holds what was replaced: the change made after the backup, and no restored document.
    expect(archived.get(String(lendingIds[0]))?.returned_at).toBeInstanceOf(Object);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
    expect(await readJournal(t.db)).toBeNull();
    const others = collections.filter((c) => c !== 'lendings');
    expect(snapshotDifferences(new Map(others.map((c) => [c, backedUp.get(c)!])), await snapshot(t.db, others))).toEqual([]);
  });

  it.each([
    ['after lendings was swapped in and before tools', { afterSwap: (c: string) => (c === 'lendings' ? sleep(400) : undefined), beforeSwap: failIf('tools') }],
    ['while loading tools', { afterLoadBatch: failIf('tools') }],
  ])('on a rollback %s, every acknowledged write is live and nothing else changed', async (_when, failpoints: Failpoints) => {
    await changeData();
    const before = await snapshot(t.db, collections);
    const { outcome, writes } = await whileTheAppWrites(() =>
      restoreBackup(context(failpoints), { source: { name: backupName }, collections: ['lendings', 'tools'] }),
    );
    expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'RESTORE_FAILED', message: expect.stringContaining('Die Datenbank ist unverändert') } });
    expect(writes.inserted.length + writes.updated.size).toBeGreaterThan(10);

    const live = await liveDocuments('lendings');
    expect(lostWrites(writes, [live])).toEqual([]);
    // Everything the app did not write is byte for byte as before.
    const now = await snapshot(t.db, collections);
    const written = new Set([...writes.inserted.map((id) => `{"$oid":"${id}"}`), ...[...writes.updated.keys()].map((id) => `{"$oid":"${id}"}`)]);
    const lendingsBefore = before.get('lendings')!;
    const untouched = (s: CollectionSnapshot): CollectionSnapshot => ({
      documents: new Map([...s.documents].filter(([id]) => !written.has(id))),
      indexes: s.indexes,
    });
    expect(snapshotDifferences(new Map([['lendings', untouched(lendingsBefore)]]), new Map([['lendings', untouched(now.get('lendings')!)]]))).toEqual([]);
    expect(now.get('lendings')!.documents.size).toBe(lendingsBefore.documents.size + writes.inserted.length);
    const others = collections.filter((c) => c !== 'lendings');
    expect(snapshotDifferences(new Map(others.map((c) => [c, before.get(c)!])), new Map(others.map((c) => [c, now.get(c)!])))).toEqual([]);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
    expect(await readJournal(t.db)).toBeNull();
  });
});

describe('a restore that died after a swap, with writes in the swapped-in collection', () => {
  it('is rolled back by the next operation, which carries those writes onto the data put back', async () => {
    await changeData();
    const before = await snapshot(t.db, ['lendings', 'tools']);
    const inserted = new ObjectId();
    const updated = lendingIds[5]!;
    let died: () => void = () => undefined;
    const dead = new Promise<void>((resolve) => (died = resolve));
    // The process "dies" right after lendings is swapped in: it never returns, and its lease is not renewed.
    const dying = createBackupContext({ backupDir, backupCollections: collections, backupKeep: 100 }, t.db, {
      lock: new MongoOperationLock(t.db, { owner: 'toter-host:1', leaseMs: 1500, renewMs: 3_600_000 }),
      failpoints: {
        afterSwap: async (c) => {
          if (c !== 'lendings') return;
          await app.db(t.dbName).collection('lendings').insertOne({ _id: inserted, tool_barcode: 'T-NACH-TAUSCH' });
          await app.db(t.dbName).collection('lendings').updateOne({ _id: updated }, { $set: { app_write: 4711 } });
          died();
          await new Promise(() => undefined);
        },
      },
    });
    void restoreBackup(dying, { source: { name: backupName }, collections: ['lendings', 'tools'] });
    await dead;
    await sleep(1600);

    await repairInterruptedRestore(context());
    expect(await readJournal(t.db)).toBeNull();
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
    expect(await t.db.collection('lendings').findOne({ _id: inserted })).toMatchObject({ tool_barcode: 'T-NACH-TAUSCH' });
    // The update is applied to the document as it was before the restore, not to the restored one.
    const now = await snapshot(t.db, ['lendings', 'tools']);
    const changed = await t.db.collection('lendings').findOne({ _id: updated });
    expect(changed?.app_write).toBe(4711);
    await t.db.collection('lendings').deleteOne({ _id: inserted });
    await t.db.collection('lendings').updateOne({ _id: updated }, { $unset: { app_write: '' } });
    expect(snapshotDifferences(before, await snapshot(t.db, ['lendings', 'tools']))).toEqual([]);
    expect(now.get('lendings')!.documents.size).toBe(before.get('lendings')!.documents.size + 1);
  });
});

describe('a write exactly between the two renames of a swap', () => {
  const inTheGap = (id: ObjectId, collection = 'lendings') => async (c: string) => {
    if (c === collection) await app.db(t.dbName).collection(collection).insertOne({ _id: id, tool_barcode: 'T-LÜCKE', note: 'zwischen den Umbenennungen' });
  };

  it('lands in the replaced data, and so in the pre-restore archive', async () => {
    const id = new ObjectId();
    const result = await restoreBackup(context({ betweenRenames: inTheGap(id) }), { source: { name: backupName }, collections: ['lendings'] });
    const archived = await archivedDocuments(`${backupDir}/${result.preRestoreBackup}`, 'lendings');
    expect(archived.get(id.toHexString())).toMatchObject({ note: 'zwischen den Umbenennungen' });
    expect(await t.db.collection('lendings').countDocuments({ _id: id })).toBe(0);
    expect(snapshotDifferences(new Map([['lendings', backedUp.get('lendings')!]]), await snapshot(t.db, ['lendings']))).toEqual([]);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
  });

  it('is live again after a rollback', async () => {
    const id = new ObjectId();
    const before = await snapshot(t.db, ['lendings', 'tools']);
    await expect(
      restoreBackup(context({ betweenRenames: inTheGap(id), beforeSwap: failIf('tools') }), { source: { name: backupName }, collections: ['lendings', 'tools'] }),
    ).rejects.toMatchObject({ code: 'RESTORE_FAILED' });
    expect(await t.db.collection('lendings').findOne({ _id: id })).toMatchObject({ note: 'zwischen den Umbenennungen' });
    await t.db.collection('lendings').deleteOne({ _id: id });
    expect(snapshotDifferences(before, await snapshot(t.db, ['lendings', 'tools']))).toEqual([]);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
  });

  it('that a unique index refuses is kept in a collection of its own and reported, not dropped', async () => {
    const taken = (await t.db.collection('tools').findOne({}))!.barcode as string;
    const id = new ObjectId();
    const gapWrite = async (c: string) => {
      if (c === 'tools') await app.db(t.dbName).collection('tools').insertOne({ _id: id, barcode: taken, name: 'Doppelter Barcode' });
    };
    const result = await restoreBackup(context({ betweenRenames: gapWrite }), { source: { name: backupName }, collections: ['tools'] });
    const kept = events.find((e) => e.type === 'restore.writes-kept-apart');
    expect(kept).toMatchObject({ collection: 'tools', documents: 1 });
    const keptIn = (kept as { keptIn: string }).keptIn;
    expect(await t.db.collection(keptIn).findOne({ _id: id })).toMatchObject({ barcode: taken });
    expect(result.preRestoreBackup).toMatch(/-pre-restore\.zip$/);
    await t.db.collection(keptIn).drop();
  });
});

function failIf(collection: string): (c: string) => void {
  return (c) => {
    if (c === collection) throw new Error('injected failure');
  };
}

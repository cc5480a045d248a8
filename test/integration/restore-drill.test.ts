import { Double, ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentToLine } from '../../src/archive/extended-json.js';
import { createBackupContext } from '../../src/app/compose.js';
import type { BackupEvent } from '../../src/backup/backup-events.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { createBackupManager, type BackupManager } from '../../src/manager/backup-manager.js';
import { DRILLS_COLLECTION } from '../../src/restore/drill/drill-records.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { useTestDatabase } from '../helpers/database.js';
import { collectionFileText, writeHandmadeArchive } from '../helpers/handmade-archive.js';
import { snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();
const collections = [...SCANDY_COLLECTIONS];
const events: BackupEvent[] = [];
const scratchName = () => `${t.dbName}_restore_test`;
let manager: BackupManager;

async function databaseNames(): Promise<string[]> {
  const { databases } = await t.client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases.map((d) => d.name);
}

beforeAll(async () => {
  await seedDatabase(t.db, { docs: 2000 });
  manager = createBackupManager(
    createBackupContext({ backupDir, backupCollections: collections, backupKeep: 50 }, t.db, { emit: (e) => events.push(e) }),
    { drillDatabase: scratchName() },
  );
});

describe('restore drill against the real database', () => {
  it('restores the newest backup into the scratch database, finds it identical, drops it, and leaves the real collections byte for byte as they were', async () => {
    const backup = await manager.create({ kind: 'manual', actor: 'test' });
    const before = await snapshot(t.db, collections);

    const result = await manager.drill({ actor: 'test' });

    expect(result).toMatchObject({ ok: true, reason: null, backup: backup.backup.name, documents: 2000, scratchDatabase: scratchName() });
    expect(result?.collections.map((c) => c.name)).toEqual(collections);
    const toolIndexes = (await t.db.collection('tools').listIndexes().toArray()).length - 1;
    expect(toolIndexes).toBeGreaterThan(0);
    expect(result?.collections.find((c) => c.name === 'tools')?.indexes).toBe(toolIndexes);
    expect(snapshotDifferences(before, await snapshot(t.db, collections))).toEqual([]);
    expect(await databaseNames()).not.toContain(scratchName());
    expect(await manager.lastDrill()).toMatchObject({ ok: true, backup: backup.backup.name, actor: 'test' });
    expect(events.map((e) => e.type)).toContain('drill.succeeded');
  });

  it('fails with a German reason when an entry does not match its manifest, records and reports it, and still drops the scratch database', async () => {
    const tools = [{ _id: new ObjectId(), barcode: 'T1', name: 'Akkuschrauber' }].map((d) => documentToLine(d));
    const held = collectionFileText(tools).replace('Akkuschrauber', 'Akkuschraubex');
    writeHandmadeArchive(backupDir, 'scandy-backup-20990101T000000000Z-manual.zip', t.dbName, [{ name: 'tools', promised: collectionFileText(tools), held }]);

    const result = await manager.drill({ actor: 'test' });

    expect(result?.ok).toBe(false);
    expect(result?.backup).toBe('scandy-backup-20990101T000000000Z-manual.zip');
    expect(result?.reason).toContain('SHA-256-Prüfsumme stimmt nicht');
    expect(await databaseNames()).not.toContain(scratchName());
    expect(await manager.lastDrill()).toMatchObject({ ok: false, reason: result?.reason });
    expect(events.at(-1)).toMatchObject({ type: 'drill.failed', reason: result?.reason });
  });

  it('fails when the archive contradicts itself: a unique index its own documents break', async () => {
    const lines = ['A', 'A'].map((barcode) => documentToLine({ _id: new ObjectId(), barcode }));
    const index = { v: { $numberInt: '2' }, key: { barcode: { $numberInt: '1' } }, name: 'barcode_unique', unique: true };
    writeHandmadeArchive(backupDir, 'scandy-backup-20990102T000000000Z-manual.zip', t.dbName, [{ name: 'tools', promised: collectionFileText(lines), indexes: [index] }]);

    const result = await manager.drill({ actor: 'test' });

    expect(result?.ok).toBe(false);
    expect(result?.reason).toMatch(/^tools: Indexe lassen sich nicht anlegen/);
  });

  it('finds a document the server stores otherwise than the archive has it, byte for byte', async () => {
    // FerretDB keeps no negative zero: the archive's -0.0 comes back as 0.0, other bytes under the same _id.
    const id = new ObjectId();
    const lines = [documentToLine({ _id: id, value: new Double(-0) })];
    writeHandmadeArchive(backupDir, 'scandy-backup-20990103T000000000Z-manual.zip', t.dbName, [{ name: 'tools', promised: collectionFileText(lines) }]);

    const result = await manager.drill({ actor: 'test' });

    expect(result?.ok).toBe(false);
    expect(result?.reason).toContain(`tools: Dokument mit _id {"$oid":"${id.toHexString()}"} weicht ab`);
  });

  it('drills the chosen backup by name', async () => {
    // The newest backups are the handmade ones of 2099 above; the one the engine wrote is older.
    const chosen = (await manager.list()).find((b) => !b.name.includes('2099'));
    const result = await manager.drill({ actor: 'test', source: { name: chosen!.name } });
    expect(result).toMatchObject({ ok: true, backup: chosen!.name });
  });

  it('is refused while a backup holds the operation lock, and records nothing', async () => {
    const drills = await t.db.collection(DRILLS_COLLECTION).countDocuments();
    const lease = await new MongoOperationLock(t.db).acquire('backup');
    try {
      await expect(manager.drill({ actor: 'test' })).rejects.toMatchObject({ code: 'OPERATION_RUNNING', message: expect.stringMatching(/^Ein Backup läuft bereits/) });
    } finally {
      await lease.release();
    }
    expect(await t.db.collection(DRILLS_COLLECTION).countDocuments()).toBe(drills);
  });

  it('skips a scheduled drill when one already ran since the slot', async () => {
    const since = new Date(Date.now() - 60_000);
    expect(await manager.drill({ actor: 'Zeitplan', skipIfDrilledSince: since })).toBeUndefined();
  });
});

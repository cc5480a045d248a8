import { readdirSync } from 'node:fs';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupContext } from '../../src/backup/backup-context.js';
import { createBackupContext } from '../../src/app/compose.js';
import type { BackupEvent } from '../../src/backup/backup-events.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { listBackups } from '../../src/backup/list-backups.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { startFerretDb, type LocalDatabase } from '../../src/db/local-ferretdb.js';
import { readJournal } from '../../src/restore/restore-journal.js';
import { restoreBackup } from '../../src/restore/restore-backup.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { scandyBackupLeftovers, snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';

const dataDir = useTempDir('scandy-fault-db-');
const backupDir = useTempDir();
const collections = [...SCANDY_COLLECTIONS];
let server: LocalDatabase;
let client: MongoClient;
let db: Db;
const events: BackupEvent[] = [];

function context(): BackupContext {
  return createBackupContext({ backupDir, backupCollections: collections, backupKeep: 50 }, db, { emit: (e) => events.push(e) });
}

beforeAll(async () => {
  server = await startFerretDb({ dataDir });
  client = new MongoClient(server.uri, { serverSelectionTimeoutMS: 1500, connectTimeoutMS: 1500 });
  db = client.db('faults');
  await seedDatabase(db, { docs: 20_000 });
});

afterAll(async () => {
  await client.close().catch(() => undefined);
  await server.stop();
});

async function restartServer(): Promise<void> {
  server = await startFerretDb({ dataDir, port: server.port });
}

describe('the database stops in the middle', () => {
  it('of a backup: the backup fails clearly, leaves no file, and the next one works', async () => {
    const listed = (await listBackups(context())).length;
    let stopping: Promise<void> | undefined;
    const backup = createBackup(context(), {
      kind: 'manual',
      onProgress: (p) => {
        if (p.documentsDone >= 3000) stopping ??= server.kill();
      },
    });
    await expect(backup).rejects.toMatchObject({ code: 'BACKUP_FAILED', message: expect.stringMatching(/^Backup fehlgeschlagen: /) });
    await stopping;
    expect(readdirSync(backupDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await listBackups(context())).length).toBe(listed);
    expect(events.at(-1)).toMatchObject({ type: 'backup.failed' });

    await restartServer();
    const next = await createBackup(context(), { kind: 'manual' });
    expect(next.documents).toBe(20_000);
  });

  it('of a restore: the restore fails, and once the database is back the data is as before', async () => {
    const [latest] = await listBackups(context());
    await db.collection('tools').deleteMany({ deleted: true });
    const before = await snapshot(db, collections);

    let stopping: Promise<void> | undefined;
    const restore = restoreBackup(context(), {
      source: { name: latest!.name },
      onProgress: (p) => {
        if (p.phase === 'load' && p.documentsDone >= 3000) stopping ??= server.kill();
      },
    });
    await expect(restore).rejects.toMatchObject({ code: 'RESTORE_FAILED' });
    await stopping;

    await restartServer();
    // The next operation (any process) repairs the interrupted restore first.
    await createBackup(context(), { kind: 'manual' });
    expect(snapshotDifferences(before, await snapshot(db, collections))).toEqual([]);
    expect(await scandyBackupLeftovers(db)).toEqual([]);
    expect(await readJournal(db)).toBeNull();
  });
});

import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentToLine } from '../../src/archive/extended-json.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { runCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { collectionFileText, writeHandmadeArchive } from '../helpers/handmade-archive.js';
import { snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';

const t = useTestDatabase();
const backupDir = useTempDir();
const logDir = useTempDir();
let env: Record<string, string> = {};
let name = '';

beforeAll(async () => {
  env = { MONGODB_URI: t.uri, MONGODB_DB: t.dbName, BACKUP_DIR: backupDir, LOG_DIR: logDir };
  await seedDatabase(t.db, { docs: 600 });
  const created = await runCli(['create', '--json'], env);
  name = (JSON.parse(created.stdout) as { name: string }).name;
});

describe('npx scandy-backup drill', () => {
  it('--json: restores the newest backup into the scratch database, compares, drops it; exit 0', async () => {
    const before = await snapshot(t.db, [...SCANDY_COLLECTIONS]);
    const result = await runCli(['drill', '--json'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(output).toMatchObject({ ok: true, backup: name, documents: 600, reason: null, scratchDatabase: `${t.dbName}_restore_test` });
    expect(output.collections).toHaveLength(SCANDY_COLLECTIONS.length);
    expect(snapshotDifferences(before, await snapshot(t.db, [...SCANDY_COLLECTIONS]))).toEqual([]);
  });

  it('NAME drills that backup and prints a table and one summary line', async () => {
    const result = await runCli(['drill', name], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Collection +Dokumente +Indexe\n/);
    expect(result.stdout).toContain(`Wiederherstellungstest erfolgreich: ${name} (600 Dokumente byte-genau und alle Indexe verglichen`);
  });

  it('is refused with one German line while a backup holds the lock', async () => {
    const lease = await new MongoOperationLock(t.db, { owner: 'other-host:1:x' }).acquire('backup');
    try {
      const result = await runCli(['drill', '--json'], env);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^scandy-backup: Ein Backup läuft bereits \(seit .*other-host:1:x\)\n$/);
    } finally {
      await lease.release();
    }
  });

  it('a mismatching archive: exit 1, --json says ok false and why, stderr one line', async () => {
    const lines = [documentToLine({ _id: new ObjectId(), name: 'Zange' })];
    const held = collectionFileText(lines).replace('Zange', 'Zanke');
    writeHandmadeArchive(backupDir, 'scandy-backup-20990101T000000000Z-manual.zip', t.dbName, [{ name: 'tools', promised: collectionFileText(lines), held }]);
    const result = await runCli(['drill', '--json'], env);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, backup: 'scandy-backup-20990101T000000000Z-manual.zip', documents: 0 });
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('Wiederherstellungstest fehlgeschlagen: scandy-backup-20990101T000000000Z-manual.zip: Ungültiges Backup-Archiv');
  });

  it('refuses more than one name as a usage error', async () => {
    const result = await runCli(['drill', 'a', 'b'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('drill erwartet höchstens einen NAME');
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackupContext } from '../../src/backup/backup-context.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { readJournal } from '../../src/restore/restore-journal.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { runCli, startCli } from '../helpers/cli.js';
import { useTestDatabase } from '../helpers/database.js';
import { scandyBackupLeftovers, snapshot, snapshotDifferences, type CollectionSnapshot } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();
const collections = [...SCANDY_COLLECTIONS];
let env: Record<string, string> = {};
let backupName = '';
let backedUp: Map<string, CollectionSnapshot>;

beforeAll(async () => {
  env = { MONGODB_URI: t.uri, MONGODB_DB: t.dbName, BACKUP_DIR: backupDir, LOG_DIR: useTempDir() };
  await seedDatabase(t.db, { docs: 20_000 });
  backedUp = await snapshot(t.db, collections);
  const ctx = createBackupContext({ backupDir, backupCollections: collections, backupKeep: 50 }, t.db);
  backupName = (await createBackup(ctx, { kind: 'manual' })).backup.name;
});

async function changeData(): Promise<Map<string, CollectionSnapshot>> {
  await t.db.collection('lendings').deleteMany({ returned_at: null });
  await t.db.collection('tools').insertOne({ name: 'Neu nach dem Backup', barcode: `T-${Date.now()}` });
  return snapshot(t.db, collections);
}

/** SIGKILLs a CLI restore as soon as its journal reaches `state`. */
async function killRestoreAt(state: 'loading' | 'swapping'): Promise<void> {
  const child = startCli(['restore', backupName, '--yes'], env);
  const exited = new Promise((resolve) => child.on('close', resolve));
  const deadline = Date.now() + 60_000;
  let seen = false;
  while (Date.now() < deadline && child.exitCode === null) {
    if ((await readJournal(t.db))?.state === state) {
      child.kill('SIGKILL');
      seen = true;
      break;
    }
    await sleep(state === 'swapping' ? 0 : 20);
  }
  await exited;
  expect(seen, `the restore never reached "${state}" before it ended`).toBe(true);
}

describe('a restore killed with SIGKILL', () => {
  it.each(['loading', 'swapping'] as const)('while %s: after the next start the database is before or after, never in between', async (state) => {
    const before = await changeData();
    await killRestoreAt(state);

    // Any next operation (here: the next backup) first repairs what the killed restore left.
    const next = await runCli(['create', '--json'], env);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);

    const now = await snapshot(t.db, collections);
    const asBefore = snapshotDifferences(before, now);
    const asAfter = snapshotDifferences(backedUp, now);
    expect(asBefore.length === 0 || asAfter.length === 0, `neither before nor after: ${asBefore.slice(0, 3).join('; ')}`).toBe(true);
    if (state === 'loading') expect(asBefore).toEqual([]);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
    expect(await readJournal(t.db)).toBeNull();

    const list = JSON.parse((await runCli(['list', '--json'], env)).stdout) as { problem?: string }[];
    expect(list.every((b) => b.problem === undefined || b.problem === null)).toBe(true);
  });
});

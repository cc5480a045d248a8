import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BSON } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { withArchive } from '../../src/archive/archive-reader.js';
import { readCollectionDocuments } from '../../src/archive/collection-reader.js';
import { verifyArchive } from '../../src/archive/verify-archive.js';
import { createBackupContext } from '../../src/app/compose.js';
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
const logDir = useTempDir();
let env: Record<string, string> = {};
let backupName = '';
let backedUp: Map<string, CollectionSnapshot>;

beforeAll(async () => {
  env = { MONGODB_URI: t.uri, MONGODB_DB: t.dbName, BACKUP_DIR: backupDir, LOG_DIR: logDir };
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

/** SIGKILLs a CLI restore as soon as its journal reaches `state` ('committed': before its safety archive is written). */
async function killRestoreAt(state: 'loading' | 'swapping' | 'committed'): Promise<void> {
  const child = startCli(['restore', backupName, '--yes'], env);
  const exited = new Promise((resolve) => child.on('close', resolve));
  const deadline = Date.now() + 60_000;
  let seen = false;
  while (Date.now() < deadline && child.exitCode === null) {
    const journal = await readJournal(t.db);
    if (journal?.state === state && !journal.safety?.archive) {
      child.kill('SIGKILL');
      seen = true;
      break;
    }
    await sleep(state === 'loading' ? 20 : 0);
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

/** The documents of an archive, as the raw BSON the server would hold, per collection. */
async function archivedSnapshot(file: string): Promise<Map<string, CollectionSnapshot>> {
  return withArchive(file, async (archive) => {
    const result = new Map<string, CollectionSnapshot>();
    for (const entry of archive.manifest.collections) {
      const documents = new Map<string, Buffer>();
      for await (const batch of readCollectionDocuments(archive, entry)) {
        for (const doc of batch) documents.set(BSON.EJSON.stringify(doc._id, { relaxed: false }), Buffer.from(BSON.serialize(doc)));
      }
      result.set(entry.name, { documents, indexes: [] });
    }
    return result;
  });
}

function withoutIndexes(snapshots: Map<string, CollectionSnapshot>): Map<string, CollectionSnapshot> {
  return new Map([...snapshots].map(([name, s]) => [name, { documents: s.documents, indexes: [] }]));
}

describe('a restore killed with SIGKILL after the swap, before its safety archive is complete', () => {
  it('is restored, and the next operation writes the replaced data into a verified pre-restore archive and drops it', async () => {
    const before = await changeData();
    const preRestoreBefore = readdirSync(backupDir).filter((f) => f.endsWith('-pre-restore.zip'));
    await killRestoreAt('committed');
    expect(snapshotDifferences(backedUp, await snapshot(t.db, collections))).toEqual([]);
    expect((await scandyBackupLeftovers(t.db)).filter((n) => n.startsWith('scandy_backup_aside_'))).toHaveLength(collections.length);

    const next = await runCli(['create', '--json'], env);
    expect(next.stderr).toBe('');
    expect(next.code).toBe(0);

    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
    expect(await readJournal(t.db)).toBeNull();
    expect(snapshotDifferences(backedUp, await snapshot(t.db, collections))).toEqual([]);
    const written = readdirSync(backupDir).filter((f) => f.endsWith('-pre-restore.zip') && !preRestoreBefore.includes(f));
    expect(written).toHaveLength(1);
    const file = path.join(backupDir, written[0]!);
    await verifyArchive(file);
    // Exactly the data the restore replaced, every document byte for byte.
    expect(snapshotDifferences(withoutIndexes(before), await archivedSnapshot(file))).toEqual([]);
    expect(readFileSync(path.join(logDir, 'auto_backup.log'), 'utf8')).toContain(`nachgeholt und geprüft: ${written[0]}`);
  });
});

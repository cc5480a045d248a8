import { readdirSync } from 'node:fs';
import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentToLine } from '../../src/archive/extended-json.js';
import { createBackupContext } from '../../src/app/compose.js';
import type { BackupContext } from '../../src/backup/backup-context.js';
import { readJournal } from '../../src/restore/restore-journal.js';
import { restoreBackup } from '../../src/restore/restore-backup.js';
import { useTestDatabase } from '../helpers/database.js';
import { collectionFileText, writeHandmadeArchive, type HandmadeEntry } from '../helpers/handmade-archive.js';
import { scandyBackupLeftovers, snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();
const collections = ['workers', 'tools'];
const TOOLS_IN_ARCHIVE = 1500;

beforeAll(async () => {
  await t.db.collection('tools').insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: new ObjectId(), barcode: `T${i}`, name: `Werkzeug ${i}` })));
  await t.db.collection('tools').createIndex({ barcode: 1 }, { unique: true, name: 'barcode_unique' });
  await t.db.collection('workers').insertOne({ barcode: 'W1', firstname: 'Jürgen' });
});

/** A well-formed archive whose manifest may promise other content than an entry holds (same size, so only reading finds it). */
function archive(file: string, entries: readonly HandmadeEntry[]): string {
  return writeHandmadeArchive(backupDir, file, t.dbName, entries);
}

const workers = collectionFileText([documentToLine({ _id: new ObjectId(), barcode: 'W2', firstname: 'Anna-Lena' })]);
const toolLines = Array.from({ length: TOOLS_IN_ARCHIVE }, (_, i) => documentToLine({ _id: new ObjectId(), barcode: `A${i}`, name: `Werkzeug ${1000 + i}` }));
const tools = collectionFileText(toolLines);
/** One character changed near the end: valid Extended JSON, same size, another SHA-256. */
const toolsChanged = tools.replace(`Werkzeug ${1000 + TOOLS_IN_ARCHIVE - 10}`, `Werkzeug ${1000 + TOOLS_IN_ARCHIVE - 10}`.replace(/.$/, 'X'));

function context(loaded: Map<string, number>): BackupContext {
  return createBackupContext({ backupDir, backupCollections: collections, backupKeep: 10 }, t.db, {
    failpoints: { afterLoadBatch: (collection: string, documents: number) => void loaded.set(collection, documents) },
  });
}

describe('the archive is verified while it is loaded', () => {
  it.each([
    ['a SHA-256 that does not match', archive('changed.zip', [{ name: 'workers', promised: workers }, { name: 'tools', promised: tools, held: toolsChanged }]), /SHA-256/],
    ['a count that does not match', archive('count.zip', [{ name: 'workers', promised: workers }, { name: 'tools', promised: tools, count: TOOLS_IN_ARCHIVE - 1 }]), /1500 Dokumente, laut Manifest 1499/],
  ])('%s, found only after part of the archive was loaded, leaves the real collections untouched and no staging collection', async (_, file, reason) => {
    expect(toolsChanged).not.toBe(tools);
    expect(toolsChanged.length).toBe(tools.length);
    const before = await snapshot(t.db, collections);
    const backupsBefore = readdirSync(backupDir).length;
    const loaded = new Map<string, number>();

    const failure = restoreBackup(context(loaded), { source: { file } });
    await expect(failure).rejects.toMatchObject({ code: 'ARCHIVE_INVALID', details: { step: 'load' } });
    await expect(failure).rejects.toThrow(reason);
    await expect(failure).rejects.toThrow(/Die Datenbank ist unverändert/);

    // It was found while loading: workers was in its staging collection, and tools (some or all of it) too.
    expect(loaded.get('workers')).toBe(1);
    expect(loaded.get('tools')).toBeGreaterThan(0);
    expect(snapshotDifferences(before, await snapshot(t.db, collections))).toEqual([]);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
    expect(await readJournal(t.db)).toBeNull();
    expect(readdirSync(backupDir).length).toBe(backupsBefore);
  });

  it('verifies the entries not chosen before anything is loaded', async () => {
    const file = archive('other-changed.zip', [{ name: 'workers', promised: workers }, { name: 'tools', promised: tools, held: toolsChanged }]);
    const before = await snapshot(t.db, collections);
    const loaded = new Map<string, number>();

    await expect(restoreBackup(context(loaded), { source: { file }, collections: ['workers'] })).rejects.toMatchObject({
      code: 'ARCHIVE_INVALID',
      message: expect.stringContaining('collections/tools.json: SHA-256'),
    });
    expect(loaded.size).toBe(0);
    expect(snapshotDifferences(before, await snapshot(t.db, collections))).toEqual([]);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
    expect(await readJournal(t.db)).toBeNull();
  });

  it('restores the same archive once its content matches the manifest', async () => {
    const file = archive('good.zip', [{ name: 'workers', promised: workers }, { name: 'tools', promised: tools }]);
    const result = await restoreBackup(context(new Map()), { source: { file } });
    expect(result.documents).toBe(TOOLS_IN_ARCHIVE + 1);
    expect(await t.db.collection('tools').countDocuments()).toBe(TOOLS_IN_ARCHIVE);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
  });
});

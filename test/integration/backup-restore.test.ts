import { readFileSync, writeFileSync } from 'node:fs';
import { ObjectId, Int32, type Document } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { openArchive } from '../../src/archive/archive-reader.js';
import type { BackupContext, Failpoints } from '../../src/backup/backup-context.js';
import { createBackupContext } from '../../src/app/compose.js';
import type { BackupEvent } from '../../src/backup/backup-events.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { listBackups } from '../../src/backup/list-backups.js';
import { verifyBackup } from '../../src/backup/verify-backup.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { previewRestore } from '../../src/restore/preview-restore.js';
import { readJournal } from '../../src/restore/restore-journal.js';
import { restoreBackup } from '../../src/restore/restore-backup.js';
import { storableTypesDocument } from '../helpers/bson-samples.js';
import { useTestDatabase } from '../helpers/database.js';
import { scandyBackupLeftovers, snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();
const events: BackupEvent[] = [];
const collections = [...SCANDY_COLLECTIONS];

function context(failpoints?: Failpoints): BackupContext {
  return createBackupContext({ backupDir, backupCollections: collections, backupKeep: 50 }, t.db, {
    emit: (e) => events.push(e),
    ...(failpoints ? { failpoints } : {}),
  });
}

async function fillDatabase(): Promise<void> {
  const tools: Document[] = Array.from({ length: 1500 }, (_, i) => ({
    _id: new ObjectId(),
    name: `Akkuschrauber ${i}`,
    barcode: `T${String(i).padStart(5, '0')}`,
    status: i % 3 === 0 ? 'ausgeliehen' : 'verfügbar',
    created_at: new Date(Date.UTC(2025, 0, 1) + i * 60_000),
    deleted: i % 50 === 0,
    quantity: new Int32(i),
  }));
  await t.db.collection('tools').insertMany([storableTypesDocument(), ...tools]);
  await t.db.collection('tools').createIndex({ barcode: 1 }, { unique: true, name: 'barcode_unique', sparse: true });
  await t.db.collection('workers').insertMany([
    { _id: new ObjectId(), barcode: 'W50001', firstname: 'Jürgen', lastname: 'Öztürk', Ausweisnummer: 'A-77' },
    { _id: new ObjectId(), barcode: 'W50002', firstname: 'Anna-Lena', lastname: 'Weiß' },
  ]);
  const ticket = new ObjectId();
  await t.db.collection('tickets').insertOne({ _id: ticket, title: 'Bohrhammer defekt', due_date: '2025-07-15', priority: 'hoch' });
  await t.db.collection('ticket_messages').insertOne({ _id: new ObjectId(), ticket_id: ticket, message: 'Ersatzteil bestellt' });
  await t.db.collection('lendings').insertMany([
    { _id: new ObjectId(), tool_barcode: 'T00001', worker_barcode: 'W50001', lent_at: new Date(), returned_at: null },
    { _id: new ObjectId(), tool_barcode: 'T00002', worker_barcode: 'W50002', lent_at: new Date() },
  ]);
  await t.db.collection('settings').insertOne({ key: 'categories', value: ['Elektrowerkzeug', 'Messwerkzeug'] });
}

let backupName = '';

beforeAll(async () => {
  await fillDatabase();
});

describe('backup and restore against the real database', () => {
  it('creates a format-2 archive that lists every configured collection', async () => {
    const result = await createBackup(context(), { kind: 'manual', actor: 'test' });
    backupName = result.backup.name;
    expect(backupName).toMatch(/^scandy-backup-\d{8}T\d{9}Z-manual\.zip$/);
    expect(result.manifest.collections.map((c) => c.name)).toEqual(collections);
    expect(result.manifest.collections.find((c) => c.name === 'tools')?.count).toBe(1501);
    expect(result.manifest.collections.find((c) => c.name === 'ticket_notes')?.count).toBe(0);
    const toolIndexes = result.manifest.collections.find((c) => c.name === 'tools')?.indexes.map((i) => i.name);
    expect(toolIndexes).toContain('barcode_unique');
    expect(events.some((e) => e.type === 'backup.succeeded' && e.name === backupName)).toBe(true);

    const listed = await listBackups(context());
    expect(listed.map((b) => b.name)).toContain(backupName);
    expect(listed.find((b) => b.name === backupName)?.documents).toBe(result.documents);
  });

  it('writes each collection file as one valid JSON array, one canonical Extended JSON document per line', async () => {
    const archive = await openArchive(`${backupDir}/${backupName}`);
    try {
      const stream = await archive.openEntry('collections/workers.json');
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const parsed = JSON.parse(text) as unknown[];
      expect(parsed).toHaveLength(2);
      const lines = text.split('\n');
      expect(lines[0]).toBe('[');
      expect(lines[1]).toMatch(/^\{"_id":\{"\$oid":"[0-9a-f]{24}"\}.*\},$/);
      expect(archive.manifest.format).toBe('scandy-backup');
      expect(archive.manifest.version).toBe(2);
    } finally {
      archive.close();
    }
  });

  it('restores every document byte-identical after the collections were wiped', async () => {
    const before = await snapshot(t.db, collections);
    for (const name of collections) await t.db.collection(name).drop().catch(() => undefined);
    await t.db.collection('tools').insertOne({ name: 'nach dem Backup angelegt' });

    const preview = await previewRestore(context(), { name: backupName });
    expect(preview.collections.find((c) => c.name === 'tools')).toMatchObject({ current: 1, backup: 1501 });

    const result = await restoreBackup(context(), { source: { name: backupName }, actor: 'test' });
    expect(result.preRestoreBackup).toMatch(/-pre-restore\.zip$/);
    expect(snapshotDifferences(before, await snapshot(t.db, collections))).toEqual([]);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
    expect(await readJournal(t.db)).toBeNull();

    const safety = await verifyBackup(context(), { name: result.preRestoreBackup! });
    expect(safety.collections.find((c) => c.name === 'tools')?.count).toBe(1);
  });

  it('restores only the chosen collections', async () => {
    await t.db.collection('workers').insertOne({ barcode: 'W59999', firstname: 'Neu' });
    await t.db.collection('tickets').insertOne({ title: 'bleibt' });
    await restoreBackup(context(), { source: { name: backupName }, collections: ['workers'] });
    expect(await t.db.collection('workers').countDocuments()).toBe(2);
    expect(await t.db.collection('tickets').countDocuments({ title: 'bleibt' })).toBe(1);
    await t.db.collection('tickets').deleteOne({ title: 'bleibt' });
  });

  it('refuses a tampered archive before touching anything', async () => {
    const bytes = readFileSync(`${backupDir}/${backupName}`);
    const tampered = Buffer.from(bytes);
    tampered[Math.floor(bytes.length / 3)]! ^= 0xff;
    const file = `${backupDir}/tampered.zip`;
    writeFileSync(file, tampered);
    const before = await snapshot(t.db, collections);
    const backupsBefore = (await listBackups(context())).length;

    await expect(restoreBackup(context(), { source: { file } })).rejects.toMatchObject({ code: 'ARCHIVE_INVALID' });
    expect(snapshotDifferences(before, await snapshot(t.db, collections))).toEqual([]);
    expect((await listBackups(context())).length).toBe(backupsBefore);
  });

  it.each([
    ['before the first swap', { beforeSwap: (c: string) => fail(c === 'tools') }],
    ['after some collections were swapped in', { afterSwap: (c: string) => fail(c === 'lendings') }],
    ['while loading a collection', { afterLoadBatch: (c: string) => fail(c === 'tools') }],
  ])('leaves the data as it was when the restore fails %s', async (when, failpoints) => {
    await t.db.collection('tools').insertOne({ name: 'nach dem Backup angelegt', barcode: `T-NEU ${when}` });
    await t.db.collection('workers').deleteMany({});
    const before = await snapshot(t.db, collections);

    await expect(restoreBackup(context(failpoints), { source: { name: backupName } })).rejects.toMatchObject({
      code: 'RESTORE_FAILED',
      message: expect.stringContaining('Die Datenbank ist unverändert'),
    });
    expect(snapshotDifferences(before, await snapshot(t.db, collections))).toEqual([]);
    expect(await scandyBackupLeftovers(t.db)).toEqual([]);
    expect(await readJournal(t.db)).toBeNull();
    expect(events.at(-1)).toMatchObject({ type: 'restore.failed' });
  });
});

function fail(when: boolean): void {
  if (when) throw new Error('injected failure');
}

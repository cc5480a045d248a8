import { BSON, Int32, ObjectId, type Db, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createBackupContext } from '../../src/backup/backup-context.js';
import type { BackupEvent } from '../../src/backup/backup-events.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { describeError } from '../../src/shared/app-error.js';
import { restoreBackup } from '../../src/restore/restore-backup.js';
import { repairIfInterrupted, repairInterruptedRestore } from '../../src/restore/repair-interrupted-restore.js';
import { readJournal, writeJournal, planJournalCollections } from '../../src/restore/restore-journal.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();

describe('what the review found', () => {
  it('backs up and restores byte-identically what Extended JSON alone could not keep: field names made of digits (FerretDB cannot store "$" field names, those are tested through a real archive in archive-roundtrip)', async () => {
    const workers = t.db.collection('workers');
    const excel = new Map<string, unknown>([['_id', new ObjectId('65f0c0ffee0000000000000a')], ['barcode', 'W1'], ['2023', 'Spalte aus Excel'], ['2022', new Int32(7)], ['jahre', new Map<string, unknown>([['b', 1], ['10', 2], ['1', 3]])]]);
    await workers.insertOne(excel as unknown as Document);
    const stored = await rawDocuments(t.db, 'workers');
    expect(stored).toEqual([Buffer.from(BSON.serialize(excel))]);

    const ctx = createBackupContext({ backupDir, backupCollections: ['workers'], backupKeep: 10 }, t.db);
    const { backup } = await createBackup(ctx, { kind: 'manual' });
    await workers.deleteMany({});
    await restoreBackup(ctx, { source: { name: backup.name } });
    expect(await rawDocuments(t.db, 'workers')).toEqual(stored);
    await workers.deleteMany({});
  });

  it('rolling back a restore that was still loading never touches the real collections', async () => {
    const events: BackupEvent[] = [];
    // The app created ticket_notes while the restore was loading; the restore had planned it as "did not exist".
    const plan = planJournalCollections('run1', ['ticket_notes'], new Set());
    await writeJournal(t.db, { runId: 'run1', state: 'loading', source: 'x.zip', startedAt: new Date(), collections: plan });
    await t.db.createCollection(plan[0]!.staging);
    await t.db.collection('ticket_notes').insertOne({ note: 'während des Ladens geschrieben' });

    const ctx = createBackupContext({ backupDir, backupCollections: ['ticket_notes'], backupKeep: 10 }, t.db, { emit: (e) => events.push(e) });
    await repairInterruptedRestore(ctx);
    expect(await t.db.collection('ticket_notes').countDocuments()).toBe(1);
    expect(await t.db.listCollections({ name: plan[0]!.staging }).toArray()).toEqual([]);
    expect(await readJournal(t.db)).toBeNull();
    expect(events).toEqual([expect.objectContaining({ type: 'restore.recovered', outcome: 'cleaned' })]);
  });

  it('error texts never quote document values from duplicate-key errors', () => {
    const error = new Error('E11000 duplicate key error collection: scandy.users index: email_1 dup key: { email: "jürgen@example.org" }');
    expect(describeError(error)).toBe('E11000 duplicate key error collection: scandy.users index: email_1 dup key: { … }');
  });

  it('a lease whose renewals did not get through counts as lost once it has run out', async () => {
    let now = new Date('2026-11-27T06:00:00Z');
    const lock = new MongoOperationLock(t.db, { owner: 'host-a:1', leaseMs: 60_000, renewMs: 3_600_000, now: () => now });
    const lease = await lock.acquire('restore');
    expect(() => lease.assertHeld()).not.toThrow();
    now = new Date(now.getTime() + 61_000);
    expect(() => lease.assertHeld()).toThrow(/abgelaufen/);
    await lease.release();
  });

  it('the running app repairs a restore interrupted elsewhere as soon as the lock is free', async () => {
    const ctx = createBackupContext({ backupDir, backupCollections: ['tools'], backupKeep: 10 }, t.db);
    expect(await repairIfInterrupted(ctx)).toBe(false);

    // A restore was killed right after moving "tools" aside and putting the restored data in place.
    await t.db.collection('tools').insertOne({ name: 'vorher' });
    const plan = planJournalCollections('run2', ['tools'], new Set(['tools']));
    await writeJournal(t.db, { runId: 'run2', state: 'swapping', source: 'x.zip', startedAt: new Date(), collections: plan });
    await t.db.renameCollection('tools', plan[0]!.aside);
    await t.db.collection('tools').insertOne({ name: 'halb wiederhergestellt' });

    const busy = new MongoOperationLock(t.db, { owner: 'anderer-host:7' });
    const lease = await busy.acquire('backup:auto');
    expect(await repairIfInterrupted(ctx)).toBe(false);
    await lease.release();

    expect(await repairIfInterrupted(ctx)).toBe(true);
    expect(await t.db.collection('tools').find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ name: 'vorher' }]);
    expect(await readJournal(t.db)).toBeNull();
  });
});

async function rawDocuments(db: Db, name: string): Promise<Buffer[]> {
  const raw = (await db.collection(name).find({}, { raw: true }).toArray()) as unknown as Uint8Array[];
  return raw.map((bytes) => Buffer.from(bytes));
}

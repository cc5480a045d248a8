import { describe, expect, it } from 'vitest';
import type { BackupEvent } from '../../src/backup/backup-events.js';
import { MongoOperationLock } from '../../src/backup/operation-lock.js';
import { createBackupContext } from '../../src/app/compose.js';
import { repairIfInterrupted, repairInterruptedRestore } from '../../src/restore/repair-interrupted-restore.js';
import { planJournalCollections, readJournal, writeJournal } from '../../src/restore/restore-journal.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();

describe('repairing a restore that was interrupted', () => {
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

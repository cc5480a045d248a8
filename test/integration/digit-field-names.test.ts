import { BSON, Int32, ObjectId, type Db, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createBackupContext } from '../../src/app/compose.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { restoreBackup } from '../../src/restore/restore-backup.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();

// FerretDB cannot store "$" field names; those go through a real archive in test/unit/archive-roundtrip.test.ts.
describe('field names made of digits (an Excel column "2023")', () => {
  it('back up and restore byte-identically, in their stored order', async () => {
    const workers = t.db.collection('workers');
    const excel = new Map<string, unknown>([
      ['_id', new ObjectId('65f0c0ffee0000000000000a')],
      ['barcode', 'W1'],
      ['2023', 'Spalte aus Excel'],
      ['2022', new Int32(7)],
      ['jahre', new Map<string, unknown>([['b', 1], ['10', 2], ['1', 3]])],
    ]);
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
});

async function rawDocuments(db: Db, name: string): Promise<Buffer[]> {
  const raw = (await db.collection(name).find({}, { raw: true }).toArray()) as unknown as Uint8Array[];
  return raw.map((bytes) => Buffer.from(bytes));
}

import { readdirSync } from 'node:fs';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createBackup } from '../../src/backup/create-backup.js';
import { createBackupContext } from '../../src/app/compose.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

const t = useTestDatabase();
const backupDir = useTempDir();

describe('a document Extended JSON cannot keep exactly', () => {
  it('fails the backup loudly and leaves no file', async () => {
    await t.db.collection('workers').insertOne({ _id: new ObjectId('65f0c0ffee0000000000000a'), barcode: 'W1', '2023': 'Spalte aus Excel' });
    const ctx = createBackupContext({ backupDir, backupCollections: ['workers'], backupKeep: 10 }, t.db);
    await expect(createBackup(ctx, { kind: 'manual' })).rejects.toMatchObject({
      code: 'BACKUP_FAILED',
      message: expect.stringMatching(/workers.*65f0c0ffee0000000000000a.*nicht verlustfrei/),
    });
    expect(readdirSync(backupDir)).toEqual([]);
    await t.db.collection('workers').deleteMany({});
  });
});

import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { BSON, Binary, Int32, type Db } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { BackupContext } from '../../src/backup/backup-context.js';
import { createBackupContext } from '../../src/app/compose.js';
import { createBackup } from '../../src/backup/create-backup.js';
import { verifyBackup } from '../../src/backup/verify-backup.js';
import { restoreBackup } from '../../src/restore/restore-backup.js';
import { useTestDatabase } from '../helpers/database.js';
import { useTempDir } from '../helpers/temp-dir.js';

/**
 * A collection that compresses about 1000:1 (a blank image in every settings
 * document): the product must restore every backup it writes.
 */
const t = useTestDatabase();
const backupDir = useTempDir();
const DOCUMENTS = 2000;
const BLANK_BYTES = 1024 * 1024;
const INSERT_BATCH = 10;

function context(): BackupContext {
  return createBackupContext({ backupDir, backupCollections: ['settings'], backupKeep: 10 }, t.db);
}

function settingsDocument(id: number, blank: Binary) {
  return { _id: new Int32(id), key: `logo_${id}`, blank };
}

/** SHA-256 of every document's raw BSON by _id, read a few at a time so that 2 GiB never sit in memory. */
async function digests(db: Db): Promise<Map<number, string>> {
  const result = new Map<number, string>();
  const cursor = db.collection('settings').find({}, { raw: true, batchSize: 8 });
  for await (const bytes of cursor as unknown as AsyncIterable<Uint8Array>) {
    const id = (BSON.deserialize(bytes, { promoteValues: true }) as { _id: number })._id;
    result.set(id, sha256(bytes));
  }
  return result;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What the server holds: the documents as inserted, byte for byte (FerretDB keeps field order and types). */
const inserted = new Map<number, string>();

beforeAll(async () => {
  const blank = new Binary(Buffer.alloc(BLANK_BYTES), 0);
  for (let start = 0; start < DOCUMENTS; start += INSERT_BATCH) {
    const batch = Array.from({ length: INSERT_BATCH }, (_, i) => settingsDocument(start + i, blank));
    await t.db.collection<{ _id: Int32 }>('settings').insertMany(batch);
    for (const doc of batch) inserted.set(doc._id.value, sha256(BSON.serialize(doc)));
  }
}, 900_000);

describe('documents that compress far beyond 200:1', () => {
  it(`backs up, verifies and restores ${DOCUMENTS} documents of 1 MiB zeros byte for byte`, async () => {
    expect(inserted.size).toBe(DOCUMENTS);
    const backup = await createBackup(context(), { kind: 'manual' });
    const settings = backup.manifest.collections[0]!;
    expect(settings.count).toBe(DOCUMENTS);
    // Base64 of the zeros alone is 4/3 of their size; the archive holds all of it in a tiny fraction.
    expect(settings.bytes).toBeGreaterThan((DOCUMENTS * BLANK_BYTES * 4) / 3);
    expect(statSync(backup.backup.path).size * 200).toBeLessThan(settings.bytes);

    await expect(verifyBackup(context(), { name: backup.backup.name })).resolves.toMatchObject({ documents: DOCUMENTS });

    await t.db.collection('settings').drop();
    const restored = await restoreBackup(context(), { source: { name: backup.backup.name } });
    expect(restored.documents).toBe(DOCUMENTS);
    expect(await digests(t.db)).toEqual(inserted);
  }, 1_200_000);
});

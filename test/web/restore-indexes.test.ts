import path from 'node:path';
import { Int32, ObjectId, type Document } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../src/archive/archive-writer.js';
import { documentToLine } from '../../src/archive/extended-json.js';
import { ADMIN, signIn, useWebApp, waitForIdle, type SignedIn } from './helpers/web-app.js';

const w = useWebApp();
let crafted = 0;
let admin: SignedIn;

/** A stored backup of `tools` whose manifest lists these indexes (as listIndexes returns them, plus whatever a crafted archive adds). */
async function backupWithIndexes(indexes: Document[]): Promise<string> {
  async function* lines() {
    yield [documentToLine({ _id: new ObjectId(), barcode: 'T1', status: 'verfügbar', created_at: new Date() })];
  }
  const file = path.join(w.backupDir, `crafted-${++crafted}.zip`);
  await writeArchive(file, { kind: 'upload', createdAt: new Date(), database: w.t.dbName }, [
    { name: 'tools', indexes: [{ v: new Int32(2), key: { _id: new Int32(1) }, name: '_id_' }, ...indexes], lines: lines() },
  ]);
  return (await w.manager.storeVerifiedUpload(file, { documents: 1, actor: 'test' })).name;
}

const post = (url: string, body: object) => admin.agent.post(url).set('x-csrf-token', admin.csrf).send(body);

beforeAll(async () => {
  await w.t.db.collection('tools').insertOne({ barcode: 'T0', status: 'verfügbar' });
  admin = await signIn(w.app, ADMIN);
});

describe('indexes a restore would add', () => {
  it('shows a TTL or unique index the collection does not have in the preview, and refuses the restore without confirmIndexes (400, German, naming it)', async () => {
    const name = await backupWithIndexes([
      { v: new Int32(2), key: { created_at: new Int32(1) }, name: 'created_at_ttl', expireAfterSeconds: new Int32(0) },
      { v: new Int32(2), key: { status: new Int32(1) }, name: 'status_unique', unique: true },
      { v: new Int32(2), key: { barcode: new Int32(1) }, name: 'barcode_1' },
    ]);
    const preview = await admin.agent.get(`/admin/api/backups/${name}/restore-preview`).expect(200);
    expect(preview.body.indexesToConfirm).toEqual([
      { collection: 'tools', name: 'created_at_ttl', key: { created_at: 1 }, unique: false, expireAfterSeconds: 0 },
      { collection: 'tools', name: 'status_unique', key: { status: 1 }, unique: true },
    ]);
    const page = await admin.agent.get(`/admin/backups/${name}/restore`).expect(200);
    expect(page.text).toContain('tools.created_at_ttl');
    expect(page.text).toContain('löscht Dokumente 0 Sekunden nach created_at');
    expect(page.text).toContain('id="confirm-indexes"');

    for (const body of [{ confirm: true }, { confirm: true, confirmIndexes: false }]) {
      const refused = await post(`/admin/api/backups/${name}/restore`, body).expect(400);
      expect(refused.body.error.code).toBe('INVALID_INPUT');
      expect(refused.body.error.message).toContain('tools.created_at_ttl (löscht Dokumente 0 Sekunden nach created_at)');
      expect(refused.body.error.message).toContain('tools.status_unique (eindeutig: status');
      expect(refused.body.error.message).toContain('confirmIndexes: true');
    }
    expect(await w.t.db.collection('tools').find({}, { projection: { _id: 0 } }).toArray()).toEqual([{ barcode: 'T0', status: 'verfügbar' }]);
  });

  it('restores with confirmIndexes: true, creating the index with the known fields only', async () => {
    const name = await backupWithIndexes([
      { v: new Int32(2), key: { status: new Int32(1) }, name: 'status_unique', unique: true, ns: 'scandy.tools', background: true, evil: 'x', storageEngine: { wiredTiger: { configString: 'x' } } },
    ]);
    await post(`/admin/api/backups/${name}/restore`, { confirm: true, confirmIndexes: true }).expect(202);
    expect(await waitForIdle(w.tracker)).toMatchObject({ ok: true });
    const indexes = await w.t.db.collection('tools').listIndexes().toArray();
    expect(indexes.find((index) => index.name === 'status_unique')).toEqual({ v: 2, key: { status: 1 }, name: 'status_unique', unique: true });
    expect(await w.t.db.collection('tools').countDocuments({ barcode: 'T1' })).toBe(1);

    // The collection has the index now: the same backup needs no further confirmation.
    const again = await admin.agent.get(`/admin/api/backups/${name}/restore-preview`).expect(200);
    expect(again.body.indexesToConfirm).toEqual([]);
  });
});

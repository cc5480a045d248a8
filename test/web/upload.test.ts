import { readFileSync, readdirSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/backup/create-backup.js';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { rawZip } from '../helpers/raw-zip.js';
import { LEGACY_FIXTURE, fixturePath } from '../helpers/fixtures.js';
import { snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { ADMIN, signIn, useWebApp, type SignedIn } from './helpers/web-app.js';

const w = useWebApp();
const small = useWebApp({ env: { UPLOAD_MAX_MB: '0.004' } });
const collections = [...SCANDY_COLLECTIONS];
const uploadTemp = path.join(os.tmpdir(), 'scandy-backup-uploads');
let archive: Buffer;
let admin: SignedIn;

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 500 });
  const name = (await createBackup(w.backup, { kind: 'manual', actor: 'test' })).backup.name;
  archive = readFileSync(path.join(w.backupDir, name));
  admin = await signIn(w.app, ADMIN);
});

function corruptArchives(): { label: string; bytes: Buffer }[] {
  const flipped = Buffer.from(archive);
  const middle = Math.floor(flipped.length / 2);
  flipped[middle] = (flipped[middle] ?? 0) ^ 0xff;
  const manifest = Buffer.from(JSON.stringify({ format: 'scandy-backup', version: 1, collections: [{ name: 'tools', file: '../tools.json', count: 1 }] }));
  return [
    { label: 'ein Byte in der Mitte verändert', bytes: flipped },
    { label: 'abgeschnitten', bytes: archive.subarray(0, Math.floor(archive.length * 0.7)) },
    { label: 'zip-Kopf und Müll', bytes: Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(2000, 7)]) },
    { label: 'zip mit Pfad nach außen', bytes: rawZip([{ name: 'manifest.json', data: manifest }, { name: '../tools.json', data: Buffer.from('[]') }]) },
    { label: 'kein Backup', bytes: Buffer.from('Hallo, ich bin kein Backup.') },
    { label: 'JSON, aber kein altes Backup', bytes: Buffer.from('{"tools": "keine Liste"}') },
  ];
}

describe('upload', () => {
  it('refuses a corrupt archive with 422 and keeps nothing: backup list, folder and database unchanged', async () => {
    const listBefore = (await admin.agent.get('/admin/api/backups').expect(200)).body;
    const filesBefore = readdirSync(w.backupDir).sort();
    const dataBefore = await snapshot(w.t.db, collections);
    const tempBefore = existsSync(uploadTemp) ? readdirSync(uploadTemp).length : 0;

    for (const { label, bytes } of corruptArchives()) {
      const res = await admin.agent.post('/admin/api/backups/upload').set('x-csrf-token', admin.csrf).attach('file', bytes, 'kaputt.zip');
      expect(res.status, label).toBe(422);
      expect(res.body.error.code, label).toMatch(/^ARCHIVE_(INVALID|UNSUPPORTED)$/);
    }

    expect((await admin.agent.get('/admin/api/backups').expect(200)).body).toEqual(listBefore);
    expect(readdirSync(w.backupDir).sort()).toEqual(filesBefore);
    expect(snapshotDifferences(dataBefore, await snapshot(w.t.db, collections))).toEqual([]);
    expect(existsSync(uploadTemp) ? readdirSync(uploadTemp).length : 0).toBeLessThanOrEqual(tempBefore);
    expect(w.audit.filter((l) => l.includes('abgelehnt'))).toHaveLength(corruptArchives().length);
  });

  it('keeps a good archive as a new backup of kind "upload", already verified and restorable', async () => {
    const res = await admin.agent
      .post('/admin/api/backups/upload')
      .set('x-csrf-token', admin.csrf)
      .attach('file', archive, 'von-altem-server.zip')
      .expect(201);
    expect(res.body).toMatchObject({ format: 'archive', backup: { kind: 'upload', documents: 500, size: archive.length }, skipped: [] });
    const name = res.body.backup.name as string;
    expect(name).toMatch(/^scandy-backup-\d{8}T\d{9}Z-upload\.zip$/);
    expect(Buffer.compare(readFileSync(path.join(w.backupDir, name)), archive)).toBe(0);

    const list = (await admin.agent.get('/admin/api/backups').expect(200)).body.backups as { name: string; kindLabel: string; verification: { ok: boolean } | null }[];
    expect(list.find((b) => b.name === name)).toMatchObject({ kindLabel: 'hochgeladen', verification: { ok: true } });
    await admin.agent.get(`/admin/api/backups/${name}/restore-preview`).expect(200);
    expect(w.audit.some((l) => l.includes('„von-altem-server.zip“') && l.includes(name))).toBe(true);
  });

  it('turns an old Scandy JSON backup into a new archive of kind "upload"', async () => {
    const file = fixturePath(LEGACY_FIXTURE);
    const res = await admin.agent.post('/admin/api/backups/upload').set('x-csrf-token', admin.csrf).attach('file', file).expect(201);
    expect(res.body.format).toBe('legacy-json');
    expect(res.body.backup.kind).toBe('upload');
    expect(res.body.backup.documents).toBeGreaterThan(0);
    const verify = await admin.agent.post(`/admin/api/backups/${res.body.backup.name}/verify`).set('x-csrf-token', admin.csrf).expect(200);
    expect(verify.body.ok).toBe(true);
  });

  it('answers 400 when no file is sent', async () => {
    const res = await admin.agent.post('/admin/api/backups/upload').set('x-csrf-token', admin.csrf).field('x', '1');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_INPUT');
  });

  it('refuses a file over UPLOAD_MAX_MB with 413 and keeps nothing', async () => {
    const smallAdmin = await signIn(small.app, ADMIN);
    const res = await smallAdmin.agent.post('/admin/api/backups/upload').set('x-csrf-token', smallAdmin.csrf).attach('file', archive, 'gross.zip');
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('UPLOAD_TOO_LARGE');
    expect(await small.backup.store.list()).toEqual([]);
    expect(readdirSync(small.backupDir)).toEqual([]);
  });
});

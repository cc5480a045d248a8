import { readFileSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCANDY_COLLECTIONS } from '../../src/config/collections.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { rawZip } from '../helpers/raw-zip.js';
import { LEGACY_FIXTURE, fixturePath } from '../helpers/fixtures.js';
import { snapshot, snapshotDifferences } from '../helpers/snapshot.js';
import { ADMIN, agentCookies, signIn, useWebApp, type SignedIn } from './helpers/web-app.js';

const w = useWebApp();
const small = useWebApp({ env: { UPLOAD_MAX_MB: '0.004' } });
const collections = [...SCANDY_COLLECTIONS];
let archive: Buffer;
let admin: SignedIn;

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 500 });
  const name = (await w.manager.create({ kind: 'manual', actor: 'test' })).backup.name;
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

    for (const { label, bytes } of corruptArchives()) {
      const res = await admin.agent.post('/admin/api/backups/upload').set('x-csrf-token', admin.csrf).attach('file', bytes, 'kaputt.zip');
      expect(res.status, label).toBe(422);
      expect(res.body.error.code, label).toMatch(/^ARCHIVE_(INVALID|UNSUPPORTED)$/);
    }

    expect((await admin.agent.get('/admin/api/backups').expect(200)).body).toEqual(listBefore);
    expect(readdirSync(w.backupDir).sort()).toEqual(filesBefore);
    expect(snapshotDifferences(dataBefore, await snapshot(w.t.db, collections))).toEqual([]);
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
    expect(await small.manager.list()).toEqual([]);
    expect(readdirSync(small.backupDir)).toEqual([]);
  });
});

/** A multipart upload sent in two halves; `between` runs once the first half is in the upload file. */
async function uploadInHalves(bytes: Buffer, between: (uploadFile: string, req: http.ClientRequest) => Promise<'continue' | 'abort'>) {
  const server = http.createServer(w.app).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const boundary = 'scandy-upload-grenze';
    const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="langsam.zip"\r\nContent-Type: application/zip\r\n\r\n`);
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const half = Math.floor(bytes.length / 2);
    const req = http.request({
      port: (server.address() as AddressInfo).port,
      host: '127.0.0.1',
      method: 'POST',
      path: '/admin/api/backups/upload',
      headers: {
        cookie: agentCookies(admin.agent),
        'x-csrf-token': admin.csrf,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': head.length + bytes.length + tail.length,
      },
    });
    const answer = new Promise<{ status: number; body: string } | undefined>((resolve) => {
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', () => resolve(undefined));
    });
    req.write(Buffer.concat([head, bytes.subarray(0, half)]));
    const uploadFile = await waitFor(() => {
      const folder = readdirSync(w.backupDir).find((n) => n.startsWith('.upload-'));
      const candidate = folder ? path.join(w.backupDir, folder, 'upload') : '';
      return candidate && statSync(candidate, { throwIfNoEntry: false })?.size ? candidate : undefined;
    });
    if ((await between(uploadFile, req)) === 'abort') {
      req.destroy();
      return undefined;
    }
    req.end(Buffer.concat([bytes.subarray(half), tail]));
    return await answer;
  } finally {
    server.close();
  }
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const uploadFolders = () => readdirSync(w.backupDir).filter((n) => n.startsWith('.upload-'));

describe('upload files', () => {
  it('are written 0600 into a private 0700 folder, and the verified file itself is kept (renamed, not copied)', async () => {
    let inode = 0;
    const res = await uploadInHalves(archive, async (uploadFile) => {
      expect(statSync(path.dirname(uploadFile)).mode & 0o777).toBe(0o700);
      expect(statSync(uploadFile).mode & 0o777).toBe(0o600);
      inode = statSync(uploadFile).ino;
      return 'continue';
    });
    expect(res?.status, res?.body).toBe(201);
    const kept = path.join(w.backupDir, (JSON.parse(res?.body ?? '{}') as { backup: { name: string } }).backup.name);
    expect(statSync(kept).ino).toBe(inode);
    expect(statSync(kept).mode & 0o777).toBe(0o600);
    expect(readFileSync(kept).equals(archive)).toBe(true);
    expect(uploadFolders()).toEqual([]);
  });

  it('leave nothing behind when the client breaks off mid-upload', async () => {
    const before = (await w.manager.list()).length;
    await uploadInHalves(archive, () => Promise.resolve('abort'));
    await waitFor(() => (uploadFolders().length === 0 ? true : undefined));
    expect((await w.manager.list()).length).toBe(before);
  });
});

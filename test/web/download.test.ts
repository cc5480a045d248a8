import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { openBackupDownload } from '../../src/web/use-cases/open-backup-download.js';
import { binaryBody } from './helpers/binary-body.js';
import { ADMIN, signIn, useWebApp, type SignedIn } from './helpers/web-app.js';

const w = useWebApp();
let name = '';
let admin: SignedIn;
const OUTSIDE_NAME = 'scandy-backup-20200101T000000000Z-manual.zip';
const SECRET = 'GEHEIM-AUSSERHALB-DES-BACKUP-ORDNERS';

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 200 });
  name = (await w.manager.create({ kind: 'manual', actor: 'test' })).backup.name;
  // A file with a valid backup name, but outside BACKUP_DIR.
  writeFileSync(path.join(path.dirname(w.backupDir), OUTSIDE_NAME), SECRET);
  admin = await signIn(w.app, ADMIN);
});


describe('download', () => {
  it.each(['/admin/api/backups', '/admin/backups'])('%s/:name/download streams the archive as an attachment under its own name', async (base) => {
    const res = await admin.agent.get(`${base}/${name}/download`).buffer(true).parse(binaryBody).expect(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?${name.replace(/\./g, '\\.')}"?$`));
    expect(res.headers['content-length']).toBe(String(readFileSync(path.join(w.backupDir, name)).length));
    expect(Buffer.compare(res.body as Buffer, readFileSync(path.join(w.backupDir, name)))).toBe(0);
    expect(w.audit).toContain(`Download von ${name} durch ${ADMIN.email}`);
  });

  it('refuses crafted names (400/404) and never serves a file outside BACKUP_DIR', async () => {
    const crafted = [
      '..',
      '%2e%2e',
      '.%2e',
      '%252e%252e',
      `..%2F${OUTSIDE_NAME}`,
      `..%2f${OUTSIDE_NAME}`,
      `%2e%2e%2f${OUTSIDE_NAME}`,
      `..%5C${OUTSIDE_NAME}`,
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '%2Fetc%2Fpasswd',
      `${name}%00`,
      `${name}.tmp`,
      `${name}%2F..%2F..%2F${OUTSIDE_NAME}`,
      encodeURIComponent(path.join(path.dirname(w.backupDir), OUTSIDE_NAME)),
      'scandy-backup-20251332T000000000Z-manual.zip',
    ];
    for (const base of ['/admin/api/backups', '/admin/backups']) {
      for (const raw of crafted) {
        const res = await admin.agent.get(`${base}/${raw}/download`).buffer(true).parse(binaryBody);
        expect([400, 404], `${base}/${raw}`).toContain(res.status);
        expect(res.headers['content-type'], raw).not.toBe('application/zip');
        expect((res.body as Buffer).toString(), raw).not.toContain(SECRET);
        expect((res.body as Buffer).toString(), raw).not.toContain('root:');
      }
      for (const raw of ['../../../../etc/passwd', `../${OUTSIDE_NAME}`, `..%2F${OUTSIDE_NAME}/../x`]) {
        const res = await admin.agent.get(`${base}/${raw}/download`).buffer(true).parse(binaryBody);
        expect([400, 404], raw).toContain(res.status);
        expect((res.body as Buffer).toString(), raw).not.toContain(SECRET);
      }
    }
  });

  it('answers 404 for a valid name that is not in the list, and 400 for an invalid one', async () => {
    const missing = await admin.agent.get(`/admin/api/backups/${OUTSIDE_NAME}/download`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('BACKUP_NOT_FOUND');
    const invalid = await admin.agent.get('/admin/api/backups/%2e%2e/download');
    expect(invalid.status).toBe(400);
    expect(invalid.body).toEqual({ error: { code: 'INVALID_INPUT', message: 'Kein gültiger Backup-Name' } });
  });

  it('keeps a backup that is being downloaded from being deleted', async () => {
    const download = await openBackupDownload(w.deps, name, 'test');
    const refused = await admin.agent.delete(`/admin/api/backups/${name}`).set('x-csrf-token', admin.csrf);
    expect(refused.status).toBe(409);
    download.stream.destroy();
    download.release();
    await admin.agent.delete(`/admin/api/backups/${name}`).set('x-csrf-token', admin.csrf).expect(200);
    await admin.agent.get(`/admin/api/backups/${name}/download`).expect(404);
  });
});

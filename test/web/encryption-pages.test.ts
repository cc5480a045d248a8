import { beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { ADMIN, signIn, useWebApp } from './helpers/web-app.js';

// A fixed public key (age's own example); the pages need no secret key.
const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';
const w = useWebApp({ env: { BACKUP_ENCRYPTION_RECIPIENTS: RECIPIENT, BACKUP_COLLECTIONS: 'tools,workers' } });
let name = '';

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 200 });
  name = (await w.manager.create({ kind: 'manual', actor: 'test' })).backup.name;
});

describe('pages with encryption on', () => {
  it('the auto-backup page says encryption is on, names the recipients and warns about a lost key', async () => {
    const admin = await signIn(w.app, ADMIN);
    const page = await admin.agent.get('/admin/auto-backup').expect(200);
    expect(page.text).toContain('Verschlüsselung');
    expect(page.text).toContain('an (age)');
    expect(page.text).toContain(RECIPIENT);
    expect(page.text).toContain('Geht der geheime Schlüssel verloren, sind die verschlüsselten Backups verloren');
    expect(page.text).not.toContain('AGE-SECRET-KEY');
  });

  it('the backup list shows the encrypted backup with its counts, without a key', async () => {
    expect(name).toMatch(/\.zip\.age$/);
    const admin = await signIn(w.app, ADMIN);
    const page = await admin.agent.get('/admin/backups').expect(200);
    expect(page.text).toContain(name);
    const api = await admin.agent.get('/admin/api/backups').expect(200);
    const row = (api.body as { backups: { name: string; documents: number | null; problem: string | null }[] }).backups.find((b) => b.name === name);
    expect(row?.documents).toBeGreaterThan(0);
    expect(row?.problem ?? null).toBeNull();
  });

  it('downloads an encrypted backup as it is stored: application/octet-stream, an age file', async () => {
    const admin = await signIn(w.app, ADMIN);
    const res = await admin.agent
      .get(`/admin/api/backups/${name}/download`)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/octet-stream/);
    expect(res.headers['content-disposition']).toContain(name);
    expect((res.body as Buffer).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
  });
});

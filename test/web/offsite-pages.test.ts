import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsEnvironment, OFFSITE_PREFIX } from '../helpers/offsite.js';
import { TestS3Server } from '../helpers/s3-server.js';
import { ADMIN, signIn, useWebApp, type SignedIn } from './helpers/web-app.js';

let server: TestS3Server;
const variables: string[] = [];
// Before the app is composed: its client takes keys, region and endpoint from the AWS SDK's own variables.
beforeAll(async () => {
  server = await TestS3Server.start();
  for (const [name, value] of Object.entries(awsEnvironment(server))) {
    if (name.startsWith('AWS_')) {
      process.env[name] = value;
      variables.push(name);
    }
  }
});
afterAll(async () => {
  for (const name of variables) delete process.env[name];
  await server.stop();
});

const w = useWebApp({ env: { BACKUP_S3_URL: `s3://scandy-backups/${OFFSITE_PREFIX}`, BACKUP_S3_FORCE_PATH_STYLE: 'true' } });

interface ApiRow {
  name: string;
  locations: string[];
  locationLabel: string;
  offsiteNote: string | null;
}

describe('pages and API with off-site copies', () => {
  let admin: SignedIn;
  beforeAll(async () => {
    admin = await signIn(w.app, ADMIN);
  });

  const rows = async () => ((await admin.agent.get('/admin/api/backups').expect(200)).body as { backups: ApiRow[] }).backups;

  it('lists a copied backup as "beide", deletes it from one place when asked, and the other place keeps it', async () => {
    const made = await w.manager.create({ kind: 'manual', actor: 'test' });
    await w.automatic.settled();
    expect((await rows()).find((r) => r.name === made.backup.name)).toMatchObject({ locations: ['local', 's3'], locationLabel: 'beide', offsiteNote: null });
    const page = (await admin.agent.get('/admin/backups').expect(200)).text;
    expect(page).toContain(`data-locations="local,s3"`);
    expect(page).toContain('Wo soll es gelöscht werden?');

    await admin.agent.delete(`/admin/api/backups/${made.backup.name}?places=irgendwo`).set('x-csrf-token', admin.csrf).expect(400);
    const res = await admin.agent.delete(`/admin/api/backups/${made.backup.name}?places=local`).set('x-csrf-token', admin.csrf).expect(200);
    expect(res.body).toEqual({ deleted: made.backup.name, places: ['local'] });
    expect((await rows()).find((r) => r.name === made.backup.name)).toMatchObject({ locations: ['s3'], locationLabel: 'extern' });

    await admin.agent.delete(`/admin/api/backups/${made.backup.name}?places=s3`).set('x-csrf-token', admin.csrf).expect(200);
    expect((await rows()).find((r) => r.name === made.backup.name)).toBeUndefined();
    await admin.agent.delete(`/admin/api/backups/${made.backup.name}`).set('x-csrf-token', admin.csrf).expect(404);
  });

  it('shows the bucket\'s watchdog with the monitoring: in the status API and on the automatic-backup page', async () => {
    await w.manager.create({ kind: 'manual', actor: 'test' });
    await w.automatic.settled();
    const status = (await admin.agent.get('/admin/api/status').expect(200)).body as { scheduler: { watchdog: { offsite?: { ok: boolean; message: string } } } };
    expect(status.scheduler.watchdog.offsite).toMatchObject({ ok: true, message: expect.stringMatching(/^Letzte externe Kopie: /) });
    const page = (await admin.agent.get('/admin/auto-backup').expect(200)).text;
    expect(page).toMatch(/data-role="offsite-watchdog">Letzte externe Kopie: /);
    // The dashboard names the bucket's watchdog only when it warns.
    expect((await admin.agent.get('/admin').expect(200)).text).not.toContain('data-role="offsite-watchdog"');
  });

  it('copies an uploaded archive to the bucket too', async () => {
    const made = await w.manager.create({ kind: 'manual', actor: 'test' });
    await w.automatic.settled();
    const res = await admin.agent
      .post('/admin/api/backups/upload')
      .set('x-csrf-token', admin.csrf)
      .attach('file', readFileSync(made.backup.path), 'von-altem-server.zip')
      .expect(201);
    await w.automatic.settled();
    const uploaded = (res.body as { backup: { name: string } }).backup.name;
    expect((await rows()).find((r) => r.name === uploaded)).toMatchObject({ locations: ['local', 's3'], locationLabel: 'beide' });
  });

  it('shows "extern fehlgeschlagen: Grund" while the bucket is down, and never a key', async () => {
    await server.kill();
    try {
      const made = await w.manager.create({ kind: 'manual', actor: 'test' });
      await w.automatic.settled();
      const row = (await rows()).find((r) => r.name === made.backup.name);
      expect(row?.locations).toEqual(['local']);
      expect(row?.offsiteNote).toMatch(/^extern fehlgeschlagen: S3-Server nicht erreichbar/);
      const page = (await admin.agent.get('/admin/backups').expect(200)).text;
      expect(page).toContain('extern fehlgeschlagen: S3-Server nicht erreichbar');
      const log = readFileSync(path.join(w.config.logDir, 'auto_backup.log'), 'utf8');
      for (const text of [page, JSON.stringify(await rows()), log]) expect(text).not.toContain(server.secretAccessKey);
    } finally {
      await server.start();
    }
  });
});

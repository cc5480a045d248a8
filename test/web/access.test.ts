import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { usersCollection } from '../../src/auth/user-accounts.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { binaryBody } from './helpers/binary-body.js';
import { ADMIN, logLine, signIn, useWebApp, waitForIdle, type SignedIn } from './helpers/web-app.js';

const w = useWebApp();
let name = '';
let archive: Buffer;

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 300 });
  name = (await w.manager.create({ kind: 'manual', actor: 'test' })).backup.name;
  archive = readFileSync(path.join(w.backupDir, name));
});

interface Route {
  readonly method: 'get' | 'post' | 'put' | 'delete';
  readonly path: () => string;
  readonly page?: boolean;
}

const routes: Route[] = [
  { method: 'get', path: () => '/admin', page: true },
  { method: 'get', path: () => '/admin/backups', page: true },
  { method: 'get', path: () => `/admin/backups/${name}/restore`, page: true },
  { method: 'get', path: () => `/admin/backups/${name}/download`, page: true },
  { method: 'get', path: () => '/admin/auto-backup', page: true },
  { method: 'get', path: () => '/admin/api/backups' },
  { method: 'post', path: () => '/admin/api/backups' },
  { method: 'post', path: () => '/admin/api/backups/upload' },
  { method: 'get', path: () => `/admin/api/backups/${name}/download` },
  { method: 'post', path: () => `/admin/api/backups/${name}/verify` },
  { method: 'get', path: () => `/admin/api/backups/${name}/restore-preview` },
  { method: 'post', path: () => `/admin/api/backups/${name}/restore` },
  { method: 'delete', path: () => `/admin/api/backups/${name}` },
  { method: 'get', path: () => '/admin/api/status' },
  { method: 'get', path: () => '/admin/api/operations/events' },
  { method: 'post', path: () => '/admin/api/scheduler/start' },
  { method: 'post', path: () => '/admin/api/scheduler/stop' },
  { method: 'get', path: () => '/admin/api/log?lines=5' },
  { method: 'get', path: () => '/admin/api/drill' },
  { method: 'post', path: () => '/admin/api/drill' },
  { method: 'get', path: () => '/admin/api/settings' },
  { method: 'put', path: () => '/admin/api/settings' },
  { method: 'post', path: () => '/admin/api/settings/preview' },
];

const label = (r: Route) => `${r.method.toUpperCase()} ${r.path().replace(/scandy-backup-[^/]+\.zip/, ':name')}`;

describe('anonymous visitors', () => {
  it('are sent from every page to the login page, which brings them back', async () => {
    for (const route of routes.filter((r) => r.page)) {
      const res = await request(w.app)[route.method](route.path());
      expect(res.status, label(route)).toBe(302);
      expect(res.headers.location, label(route)).toBe(`/login?next=${encodeURIComponent(route.path())}`);
    }
  });

  it('get 401 JSON from every API route', async () => {
    for (const route of routes.filter((r) => !r.page)) {
      const res = await request(w.app)[route.method](route.path()).send({ confirm: true });
      expect(res.status, label(route)).toBe(401);
      expect(res.body, label(route)).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    }
  });

  it('see the login page, in German', async () => {
    const res = await request(w.app).get('/login?next=%2Fadmin%2Fbackups').expect(200);
    expect(res.text).toContain('Anmelden');
    expect(res.text).toContain('name="_csrf"');
    expect(res.text).toContain('value="/admin/backups"');
  });

  it('can reach /healthz without login', async () => {
    const res = await request(w.app).get('/healthz').expect(200);
    expect(res.body).toEqual({ status: 'ok', database: 'ok', lastBackupAt: expect.any(String), lastBackupAgeSeconds: expect.any(Number) });
    expect(res.body.lastBackupAgeSeconds).toBeGreaterThanOrEqual(0);
  });

  it('get 404 for anything else, and / leads to /admin', async () => {
    await request(w.app).get('/nirgendwo').expect(404);
    await request(w.app).get('/').expect(302).expect('location', '/admin');
  });
});

describe('an admin who loses the role while signed in', () => {
  it('is signed out at the next request: pages lead to the login, the API answers 401, and nothing happens', async () => {
    const before = (await w.manager.list()).map((b) => b.name);
    for (const route of routes) {
      const demoted = await signIn(w.app, ADMIN);
      await usersCollection(w.t.db).updateOne({ email: ADMIN.email }, { $set: { role: 'mitarbeiter' } });
      try {
        const call = demoted.agent[route.method](route.path()).set('x-csrf-token', demoted.csrf);
        const res = route.method === 'get' ? await call : await call.send({ confirm: true });
        if (route.page) expect(res.headers.location, label(route)).toBe(`/login?next=${encodeURIComponent(route.path())}`);
        else expect(res.body.error?.code, label(route)).toBe('UNAUTHENTICATED');
      } finally {
        await usersCollection(w.t.db).updateOne({ email: ADMIN.email }, { $set: { role: 'admin' } });
      }
    }
    expect((await w.manager.list()).map((b) => b.name)).toEqual(before);
    expect(await w.scheduler.status()).toMatchObject({ enabled: true, changedBy: undefined });
    expect(w.tracker.state().last).toBeUndefined();
  });
});

describe('an admin', () => {
  let admin: SignedIn;
  beforeAll(async () => {
    admin = await signIn(w.app, ADMIN);
  });

  it('sees the three pages and the restore page, all in German', async () => {
    const dashboard = await admin.agent.get('/admin').expect(200);
    expect(dashboard.text).toContain('Automatisches Backup-System');
    expect(dashboard.text).toContain('Backup erstellen');
    expect(dashboard.text).toContain('Verwalten');
    expect(dashboard.text).toContain('Alle Backups anzeigen');
    expect(dashboard.text).toContain('Aktiv');

    const list = await admin.agent.get('/admin/backups').expect(200);
    expect(list.text).toContain(name);
    expect(list.text).toContain('manuell');
    expect(list.text).toContain('nicht geprüft');
    // FerretDB offers no snapshot reads: each collection was read on its own.
    expect(list.text).toContain('je Collection gelesen');

    const restore = await admin.agent.get(`/admin/backups/${name}/restore`).expect(200);
    expect(restore.text).toContain('WIEDERHERSTELLEN');
    expect(restore.text).toContain('Sicherungs-Backup');
    expect(restore.text).toContain('Änderungen, die während der Wiederherstellung in Scandy gemacht werden, landen im Sicherungs-Backup');

    const auto = await admin.agent.get('/admin/auto-backup').expect(200);
    expect(auto.text).toContain('täglich 06:00 und 18:00 Uhr');
    expect(auto.text).toContain('Europe/Berlin');
    expect(auto.text).toContain('Protokoll');
  });

  it('is answered on every API route', async () => {
    const { agent, csrf } = admin;
    const list = await agent.get('/admin/api/backups').expect(200);
    expect(list.body.backups.map((b: { name: string }) => b.name)).toContain(name);
    expect(list.body.backups.find((b: { name: string }) => b.name === name)).toMatchObject({ consistency: 'per-collection' });

    const status = await agent.get('/admin/api/status').expect(200);
    expect(status.body.scheduler.enabled).toBe(true);
    expect(status.body.operations).toEqual({ running: null, last: null });

    const preview = await agent.get(`/admin/api/backups/${name}/restore-preview`).expect(200);
    expect(preview.body.collections.find((c: { name: string }) => c.name === 'tools')).toMatchObject({ restorable: true });

    const verify = await agent.post(`/admin/api/backups/${name}/verify`).set('x-csrf-token', csrf).expect(200);
    expect(verify.body).toMatchObject({ name, ok: true, documents: 300 });

    const download = await agent.get(`/admin/api/backups/${name}/download`).buffer(true).parse(binaryBody).expect(200);
    expect(Buffer.compare(download.body as Buffer, archive)).toBe(0);

    await agent.post('/admin/api/backups').set('x-csrf-token', csrf).send({}).expect(202);
    expect((await waitForIdle(w.tracker))?.ok).toBe(true);

    const upload = await agent.post('/admin/api/backups/upload').set('x-csrf-token', csrf).attach('file', archive, 'mein-backup.zip').expect(201);
    expect(upload.body.backup.kind).toBe('upload');

    await agent.post(`/admin/api/backups/${name}/restore`).set('x-csrf-token', csrf).send({ confirm: true }).expect(202);
    expect((await waitForIdle(w.tracker))?.ok).toBe(true);

    const stopped = await agent.post('/admin/api/scheduler/stop').set('x-csrf-token', csrf).expect(200);
    expect(stopped.body.scheduler).toMatchObject({ enabled: false, changedBy: ADMIN.email, nextRuns: [] });
    const started = await agent.post('/admin/api/scheduler/start').set('x-csrf-token', csrf).expect(200);
    expect(started.body.scheduler).toMatchObject({ enabled: true, changedBy: ADMIN.email });

    await logLine(w, `Automatisches Backup gestoppt von ${ADMIN.email}`);
    const log = await agent.get('/admin/api/log?lines=500').expect(200);
    expect(log.body.lines.some((l: string) => l.includes(`gestartet von ${ADMIN.email}`))).toBe(true);
    expect(log.body.lines.every((l: string) => /^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\] /.test(l))).toBe(true);

    await agent.delete(`/admin/api/backups/${upload.body.backup.name}`).set('x-csrf-token', csrf).expect(200);
    expect((await w.manager.list()).map((b) => b.name)).not.toContain(upload.body.backup.name);
  });

  it('gets the progress as server-sent events', async () => {
    const cookie = await sessionCookie(admin);
    const server = http.createServer(w.app).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const first = await new Promise<{ status: number; type: string; chunk: string }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port, path: '/admin/api/operations/events', headers: { cookie } }, (res) => {
          let text = '';
          res.on('data', (data: Buffer) => {
            text += data.toString();
            if (text.includes('event: operation')) {
              resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), chunk: text });
              req.destroy();
            }
          });
        });
        req.on('error', reject);
      });
      expect(first.status).toBe(200);
      expect(first.type).toContain('text/event-stream');
      expect(first.chunk).toMatch(/data: \{"running":null,"last":\{/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

async function sessionCookie(signedIn: SignedIn): Promise<string> {
  const res = await signedIn.agent.get('/api/session');
  const jar = (signedIn.agent as unknown as { jar: { getCookies(o: object): { name: string; value: string }[] } }).jar;
  expect(res.status).toBe(200);
  return jar
    .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
    .map((c) => `${c.name}=${c.value}`)
    .join('; ');
}


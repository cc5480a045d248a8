import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { VERIFICATIONS_COLLECTION } from '../../src/backup/verification-records.js';
import { ADMIN, signIn, useWebApp, type SignedIn } from './helpers/web-app.js';

const w = useWebApp();
let name = '';
let archive: Buffer;
let admin: SignedIn;

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 100 });
  name = (await w.manager.create({ kind: 'manual', actor: 'test' })).backup.name;
  archive = readFileSync(path.join(w.backupDir, name));
  admin = await signIn(w.app, ADMIN);
});

const stateChanging = () => [
  { method: 'post' as const, path: '/admin/api/backups', body: {} },
  { method: 'post' as const, path: `/admin/api/backups/${name}/verify`, body: {} },
  { method: 'post' as const, path: `/admin/api/backups/${name}/restore`, body: { confirm: true } },
  { method: 'delete' as const, path: `/admin/api/backups/${name}`, body: {} },
  { method: 'post' as const, path: '/admin/api/scheduler/start', body: {} },
  { method: 'post' as const, path: '/admin/api/scheduler/stop', body: {} },
];

describe('CSRF protection', () => {
  it('refuses every state-changing API request of an admin without the token (403) and changes nothing', async () => {
    const before = (await w.manager.list()).map((b) => b.name);
    for (const token of [undefined, 'falsch', admin.csrf.slice(0, -1)]) {
      for (const route of stateChanging()) {
        const call = admin.agent[route.method](route.path);
        const res = await (token === undefined ? call : call.set('x-csrf-token', token)).send(route.body);
        expect(res.status, `${route.method} ${route.path} ${token}`).toBe(403);
        expect(res.body.error.code).toBe('CSRF_INVALID');
      }
      const upload = admin.agent.post('/admin/api/backups/upload');
      const res = await (token === undefined ? upload : upload.set('x-csrf-token', token)).attach('file', archive, 'x.zip');
      expect(res.status).toBe(403);
    }
    expect((await w.manager.list()).map((b) => b.name)).toEqual(before);
    expect(await w.scheduler.status()).toMatchObject({ enabled: true, changedBy: undefined });
    expect(w.tracker.state()).toEqual({ running: undefined, last: undefined });
    expect(await w.t.db.collection(VERIFICATIONS_COLLECTION).countDocuments()).toBe(0);
  });

  it('accepts the same requests with the token', async () => {
    await admin.agent.post('/admin/api/scheduler/stop').set('x-csrf-token', admin.csrf).expect(200);
    await admin.agent.post(`/admin/api/backups/${name}/verify`).set('x-csrf-token', admin.csrf).expect(200);
  });

  it('does not accept the token of another session', async () => {
    const other = await signIn(w.app, ADMIN);
    const res = await admin.agent.post('/admin/api/scheduler/start').set('x-csrf-token', other.csrf);
    expect(res.status).toBe(403);
  });

  it('protects the login form and the logout', async () => {
    const login = await request(w.app).post('/login').type('form').send({ email: ADMIN.email, password: ADMIN.password });
    expect(login.status).toBe(403);
    expect(login.text).toContain('Sicherheits-Token');

    await admin.agent.post('/logout').type('form').send({}).expect(403);
    await admin.agent.get('/admin').expect(200);

    await admin.agent.post('/logout').type('form').send({ _csrf: admin.csrf }).expect(303).expect('location', '/login');
    await admin.agent.get('/admin').expect(302);
  });
});

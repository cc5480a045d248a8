import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usersCollection } from '../../src/auth/user-accounts.js';
import { createApp } from '../../src/web/create-app.js';
import { SESSIONS_COLLECTION } from '../../src/web/middleware/session.js';
import { ADMIN, STAFF, agentCookies, signIn, useWebApp, type SignedIn } from './helpers/web-app.js';

const w = useWebApp();
const sessions = () => w.t.db.collection<{ _id: string; session: { account?: { since?: number } } }>(SESSIONS_COLLECTION);
let server: http.Server;
let port = 0;

beforeAll(async () => {
  // The event stream checks its session every 100 ms here (5 s by default).
  server = http.createServer(createApp({ ...w.deps, sessionCheckMs: 100 })).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => {
  server.close();
});

const setRole = (role: string) => usersCollection(w.t.db).updateOne({ email: ADMIN.email }, { $set: { role } });

/** Opens the live event stream with the admin's cookie; `ended` resolves when the server closes it. */
async function openStream(admin: SignedIn): Promise<{ status: number; firstEvent: Promise<string>; ended: Promise<void>; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ port, host: '127.0.0.1', path: '/admin/api/operations/events', headers: { cookie: agentCookies(admin.agent) } }, (res) => {
      let text = '';
      let gotEvent: (event: string) => void = () => undefined;
      const firstEvent = new Promise<string>((r) => (gotEvent = r));
      res.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('event: operation')) gotEvent(text);
      });
      const ended = new Promise<void>((r) => res.on('end', () => r()));
      resolve({ status: res.statusCode ?? 0, firstEvent, ended, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);

describe('only admins get a session', () => {
  it('another account with the right password is refused exactly like a wrong password, and no session is stored', async () => {
    const agent = request.agent(w.app);
    const token = ((await agent.get('/api/session')).body as { csrfToken: string }).csrfToken;
    const staff = await agent.post('/login').set('x-csrf-token', token).send(STAFF);
    const wrong = await agent.post('/login').set('x-csrf-token', token).send({ email: ADMIN.email, password: 'falsch-falsch' });
    expect(staff.status).toBe(401);
    expect(staff.body).toEqual(wrong.body);
    expect(staff.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: 'E-Mail-Adresse oder Passwort ist falsch.' } });
    expect(String(staff.headers['set-cookie'])).not.toContain('scandy_backup.sid');

    const form = await agent.post('/login').type('form').send({ _csrf: token, ...STAFF });
    expect(form.status).toBe(401);
    expect(form.text).toContain('E-Mail-Adresse oder Passwort ist falsch.');
    expect(await sessions().countDocuments()).toBe(0);
    expect(w.audit).toContain(`Fehlgeschlagene Anmeldung für „${STAFF.email}“ (kein Admin-Konto)`);
  });
});

describe('a session ends', () => {
  it('when its account loses the admin role: 401, its document removed, and it stays ended', async () => {
    const admin = await signIn(w.app, ADMIN);
    await admin.agent.get('/admin/api/log?lines=5').expect(200);
    await setRole('mitarbeiter');
    try {
      await admin.agent.get('/admin/api/log?lines=5').expect(401);
      await admin.agent.get('/admin/auto-backup').expect(302).expect('location', '/login?next=%2Fadmin%2Fauto-backup');
      expect(await sessions().countDocuments()).toBe(0);
    } finally {
      await setRole('admin');
    }
    await admin.agent.get('/admin/api/log?lines=5').expect(401);
  });

  it('12 hours after the login, however active it was', async () => {
    const admin = await signIn(w.app, ADMIN);
    await admin.agent.get('/admin/api/status').expect(200);
    const thirteenHoursAgo = Date.now() - 13 * 60 * 60 * 1000;
    await sessions().updateMany({}, { $set: { 'session.account.since': thirteenHoursAgo } });
    await admin.agent.get('/admin/api/status').expect(401);
    expect(await sessions().countDocuments()).toBe(0);
  });

  it('for a session stored without its login time (made before the limit existed)', async () => {
    const admin = await signIn(w.app, ADMIN);
    await sessions().updateMany({}, { $unset: { 'session.account.since': '' } });
    await admin.agent.get('/admin/api/status').expect(401);
  });
});

describe('the live event stream ends with its session', () => {
  it('stays open while the session stands', async () => {
    const admin = await signIn(w.app, ADMIN);
    const stream = await openStream(admin);
    expect(stream.status).toBe(200);
    await stream.firstEvent;
    const endedEarly = await Promise.race([stream.ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 600))]);
    expect(endedEarly).toBe(false);
    stream.close();
  });

  it('at logout', async () => {
    const admin = await signIn(w.app, ADMIN);
    const stream = await openStream(admin);
    await stream.firstEvent;
    await admin.agent.post('/logout').set('x-csrf-token', admin.csrf).set('accept', 'application/json').expect(204);
    await within(stream.ended, 5000, 'stream end after logout');
  });

  it('when the account loses the admin role', async () => {
    const admin = await signIn(w.app, ADMIN);
    const stream = await openStream(admin);
    await stream.firstEvent;
    await setRole('mitarbeiter');
    try {
      await within(stream.ended, 5000, 'stream end after the role changed');
    } finally {
      await setRole('admin');
    }
    expect((await openStream(admin)).status).toBe(401); // the browser's reconnect
  });

  it('when the absolute lifetime is over', async () => {
    const admin = await signIn(w.app, ADMIN);
    const stream = await openStream(admin);
    await stream.firstEvent;
    await sessions().updateMany({}, { $set: { 'session.account.since': Date.now() - 13 * 60 * 60 * 1000 } });
    await within(stream.ended, 5000, 'stream end after the lifetime');
  });
});

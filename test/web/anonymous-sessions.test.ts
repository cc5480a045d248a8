import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { expiryIndex } from '../../src/db/expiring-documents.js';
import { createApp } from '../../src/web/create-app.js';
import { SESSIONS_COLLECTION } from '../../src/web/middleware/session.js';
import { ADMIN, useWebApp } from './helpers/web-app.js';

const w = useWebApp();
const sessionCount = () => w.t.db.collection(SESSIONS_COLLECTION).countDocuments();

describe('anonymous visitors', () => {
  it('create no session document and get no session cookie: login page, /api/session, 404, redirects, failed logins', async () => {
    const answers: request.Response[] = [];
    for (let i = 0; i < 15; i++) {
      answers.push(await request(w.app).get('/login'));
      answers.push(await request(w.app).get('/api/session'));
      answers.push(await request(w.app).get(`/gibt-es-nicht-${i}`).set('accept', 'text/html'));
      answers.push(await request(w.app).get(`/api/gibt-es-nicht-${i}`));
      answers.push(await request(w.app).get('/admin/backups'));
      answers.push(await request(w.app).get('/admin/api/status'));
    }
    const agent = request.agent(w.app);
    const token = ((await agent.get('/api/session')).body as { csrfToken: string }).csrfToken;
    for (let i = 0; i < 3; i++) answers.push(await agent.post('/login').set('x-csrf-token', token).send({ email: ADMIN.email, password: `falsch-${i}` }));

    expect(answers.map((a) => a.status).filter((s) => ![200, 302, 401, 404].includes(s))).toEqual([]);
    expect(answers.filter((a) => String(a.headers['set-cookie']).includes('scandy_backup.sid'))).toEqual([]);
    expect(await sessionCount()).toBe(0);
  });

  it('still log in with the form and its CSRF token, which makes exactly one session', async () => {
    const agent = request.agent(w.app);
    const page = await agent.get('/login').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    expect(token).not.toBe('');
    await agent.post('/login').type('form').send({ _csrf: token, email: ADMIN.email, password: ADMIN.password }).expect(303).expect('location', '/admin');
    await agent.get('/admin').expect(200);
    expect(await sessionCount()).toBe(1);
    await w.t.db.collection(SESSIONS_COLLECTION).deleteMany({});
  });

  it('cannot log in without a valid token and its cookie (the login form stays CSRF-protected)', async () => {
    const a = request.agent(w.app);
    const b = request.agent(w.app);
    const tokenA = ((await a.get('/api/session')).body as { csrfToken: string }).csrfToken;
    const tokenB = ((await b.get('/api/session')).body as { csrfToken: string }).csrfToken;
    const login = (agent: request.Agent | ReturnType<typeof request>, token?: string) => {
      const call = agent.post('/login');
      return (token === undefined ? call : call.set('x-csrf-token', token)).send({ email: ADMIN.email, password: ADMIN.password });
    };
    expect((await login(a)).status).toBe(403); // cookie, no token
    expect((await login(request(w.app), tokenA)).status).toBe(403); // token, no cookie (another site's form)
    expect((await login(a, tokenB)).status).toBe(403); // someone else's token
    const [hmac, random] = tokenA.split('.');
    expect((await login(a, `${hmac}.${random?.replace(/^./, (c) => (c === '0' ? '1' : '0'))}`)).status).toBe(403);
    const refused = await login(a);
    expect(refused.body.error.code).toBe('CSRF_INVALID');
    expect(await sessionCount()).toBe(0);
    expect((await login(a, tokenA)).status).toBe(200);
    await w.t.db.collection(SESSIONS_COLLECTION).deleteMany({});
  });
});

describe('the session collection stays bounded', () => {
  it('has a TTL index on expires on MongoDB, a plain one on FerretDB (which has no TTL)', () => {
    expect(expiryIndex('expires', { isFerretDb: false })).toEqual({ key: { expires: 1 }, name: 'expires_expiry', expireAfterSeconds: 0 });
    expect(expiryIndex('expires', { isFerretDb: true })).toEqual({ key: { expires: 1 }, name: 'expires_expiry' });
  });

  it('expired sessions are removed, live ones kept', async () => {
    const sessions = w.t.db.collection<{ _id: string; expires: Date; session: object }>(SESSIONS_COLLECTION);
    await sessions.insertMany([
      { _id: 'abgelaufen', expires: new Date(Date.now() - 60_000), session: {} },
      { _id: 'gueltig', expires: new Date(Date.now() + 60 * 60_000), session: {} },
    ]);
    await request(createApp(w.deps)).get('/login').expect(200); // a new app instance builds its store, index and sweep
    const deadline = Date.now() + 10_000;
    while ((await sessions.countDocuments({ _id: 'abgelaufen' })) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect((await sessions.find().toArray()).map((s) => s._id)).toEqual(['gueltig']);
    expect((await sessions.listIndexes().toArray()).some((i) => i.name === 'expires_expiry')).toBe(true);
  });
});

import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { setAdminAccount } from '../../src/auth/set-admin-account.js';
import { OperationTracker } from '../../src/backup/operation-tracker.js';
import { createApp } from '../../src/web/create-app.js';
import { SESSIONS_COLLECTION } from '../../src/web/middleware/session.js';
import { ADMIN, STAFF, logLine, signIn, useWebApp } from './helpers/web-app.js';

const w = useWebApp();

async function csrfOf(agent: request.Agent): Promise<string> {
  return ((await agent.get('/api/session').expect(200)).body as { csrfToken: string }).csrfToken;
}

describe('login', () => {
  it('with the form: a wrong password is refused (401, German, logged), the right one leads to "next"', async () => {
    const agent = request.agent(w.app);
    const page = await agent.get('/login?next=%2Fadmin%2Fauto-backup').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';

    const wrong = await agent.post('/login').type('form').send({ _csrf: token, email: ADMIN.email, password: 'falsch-falsch', next: '/admin/auto-backup' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('E-Mail-Adresse oder Passwort ist falsch.');
    expect(w.audit).toContain(`Fehlgeschlagene Anmeldung für „${ADMIN.email}“`);
    expect(w.audit.join('\n')).not.toContain('falsch-falsch');

    const unknown = await agent.post('/login').type('form').send({ _csrf: token, email: 'niemand@example.org', password: ADMIN.password });
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain('E-Mail-Adresse oder Passwort ist falsch.');

    const right = await agent.post('/login').type('form').send({ _csrf: token, email: ` ${ADMIN.email.toUpperCase()} `, password: ADMIN.password, next: '/admin/auto-backup' });
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/admin/auto-backup');
    expect(w.audit).toContain(`Anmeldung: ${ADMIN.email} (admin)`);
    await agent.get('/admin/auto-backup').expect(200);
    await agent.get('/login').expect(302).expect('location', '/admin');
  });

  it('never redirects to another site after login', async () => {
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/admin\r\nSet-Cookie: x=y', '/login', '/admin\\..\\x']) {
      const agent = request.agent(w.app);
      const token = await csrfOf(agent);
      const res = await agent.post('/login').type('form').send({ _csrf: token, email: ADMIN.email, password: ADMIN.password, next });
      expect(res.status, next).toBe(303);
      expect(res.headers.location, next).toBe('/admin');
    }
  });

  it('gives a new session id at every login (no session fixation)', async () => {
    const agent = request.agent(w.app);
    const anonymous = await agent.get('/api/session');
    expect(String(anonymous.headers['set-cookie'])).not.toMatch(/scandy_backup\.sid=/);
    const sid = (header: unknown) => /scandy_backup\.sid=([^;]+)/.exec(String(header))?.[1];
    const first = await agent.post('/login').set('x-csrf-token', anonymous.body.csrfToken).send({ email: ADMIN.email, password: ADMIN.password }).expect(200);
    const second = await agent.post('/login').set('x-csrf-token', first.body.csrfToken).send({ email: ADMIN.email, password: ADMIN.password }).expect(200);
    expect(sid(first.headers['set-cookie'])).toBeDefined();
    expect(sid(second.headers['set-cookie'])).toBeDefined();
    expect(sid(second.headers['set-cookie'])).not.toBe(sid(first.headers['set-cookie']));
    expect(first.body.csrfToken).not.toBe(anonymous.body.csrfToken);
    expect(second.body.csrfToken).not.toBe(first.body.csrfToken);
    expect(first.body.account).toEqual({ email: ADMIN.email, name: 'admin', role: 'admin', admin: true });
  });

  it('refuses a non-admin like a wrong password (only admins get a session)', async () => {
    await expect(signIn(w.app, STAFF)).rejects.toThrow(/login failed: 401/);
  });
});

describe('sessions', () => {
  it('sets the cookie at login HttpOnly and SameSite=Lax, not Secure over plain HTTP', async () => {
    const agent = request.agent(w.app);
    const page = await agent.get('/login').expect(200);
    const csrfCookie = String(page.headers['set-cookie']);
    expect(csrfCookie).toMatch(/scandy_backup\.csrf=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
    expect(csrfCookie).not.toMatch(/Secure/);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const login = await agent.post('/login').type('form').send({ _csrf: token, email: ADMIN.email, password: ADMIN.password }).expect(303);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/scandy_backup\.sid=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
  });

  it('sets them Secure behind an HTTPS proxy when trust proxy is configured', async () => {
    const behindProxy = createApp({ ...w.deps, trustProxy: 1 });
    const agent = request.agent(behindProxy);
    const session = await agent.get('/api/session').set('X-Forwarded-Proto', 'https').expect(200);
    expect(String(session.headers['set-cookie'])).toMatch(/scandy_backup\.csrf=[^;]+;.*; Secure/);
    const token = (session.body as { csrfToken: string }).csrfToken;
    const login = await request(behindProxy)
      .post('/login')
      .set('X-Forwarded-Proto', 'https')
      .set('cookie', String(session.headers['set-cookie']).split(';')[0] ?? '')
      .set('x-csrf-token', token)
      .send({ email: ADMIN.email, password: ADMIN.password })
      .expect(200);
    expect(String(login.headers['set-cookie'])).toMatch(/scandy_backup\.sid=[^;]+;.*; Secure/);
  });

  it('are stored in MongoDB and survive a restart (another app instance, same database)', async () => {
    const admin = await signIn(w.app, ADMIN);
    expect(await w.t.db.collection(SESSIONS_COLLECTION).countDocuments()).toBeGreaterThan(0);
    const restarted = w.secondApp();
    const cookies = (admin.agent as unknown as { jar: { getCookies(o: object): { name: string; value: string }[] } }).jar
      .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    await request(restarted).get('/admin/api/status').set('cookie', cookies).expect(200);
    await request(restarted).post('/admin/api/scheduler/start').set('cookie', cookies).set('x-csrf-token', admin.csrf).expect(200);
  });

  it('also work with the session secret kept in the database (no SESSION_SECRET)', async () => {
    const config = { ...w.config, sessionSecret: undefined };
    const first = createApp({ ...w.deps, config });
    const admin = await signIn(first, ADMIN);
    const second = createApp({ ...w.deps, config, tracker: new OperationTracker() });
    const cookies = (admin.agent as unknown as { jar: { getCookies(o: object): { name: string; value: string }[] } }).jar
      .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
    await request(second).get('/admin/api/status').set('cookie', cookies).expect(200);
  });

  it('end at logout', async () => {
    const admin = await signIn(w.app, ADMIN);
    await admin.agent.post('/logout').set('x-csrf-token', admin.csrf).set('accept', 'application/json').expect(204);
    await admin.agent.get('/admin/api/status').expect(401);
    expect(w.audit).toContain(`Abmeldung: ${ADMIN.email}`);
  });

  it('end when the password is changed', async () => {
    const admin = await signIn(w.app, ADMIN);
    await admin.agent.get('/admin/api/status').expect(200);
    await setAdminAccount(w.t.db, { email: ADMIN.email, password: ADMIN.password });
    await admin.agent.get('/admin/api/status').expect(401);
    await signIn(w.app, ADMIN);
  });
});

describe('pages', () => {
  let admin: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    admin = await signIn(w.app, ADMIN);
  });

  it('send security headers with a CSP that allows only our own scripts and styles', async () => {
    const res = await admin.agent.get('/admin').expect(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle=|\son[a-z]+=/);
  });

  it('escape every value they show', async () => {
    const evil = '<script>alert("x")</script>&<img src=x onerror=alert(1)>';
    w.log.write(evil);
    await logLine(w, '<script>alert');
    const auto = await admin.agent.get('/admin/auto-backup').expect(200);
    expect(auto.text).not.toContain('<script>alert');
    expect(auto.text).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&lt;img src=x onerror=alert(1)&gt;');

    const login = await request(w.app).get(`/login?next=${encodeURIComponent('/admin"><script>alert(1)</script>')}`).expect(200);
    expect(login.text).not.toContain('<script>alert(1)');
    const token = /name="_csrf" value="([^"]+)"/.exec(login.text)?.[1] ?? '';
    expect(token).not.toBe('');

    const agent = request.agent(w.app);
    const t = await csrfOf(agent);
    const failed = await agent.post('/login').type('form').send({ _csrf: t, email: '"><script>alert(2)</script>', password: 'x' }).expect(401);
    expect(failed.text).not.toContain('<script>alert(2)');
    expect(failed.text).toContain('&#34;&gt;&lt;script&gt;alert(2)');
  });

  it('serve only the static files, with the right types', async () => {
    await request(w.app).get('/static/css/app.css').expect(200).expect('content-type', /text\/css/);
    await request(w.app).get('/static/js/operations.js').expect(200).expect('content-type', /javascript/);
    await request(w.app).get('/static/../package.json').expect(404);
    await request(w.app).get('/static/%2e%2e/package.json').expect(404);
  });
});

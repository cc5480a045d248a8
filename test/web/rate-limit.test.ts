import type { Express } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { OperationTracker } from '../../src/backup/operation-tracker.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp } from '../../src/web/create-app.js';
import { RATE_LIMITS_COLLECTION } from '../../src/web/http/mongo-rate-limit-store.js';
import { ADMIN, STAFF, signIn, useWebApp } from './helpers/web-app.js';

const w = useWebApp({ loginRateLimit: { limit: 3, windowMs: 60_000, accountLimit: 5 } });

/** A client of `app` that failed logins can be counted against; each call may come from another address. */
async function loginClient(app: Express) {
  const agent = request.agent(app);
  const token = ((await agent.get('/api/session')).body as { csrfToken: string }).csrfToken;
  return (email: string, password: string, forwardedFor?: string) => {
    const call = agent.post('/login').set('x-csrf-token', token);
    return (forwardedFor ? call.set('X-Forwarded-For', forwardedFor) : call).send({ email, password });
  };
}

const resetCounters = () => w.t.db.collection(RATE_LIMITS_COLLECTION).deleteMany({});

describe('login rate limit', () => {
  it('does not count successful logins', async () => {
    for (let i = 0; i < 5; i++) await signIn(w.app, ADMIN);
  });

  it('refuses further attempts (429, even with the right password) after too many failures', async () => {
    await resetCounters();
    const agent = request.agent(w.app);
    const token = ((await agent.get('/api/session')).body as { csrfToken: string }).csrfToken;
    const attempt = (password: string) => agent.post('/login').set('x-csrf-token', token).send({ email: ADMIN.email, password });
    for (let i = 0; i < 3; i++) expect((await attempt(`falsch-${i}`)).status).toBe(401);

    const limited = await attempt(ADMIN.password);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.body.error.message).toContain('Zu viele fehlgeschlagene Anmeldeversuche');
    expect(limited.headers['retry-after']).toBeDefined();

    const form = await agent.post('/login').type('form').send({ _csrf: token, email: ADMIN.email, password: ADMIN.password });
    expect(form.status).toBe(429);
    expect(form.text).toContain('Zu viele fehlgeschlagene Anmeldeversuche');
    await agent.get('/admin').expect(302);
  });

  it('behind a proxy (TRUST_PROXY=1): a client that writes its own X-Forwarded-For entries does not get past it', async () => {
    await resetCounters();
    const behindProxy = createApp({ ...w.deps, trustProxy: loadConfig({ TRUST_PROXY: '1' }).trustProxy });
    const attempt = await loginClient(behindProxy);
    // The proxy appends the address it saw (203.0.113.9); whatever the client put before it is ignored.
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await attempt(STAFF.email, `falsch-${i}`, `198.51.100.${i}, 203.0.113.9`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });

  it('counts per account too: from ever new addresses, one account gets no more than its limit of guesses', async () => {
    await resetCounters();
    const behindProxy = createApp({ ...w.deps, trustProxy: 1 });
    const attempt = await loginClient(behindProxy);
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt(` ${ADMIN.email.toUpperCase()} `, `falsch-${i}`, `198.51.100.${i + 10}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await attempt(ADMIN.email, ADMIN.password, '198.51.100.99');
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toContain('für dieses Konto');
    // Another account and the counters: no e-mail address stored.
    expect((await attempt(STAFF.email, 'falsch', '198.51.100.98')).status).toBe(401);
    const ids = (await w.t.db.collection<{ _id: string }>(RATE_LIMITS_COLLECTION).find().toArray()).map((c) => c._id);
    expect(ids.join(' ')).not.toMatch(/@|example/);
  });

  it('is shared by two app instances on one database (as by two processes)', async () => {
    await resetCounters();
    const first = await loginClient(w.app);
    const second = await loginClient(createApp({ ...w.deps, tracker: new OperationTracker() }));
    expect((await first(ADMIN.email, 'falsch-1')).status).toBe(401);
    expect((await second(ADMIN.email, 'falsch-2')).status).toBe(401);
    expect((await first(ADMIN.email, 'falsch-3')).status).toBe(401);
    expect((await second(ADMIN.email, ADMIN.password)).status).toBe(429);
    expect((await first(ADMIN.email, ADMIN.password)).status).toBe(429);
  });
});

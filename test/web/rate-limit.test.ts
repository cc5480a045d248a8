import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ADMIN, signIn, useWebApp } from './helpers/web-app.js';

const w = useWebApp({ loginRateLimit: { limit: 3, windowMs: 60_000 } });

describe('login rate limit', () => {
  it('does not count successful logins', async () => {
    for (let i = 0; i < 5; i++) await signIn(w.app, ADMIN);
  });

  it('refuses further attempts (429, even with the right password) after too many failures', async () => {
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
});

import { describe, expect, it } from 'vitest';
import { ADMIN, signIn, useWebApp } from './helpers/web-app.js';

const w = useWebApp();

describe('POST /admin/api/mail/test without SMTP settings', () => {
  it('answers 409 saying in German that mail is off, and sends nothing', async () => {
    const admin = await signIn(w.app, ADMIN);
    const res = await admin.agent.post('/admin/api/mail/test').set('x-csrf-token', admin.csrf).expect(409);
    expect(res.body.error).toMatchObject({ code: 'MAIL_FAILED', problem: 'mail-off' });
    expect(res.body.error.message).toMatch(/^E-Mail-Versand ist aus: /);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { MailMessage } from '../../src/mail/mailer.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { ADMIN, signIn, useWebApp, waitForIdle } from './helpers/web-app.js';

const sent: MailMessage[] = [];
const recording = {
  send: async (message: MailMessage) => {
    sent.push(message);
    return { response: '250 OK' };
  },
};
const w = useWebApp({ mailer: recording });

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 100 });
});

describe('"Backup erstellen" with mail', () => {
  it('offers the option on the pages when mail is set up, and mails the new backup to the admins', async () => {
    const admin = await signIn(w.app, ADMIN);
    const page = await admin.agent.get('/admin').expect(200);
    expect(page.text).toContain('per E-Mail an die Admins senden');

    await admin.agent.post('/admin/api/backups').set('x-csrf-token', admin.csrf).send({ mail: true }).expect(202);
    expect(await waitForIdle(w.tracker)).toMatchObject({ ok: true });
    await w.automatic.settled();
    const [newest] = await w.manager.list();
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toEqual([ADMIN.email]);
    expect(sent[0]?.attachments?.map((a) => a.filename)).toEqual([newest?.name]);

    await admin.agent.post('/admin/api/backups').set('x-csrf-token', admin.csrf).send({}).expect(202);
    await waitForIdle(w.tracker);
    await w.automatic.settled();
    expect(sent).toHaveLength(1);
  });
});

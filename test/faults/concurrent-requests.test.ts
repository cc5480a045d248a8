import { beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { ADMIN, signIn, useWebApp, waitForIdle, type SignedIn } from '../web/helpers/web-app.js';

const w = useWebApp();
let admin: SignedIn;

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 3000 });
  admin = await signIn(w.app, ADMIN);
});

describe('20 concurrent "Backup erstellen" requests over HTTP', () => {
  it('start exactly one backup; the other 19 are answered 409 "läuft bereits"', async () => {
    const before = (await w.manager.list()).length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => admin.agent.post('/admin/api/backups').set('x-csrf-token', admin.csrf).send({})),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const refused of answers.filter((a) => a.status === 409)) {
      expect(refused.body).toMatchObject({ error: { code: 'OPERATION_RUNNING', message: expect.stringContaining('läuft bereits') } });
    }
    expect((await waitForIdle(w.tracker))?.ok).toBe(true);
    expect((await w.manager.list()).length).toBe(before + 1);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { PINS_COLLECTION } from '../../src/retention/pin-store.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { ADMIN, logLine, signIn, useWebApp, waitForIdle, type SignedIn } from './helpers/web-app.js';

const w = useWebApp({ env: { BACKUP_KEEP_MANUAL: '1' } });

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 50 });
});

async function manualBackup(admin: SignedIn): Promise<string> {
  await admin.agent.post('/admin/api/backups').set('x-csrf-token', admin.csrf).send({}).expect(202);
  expect(await waitForIdle(w.tracker)).toMatchObject({ ok: true });
  const [newest] = await w.manager.list();
  return newest!.name;
}

describe('"Behalten": pinned backups', () => {
  it('pins a backup, shows it in the list and on the page, and retention never removes it', async () => {
    const admin = await signIn(w.app, ADMIN);
    const first = await manualBackup(admin);
    const pinned = await admin.agent.post(`/admin/api/backups/${first}/pin`).set('x-csrf-token', admin.csrf).expect(200);
    expect(pinned.body.pin).toMatchObject({ name: first, pinnedBy: ADMIN.email });
    await logLine(w, `Backup ${first} wird behalten`);

    const second = await manualBackup(admin);
    const third = await manualBackup(admin);
    const names = (await w.manager.list()).map((b) => b.name);
    expect(names).toContain(first);
    expect(names).toContain(third);
    expect(names).not.toContain(second);

    const list = await admin.agent.get('/admin/api/backups').expect(200);
    const rows = list.body.backups as { name: string; pinned: boolean }[];
    expect(rows.find((r) => r.name === first)?.pinned).toBe(true);
    expect(rows.find((r) => r.name === third)?.pinned).toBe(false);
    const page = (await admin.agent.get('/admin/backups').expect(200)).text;
    expect(page).toContain('data-action="unpin"');
    expect(page).toContain('data-action="pin">Behalten</button>');
  });

  it('unpins, so retention may remove it again', async () => {
    const admin = await signIn(w.app, ADMIN);
    const [oldest] = (await w.manager.list()).slice(-1);
    const res = await admin.agent.delete(`/admin/api/backups/${oldest!.name}/pin`).set('x-csrf-token', admin.csrf).expect(200);
    expect(res.body).toEqual({ name: oldest!.name, wasPinned: true });
    await manualBackup(admin);
    expect((await w.manager.list()).map((b) => b.name)).not.toContain(oldest!.name);
  });

  it('deleting a pinned backup removes its pin; an unknown backup cannot be pinned', async () => {
    const admin = await signIn(w.app, ADMIN);
    const [newest] = await w.manager.list();
    await admin.agent.post(`/admin/api/backups/${newest!.name}/pin`).set('x-csrf-token', admin.csrf).expect(200);
    expect(await w.t.db.collection(PINS_COLLECTION).countDocuments({ _id: newest!.name } as never)).toBe(1);
    await admin.agent.delete(`/admin/api/backups/${newest!.name}`).set('x-csrf-token', admin.csrf).expect(200);
    expect(await w.t.db.collection(PINS_COLLECTION).countDocuments()).toBe(0);

    await admin.agent.post('/admin/api/backups/scandy-backup-20200101T000000000Z-manual.zip/pin').set('x-csrf-token', admin.csrf).expect(404);
    await admin.agent.post(`/admin/api/backups/${newest!.name}/pin`).expect(403);
  });
});

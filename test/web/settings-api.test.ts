import { beforeAll, describe, expect, it } from 'vitest';
import { composeBackupSystem } from '../../src/app/compose.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { SETTINGS_COLLECTION } from '../../src/settings/settings-store.js';
import { ADMIN, logLine, signIn, useWebApp, type SignedIn } from './helpers/web-app.js';

const w = useWebApp({ env: { BACKUP_TIMES: '06:00,18:00', BACKUP_KEEP_MANUAL: '5' } });
let admin: SignedIn;

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 20 });
  admin = await signIn(w.app, ADMIN);
});

interface FieldView {
  name: string;
  value: unknown;
  default: unknown;
  source: string;
  sourceLabel: string;
}

const put = (body: unknown) => admin.agent.put('/admin/api/settings').set('x-csrf-token', admin.csrf).send(body as object);
const field = (body: { settings: { fields: FieldView[] } }, name: string) => body.settings.fields.find((f) => f.name === name)!;

describe('GET/PUT /admin/api/settings ("Einstellungen")', () => {
  it('starts from the environment: every value says where it comes from', async () => {
    const res = await admin.agent.get('/admin/api/settings').expect(200);
    expect(res.body.settings.version).toBe(0);
    expect(field(res.body, 'backupTimes')).toMatchObject({ value: ['06:00', '18:00'], source: 'environment', sourceLabel: 'Umgebung (BACKUP_TIMES)' });
    expect(field(res.body, 'keepManual')).toMatchObject({ value: 5, default: 5, source: 'environment' });
    expect(field(res.body, 'drill')).toMatchObject({ value: 'weekly', source: 'environment', sourceLabel: 'Umgebung (BACKUP_DRILL)', defaultText: 'wöchentlich, sonntags um 04:00 Uhr' });
    expect((await admin.agent.get('/admin/auto-backup').expect(200)).text).toContain('Umgebung (BACKUP_KEEP)');
  });

  it('refuses an invalid value with a 400 naming the field in German, and saves nothing', async () => {
    const bad = await put({ version: 0, values: { backupTimes: '06:00', keep: 0 } }).expect(400);
    expect(bad.body.error.code).toBe('INVALID_INPUT');
    expect(bad.body.error.message).toMatch(/^Ungültige Einstellung „Automatische Backups behalten“ \(keep\): /);
    const times = await put({ version: 0, values: { backupTimes: '25:00' } }).expect(400);
    expect(times.body.error.message).toMatch(/„Backup-Zeiten“ \(backupTimes\): muss eine kommagetrennte Liste von Uhrzeiten HH:MM sein/);
    const drill = await put({ version: 0, values: { drill: 'monthly' } }).expect(400);
    expect(drill.body.error.message).toBe('Ungültige Einstellung „Wiederherstellungstest“ (drill): muss daily, weekly oder off sein');
    await put({ values: { keep: 3 } }).expect(400);
    expect(await w.t.db.collection(SETTINGS_COLLECTION).countDocuments()).toBe(0);
  });

  it('previews the next runs and what a retention would delete, without saving', async () => {
    for (let i = 0; i < 3; i++) await w.manager.create({ kind: 'manual', actor: ADMIN.email });
    const names = (await w.manager.list()).map((b) => b.name);
    const res = await admin.agent
      .post('/admin/api/settings/preview')
      .set('x-csrf-token', admin.csrf)
      .send({ values: { keepManual: '1', backupTimes: '07:30', timeZone: 'UTC' } })
      .expect(200);
    expect(res.body.preview.remove.map((b: { name: string }) => b.name)).toEqual(names.slice(1));
    expect(res.body.preview.nextRunsText).toHaveLength(2);
    for (const text of res.body.preview.nextRunsText as string[]) expect(text).toMatch(/^\d{4}-\d\d-\d\d 07:30 \(UTC\)$/);
    await admin.agent.post('/admin/api/settings/preview').set('x-csrf-token', admin.csrf).send({ values: { keepManual: 'viele' } }).expect(400);
    expect((await w.manager.list()).map((b) => b.name)).toEqual(names);
    expect(await w.t.db.collection(SETTINGS_COLLECTION).countDocuments()).toBe(0);
  });

  it('saves on the loaded version: in force at once (next runs, retention), logged with the admin', async () => {
    const res = await put({ version: 0, values: { backupTimes: '07:30', timeZone: 'UTC', keepManual: '1' } }).expect(200);
    expect(res.body.settings.version).toBe(1);
    expect(field(res.body, 'backupTimes')).toMatchObject({ value: ['07:30'], source: 'settings', sourceLabel: 'Einstellungen' });
    const status = await w.scheduler.status();
    expect(status.times).toEqual(['07:30']);
    expect(status.nextRuns.map((run) => run.toISOString().slice(11, 16))).toEqual(['07:30', '07:30']);
    await logLine(w, `Einstellungen geändert von ${ADMIN.email} (Version 1): Backup-Zeiten: 06:00, 18:00 → 07:30`);
    // The next backup prunes by the new count.
    await w.manager.create({ kind: 'manual', actor: ADMIN.email });
    expect((await w.manager.list()).filter((b) => b.kind === 'manual')).toHaveLength(1);
  });

  it('answers a stale version with 409 and keeps the newer settings', async () => {
    const stale = await put({ version: 0, values: { backupTimes: '05:00' } }).expect(409);
    expect(stale.body.error.code).toBe('SETTINGS_CONFLICT');
    expect(stale.body.error.message).toContain(`von ${ADMIN.email} geändert (jetzt Version 1)`);
    expect((await w.scheduler.status()).times).toEqual(['07:30']);
  });

  it('"auf Standard zurücksetzen" returns a field to the environment', async () => {
    const res = await put({ version: 1, reset: ['backupTimes'] }).expect(200);
    expect(field(res.body, 'backupTimes')).toMatchObject({ value: ['06:00', '18:00'], source: 'environment' });
    expect(field(res.body, 'keepManual')).toMatchObject({ value: 1, source: 'settings' });
    expect((await w.scheduler.status()).times).toEqual(['06:00', '18:00']);
    expect((await admin.agent.get('/admin/auto-backup').expect(200)).text).toContain('data-action="reset-setting" data-field="keepManual"');
  });

  it('the drill schedule: GET /admin/api/drill and the drill scheduler follow the setting at once', async () => {
    const drillStatus = async () => (await admin.agent.get('/admin/api/drill').expect(200)).body as { schedule: string; scheduleText: string; nextRun?: string };
    expect(await drillStatus()).toMatchObject({ schedule: 'weekly', scheduleText: 'wöchentlich, sonntags um 04:00 Uhr' });
    const off = await put({ version: 2, values: { drill: 'off' } }).expect(200);
    expect(field(off.body, 'drill')).toMatchObject({ value: 'off', source: 'settings' });
    const status = await drillStatus();
    expect(status).toMatchObject({ schedule: 'off', scheduleText: 'aus' });
    expect(status.nextRun).toBeUndefined();
    expect(await w.automatic.drills.tick()).toEqual({ kind: 'off' });
    await logLine(w, `Einstellungen geändert von ${ADMIN.email} (Version 3): Wiederherstellungstest: wöchentlich, sonntags um 04:00 Uhr → aus`);
    expect((await admin.agent.get('/admin/auto-backup').expect(200)).text).toMatch(/<option value="off" selected>aus<\/option>/);

    await put({ version: 3, values: { drill: 'daily' } }).expect(200);
    const daily = await drillStatus();
    expect(daily).toMatchObject({ schedule: 'daily', scheduleText: 'täglich um 04:00 Uhr' });
    const next = new Date(daily.nextRun!);
    expect(next.getTime() - Date.now()).toBeGreaterThan(0);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(24 * 3_600_000 + 3_600_000);
    // Before its first slot on a system that never drilled, the daily drill waits (nothing ran), but it is no longer "off".
    expect((await w.automatic.drills.tick()).kind).not.toBe('off');

    await put({ version: 4, reset: ['drill'] }).expect(200);
    expect(await drillStatus()).toMatchObject({ schedule: 'weekly' });
  });

  it('reaches another app process by its poll, with its next runs recomputed', async () => {
    const other = composeBackupSystem({ config: w.config, db: w.t.db, ticker: false });
    try {
      await other.settings.refresh();
      expect((await other.scheduler.status()).times).toEqual(['06:00', '18:00']);
      other.settings.startPolling(50);
      await put({ version: 5, values: { backupTimes: '12:15' } }).expect(200);
      const deadline = Date.now() + 5000;
      while ((await other.scheduler.status()).times.join() !== '12:15' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      const status = await other.scheduler.status();
      expect(status.times).toEqual(['12:15']);
      expect(status.nextRuns.length).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});

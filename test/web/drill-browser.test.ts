import { beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { documentToLine } from '../../src/archive/extended-json.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { collectionFileText, writeHandmadeArchive } from '../helpers/handmade-archive.js';
import { signInOnPage, useBrowserPage } from './helpers/browser-page.js';
import { ADMIN, useWebApp } from './helpers/web-app.js';

const w = useWebApp();
const b = useBrowserPage(w);
let backupName = '';

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 400 });
  backupName = (await w.manager.create({ kind: 'auto', actor: 'Zeitplan' })).backup.name;
});

describe('the restore drill in a real Chromium', () => {
  it('the dashboard says there was no drill yet', async () => {
    await signInOnPage(b.page, b.base, ADMIN);
    expect(await b.page.locator('[data-role="drill-summary"]').textContent()).toContain('noch keiner');
  });

  it('click "Wiederherstellung testen" on /admin/auto-backup and see the result', async () => {
    await b.page.goto(`${b.base}/admin/auto-backup`);
    await b.page.getByRole('button', { name: 'Wiederherstellung testen' }).click();
    const message = b.page.locator('#drill-message');
    await message.filter({ hasText: 'Wiederherstellungstest erfolgreich' }).waitFor({ timeout: 30_000 });
    expect(await message.textContent()).toBe(`Wiederherstellungstest erfolgreich: ${backupName} (400 Dokumente byte-genau verglichen)`);
    expect(await b.page.locator('[data-role="drill-last"]').textContent()).toContain('erfolgreich, heute');
    expect((await w.manager.lastDrill())?.actor).toBe(ADMIN.email);
  });

  it('the dashboard card shows "Letzter Wiederherstellungstest: erfolgreich, heute", and the page after a reload too', async () => {
    await b.page.goto(`${b.base}/admin`);
    const card = b.page.locator('#backup-card');
    expect(await card.getByText('Letzter Wiederherstellungstest').count()).toBe(1);
    expect((await b.page.locator('[data-role="drill-summary"]').innerText()).replace(/\s+/g, ' ').trim()).toMatch(/^erfolgreich heute scandy-backup-/);
    await b.page.goto(`${b.base}/admin/auto-backup`);
    expect(await b.page.locator('[data-role="drill-last"]').textContent()).toContain('erfolgreich, heute');
    expect(b.problems).toEqual([]);
  });

  it('a failing drill shows "fehlgeschlagen" and why, on the page and on the dashboard', async () => {
    const lines = [documentToLine({ _id: new ObjectId(), name: 'Feile' })];
    const held = collectionFileText(lines).replace('Feile', 'Feilx');
    const bad = 'scandy-backup-20990101T000000000Z-manual.zip';
    writeHandmadeArchive(w.backupDir, bad, w.t.dbName, [{ name: 'tools', promised: collectionFileText(lines), held }]);
    await b.page.goto(`${b.base}/admin/auto-backup`);
    await b.page.getByRole('button', { name: 'Wiederherstellung testen' }).click();
    const message = b.page.locator('#drill-message');
    await message.filter({ hasText: 'Wiederherstellungstest fehlgeschlagen' }).waitFor({ timeout: 30_000 });
    expect(await message.textContent()).toContain(`${bad}: Ungültiges Backup-Archiv`);
    await b.page.goto(`${b.base}/admin`);
    expect((await b.page.locator('[data-role="drill-summary"]').innerText()).replace(/\s+/g, ' ').trim()).toMatch(/^fehlgeschlagen heute scandy-backup-20990101T000000000Z-manual.zip Ungültiges Backup-Archiv: .*SHA-256/);
  });

  it('choose the drill schedule in "Einstellungen": the drill card shows the schedule in force', async () => {
    await b.page.goto(`${b.base}/admin/auto-backup`);
    const schedule = b.page.locator('[data-role="drill-schedule"]');
    expect(await schedule.textContent()).toContain('wöchentlich, sonntags um 04:00 Uhr');
    const settings = b.page.locator('#settings-card');
    await settings.getByLabel('Wiederherstellungstest').selectOption({ label: 'aus' });
    await settings.getByRole('button', { name: 'Speichern' }).click();
    await b.page.locator('#settings-card [data-field="drill"] [data-role="source"]', { hasText: 'Einstellungen' }).waitFor();
    expect((await schedule.textContent())?.trim()).toBe('aus');
    expect((await w.automatic.drills.status()).schedule).toBe('off');

    await settings.getByLabel('Wiederherstellungstest').selectOption({ label: 'täglich um 04:00 Uhr' });
    await settings.getByRole('button', { name: 'Speichern' }).click();
    await schedule.filter({ hasText: 'täglich um 04:00 Uhr' }).waitFor();
    expect(await schedule.textContent()).toContain('nächster:');
    expect((await w.automatic.drills.status()).schedule).toBe('daily');
    expect(b.problems).toEqual([]);
  });
});

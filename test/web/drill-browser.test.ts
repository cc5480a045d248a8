import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { documentToLine } from '../../src/archive/extended-json.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { collectionFileText, writeHandmadeArchive } from '../helpers/handmade-archive.js';
import { ADMIN, useWebApp } from './helpers/web-app.js';

const CHROMIUM = '/usr/bin/chromium';
const w = useWebApp();
let server: http.Server;
let base = '';
let browser: Browser;
let page: Page;
let backupName = '';
const problems: string[] = [];

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 400 });
  backupName = (await w.manager.create({ kind: 'auto', actor: 'Zeitplan' })).backup.name;
  server = http.createServer(w.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  page = await (await browser.newContext({ locale: 'de-DE' })).newPage();
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
});

describe('the restore drill in a real Chromium', () => {
  it('the dashboard says there was no drill yet', async () => {
    await page.goto(`${base}/login`);
    await page.getByLabel('E-Mail-Adresse').fill(ADMIN.email);
    await page.getByLabel('Passwort').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(`${base}/admin`);
    expect(await page.locator('[data-role="drill-summary"]').textContent()).toContain('noch keiner');
  });

  it('click "Wiederherstellung testen" on /admin/auto-backup and see the result', async () => {
    await page.goto(`${base}/admin/auto-backup`);
    await page.getByRole('button', { name: 'Wiederherstellung testen' }).click();
    const message = page.locator('#drill-message');
    await message.filter({ hasText: 'Wiederherstellungstest erfolgreich' }).waitFor({ timeout: 30_000 });
    expect(await message.textContent()).toBe(`Wiederherstellungstest erfolgreich: ${backupName} (400 Dokumente byte-genau verglichen)`);
    expect(await page.locator('[data-role="drill-last"]').textContent()).toContain('erfolgreich, heute');
    expect((await w.manager.lastDrill())?.actor).toBe(ADMIN.email);
  });

  it('the dashboard card shows "Letzter Wiederherstellungstest: erfolgreich, heute", and the page after a reload too', async () => {
    await page.goto(`${base}/admin`);
    const card = page.locator('#backup-card');
    expect(await card.getByText('Letzter Wiederherstellungstest').count()).toBe(1);
    expect((await page.locator('[data-role="drill-summary"]').innerText()).replace(/\s+/g, ' ').trim()).toMatch(/^erfolgreich heute scandy-backup-/);
    await page.goto(`${base}/admin/auto-backup`);
    expect(await page.locator('[data-role="drill-last"]').textContent()).toContain('erfolgreich, heute');
    expect(problems).toEqual([]);
  });

  it('a failing drill shows "fehlgeschlagen" and why, on the page and on the dashboard', async () => {
    const lines = [documentToLine({ _id: new ObjectId(), name: 'Feile' })];
    const held = collectionFileText(lines).replace('Feile', 'Feilx');
    const bad = 'scandy-backup-20990101T000000000Z-manual.zip';
    writeHandmadeArchive(w.backupDir, bad, w.t.dbName, [{ name: 'tools', promised: collectionFileText(lines), held }]);
    await page.goto(`${base}/admin/auto-backup`);
    await page.getByRole('button', { name: 'Wiederherstellung testen' }).click();
    const message = page.locator('#drill-message');
    await message.filter({ hasText: 'Wiederherstellungstest fehlgeschlagen' }).waitFor({ timeout: 30_000 });
    expect(await message.textContent()).toContain(`${bad}: Ungültiges Backup-Archiv`);
    await page.goto(`${base}/admin`);
    expect((await page.locator('[data-role="drill-summary"]').innerText()).replace(/\s+/g, ' ').trim()).toMatch(/^fehlgeschlagen heute scandy-backup-20990101T000000000Z-manual.zip Ungültiges Backup-Archiv: .*SHA-256/);
  });

  it('choose the drill schedule in "Einstellungen": the drill card shows the schedule in force', async () => {
    await page.goto(`${base}/admin/auto-backup`);
    const schedule = page.locator('[data-role="drill-schedule"]');
    expect(await schedule.textContent()).toContain('wöchentlich, sonntags um 04:00 Uhr');
    const settings = page.locator('#settings-card');
    await settings.getByLabel('Wiederherstellungstest').selectOption({ label: 'aus' });
    await settings.getByRole('button', { name: 'Speichern' }).click();
    await page.locator('#settings-card [data-field="drill"] [data-role="source"]', { hasText: 'Einstellungen' }).waitFor();
    expect((await schedule.textContent())?.trim()).toBe('aus');
    expect((await w.automatic.drills.status()).schedule).toBe('off');

    await settings.getByLabel('Wiederherstellungstest').selectOption({ label: 'täglich um 04:00 Uhr' });
    await settings.getByRole('button', { name: 'Speichern' }).click();
    await schedule.filter({ hasText: 'täglich um 04:00 Uhr' }).waitFor();
    expect(await schedule.textContent()).toContain('nächster:');
    expect((await w.automatic.drills.status()).schedule).toBe('daily');
    expect(problems).toEqual([]);
  });
});

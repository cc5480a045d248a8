import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../src/backup/create-backup.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { projectRoot } from '../../src/shared/project.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { ADMIN, useWebApp, waitForIdle } from './helpers/web-app.js';

const CHROMIUM = '/usr/bin/chromium';

/** The little of the DOM that the page functions below use (the project compiles without the DOM library). */
interface BrowserDocument {
  getElementById(id: string): { hidden: boolean; querySelector(selector: string): { getAttribute(name: string): string | null } | null } | null;
}
/** The README's screenshots are refreshed with SCREENSHOTS=docs; otherwise they go to a temporary folder. */
const DOCS = process.env.SCREENSHOTS === 'docs' ? path.join(projectRoot, 'docs') : mkdtempSync(path.join(os.tmpdir(), 'scandy-screenshots-'));
const w = useWebApp();
const downloads = useTempDir('scandy-web-downloads-');
let server: http.Server;
let base = '';
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 20_000 });
  await createBackup(w.backup, { kind: 'auto', actor: 'Zeitplan' });
  server = http.createServer(w.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'de-DE', acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  mkdirSync(DOCS, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
});

describe('the admin pages in a real Chromium', () => {
  it('log in', async () => {
    await page.goto(`${base}/admin`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('E-Mail-Adresse').fill(ADMIN.email);
    await page.getByLabel('Passwort').fill('falsch-geraten');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.getByText('E-Mail-Adresse oder Passwort ist falsch.').waitFor();
    await page.getByLabel('Passwort').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL(`${base}/admin`);
    await page.getByRole('heading', { name: 'Automatisches Backup-System' }).waitFor();
    // The refused login above answered 401 on purpose; Chromium reports that as a console error.
    problems.length = 0;
  });

  it('click "Backup erstellen", follow its progress, see it in the list', async () => {
    const before = (await w.backup.store.list()).length;
    await page.getByRole('button', { name: 'Backup erstellen' }).click();
    await page.locator('#operation').waitFor({ state: 'visible' });
    await page.locator('#operation [data-role="detail"]', { hasText: /von [\d.]+ Dokumenten/ }).waitFor({ timeout: 30_000 });
    // A function, not a string: the page's CSP forbids eval, which Playwright would need for a string.
    await page.waitForFunction(
      () => {
        const box = (globalThis as unknown as { document: BrowserDocument }).document.getElementById('operation');
        return !box || box.hidden || Number(box.querySelector('progress')?.getAttribute('value') ?? 0) >= 30;
      },
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    if (await page.locator('#operation').isVisible()) await page.locator('#backup-card').screenshot({ path: path.join(DOCS, 'progress.png') });
    const progress = await page.locator('#operation [data-role="detail"]').textContent();
    expect(progress).toMatch(/Daten werden gesichert – \w+: [\d.]+ von 20\.000 Dokumenten \(\d+ %\)/);
    await waitForIdle(w.tracker);
    // The page reloads when the backup is done: it is then the newest in the list.
    await page.locator('table tbody tr').first().filter({ hasText: 'manuell' }).waitFor({ timeout: 15_000 });
    expect((await w.backup.store.list()).length).toBe(before + 1);
    expect(await page.locator('.facts').textContent()).toMatch(/Letztes Backup\s+[\d.]+, [\d:]+\s+erfolgreich\s+admin@example\.org/);
    await page.screenshot({ path: path.join(DOCS, 'dashboard.png'), fullPage: true });
  });

  it('download it under its own name, byte for byte', async () => {
    await page.getByRole('link', { name: /Alle Backups anzeigen/ }).click();
    await page.waitForURL(`${base}/admin/backups`);
    const [newest] = await w.backup.store.list();
    const row = page.locator(`tr[data-name="${newest!.name}"]`);
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Herunterladen' }).click()]);
    expect(download.suggestedFilename()).toBe(newest!.name);
    const saved = path.join(downloads, download.suggestedFilename());
    await download.saveAs(saved);
    expect(Buffer.compare(readFileSync(saved), readFileSync(newest!.path))).toBe(0);
  });

  it('verify it and upload the downloaded file again', async () => {
    const [newest] = await w.backup.store.list();
    const row = page.locator(`tr[data-name="${newest!.name}"]`);
    await row.getByRole('button', { name: 'Prüfen' }).click();
    await page.getByText(/ist vollständig und unverändert \(20000 Dokumente\)/).waitFor();
    await page.locator(`tr[data-name="${newest!.name}"] [data-role="verification"]`).getByText('geprüft', { exact: true }).waitFor({ timeout: 10_000 });

    await page.locator('#upload-file').setInputFiles(path.join(downloads, newest!.name));
    await page.getByRole('button', { name: 'Hochladen', exact: true }).click();
    await page.getByText(/Gespeichert als scandy-backup-.*-upload\.zip/).waitFor();
    await page.locator('tbody tr', { hasText: 'hochgeladen' }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(DOCS, 'backups.png'), fullPage: true });
  });

  it('restore it with the confirmation, after a safety backup', async () => {
    const manual = (await w.backup.store.list()).find((b) => b.kind === 'manual')!;
    const tools = w.t.db.collection('tools');
    const toolsInBackup = await tools.countDocuments();
    await tools.deleteMany({});

    await page.locator(`tr[data-name="${manual.name}"]`).getByRole('link', { name: 'Wiederherstellen' }).click();
    await page.waitForURL(`${base}/admin/backups/${manual.name}/restore`);
    await page.getByText('Sicherungs-Backup des aktuellen Stands').first().waitFor();
    const restoreButton = page.getByRole('button', { name: 'Wiederherstellen' });
    expect(await restoreButton.isDisabled()).toBe(true);
    for (const name of ['consumables', 'workers', 'lendings', 'consumable_usages', 'settings', 'tickets', 'ticket_messages', 'ticket_notes']) {
      await page.locator(`#c-${name}`).uncheck();
    }
    await page.getByLabel(/Zur Bestätigung/).fill('wiederherstellen');
    expect(await restoreButton.isDisabled()).toBe(true);
    await page.getByLabel(/Zur Bestätigung/).fill('WIEDERHERSTELLEN');
    await page.screenshot({ path: path.join(DOCS, 'restore.png'), fullPage: true });
    await restoreButton.click();
    await page.getByText('Die Wiederherstellung ist abgeschlossen.').waitFor({ timeout: 60_000 });
    expect(await tools.countDocuments()).toBe(toolsInBackup);
    expect((await w.backup.store.list()).some((b) => b.kind === 'pre-restore')).toBe(true);
  });

  it('stop and start the scheduler and read the log', async () => {
    await page.getByRole('link', { name: 'Automatisches Backup' }).click();
    await page.waitForURL(`${base}/admin/auto-backup`);
    const state = page.locator('[data-role="scheduler-state"]');
    await expect(state.textContent()).resolves.toBe('Aktiv');
    await page.getByRole('button', { name: 'Stoppen' }).click();
    await page.locator('[data-role="scheduler-state"]', { hasText: /^Gestoppt$/ }).waitFor();
    await page.getByRole('button', { name: 'Starten' }).click();
    await page.locator('[data-role="scheduler-state"]', { hasText: /^Aktiv$/ }).waitFor();
    expect(await w.scheduler.status()).toMatchObject({ enabled: true, changedBy: ADMIN.email });

    const log = page.locator('#log');
    await page.locator('#log', { hasText: `Automatisches Backup gestoppt von ${ADMIN.email}` }).waitFor({ timeout: 10_000 });
    await expect(log.textContent()).resolves.toContain(`Wiederherstellung erfolgreich aus`);
    w.log.write('<b>Neue Zeile</b> nach dem Laden der Seite');
    await page.locator('#log', { hasText: '<b>Neue Zeile</b>' }).waitFor({ timeout: 10_000 });
    expect(await page.locator('#log b').count()).toBe(0);
    await page.screenshot({ path: path.join(DOCS, 'auto-backup.png'), fullPage: true });
  });

  it('ran without script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
}, 180_000);

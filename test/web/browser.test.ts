import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { projectRoot } from '../../src/shared/project.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { ADMIN, useWebApp, waitForIdle } from './helpers/web-app.js';

const CHROMIUM = '/usr/bin/chromium';
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const NARROWEST = { width: 360, height: 740 };
const BETWEEN = [{ width: 1024, height: 768 }, { width: 768, height: 1024 }];

/** The little of the DOM that the page functions below use (the project compiles without the DOM library). */
interface BrowserElement {
  hidden: boolean;
  tagName: string;
  className: string;
  scrollWidth: number;
  clientWidth: number;
  textContent: string | null;
  querySelector(selector: string): BrowserElement | null;
  getAttribute(name: string): string | null;
}
/** Inside page functions, which run in the browser: (globalThis as unknown as BrowserWindow). */
interface BrowserWindow {
  document: {
    getElementById(id: string): BrowserElement | null;
    documentElement: { scrollWidth: number; clientWidth: number };
    activeElement: BrowserElement | null;
    querySelectorAll(selector: string): Iterable<BrowserElement>;
  };
  getComputedStyle(element: BrowserElement): { outlineStyle: string; outlineWidth: string; outlineColor: string; overflowX: string };
  axe: { run(): Promise<AxeResults> };
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
  await w.manager.create({ kind: 'auto', actor: 'Zeitplan' });
  server = http.createServer(w.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'de-DE', acceptDownloads: true });
  // axe-core comes in as an init script (through DevTools), so the pages keep their strict CSP.
  await context.addInitScript({ path: AXE_SCRIPT });
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

/** Contrast ratio of an `rgb(r, g, b)` colour against white (WCAG relative luminance). */
function contrastWithWhite(rgb: string): number {
  const [r = 0, g = 0, b = 0] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05);
}

/** axe-core's serious and critical findings on the page as it is now. */
async function seriousAccessibilityFindings(): Promise<string[]> {
  const violations = await page.evaluate(async () => (await (globalThis as unknown as BrowserWindow).axe.run()).violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })));
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} – ${v.nodes.join(', ')}`);
}

/** The page from desktop down to the narrowest supported width: no horizontal scrolling; no serious axe findings on desktop and phone; a phone screenshot (the first screen, as the phone shows it). */
async function checkEverySize(name: string): Promise<void> {
  for (const size of [DESKTOP, ...BETWEEN, PHONE, NARROWEST]) {
    await page.setViewportSize(size);
    const width = await page.evaluate(() => (globalThis as unknown as BrowserWindow).document.documentElement.scrollWidth);
    expect(width, `${name} at ${size.width} px`).toBe(size.width);
    // Nor inside the page: no table or box that hides part of itself behind a sideways scroll.
    const sideways = await page.evaluate(() => {
      const w = globalThis as unknown as BrowserWindow;
      return [...w.document.querySelectorAll('body *')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1 && ['auto', 'scroll'].includes(w.getComputedStyle(e).overflowX))
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`);
    });
    expect(sideways, `${name} at ${size.width} px`).toEqual([]);
    if (size === DESKTOP || size === PHONE) expect(await seriousAccessibilityFindings(), `${name} at ${size.width} px`).toEqual([]);
    if (size === PHONE) await page.screenshot({ path: path.join(DOCS, `${name}-phone.png`) });
  }
  await page.setViewportSize(DESKTOP);
}

describe('the admin pages in a real Chromium', () => {
  it('log in', async () => {
    await page.goto(`${base}/admin`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await checkEverySize('login');
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
    const before = (await w.manager.list()).length;
    await page.getByRole('button', { name: 'Backup erstellen' }).click();
    await page.locator('#operation').waitFor({ state: 'visible' });
    await page.locator('#operation [data-role="detail"]', { hasText: /von [\d.]+ Dokumenten/ }).waitFor({ timeout: 30_000 });
    // A function, not a string: the page's CSP forbids eval, which Playwright would need for a string.
    await page.waitForFunction(
      () => {
        const box = (globalThis as unknown as BrowserWindow).document.getElementById('operation');
        return !box || box.hidden || Number(box.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow') ?? 0) >= 30;
      },
      undefined,
      { polling: 'raf', timeout: 30_000 },
    );
    if (await page.locator('#operation').isVisible()) await page.locator('#backup-card').screenshot({ path: path.join(DOCS, 'progress.png') });
    const progress = await page.locator('#operation [data-role="detail"]').textContent();
    expect(progress).toMatch(/Daten werden gesichert – \w+: [\d.]+ von 20\.000 Dokumenten \(\d+ %\)/);
    const bar = page.getByRole('progressbar', { name: 'Backup (manuell, von admin@example.org) läuft …' });
    if (await page.locator('#operation').isVisible()) {
      expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
      expect(await bar.getAttribute('aria-valuetext')).toMatch(/^[\d.]+ von 20\.000 Dokumenten \(\d+ %\)$/);
    }
    await waitForIdle(w.tracker);
    // The page reloads when the backup is done: it is then the newest in the list.
    await page.locator('table tbody tr').first().filter({ hasText: 'manuell' }).waitFor({ timeout: 15_000 });
    expect((await w.manager.list()).length).toBe(before + 1);
    expect(await page.locator('#backup-card .facts').first().textContent()).toMatch(/Letztes Backup\s+(gerade eben|vor \d+ Minuten?)\s+erfolgreich\s+Backup \(manuell, von admin@example\.org\)/);
    await page.screenshot({ path: path.join(DOCS, 'dashboard.png'), fullPage: true });
  });

  it('download it under its own name, byte for byte', async () => {
    await page.getByRole('link', { name: /Alle Backups anzeigen/ }).click();
    await page.waitForURL(`${base}/admin/backups`);
    const [newest] = await w.manager.list();
    const row = page.locator(`tr[data-name="${newest!.name}"]`);
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: 'Herunterladen' }).click()]);
    expect(download.suggestedFilename()).toBe(newest!.name);
    const saved = path.join(downloads, download.suggestedFilename());
    await download.saveAs(saved);
    expect(Buffer.compare(readFileSync(saved), readFileSync(path.join(w.backupDir, newest!.name)))).toBe(0);
  });

  it('verify it and upload the downloaded file again', async () => {
    const [newest] = await w.manager.list();
    const row = page.locator(`tr[data-name="${newest!.name}"]`);
    await row.getByRole('button', { name: 'Prüfen' }).click();
    await page.getByText(/ist vollständig und unverändert \(20\.000 Dokumente\)/).waitFor();
    await page.locator(`tr[data-name="${newest!.name}"] [data-role="verification"]`).getByText('geprüft', { exact: true }).waitFor({ timeout: 10_000 });

    await page.locator('#upload-file').setInputFiles(path.join(downloads, newest!.name));
    await page.getByRole('button', { name: 'Hochladen', exact: true }).click();
    await page.getByText(/Gespeichert als scandy-backup-.*-upload\.zip/).waitFor();
    await page.locator('tbody tr', { hasText: 'hochgeladen' }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(DOCS, 'backups.png'), fullPage: true });
  });

  it('restore it with the confirmation, after a safety backup', async () => {
    const manual = (await w.manager.list()).find((b) => b.kind === 'manual')!;
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
    expect((await w.manager.list()).some((b) => b.kind === 'pre-restore')).toBe(true);
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

  it('change times and retention in "Einstellungen": the preview, then the next runs change; a stale second session gets 409', async () => {
    // A second admin session loads the settings page before the change (its version becomes stale).
    const other = await browser.newContext({ viewport: DESKTOP, locale: 'de-DE' });
    try {
      const stalePage = await other.newPage();
      await stalePage.goto(`${base}/admin/auto-backup`);
      await stalePage.getByLabel('E-Mail-Adresse').fill(ADMIN.email);
      await stalePage.getByLabel('Passwort').fill(ADMIN.password);
      await stalePage.getByRole('button', { name: 'Anmelden' }).click();
      await stalePage.waitForURL(`${base}/admin/auto-backup`);

      await page.goto(`${base}/admin/auto-backup`);
      const card = page.locator('#settings-card');
      await expect(card.locator('[data-field="backupTimes"] [data-role="source"]').textContent()).resolves.toBe('Umgebung (BACKUP_TIMES)');
      const backups = await w.manager.list();
      const manualCount = backups.filter((b) => b.kind !== 'auto' && b.kind !== 'pre-restore').length;
      expect(manualCount).toBeGreaterThanOrEqual(2);

      // Before saving: the preview shows the new times and which backups the new retention would delete.
      await card.getByLabel('Backup-Zeiten').fill('05:45, 21:10');
      await card.locator('[data-role="preview-runs"]', { hasText: '05:45' }).waitFor();
      await expect(card.locator('[data-role="preview-runs"]').textContent()).resolves.toContain('21:10');
      await expect(card.locator('[data-role="preview-retention"]').textContent()).resolves.toMatch(/^Kein Backup würde gelöscht/);
      await card.getByLabel('Manuelle und hochgeladene Backups behalten').fill('1');
      await card.locator('[data-role="preview-retention"]', { hasText: /würden? beim nächsten Aufräumen gelöscht/ }).waitFor();
      await expect(card.locator('[data-role="preview-remove"] li').count()).resolves.toBe(manualCount - 1);
      expect(await w.manager.list()).toHaveLength(backups.length);

      await card.getByRole('button', { name: 'Speichern' }).click();
      await page.waitForLoadState('load');
      await page.locator('#settings-card [data-field="backupTimes"] [data-role="source"]', { hasText: 'Einstellungen' }).waitFor();
      const nextRuns = page.locator('ul.plain').first();
      await expect(nextRuns.locator('time').first().getAttribute('datetime')).resolves.toBeTruthy();
      const runTimes = await nextRuns.locator('time').evaluateAll((els) => els.map((e) => (e as unknown as BrowserElement).getAttribute('title')));
      expect(runTimes.every((t) => /(05:45|21:10)/.test(t ?? ''))).toBe(true);
      expect((await w.scheduler.status()).times).toEqual(['05:45', '21:10']);

      // The stale session's save is refused with the German 409 message; nothing of it is saved.
      await stalePage.locator('#settings-card').getByLabel('Backup-Zeiten').fill('03:00');
      await stalePage.locator('#settings-card').getByRole('button', { name: 'Speichern' }).click();
      await stalePage.locator('[data-role="settings-result"]', { hasText: `von ${ADMIN.email} geändert` }).waitFor();
      expect((await w.scheduler.status()).times).toEqual(['05:45', '21:10']);

      // Back to the environment's times.
      await page.locator('#settings-card [data-field="backupTimes"]').getByRole('button', { name: 'auf Standard zurücksetzen' }).click();
      await page.locator('#settings-card [data-field="backupTimes"] [data-role="source"]', { hasText: 'Umgebung' }).waitFor();
      expect((await w.scheduler.status()).times).toEqual(['06:00', '18:00']);
      await page.screenshot({ path: path.join(DOCS, 'settings.png'), fullPage: true });
    } finally {
      await other.close();
    }
  });

  it('every page works from 360 px up, with no serious accessibility findings', async () => {
    const manual = (await w.manager.list()).find((b) => b.kind === 'manual')!;
    // A damaged archive is listed with its problem spelled out; that must fit too.
    writeFileSync(path.join(w.backupDir, 'scandy-backup-20200101T000000000Z-upload.zip'), 'kein Zip-Archiv, sondern nur ein langer Text ohne Sinn');
    for (const [name, url] of [
      ['dashboard', '/admin'],
      ['backups', '/admin/backups'],
      ['restore', `/admin/backups/${manual.name}/restore`],
      ['auto-backup', '/admin/auto-backup'],
    ] as const) {
      await page.goto(`${base}${url}`);
      await checkEverySize(name);
    }
  });

  it('on a phone: the menu folds, every backup is a card with reachable full-width actions', async () => {
    await page.goto(`${base}/admin/backups`);
    const menu = page.getByRole('button', { name: 'Menü' });
    const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
    expect([await menu.isVisible(), await nav.isVisible()]).toEqual([false, true]);
    await page.setViewportSize(PHONE);
    expect([await menu.isVisible(), await nav.isVisible()]).toEqual([true, false]);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await nav.getByRole('link', { name: 'Alle Backups' }).waitFor();

    const rows = page.locator('tr[data-name]');
    expect(await rows.count()).toBeGreaterThanOrEqual(3);
    for (const row of await rows.all()) {
      const card = (await row.boundingBox())!;
      expect(card.x).toBeGreaterThanOrEqual(0);
      expect(card.x + card.width).toBeLessThanOrEqual(PHONE.width);
      for (const name of ['Herunterladen', 'Prüfen', 'Wiederherstellen', 'Löschen']) {
        const action = row.getByRole(name === 'Prüfen' || name === 'Löschen' ? 'button' : 'link', { name, exact: true });
        await action.scrollIntoViewIfNeeded();
        expect(await action.isVisible()).toBe(true);
        const box = (await action.boundingBox())!;
        expect(box.x).toBeGreaterThanOrEqual(card.x);
        expect(box.x + box.width).toBeLessThanOrEqual(card.x + card.width);
        // Full width of the card (less its padding), and big enough for a finger.
        expect(box.width).toBeGreaterThan(card.width * 0.85);
        expect(box.height).toBeGreaterThanOrEqual(40);
      }
    }
    await page.setViewportSize(DESKTOP);
  });

  it('shows where the keyboard focus is', async () => {
    await page.goto(`${base}/admin`);
    let focused = '';
    for (let i = 0; i < 20 && focused !== 'Backup erstellen'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => (globalThis as unknown as BrowserWindow).document.activeElement?.textContent?.trim() ?? '');
    }
    expect(focused).toBe('Backup erstellen');
    const outline = await page.evaluate(() => {
      const w = globalThis as unknown as BrowserWindow;
      const style = w.getComputedStyle(w.document.activeElement!);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth), color: style.outlineColor };
    });
    expect(outline.style).toBe('solid');
    expect(outline.width).toBeGreaterThanOrEqual(2);
    // WCAG 1.4.11: at least 3:1 against the white card around the button.
    expect(contrastWithWhite(outline.color)).toBeGreaterThanOrEqual(3);
  });

  it('ran without script errors or CSP violations', () => {
    expect(problems).toEqual([]);
  });
}, 180_000);

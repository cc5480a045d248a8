import { existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/crypto/age-keys.js';
import { seedDatabase } from '../../src/seed/seed-database.js';
import { useTempDir } from '../helpers/temp-dir.js';
import { ADMIN, useWebApp } from './helpers/web-app.js';

const CHROMIUM = '/usr/bin/chromium';
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const pair = await generateKeyPair();
const other = await generateKeyPair();
// The server holds only the public key: the admin brings the secret key to the restore page.
const w = useWebApp({ env: { BACKUP_ENCRYPTION_RECIPIENTS: pair.publicKey, BACKUP_COLLECTIONS: 'tools,workers' } });
const keys = useTempDir('scandy-browser-keys-');
let server: http.Server;
let base = '';
let browser: Browser;
let page: Page;
let name = '';
const problems: string[] = [];

beforeAll(async () => {
  await seedDatabase(w.t.db, { docs: 500 });
  name = (await w.manager.create({ kind: 'manual', actor: 'test' })).backup.name;
  server = http.createServer(w.app).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'de-DE' });
  await context.addInitScript({ path: AXE_SCRIPT });
  page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.goto(`${base}/login`);
  await page.getByLabel('E-Mail-Adresse').fill(ADMIN.email);
  await page.getByLabel('Passwort').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${base}/admin`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
});

describe('restoring an encrypted backup in a real Chromium', () => {
  it('the restore page asks for the key; restoring stays disabled without one', async () => {
    await page.goto(`${base}/admin/backups/${name}/restore`);
    await page.getByText('Dieses Backup ist verschlüsselt (age).').waitFor();
    await page.getByLabel(/Zur Bestätigung/).fill('WIEDERHERSTELLEN');
    const restoreButton = page.getByRole('button', { name: 'Wiederherstellen' });
    expect(await restoreButton.isDisabled()).toBe(true);
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(): Promise<AxeResults> } }).axe;
      return (await axe.run()).violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    expect(violations).toEqual([]);
    // The key field fits the narrowest supported width, too.
    await page.setViewportSize({ width: 360, height: 740 });
    const width = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth);
    expect(width).toBe(360);
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('"Prüfen" in the list, without a key, says what was checked and where the key goes', async () => {
    await page.goto(`${base}/admin/backups`);
    await page.locator(`tr[data-name="${name}"]`).getByRole('button', { name: 'Prüfen' }).click();
    await page.getByText(/Größe und SHA-256 stimmen .*Den Inhalt prüft erst der geheime Schlüssel/).waitFor();
    await page.goto(`${base}/admin/backups/${name}/restore`);
    await page.getByLabel(/Zur Bestätigung/).fill('WIEDERHERSTELLEN');
  });

  it('a pasted wrong key gives one German message and touches nothing', async () => {
    const tools = w.t.db.collection('tools');
    await tools.insertOne({ name: 'nach dem Backup' });
    const before = await tools.countDocuments();
    await page.getByLabel(/oder Schlüssel einfügen/).fill(other.secretKeyFile);
    await page.getByRole('button', { name: 'Wiederherstellen' }).click();
    await page.getByText('Der Schlüssel passt nicht zu diesem Backup: die Datei wurde für andere Schlüssel verschlüsselt').waitFor();
    expect(await tools.countDocuments()).toBe(before);
    expect((await w.manager.list()).some((b) => b.kind === 'pre-restore')).toBe(false);
  });

  it('with the key file chosen, it checks the content and restores; the field is emptied', async () => {
    const keyFile = path.join(keys, 'key.txt');
    writeFileSync(keyFile, pair.secretKeyFile, { mode: 0o600 });
    await page.locator('#identity-file').setInputFiles(keyFile);
    // The page reads the file asynchronously.
    await expect.poll(() => page.getByLabel(/oder Schlüssel einfügen/).inputValue()).toBe(pair.secretKeyFile);

    await page.getByRole('button', { name: 'Mit diesem Schlüssel prüfen' }).click();
    await page.getByText(/^Geprüft: vollständig und unverändert/).waitFor();

    await page.getByRole('button', { name: 'Wiederherstellen' }).click();
    await page.getByText('Die Wiederherstellung ist abgeschlossen.').waitFor({ timeout: 60_000 });
    expect(await w.t.db.collection('tools').findOne({ name: 'nach dem Backup' })).toBeNull();
    expect((await w.manager.list()).some((b) => b.kind === 'pre-restore' && b.encrypted)).toBe(true);
    await expect(page.getByLabel(/oder Schlüssel einfügen/).inputValue()).resolves.toBe('');
    expect(problems).toEqual([]);
  });
});

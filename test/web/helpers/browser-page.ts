import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { WebTestApp } from './web-app.js';

export const CHROMIUM = '/usr/bin/chromium';

export interface BrowserPage {
  /** http://127.0.0.1:<port> of the app. */
  readonly base: string;
  readonly browser: Browser;
  readonly page: Page;
  /** Script errors and console errors of the page (CSP violations among them); a test expects none. */
  readonly problems: string[];
}

/**
 * The app of `w` on a free local port and one page of Debian's Chromium
 * (headless, German locale), registered after useWebApp's hooks.
 */
export function useBrowserPage(w: WebTestApp): BrowserPage {
  const handle = { problems: [] as string[] } as { base: string; browser: Browser; page: Page; problems: string[] };
  let server: http.Server | undefined;
  beforeAll(async () => {
    server = http.createServer(w.app).listen(0, '127.0.0.1');
    await new Promise((r) => server!.once('listening', r));
    handle.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (.ci/run does)`);
    handle.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    handle.page = await (await handle.browser.newContext({ locale: 'de-DE' })).newPage();
    handle.page.on('pageerror', (error) => handle.problems.push(`pageerror: ${error.message}`));
    handle.page.on('console', (message) => {
      if (message.type() === 'error') handle.problems.push(`console: ${message.text()}`);
    });
  }, 120_000);
  afterAll(async () => {
    await handle.browser?.close();
    server?.closeAllConnections();
    server?.close();
  });
  return handle;
}

/** Signs in through the login form; the app then shows the dashboard. */
export async function signInOnPage(page: Page, base: string, account: { readonly email: string; readonly password: string }): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('E-Mail-Adresse').fill(account.email);
  await page.getByLabel('Passwort').fill(account.password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${base}/admin`);
}

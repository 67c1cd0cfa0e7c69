import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createOrg } from '../../src/store/org-queries.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { artifactsDir, type RunningApp, startApp } from './app-server.ts';
import { type Browser, launchBrowser } from './browser.ts';

const now = Date.UTC(2026, 0, 15, 9, 0);

describe('web shell in Chromium', () => {
  let store: TestStore;
  let app: RunningApp;
  let emptyStore: TestStore;
  let emptyApp: RunningApp;
  // Launched by the first test that needs it, so a missing Chromium fails each UI test with
  // the install hint instead of failing one hook and reporting the tests as skipped.
  let launching: Promise<Browser> | undefined;
  const browser = () => {
    launching ??= launchBrowser();
    return launching;
  };

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    store = await freshStore('sqlite');
    await createOrg(
      store.db,
      {
        name: 'Nakhla Software',
        slug: 'demo',
        currency: 'SAR',
        timeZone: 'Asia/Riyadh',
        fiscalYearStartMonth: 1,
        weekStart: 0,
        workingDays: [0, 1, 2, 3, 4],
      },
      now,
    );
    app = await startApp(store);
    emptyStore = await freshStore('sqlite');
    emptyApp = await startApp(emptyStore);
  });

  afterAll(async () => {
    await launching?.then((launched) => launched.close()).catch(() => {});
    await app?.close();
    await emptyApp?.close();
    await store?.drop();
    await emptyStore?.drop();
  });

  /** A new tab on `path` with no stored choices (English, Latin digits) and a log of uncaught page errors. */
  async function openFresh(path: string, base = app.url): Promise<{ page: Page; errors: string[] }> {
    const page = await (await browser()).context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(base);
    await page.evaluate(() => localStorage.clear());
    await page.goto(base + path);
    return { page, errors };
  }

  const rootAttributes = (page: Page) =>
    page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));

  const navLabels = (page: Page) => page.getByRole('navigation').getByRole('link').allTextContents();

  test('GET /api/health answers 200 with the sqlite dialect and one org', async () => {
    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', dialect: 'sqlite', orgs: 1 });
  });

  test("shows the app name, the org's name and the navigation as a list of links in English", async () => {
    const { page, errors } = await openFresh('/');
    await expect.poll(() => page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    expect(await rootAttributes(page)).toEqual({ lang: 'en', dir: 'ltr' });
    expect(await page.locator('.brand-name').textContent()).toBe('Hadaf');
    expect(await page.title()).toBe('Hadaf');
    expect(await page.locator('nav ul > li > a').count()).toBe(3);
    expect(await navLabels(page)).toEqual(['Dashboard', 'Goals', 'Data']);
    const hrefs = await page
      .locator('nav a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(['/', '/goals', '/data']);
    expect(await page.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    await page.screenshot({ path: join(artifactsDir, 'shell-en.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the language switch flips to Arabic right-to-left, survives a reload, and switches back', async () => {
    const { page, errors } = await openFresh('/');
    await expect.poll(() => page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    const brand = page.locator('.brand-name');
    const toArabic = page.getByRole('button', { name: 'العربية' });
    // Left to right: the app name sits at the start (left) of the header, the switch at the end (right).
    expect((await brand.boundingBox())?.x).toBeLessThan((await toArabic.boundingBox())?.x ?? 0);

    await toArabic.click();
    await expect.poll(() => rootAttributes(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(await navLabels(page)).toEqual(['لوحة المعلومات', 'الأهداف', 'البيانات']);
    expect(await brand.textContent()).toBe('هدف');
    expect(await page.title()).toBe('هدف');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('لوحة المعلومات');
    const toEnglish = page.getByRole('button', { name: 'English' });
    // Mirrored: the app name is now on the right, the switch on the left.
    expect((await brand.boundingBox())?.x).toBeGreaterThan((await toEnglish.boundingBox())?.x ?? 0);
    // The org name is data, not translated.
    expect(await page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    await page.screenshot({ path: join(artifactsDir, 'shell-ar.png'), fullPage: true });

    await page.reload();
    await expect.poll(() => page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    expect(await rootAttributes(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(await navLabels(page)).toEqual(['لوحة المعلومات', 'الأهداف', 'البيانات']);

    await toEnglish.click();
    await expect.poll(() => rootAttributes(page)).toEqual({ lang: 'en', dir: 'ltr' });
    expect(await navLabels(page)).toEqual(['Dashboard', 'Goals', 'Data']);
    expect((await brand.boundingBox())?.x).toBeLessThan((await toArabic.boundingBox())?.x ?? 0);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a deep link to /goals renders the Goals placeholder with Goals marked current', async () => {
    const { page, errors } = await openFresh('/goals');
    const heading = page.getByRole('heading', { level: 1 });
    await expect.poll(() => heading.textContent()).toBe('Goals');
    expect(await page.locator('[data-page="goals"] .lead').textContent()).toContain('SMART sales goals');
    expect(await page.getByRole('link', { name: 'Goals' }).getAttribute('aria-current')).toBe('page');
    expect(await page.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  test('nav links change the page in place, without reloading it, and Back returns', async () => {
    const { page, errors } = await openFresh('/');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    // A full page load would drop this marker.
    await page.evaluate(() => Object.assign(window, { hadafMarker: 42 }));

    await page.getByRole('link', { name: 'Data' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Data');
    expect(new URL(page.url()).pathname).toBe('/data');
    expect(await page.evaluate(() => (window as { hadafMarker?: number }).hadafMarker)).toBe(42);

    await page.goBack();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    expect(await page.evaluate(() => (window as { hadafMarker?: number }).hadafMarker)).toBe(42);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('an unknown path says so in words and links back to the dashboard', async () => {
    const { page } = await openFresh('/no-such-page');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Page not found');
    expect(await page.locator('main').textContent()).toContain('/no-such-page');
    await page.getByRole('link', { name: 'Go to the dashboard' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    await page.close();
  });

  test('the digits choice switches dates to Arabic-Indic digits and is remembered', async () => {
    const { page } = await openFresh('/');
    const today = page.getByTestId('org-today');
    await expect.poll(() => today.textContent()).toMatch(/^[^٠-٩]*\d[^٠-٩]*$/);
    await page.getByLabel('Digits').selectOption('arab');
    await expect.poll(() => today.textContent()).toMatch(/^[^0-9]*[٠-٩][^0-9]*$/);
    await page.reload();
    await expect.poll(() => today.textContent()).toMatch(/^[^0-9]*[٠-٩][^0-9]*$/);
    await page.close();
  });

  test('with no org yet, the page says how to load the demo', async () => {
    const { page } = await openFresh('/', emptyApp.url);
    const heading = page.getByRole('heading', { level: 1 });
    await expect.poll(() => heading.textContent()).toBe('No organisation yet');
    expect(await page.locator('main code').allTextContents()).toEqual(['npx hadaf demo', 'npm start']);
    await page.close();
  });

  test('a failing API is reported in words with a retry that recovers', async () => {
    const { page } = await openFresh('/');
    await page.route('**/api/org', (route) =>
      route.fulfill({
        status: 500,
        json: { error: { code: 'internal', message: 'Something went wrong on the server.' } },
      }),
    );
    await page.reload();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('The organisation could not be loaded');
    expect(await alert.textContent()).toContain('status 500: Something went wrong on the server.');

    await page.unroute('**/api/org');
    await page.route('**/api/org', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => alert.textContent()).toContain('The Hadaf server did not answer');

    await page.unroute('**/api/org');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.close();
  });
});

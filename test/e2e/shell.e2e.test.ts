import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signUpFirstAdmin } from '../../src/services/accounts/signup.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { artifactsDir, type RunningApp, startApp } from './app-server.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { poll } from './poll.ts';
import { plain } from './text.ts';

const admin = { email: 'maha@nakhla.example', password: 'palm-grove-ledger-42' };
const navEnglish = ['Dashboard', 'Goals', 'Data', 'Notifications', 'Settings'];
const navArabic = ['لوحة المعلومات', 'الأهداف', 'البيانات', 'الإشعارات', 'الإعدادات'];

describe('web shell in Chromium', () => {
  let store: TestStore;
  let app: RunningApp;
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
    // An org with an admin and nothing else: the shell around empty screens.
    await signUpFirstAdmin({
      ctx: { db: store.db, dialect: store.dialect, now: Date.now() },
      input: {
        orgName: 'Nakhla Software',
        orgSlug: 'nakhla',
        currency: 'SAR',
        timeZone: 'Asia/Riyadh',
        name: 'Maha Al-Qahtani',
        ...admin,
      },
    });
    app = await startApp(store);
  });

  afterAll(async () => {
    await launching?.then((launched) => launched.close()).catch(() => {});
    await app?.close();
    await store?.drop();
  });

  /**
   * A new tab on `path`, signed in (through the API, as the browser's own
   * session), with no stored choices (English, Latin digits) and a log of
   * uncaught page errors.
   */
  async function openSignedIn(path: string): Promise<{ page: Page; errors: string[] }> {
    const page = await (await browser()).context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    const login = await page.request.post(`${app.url}/api/auth/login`, { data: admin });
    expect(login.status()).toBe(200);
    await page.goto(app.url);
    await page.evaluate(() => localStorage.clear());
    await page.goto(app.url + path);
    return { page, errors };
  }

  const rootAttributes = (page: Page) =>
    page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir }));

  const navLabels = (page: Page) => page.locator('nav.main-nav a').allTextContents();
  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

  test('GET /api/health answers 200 with the sqlite dialect and one org', async () => {
    const response = await fetch(`${app.url}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', dialect: 'sqlite', orgs: 1 });
  });

  test("shows the app name, the org's name and the navigation as a list of links in English", async () => {
    const { page, errors } = await openSignedIn('/');
    await poll(() => page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    expect(await rootAttributes(page)).toEqual({ lang: 'en', dir: 'ltr' });
    expect(await page.locator('.brand-name').textContent()).toBe('Hadaf');
    expect(await page.title()).toBe('Hadaf');
    expect(await page.locator('nav.main-nav ul > li > a').count()).toBe(5);
    expect(await navLabels(page)).toEqual(navEnglish);
    const hrefs = await page
      .locator('nav.main-nav a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(['/', '/goals', '/data', '/notifications', '/settings']);
    expect(await page.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBe('page');
    expect(await heading(page)).toBe('Dashboard');
    expect(await page.getByTestId('user-name').textContent()).toBe('Maha Al-Qahtani');
    await page.screenshot({ path: join(artifactsDir, 'shell-en.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('an org without goals gets words, not a blank dashboard', async () => {
    const { page, errors } = await openSignedIn('/');
    await poll(async () => plain(await page.locator('#goals-title + .empty').textContent())).toBe(
      'No running goals are set for Nakhla Software itself. Pick a team or rep below, or set a goal on the Goals page.',
    );
    await poll(() => page.locator('#funnel-title + .empty').textContent()).toBe(
      'No leads or deals in this period yet.',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the language switch flips to Arabic right-to-left, survives a reload, and switches back', async () => {
    const { page, errors } = await openSignedIn('/');
    await poll(() => page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    const brand = page.locator('.brand-name');
    const toArabic = page.getByRole('button', { name: 'العربية' });
    // Left to right: the app name sits at the start (left) of the header, the switch at the end (right).
    expect((await brand.boundingBox())?.x).toBeLessThan((await toArabic.boundingBox())?.x ?? 0);

    await toArabic.click();
    await poll(() => rootAttributes(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(await navLabels(page)).toEqual(navArabic);
    expect(await brand.textContent()).toBe('هدف');
    expect(await page.title()).toBe('هدف');
    expect(await heading(page)).toBe('لوحة المعلومات');
    const toEnglish = page.getByRole('button', { name: 'English' });
    // Mirrored: the app name is now on the right, the switch on the left.
    expect((await brand.boundingBox())?.x).toBeGreaterThan((await toEnglish.boundingBox())?.x ?? 0);
    // The org name is data, not translated.
    expect(await page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    await page.screenshot({ path: join(artifactsDir, 'shell-ar.png'), fullPage: true });

    await page.reload();
    await poll(() => page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    expect(await rootAttributes(page)).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(await navLabels(page)).toEqual(navArabic);

    await toEnglish.click();
    await poll(() => rootAttributes(page)).toEqual({ lang: 'en', dir: 'ltr' });
    expect(await navLabels(page)).toEqual(navEnglish);
    expect((await brand.boundingBox())?.x).toBeLessThan((await toArabic.boundingBox())?.x ?? 0);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a deep link to /goals renders the Goals page with Goals marked current', async () => {
    const { page, errors } = await openSignedIn('/goals');
    await poll(() => heading(page)).toBe('Goals');
    await poll(() => page.locator('main .empty').textContent()).toBe('No goals with this status.');
    expect(await page.getByRole('link', { name: 'Goals', exact: true }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await page.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current')).toBeNull();
    expect(errors).toEqual([]);
    await page.close();
  });

  test('nav links change the page in place, without reloading it, and Back returns', async () => {
    const { page, errors } = await openSignedIn('/');
    await poll(() => heading(page)).toBe('Dashboard');
    // A full page load would drop this marker.
    await page.evaluate(() => Object.assign(window, { hadafMarker: 42 }));

    await page.getByRole('link', { name: 'Data' }).click();
    await poll(() => heading(page)).toBe('Data');
    expect(new URL(page.url()).pathname).toBe('/data');
    expect(await page.evaluate(() => (window as { hadafMarker?: number }).hadafMarker)).toBe(42);

    await page.goBack();
    await poll(() => heading(page)).toBe('Dashboard');
    expect(await page.evaluate(() => (window as { hadafMarker?: number }).hadafMarker)).toBe(42);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('an unknown path says so in words and links back to the dashboard', async () => {
    const { page } = await openSignedIn('/no-such-page');
    await poll(() => heading(page)).toBe('Page not found');
    expect(await page.locator('main').textContent()).toContain('/no-such-page');
    await page.getByRole('link', { name: 'Go to the dashboard' }).click();
    await poll(() => heading(page)).toBe('Dashboard');
    await page.close();
  });

  test('the digits choice in Settings switches numbers to Arabic-Indic digits and is remembered', async () => {
    const { page } = await openSignedIn('/settings');
    const sample = page.getByTestId('digits-sample');
    // 12345678 halalas = SAR 123,456.78
    await poll(async () => plain(await sample.textContent())).toBe('Example: SAR\u00a0123,456.78');
    await page.getByRole('radio', { name: 'Arabic-Indic (١٢٣)' }).check();
    // Where the currency code goes is Chromium's Intl choice; the digits are the user's.
    const arabicDigits = /^Example: [^0-9]*١٢٣٬٤٥٦٫٧٨[^0-9]*$/;
    await poll(() => sample.textContent()).toMatch(arabicDigits);
    await page.reload();
    await poll(() => sample.textContent()).toMatch(arabicDigits);
    expect(await page.getByRole('radio', { name: 'Arabic-Indic (١٢٣)' }).isChecked()).toBe(true);
    await page.close();
  });

  test('a failing API is reported in words with a retry that recovers', async () => {
    const { page } = await openSignedIn('/');
    await page.route('**/api/auth/session', (route) =>
      route.fulfill({
        status: 500,
        json: { error: { code: 'internal', message: 'Something went wrong on the server.' } },
      }),
    );
    await page.reload();
    const alert = page.getByRole('alert');
    await poll(() => heading(page)).toBe('Hadaf could not start');
    expect(plain(await alert.textContent())).toContain('The server hit a problem (status 500).');
    expect(await alert.textContent()).toContain('Something went wrong on the server.');

    await page.unroute('**/api/auth/session');
    await page.route('**/api/auth/session', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: 'Try again' }).click();
    await poll(() => alert.textContent()).toContain('The Hadaf server did not answer');

    await page.unroute('**/api/auth/session');
    await page.getByRole('button', { name: 'Try again' }).click();
    await poll(() => page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.close();
  });
});

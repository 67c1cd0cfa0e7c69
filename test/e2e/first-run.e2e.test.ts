import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { artifactsDir, type RunningApp, startApp } from './app-server.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { poll } from './poll.ts';
import { plain } from './text.ts';

describe('first run on an empty database, in Chromium', () => {
  let store: TestStore;
  let app: RunningApp;
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    store = await freshStore('sqlite');
    app = await startApp(store);
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.drop();
  });

  test('creates the org and its first admin through the form, signs in, and closes the sign-up', async () => {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    const heading = () => page.getByRole('heading', { level: 1 }).textContent();
    await poll(heading).toBe('Welcome to Hadaf');

    await page.screenshot({ path: join(artifactsDir, 'first-run.png'), fullPage: true });
    await page.getByLabel('Organisation name').fill('Qamar Trading Co');
    // The short name follows the name until it is edited.
    expect(await page.getByLabel('Short name (for links and sign-in)').inputValue()).toBe('qamar-trading-co');
    await page.getByLabel('Reporting currency').selectOption('AED');
    await page.getByLabel('Time zone').selectOption('Asia/Dubai');
    await page.getByLabel('Your name').fill('Noura Al-Harbi');
    await page.getByLabel('E-mail').fill('noura@qamar.example');
    // A password the server refuses: the reason is shown and nothing is created.
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create the organisation' }).click();
    await poll(() => page.getByRole('alert').textContent()).toContain('at least 10 characters');
    expect(await page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    expect((await (await fetch(`${app.url}/api/auth/setup`)).json()) as unknown).toEqual({
      needsSetup: true,
    });

    await page.getByLabel('Password').fill('dunes-at-dawn-2031');
    await page.getByRole('button', { name: 'Create the organisation' }).click();
    await poll(heading).toBe('Dashboard');
    expect(await page.getByTestId('org-name').textContent()).toBe('Qamar Trading Co');
    expect(await page.getByTestId('user-name').textContent()).toBe('Noura Al-Harbi');
    await poll(async () => plain(await page.locator('#goals-title + .empty').textContent())).toContain(
      'No running goals are set for Qamar Trading Co itself.',
    );
    expect((await (await fetch(`${app.url}/api/auth/setup`)).json()) as unknown).toEqual({
      needsSetup: false,
    });

    // The next visit signs in; the first-run form is gone for good.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await poll(heading).toBe('Sign in');
    await page.reload();
    await poll(heading).toBe('Sign in');
    await page.getByLabel('E-mail').fill('noura@qamar.example');
    await page.getByLabel('Password').fill('dunes-at-dawn-2031');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(heading).toBe('Dashboard');
    await page.getByRole('link', { name: 'Settings' }).click();
    // the first admin sees the org's settings as a form, filled with what was chosen at sign-up
    const form = page.getByTestId('org-settings-form');
    await poll(() => form.getByLabel('Reporting currency').inputValue()).toBe('AED');
    expect(await form.getByLabel('Time zone').inputValue()).toBe('Asia/Dubai');
    expect(errors).toEqual([]);
    await page.close();
  });
});

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MailMessage } from '../../src/services/outbox/mailer.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { type ApiClient, apiAs } from './api-client.ts';
import { type RunningApp, startApp } from './app-server.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { e2eNow } from './demo.ts';
import { poll } from './poll.ts';
import { plain } from './text.ts';

const now = e2eNow();
const adminEmail = 'huda@sadeem.example';
const adminPassword = 'palms-by-the-wadi-2031';

describe('the e-mailed account links (invitation, password reset) in Chromium', () => {
  let store: TestStore;
  let app: RunningApp;
  let admin: ApiClient;
  let browser: Browser | undefined;
  const sent: MailMessage[] = [];

  beforeAll(async () => {
    store = await freshStore('sqlite');
    app = await startApp(store, {
      now: () => now,
      mailer: {
        async send(message) {
          sent.push(message);
        },
      },
    });
    const signup = await fetch(`${app.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        orgName: 'Sadeem Trading',
        orgSlug: 'sadeem',
        name: 'Huda Al-Qahtani',
        email: adminEmail,
        password: adminPassword,
      }),
    });
    expect(signup.status).toBe(201);
    admin = await apiAs(app.url, adminEmail, adminPassword);
    // Launched here, where a cold start on a busy machine does not eat into a test's time.
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.drop();
  });

  /** The path and query of the link to `path` in the latest e-mail to `to`, once the outbox has sent it. */
  async function linkIn(to: string, path: '/invite' | '/reset', after = 0): Promise<string> {
    const find = () =>
      sent
        .slice(after)
        .filter((message) => message.to === to)
        .map((message) => message.text.match(new RegExp(`https?://\\S+${path}\\?token=\\S+`))?.[0])
        .findLast((link) => link !== undefined);
    await poll(find, 5_000).toBeDefined();
    const link = new URL(find() ?? '');
    return link.pathname + link.search;
  }

  async function openSignedOut(path = '/'): Promise<{ page: Page; errors: string[] }> {
    if (!browser) throw new Error('The browser did not start.');
    const { context } = browser;
    await context.clearCookies();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url + path);
    return { page, errors };
  }

  /** A rep who accepted an invitation through the API, with a password of their own. */
  async function member(email: string, name: string, password: string) {
    const { link } = await admin.post<{ link: string }>('/api/users/invitations', {
      email,
      name,
      role: 'rep',
    });
    const accepted = await fetch(`${app.url}/api/auth/invitation/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: new URL(link).searchParams.get('token'), password }),
    });
    expect(accepted.status).toBe(201);
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

  test('an invited rep opens the e-mailed link, sees the invitation, chooses a password and lands signed in on the dashboard', async () => {
    const email = 'khalid@sadeem.example';
    await admin.post('/api/users/invitations', { email, name: 'Khalid Omar', role: 'rep' });
    const link = await linkIn(email, '/invite');
    const users = async () => (await admin.get<{ users: unknown[] }>('/api/users')).users.length;
    const members = await users();

    const { page, errors } = await openSignedOut(link);
    await poll(() => heading(page)).toBe('Join your team on Hadaf');
    const invitation = page.getByTestId('invitation');
    await poll(() => invitation.locator('dd').allTextContents()).toEqual([
      'Sadeem Trading',
      email,
      'Sales rep',
    ]);
    expect(await page.getByLabel('Your name').inputValue()).toBe('Khalid Omar');

    // A typo in the second field is caught before anything is sent.
    await page.getByLabel('New password', { exact: true }).fill('sand-and-stars-2031');
    await page.getByLabel('New password again').fill('sand-and-stars-2013');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await poll(() => page.getByRole('alert').textContent()).toBe(
      'The two passwords are not the same. Type the same password in both fields.',
    );
    expect(await page.getByLabel('New password again').getAttribute('aria-invalid')).toBe('true');
    expect(await users()).toBe(members);

    await page.getByLabel('New password again').fill('sand-and-stars-2031');
    await page.getByRole('button', { name: 'Create my account' }).click();
    await poll(() => heading(page)).toBe('Dashboard');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByTestId('user-name').textContent()).toBe('Khalid Omar');
    expect(await page.getByTestId('org-name').textContent()).toBe('Sadeem Trading');
    const session = await page.request.get(`${app.url}/api/auth/session`);
    expect(((await session.json()) as { user: { email: string; role: string } }).user).toMatchObject({
      email,
      role: 'rep',
    });

    // The link is spent: opened again it says so in words.
    await page.goto(app.url + link);
    await poll(async () => plain(await page.getByRole('alert').textContent())).toContain(
      'This invitation can no longer be used',
    );
    expect(await page.getByRole('alert').textContent()).toContain(
      'This invitation link is not valid any more',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  test('“Forgot your password?” on the sign-in page e-mails a reset link that sets a new password to sign in with', async () => {
    const email = 'omar@sadeem.example';
    const oldPassword = 'dates-and-coffee-2031';
    await member(email, 'Omar Saleh', oldPassword);
    const { page, errors } = await openSignedOut();
    await poll(() => heading(page)).toBe('Sign in');
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await poll(() => heading(page)).toBe('Forgot your password?');

    // An address without an account gets the same answer, and no e-mail.
    const before = sent.length;
    await page.getByLabel('E-mail').fill('nobody@sadeem.example');
    await page.getByRole('button', { name: 'Send the link' }).click();
    const neutral =
      'If an account exists for this address, we sent a link to it. The link works for one hour.';
    await poll(() => page.getByRole('status').textContent()).toBe(neutral);

    await page.getByRole('link', { name: 'Back to sign in' }).click();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('E-mail').fill(email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await poll(() => page.getByRole('status').textContent()).toBe(neutral);
    const link = await linkIn(email, '/reset', before);
    expect(sent.slice(before).filter((message) => message.to === 'nobody@sadeem.example')).toEqual([]);

    await page.goto(app.url + link);
    await poll(() => heading(page)).toBe('Choose a new password');
    const newPassword = 'olive-groves-at-noon-2031';
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password again').fill(newPassword);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await poll(() => page.getByRole('status').textContent()).toContain('Your password is changed.');

    await page.getByRole('link', { name: 'Sign in' }).click();
    await poll(() => heading(page)).toBe('Sign in');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => heading(page)).toBe('Dashboard');
    expect(await page.getByTestId('user-name').textContent()).toBe('Omar Saleh');
    // The old password no longer works.
    const old = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: email, password: oldPassword }),
    });
    expect(old.status).toBe(401);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a reset link that was already used is refused in words, and the password stays as it was', async () => {
    const email = 'laila@sadeem.example';
    const password = 'cedar-and-cardamom-2031';
    await member(email, 'Laila Haddad', password);

    const before = sent.length;
    const asked = await fetch(`${app.url}/api/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    expect(asked.status).toBe(202);
    const link = await linkIn(email, '/reset', before);
    const used = await fetch(`${app.url}/api/auth/password-reset/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        token: new URL(app.url + link).searchParams.get('token'),
        password: `${password}!`,
      }),
    });
    expect(used.status).toBe(204);

    const { page, errors } = await openSignedOut(link);
    await poll(() => heading(page)).toBe('Choose a new password');
    await page.getByLabel('New password', { exact: true }).fill('another-fresh-start-2031');
    await page.getByLabel('New password again').fill('another-fresh-start-2031');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    const alert = page.getByRole('alert');
    await poll(async () => plain(await alert.textContent())).toContain(
      'This reset link can no longer be used: it was already used, replaced by a newer one, or it has expired.',
    );
    expect(await alert.textContent()).toContain('This reset link is not valid any more');
    expect(await alert.getByRole('link', { name: 'Ask for a new reset link' }).getAttribute('href')).toBe(
      '/forgot',
    );
    expect(await page.getByRole('status').count()).toBe(0);
    // The password set through the first use still signs in.
    const login = await fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: `${password}!` }),
    });
    expect(login.status).toBe(200);
    expect(errors).toEqual([]);
    await page.close();
  });
});

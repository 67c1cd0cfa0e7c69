import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MailMessage } from '../../src/services/outbox/mailer.ts';
import { findMember } from '../../src/store/account-queries.ts';
import { listTeams } from '../../src/store/team-queries.ts';
import { findUserByEmail } from '../../src/store/user-queries.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { type ApiClient, apiAs } from './api-client.ts';
import { artifactsDir, type RunningApp, startApp } from './app-server.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { e2eNow } from './demo.ts';
import { poll } from './poll.ts';
import { plain } from './text.ts';

const now = e2eNow();
/** A value as the app places it in a sentence: between bidi isolates. */
const iso = (value: string) => `\u2068${value}\u2069`;
const adminEmail = 'noura@wadi.example';
const adminPassword = 'palm-fronds-at-dusk-2031';

interface TeamItem {
  id: number;
  name: string;
  parentId: number | null;
  path: string;
}

describe('teams, people and the audit log in Chromium', () => {
  let store: TestStore;
  let app: RunningApp;
  let admin: ApiClient;
  let orgId: number;
  let browser: Browser | undefined;
  const sent: MailMessage[] = [];

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
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
        orgName: 'Wadi Trading',
        orgSlug: 'wadi',
        name: 'Noura Al-Harbi',
        email: adminEmail,
        password: adminPassword,
        timeZone: 'Asia/Riyadh',
      }),
    });
    expect(signup.status).toBe(201);
    orgId = ((await signup.json()) as { org: { id: number } }).org.id;
    admin = await apiAs(app.url, adminEmail, adminPassword);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await store?.drop();
  });

  async function open(path = '/'): Promise<{ page: Page; errors: string[] }> {
    if (!browser) throw new Error('The browser did not start.');
    await browser.context.clearCookies();
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url + path);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    return { page, errors };
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

  async function signIn(page: Page, email: string, password: string) {
    await poll(() => heading(page)).toBe('Sign in');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => heading(page)).toBe('Dashboard');
  }

  /** The link to /invite in the latest e-mail to `to`, once the outbox has sent it. */
  async function invitationLinkIn(to: string): Promise<string> {
    const find = () =>
      sent
        .filter((message) => message.to === to)
        .map((message) => message.text.match(/https?:\/\/\S+\/invite\?token=\S+/)?.[0])
        .findLast((link) => link !== undefined);
    await poll(find, 5_000).toBeDefined();
    return find() ?? '';
  }

  async function accept(link: string, password: string) {
    const accepted = await fetch(`${app.url}/api/auth/invitation/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: new URL(link).searchParams.get('token'), password }),
    });
    expect(accepted.status).toBe(201);
  }

  const teams = async () => (await admin.get<{ items: TeamItem[] }>('/api/teams?limit=500')).items;
  const teamNamed = async (name: string) => {
    const team = (await teams()).find((t) => t.name === name);
    if (!team) throw new Error(`No team ${name}`);
    return team;
  };
  const status = (page: Page) => page.getByTestId('people-done');

  test('an admin shapes the team tree, invites someone into a new sub-team, changes a role, and reads it all in the audit log', async () => {
    const { page, errors } = await open();
    await signIn(page, adminEmail, adminPassword);

    // The way in is from Settings.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('people-links').getByRole('link', { name: 'Teams' }).click();
    await poll(() => heading(page)).toBe('Teams');
    expect(
      await page.getByRole('navigation', { name: 'People and teams' }).getByRole('link').allTextContents(),
    ).toEqual(['Teams', 'People', 'Audit log']);

    // Two regions from the "New team" form.
    const newTeam = page.getByTestId('new-team');
    for (const name of ['North', 'South']) {
      await newTeam.getByLabel('Team name').fill(name);
      await newTeam.getByRole('button', { name: 'Create the team' }).click();
      await poll(async () => plain(await status(page).textContent())).toBe(`Team “${name}” created.`);
    }
    const north = await teamNamed('North');
    const south = await teamNamed('South');

    // A sub-team under North, from North's own row.
    await page.getByRole('button', { name: `Add a sub-team to ${iso('North')}` }).click();
    const add = page.getByTestId('team-add');
    await add.getByLabel('Name of the sub-team').fill('North SMB');
    await add.getByRole('button', { name: 'Add the sub-team' }).click();
    await poll(async () => plain(await status(page).textContent())).toBe('Team “North SMB” created.');
    let smb = await teamNamed('North SMB');
    expect(smb).toMatchObject({ parentId: north.id, path: `/${north.id}/${smb.id}/` });
    await poll(() =>
      page
        .getByTestId(`team-${north.id}`)
        .locator('xpath=..')
        .getByText('North SMB', { exact: true })
        .count(),
    ).toBe(1);

    // Moved under South: the tree and the stored path follow.
    await page.getByRole('button', { name: `Move ${iso('North SMB')}` }).click();
    await page.getByTestId('team-move').getByLabel('Move under').selectOption(String(south.id));
    await page.getByTestId('team-move').getByRole('button', { name: 'Move' }).click();
    await poll(async () => plain(await status(page).textContent())).toBe('North SMB now sits under South.');
    smb = await teamNamed('North SMB');
    expect(smb).toMatchObject({ parentId: south.id, path: `/${south.id}/${smb.id}/` });
    await poll(() =>
      page
        .getByTestId(`team-${south.id}`)
        .locator('xpath=..')
        .getByText('North SMB', { exact: true })
        .count(),
    ).toBe(1);

    // A cycle is refused with the reason, and nothing moves.
    await page.getByRole('button', { name: `Move ${iso('South')}` }).click();
    await page.getByTestId('team-move').getByLabel('Move under').selectOption(String(smb.id));
    await page.getByTestId('team-move').getByRole('button', { name: 'Move' }).click();
    const refusal = page.getByTestId('team-move').getByRole('alert');
    await poll(async () => plain(await refusal.textContent())).toContain('The team was not moved');
    expect(await refusal.textContent()).toContain(
      'South cannot move under North SMB: North SMB is one of its own sub-teams.',
    );
    expect((await teamNamed('South')).path).toBe(`/${south.id}/`);
    await page.getByTestId('team-move').getByRole('button', { name: 'Cancel' }).click();

    // Deleting a team that is not empty says why.
    await page.getByRole('button', { name: `Delete ${iso('South')}` }).click();
    await page.getByTestId('team-delete').getByRole('button', { name: 'Delete the team' }).click();
    await poll(async () =>
      plain(await page.getByTestId('team-delete').getByRole('alert').textContent()),
    ).toContain('South is not empty: it still has 1 sub-team(s).');
    await page.getByTestId('team-delete').getByRole('button', { name: 'Cancel' }).click();

    // Invite Salma into North SMB from the People page.
    await page
      .getByRole('navigation', { name: 'People and teams' })
      .getByRole('link', { name: 'People' })
      .click();
    await poll(() => heading(page)).toBe('People');
    const invite = page.getByTestId('invite-form');
    const salma = 'salma@wadi.example';
    await invite.getByLabel('E-mail').fill(salma);
    await invite.getByLabel('Name').fill('Salma Yousef');
    await invite.getByLabel('Role').selectOption('rep');
    await invite.getByLabel('Team').selectOption(String(smb.id));
    await invite.getByRole('button', { name: 'Send the invitation' }).click();
    await poll(async () => plain(await status(page).textContent())).toContain(`Invitation sent to ${salma}.`);
    const shownLink = await page.getByTestId('invitation-link').textContent();
    const row = page.getByTestId(`person-${salma}`);
    await poll(() => row.locator('td').allTextContents()).toEqual([
      salma,
      'Sales rep',
      'North SMB',
      expect.stringMatching(/^Invited link valid until /),
      expect.stringContaining('Resend'),
    ]);

    // The e-mailed link is the one shown, and accepting it makes her a member of North SMB.
    const mailed = await invitationLinkIn(salma);
    expect(mailed).toBe(shownLink);
    await accept(mailed, 'sand-dunes-at-dawn-2031');
    const member = await findUserByEmail(store.db, orgId, salma);
    expect(member).toMatchObject({ name: 'Salma Yousef', role: 'rep', team_id: smb.id });
    await page.reload();
    await poll(() => heading(page)).toBe('People');
    await poll(() => row.locator('td').nth(3).textContent()).toBe('Active');

    // Her role changes from the list.
    await row.getByLabel(`Role of ${iso('Salma Yousef')}`).selectOption('manager');
    await poll(async () => plain(await status(page).textContent())).toBe(
      'Salma Yousef is now: Sales manager.',
    );
    expect((await findMember(store.db, orgId, member?.id ?? 0))?.role).toBe('manager');

    // The last admin cannot demote herself: the server's guard shows in words, and nothing changes.
    const me = page.getByTestId(`person-${adminEmail}`);
    await me.getByLabel(`Role of ${iso('Noura Al-Harbi')}`).selectOption('rep');
    const guard = page.getByRole('alert');
    await poll(async () => plain(await guard.textContent())).toContain(
      'The change for Noura Al-Harbi was not made',
    );
    expect(await guard.textContent()).toContain(
      'The org needs at least one admin: make someone else admin first.',
    );
    const noura = await findUserByEmail(store.db, orgId, adminEmail);
    expect(noura?.role).toBe('admin');

    // Filters: by status and by text.
    await page.getByLabel('Status').selectOption('active');
    await page.getByLabel('Search by name or e-mail').fill('salma');
    await poll(() => page.locator('tbody tr').count()).toBe(1);

    // Everything above is in the audit log, newest first.
    await page
      .getByRole('navigation', { name: 'People and teams' })
      .getByRole('link', { name: 'Audit log' })
      .click();
    await poll(() => heading(page)).toBe('Audit log');
    const entries = page.getByTestId('audit-entry');
    const actionsShown = async () => (await entries.locator('td:nth-child(3)').allTextContents()).slice(0, 6);
    await poll(actionsShown).toEqual([
      'Role changed',
      'Invitation accepted',
      'Created',
      'Moved',
      'Created',
      'Created',
    ]);
    expect(await entries.first().locator('td').allTextContents()).toEqual([
      expect.stringMatching(/\d/),
      'Noura Al-Harbi',
      'Role changed',
      'User: Salma Yousef',
      'role: rep → manager',
    ]);
    expect(await entries.nth(3).locator('td').nth(3).textContent()).toBe('Team: North SMB');
    expect(await entries.nth(2).locator('td').nth(3).textContent()).toBe(`Invitation: ${salma}`);

    await page.getByLabel('Action').selectOption('change_role');
    await page.getByRole('button', { name: 'Show' }).click();
    await poll(() => entries.count()).toBe(1);
    const api = await admin.get<{ entries: Array<{ action: string; after: unknown }> }>(
      '/api/audit?action=change_role',
    );
    expect(api.entries).toMatchObject([{ action: 'change_role', after: { role: 'manager' } }]);

    // A range that ends before it starts is caught in the form.
    await page.getByLabel('From').fill('2031-05-10');
    await page.getByLabel('To').fill('2031-05-01');
    expect(await page.getByRole('alert').textContent()).toBe('The end date is before the start date.');
    expect(await page.getByRole('button', { name: 'Show' }).isDisabled()).toBe(true);
    await page.screenshot({ path: join(artifactsDir, 'people-audit.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  test('in Arabic the team tree and the people list read right to left with Arabic labels', async () => {
    const { page, errors } = await open();
    await signIn(page, adminEmail, adminPassword);
    await page.getByRole('button', { name: 'العربية' }).click();
    await poll(() =>
      page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir })),
    ).toEqual({ lang: 'ar', dir: 'rtl' });

    await page.goto(`${app.url}/teams`);
    await poll(() => heading(page)).toBe('الفرق');
    expect(await page.getByTestId('new-team').getByRole('button').textContent()).toBe('إنشاء الفريق');
    const south = await teamNamed('South');
    await poll(async () => plain(await page.getByTestId(`team-${south.id}`).textContent())).toContain(
      'بلا مدير',
    );
    expect(
      await page.getByRole('navigation', { name: 'الأشخاص والفرق' }).getByRole('link').allTextContents(),
    ).toEqual(['الفرق', 'الأشخاص', 'سجل التدقيق']);
    // The tree's indent is on the inline start: the right edge in RTL.
    const nested = page.locator('.team-tree .team-tree').first();
    expect(await nested.evaluate((el) => getComputedStyle(el).borderRightWidth)).toBe('2px');
    await page.screenshot({ path: join(artifactsDir, 'people-teams-ar.png'), fullPage: true });

    await page.goto(`${app.url}/people`);
    await poll(() => heading(page)).toBe('الأشخاص');
    await poll(() => page.locator('thead th').allTextContents()).toEqual([
      'الاسم',
      'البريد الإلكتروني',
      'الدور',
      'الفريق',
      'الحالة',
      'الإجراءات',
    ]);
    expect(await page.getByTestId('person-salma@wadi.example').locator('td').nth(3).textContent()).toBe(
      'نشط',
    );
    await page.screenshot({ path: join(artifactsDir, 'people-users-ar.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  test('a rep who opens the people pages by address is told they are not allowed, and the API refuses them', async () => {
    const email = 'fahad@wadi.example';
    const password = 'camel-tracks-in-sand-2031';
    await admin.post('/api/users/invitations', { email, name: 'Fahad Nasser', role: 'rep' });
    await accept(await invitationLinkIn(email), password);

    const { page, errors } = await open();
    await signIn(page, email, password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await poll(() => heading(page)).toBe('Settings');
    expect(await page.getByTestId('people-links').count()).toBe(0);

    for (const [path, title] of [
      ['/teams', 'Teams'],
      ['/people', 'People'],
      ['/audit', 'Audit log'],
    ] as const) {
      await page.goto(app.url + path);
      await poll(() => heading(page)).toBe(title);
      const notice = page.getByTestId('not-allowed');
      await poll(async () => plain(await notice.textContent())).toContain('Not allowed');
      expect(await notice.textContent()).toContain('Your role does not open this page.');
      expect(await page.getByRole('navigation', { name: 'People and teams' }).count()).toBe(0);
    }
    const rep = await apiAs(app.url, email, password);
    await expect(rep.get('/api/audit')).rejects.toThrow(/403/);
    await expect(rep.post('/api/teams', { name: 'Mine' })).rejects.toThrow(/403/);
    expect((await listTeams(store.db, orgId)).map((t) => t.name).sort()).toEqual([
      'North',
      'North SMB',
      'South',
    ]);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type {
  Checkin,
  Dashboard,
  Goal,
  Page as ListPage,
  MetricValue,
  Notifications,
  Payout,
  User,
} from '../../web/src/api-types.ts';
import { createFormatter } from '../../web/src/format.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { type ApiClient, apiAs } from './api-client.ts';
import { artifactsDir, type RunningApp, startApp } from './app-server.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { type DemoLogins, e2eNow, loadDemo } from './demo.ts';
import { poll } from './poll.ts';
import { plain } from './text.ts';

const now = e2eNow();

/** GET /api/org/settings. */
interface OrgSettings {
  name: string;
  currency: string;
  timeZone: string;
  fiscalYearStartMonth: number;
  weekStart: number;
  workingDays: number[];
  settings: { grossMargin: number; atRiskBelow: number; offTrackBelow: number };
}
const english = createFormatter('en', 'latn');

describe('the sales dashboard of the demo org in Chromium', () => {
  let store: TestStore;
  let app: RunningApp;
  let logins: DemoLogins;
  let admin: ApiClient;
  let launching: Promise<Browser> | undefined;
  const browser = () => {
    launching ??= launchBrowser();
    return launching;
  };

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    store = await freshStore('sqlite');
    logins = await loadDemo(store, now);
    app = await startApp(store, { now: () => now });
    admin = await apiAs(app.url, logins.admin, logins.password);
  });

  afterAll(async () => {
    await launching?.then((launched) => launched.close()).catch(() => {});
    await app?.close();
    await store?.drop();
  });

  /** A new tab, signed out, in English, with a log of uncaught page errors and of dialogs. */
  async function openSignedOut(): Promise<{ page: Page; errors: string[]; dialogs: string[] }> {
    const { context } = await browser();
    await context.clearCookies();
    const page = await context.newPage();
    const errors: string[] = [];
    const dialogs: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(app.url);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    return { page, errors, dialogs };
  }

  /** Signs in through the sign-in screen and waits for the dashboard. */
  async function signIn(page: Page, email: string) {
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(logins.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
  }

  async function openAs(email: string) {
    const opened = await openSignedOut();
    await signIn(opened.page, email);
    return opened;
  }

  /** Until every section has stopped loading (spinners gone, cards drawn). */
  async function settled(page: Page) {
    await page.locator('.goal-card').first().waitFor();
    await poll(() => page.locator('main [role="status"]').count(), 15_000).toBe(0);
  }

  test('a first visit shows the sign-in screen, and the demo admin lands on the org dashboard', async () => {
    const { page, errors } = await openSignedOut();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    // Nothing of the org shows before sign-in.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await page.getByLabel('E-mail').fill(logins.admin);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('alert').textContent()).toBe('Wrong e-mail or password.');

    await signIn(page, logins.admin);
    expect(await page.getByTestId('org-name').textContent()).toBe('Nakhla Software');
    expect(await page.getByTestId('scope-label').textContent()).toBe('Nakhla Software');
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual([
      'Dashboard',
      'Goals',
      'Data',
      expect.stringMatching(/^Notifications/),
      'Settings',
    ]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the goal cards show the numbers the API gives for the org’s running goals', async () => {
    const { page, errors } = await openAs(logins.admin);
    const dashboard = await admin.get<Dashboard>('/api/dashboard');
    const running = dashboard.goals.filter(
      (view) => view.goal.scope.type === 'org' && view.progress.phase !== 'upcoming',
    );
    expect(running.length).toBeGreaterThan(0);
    const cards = page.locator('.goal-card');
    await poll(() => cards.count()).toBe(running.length);
    for (const { goal, progress } of running) {
      const card = page.locator(`.goal-card[data-goal-id="${goal.id}"]`);
      expect(await card.getByRole('heading', { level: 3 }).textContent()).toBe(goal.title);
      expect(await card.getByTestId('goal-actual').textContent()).toBe(
        english.metric(progress.actual ?? 0, goal.unit, 'SAR', { compact: true }),
      );
      expect(await card.getByTestId('goal-attainment').textContent()).toBe(
        progress.attainment === null ? '—' : english.percent(progress.attainment),
      );
      expect(await card.locator('[data-status]').getAttribute('data-status')).toBe(progress.status);
      // Status is written out, not only coloured.
      expect(await card.locator('[data-status]').textContent()).toMatch(
        /Achieved|On track|At risk|Off track|No data/,
      );
    }
    await settled(page);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-en.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('drills from the org to a team to a rep to the rep’s won deals, and the deal count matches the API', async () => {
    const { page, errors } = await openAs(logins.admin);
    const revenueCard = page.locator('.goal-card[data-metric="revenue"]').first();
    await revenueCard.getByRole('link', { name: 'See the numbers behind it' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Revenue');
    const breakdown = page.getByTestId('breakdown');

    // Org → a region → one of its teams → one of that team's reps.
    const crumbs = ['Nakhla Software'];
    for (const level of ['By team', 'By team', 'By sales rep']) {
      await poll(() => page.locator('#breakdown-title').textContent()).toBe(level);
      const link = breakdown.getByRole('link').first();
      const name = (await link.textContent()) ?? '';
      crumbs.push(name);
      await link.click();
      await poll(() => page.locator('.breadcrumb li').allTextContents()).toEqual(crumbs);
    }
    const url = new URL(page.url());
    const scope = url.searchParams.get('scope') ?? '';
    const period = url.searchParams.get('period') ?? '';
    expect(scope).toMatch(/^rep:\d+$/);
    // A rep is the end of the tree: no breakdown, only the rows.
    expect(await breakdown.count()).toBe(0);

    const table = page.getByTestId('facts-table');
    await table.waitFor();
    const shown = Number(await table.getAttribute('data-total'));
    const deals = await admin.get<ListPage<unknown>>(
      `/api/deals?scope=${scope}&status=won&dateField=closed_at&period=${period}&limit=1`,
    );
    const { users } = await admin.get<{ users: User[] }>('/api/users');
    const rep = users.find((user) => `rep:${user.id}` === scope);
    const won = await admin.get<MetricValue>(
      `/api/metrics/deals_won?scope=rep:${rep?.email}&period=${period}`,
    );
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBe(deals.total);
    expect(shown).toBe(won.value);
    expect(plain(await table.locator('p.facts-total').textContent())).toBe(`Deals: ${english.number(shown)}`);
    // Every row on the page is a won deal of that rep.
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBe(Math.min(25, shown));
    const owners = new Set(await rows.locator('td:nth-child(3)').allTextContents());
    const statuses = new Set(await rows.locator('td:nth-child(5)').allTextContents());
    expect([...owners]).toEqual([rep?.name]);
    expect([...statuses]).toEqual(['Won']);
    expect(await table.getByRole('link', { name: 'Download CSV' }).getAttribute('href')).toContain(
      'format=csv',
    );
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a rep sees only their own goals, and no other rep’s payout reaches the page', async () => {
    const { page, errors } = await openSignedOut();
    const payoutOwners = new Set<number | null>();
    page.on('response', async (response) => {
      if (!/\/api\/goals\/\d+\/payout$/.test(new URL(response.url()).pathname)) return;
      const body = (await response.json().catch(() => null)) as {
        own: Payout | null;
        children: Payout[];
      } | null;
      for (const payout of [body?.own, ...(body?.children ?? [])])
        if (payout) payoutOwners.add(payout.ownerId);
    });
    await signIn(page, logins.rep);
    const rep = await apiAs(app.url, logins.rep, logins.password);
    const me = (await rep.get<{ user: User }>('/api/auth/session')).user;
    const own = (await rep.get<Dashboard>('/api/dashboard')).goals.filter(
      (view) => view.progress.phase !== 'upcoming',
    );
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((view) => view.goal.scope.type === 'rep' && view.goal.scope.id === me.id)).toBe(true);
    await page.locator('.goal-card').first().waitFor();
    const cardIds = await page
      .locator('.goal-card')
      .evaluateAll((cards) => cards.map((card) => Number(card.getAttribute('data-goal-id'))));
    expect(cardIds.sort()).toEqual(own.map((view) => view.goal.id).sort());

    // The rep's own revenue goal, then the team goal it is part of.
    const revenue = own.find((view) => view.goal.metric === 'revenue');
    expect(revenue).toBeDefined();
    await page.locator(`.goal-card[data-goal-id="${revenue?.goal.id}"] h3 a`).click();
    const bonus = page.getByTestId('bonus');
    await poll(() => bonus.getByTestId('bonus-earned').count()).toBe(1);
    const ownPayout = await rep.get<{ own: Payout | null }>(`/api/goals/${revenue?.goal.id}/payout`);
    expect(await bonus.getByTestId('bonus-earned').textContent()).toBe(
      english.money(ownPayout.own?.earned ?? -1, 'SAR'),
    );
    const teamGoal = revenue?.goal.parentId;
    expect(teamGoal).not.toBeNull();
    await page.getByRole('link', { name: 'Part of a larger goal: open it' }).click();
    await poll(() => new URL(page.url()).pathname).toBe(`/goals/${teamGoal}`);
    await poll(() => bonus.locator('[role="status"]').count()).toBe(0);

    // What an admin sees of the same team: the other reps' payouts, which must not show here.
    const teamPayouts = await admin.get<{ children: Payout[] }>(`/api/goals/${teamGoal}/payout`);
    const { users } = await admin.get<{ users: User[] }>('/api/users');
    const others = teamPayouts.children.filter((payout) => payout.ownerId !== me.id);
    expect(others.length).toBeGreaterThan(0);
    const bonusText = (await bonus.textContent()) ?? '';
    for (const payout of others) {
      const name = users.find((user) => user.id === payout.ownerId)?.name ?? '';
      expect(bonusText).not.toContain(name);
    }
    expect(await page.getByText('Bonus of the reps below').count()).toBe(0);
    expect([...payoutOwners]).toEqual([me.id]);
    // Nor do the other reps' goals.
    const goalsOfOthers = (await admin.get<Dashboard>(`/api/dashboard?scope=team:${me.teamId}`)).goals.filter(
      (view) => view.goal.scope.type === 'rep' && view.goal.scope.id !== me.id,
    );
    expect(goalsOfOthers.length).toBeGreaterThan(0);
    for (const path of ['/', `/goals/${teamGoal}`]) {
      await page.goto(app.url + path);
      await poll(() => page.locator('main [role="status"]').count(), 15_000).toBe(0);
      const text = (await page.locator('body').textContent()) ?? '';
      for (const view of goalsOfOthers) expect(text).not.toContain(view.goal.title);
    }
    expect(errors).toEqual([]);
    await page.close();
  });

  test('switching to Arabic turns the page right-to-left with Arabic labels', async () => {
    const { page, errors } = await openAs(logins.admin);
    await settled(page);
    await page.getByRole('button', { name: 'العربية' }).click();
    await poll(() =>
      page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir })),
    ).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('لوحة المعلومات');
    expect(
      await page.getByRole('navigation', { name: 'القائمة الرئيسية' }).getByRole('link').allTextContents(),
    ).toEqual(['لوحة المعلومات', 'الأهداف', 'البيانات', expect.stringMatching(/^الإشعارات/), 'الإعدادات']);
    expect(await page.locator('#kpi-title').textContent()).toBe('المؤشرات الرئيسية');
    expect(await page.locator('#leaderboard-title').textContent()).toBe('لوحة المتصدرين');
    const statuses = new Set(await page.locator('.goal-card [data-status]').allTextContents());
    for (const status of statuses) expect(status).toMatch(/تحقق|على المسار|معرّض للخطر|خارج المسار|لا بيانات/);
    // Mirrored: the brand at the right, bars filling from the right.
    const brand = await page.locator('.brand').boundingBox();
    const nav = await page.getByRole('navigation', { name: 'القائمة الرئيسية' }).boundingBox();
    expect(brand?.x).toBeGreaterThan(nav?.x ?? Number.POSITIVE_INFINITY);
    const bar = await page.locator('.goal-card .progress-bar').first().boundingBox();
    const fill = await page.locator('.goal-card .progress-fill').first().boundingBox();
    expect(Math.abs((fill?.x ?? 0) + (fill?.width ?? 0) - ((bar?.x ?? 0) + (bar?.width ?? 0)))).toBeLessThan(
      1,
    );
    await settled(page);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-ar.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a goal title with HTML in it is shown as text, never run', async () => {
    const title = '<img src=x onerror=alert(1)>';
    const year = new Date(now).getUTCFullYear();
    const { goal } = await admin.post<{ goal: Goal }>('/api/goals', {
      title,
      metric: 'deals_won',
      scope: { type: 'org' },
      target: 5000,
      period: { start: `${year}-01-01`, end: `${year}-12-31` },
      status: 'active',
    });
    const { page, errors, dialogs } = await openAs(logins.admin);
    const card = page.locator(`.goal-card[data-goal-id="${goal.id}"]`);
    await card.waitFor();
    expect(await card.getByRole('heading', { level: 3 }).textContent()).toBe(title);
    expect(await page.locator('img').count()).toBe(0);
    await card.getByRole('link', { name: title }).click();
    await poll(() => page.getByTestId('goal-title').textContent()).toBe(title);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('a goal page draws the burn-up, runs the SMART check and takes a check-in', async () => {
    const dashboard = await admin.get<Dashboard>(`/api/dashboard?scope=rep:${await repId()}`);
    const goal = dashboard.goals.find((view) => view.goal.metric === 'revenue')?.goal;
    expect(goal).toBeDefined();
    const { page, errors } = await openAs(logins.admin);
    await page.goto(`${app.url}/goals/${goal?.id}`);
    await poll(() => page.getByTestId('goal-title').textContent()).toBe(goal?.title);
    await page.getByTestId('burn-up').locator('canvas').first().waitFor({ timeout: 15_000 });
    expect(plain(await page.locator('figcaption').textContent())).toMatch(
      /^Actual SAR\s[\d,.]+ of a SAR\s[\d,.]+ target/,
    );
    await poll(() => page.locator('.verdicts li').count(), 15_000).toBe(5);

    const comment = 'Two proposals out this week; expecting one to close.';
    await page.getByRole('radio', { name: '4', exact: true }).check();
    await page.getByLabel('Comment (optional)').fill(comment);
    await page.getByRole('button', { name: 'Save the check-in' }).click();
    await poll(() => page.getByText('Check-in saved.').count()).toBe(1);
    await poll(() => page.getByTestId('checkins').locator('li').first().textContent()).toContain(comment);
    const checkins = await admin.get<Checkin[]>(`/api/goals/${goal?.id}/checkins`);
    expect(checkins[0]).toMatchObject({ comment, confidence: 4, private: false });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('the inbox lists the scheduler’s alerts and marks them read', async () => {
    const { page, errors } = await openAs(logins.admin);
    const { unread } = await admin.get<Notifications>('/api/notifications?unread=true&limit=1');
    expect(unread).toBeGreaterThan(0);
    await poll(() => page.getByTestId('unread-count').textContent()).toBe(`, ${unread} unread`);
    await page.getByRole('link', { name: /^Notifications/ }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Notifications');
    await poll(() => page.locator('.notification-list li').count()).toBe(Math.min(50, unread));
    expect(plain(await page.getByTestId('unread-summary').textContent())).toBe(
      `Unread: ${english.number(unread)}`,
    );
    await page.getByRole('button', { name: 'Mark all as read' }).click();
    await poll(async () => plain(await page.getByTestId('unread-summary').textContent())).toBe('Unread: 0');
    await poll(() => page.getByTestId('unread-count').count()).toBe(0);
    expect((await admin.get<Notifications>('/api/notifications?unread=true&limit=1')).unread).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });

  test('signing out returns to the sign-in screen and ends the session', async () => {
    const { page, errors } = await openAs(logins.admin);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect(await page.getByRole('status').textContent()).toBe('You are signed out.');
    const session = await page.request.get(`${app.url}/api/auth/session`);
    expect(session.status()).toBe(401);
    await page.reload();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect(errors).toEqual([]);
    await page.close();
  });

  test('an admin changes the status thresholds and working days in Settings; a bad threshold is refused in words; a rep cannot save', async () => {
    const before = await admin.get<OrgSettings>('/api/org/settings');
    // The demo works Sunday to Thursday, at risk below 100% of pace, off track below 80%.
    expect(before.workingDays).toEqual([0, 1, 2, 3, 4]);
    const { page, errors } = await openAs(logins.admin);
    await page.getByRole('link', { name: 'Settings' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Settings');
    const atRisk = page.getByLabel('At risk below (% of pace)');
    const offTrack = page.getByLabel('Off track below (% of pace)');
    const saturday = page.getByRole('checkbox', { name: 'Saturday' });
    await atRisk.waitFor();
    // Working days are listed in the org's week order, from Sunday.
    expect(await page.locator('.working-days label').allTextContents()).toEqual([
      'Sunday',
      'Monday',
      'Tuesday',
      'Wednesday',
      'Thursday',
      'Friday',
      'Saturday',
    ]);
    expect(await saturday.isChecked()).toBe(false);
    await atRisk.fill('95');
    await saturday.check();
    await page.getByRole('button', { name: 'Save the settings' }).click();
    await poll(() => page.getByText('Settings saved.').count()).toBe(1);

    await page.reload();
    await atRisk.waitFor();
    expect(await atRisk.inputValue()).toBe('95');
    expect(await saturday.isChecked()).toBe(true);
    const saved = await admin.get<OrgSettings>('/api/org/settings');
    expect(saved.settings.atRiskBelow).toBe(0.95);
    expect(saved.workingDays).toEqual([0, 1, 2, 3, 4, 6]);
    expect(saved.settings.offTrackBelow).toBe(before.settings.offTrackBelow);

    // Off track at 99% of pace would sit above at risk at 95%: the server refuses it, next to the field.
    await offTrack.fill('99');
    await page.getByRole('button', { name: 'Save the settings' }).click();
    await poll(() => page.getByRole('alert').textContent()).toBe(
      '"Off track below" (0.99) must be above 0 and at most "at risk below" (0.95).',
    );
    expect(await offTrack.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByText('Settings saved.').count()).toBe(0);
    expect(await admin.get<OrgSettings>('/api/org/settings')).toEqual(saved);
    expect(errors).toEqual([]);
    await page.close();

    const rep = await openAs(logins.rep);
    await rep.page.getByRole('link', { name: 'Settings' }).click();
    await poll(() => rep.page.getByRole('heading', { level: 1 }).textContent()).toBe('Settings');
    // The rep reads the same thresholds, and has nothing to save them with.
    const repAtRisk = rep.page.locator('.facts div', { hasText: 'At risk below' }).locator('dd');
    await poll(async () => plain(await repAtRisk.textContent())).toBe('95% of pace');
    expect(await rep.page.getByRole('button', { name: 'Save the settings' }).count()).toBe(0);
    expect(await rep.page.getByRole('textbox').count()).toBe(0);
    expect(rep.errors).toEqual([]);
    await rep.page.close();
  });

  test('measures how soon the demo org’s dashboard is ready (reported, not asserted)', async () => {
    const { page } = await openAs(logins.admin);
    const samples: number[] = [];
    for (let run = 0; run < 3; run++) {
      await page.reload();
      await page.waitForFunction(
        () => performance.getEntriesByName('hadaf:dashboard-ready').length > 0,
        null,
        {
          timeout: 15_000,
        },
      );
      samples.push(
        await page.evaluate(() => performance.getEntriesByName('hadaf:dashboard-ready')[0]?.startTime ?? -1),
      );
    }
    const median = [...samples].sort((a, b) => a - b)[1] ?? -1;
    writeFileSync(
      join(artifactsDir, 'web-timing.json'),
      `${JSON.stringify({ dashboardReadyMs: samples.map(Math.round), medianMs: Math.round(median) }, null, 2)}\n`,
    );
    console.info(
      `demo dashboard ready after ${samples.map(Math.round).join(', ')} ms (median ${Math.round(median)})`,
    );
    expect(median).toBeGreaterThan(0);
    await page.close();
  });

  async function repId(): Promise<number> {
    const { users } = await admin.get<{ users: User[] }>('/api/users');
    const rep = users.find((user) => user.email === logins.rep);
    if (!rep) throw new Error('The demo rep is missing.');
    return rep.id;
  }
});

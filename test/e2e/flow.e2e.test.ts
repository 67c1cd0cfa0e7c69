import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Dashboard, GoalDetail, MetricInfo, Notifications } from '../../web/src/api-types.ts';
import type {
  Acknowledgements,
  GrowthReport,
  ProposalsReport,
  TrackingSettings,
} from '../../web/src/flow.ts';
import { sortProposals } from '../../web/src/flow.ts';
import { createFormatter } from '../../web/src/format.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { type ApiClient, apiAs } from './api-client.ts';
import { artifactsDir, type RunningApp, startApp } from './app-server.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { type DemoLogins, e2eNow, loadDemo } from './demo.ts';
import { poll } from './poll.ts';
import { plain } from './text.ts';

const now = e2eNow();
const english = createFormatter('en', 'latn');
const arabic = createFormatter('ar', 'latn');
/** Central Region, a region with two teams under it in the demo org. */
const region = 'team:1';
const message = 'Deals won back where they were: the region counts on each of you.';

describe('the five-step goal-setting flow in Chromium', () => {
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

  /** A new tab, signed out, in English, with a log of uncaught page errors. */
  async function openSignedOut(): Promise<{ page: Page; errors: string[] }> {
    const { context } = await browser();
    await context.clearCookies();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    return { page, errors };
  }

  /** Signs in on the sign-in screen, which opens the page the address names (the dashboard at /). */
  async function signIn(page: Page, email: string, lands = 'Dashboard') {
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(logins.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent(), 15_000).toBe(lands);
  }

  async function signOut(page: Page) {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
  const pathOf = (page: Page) => new URL(page.url()).pathname;

  /** The first falling trend of the region on an additive metric: a team goal that splits by sum. */
  async function regionTrend() {
    const { metrics } = await admin.get<{ metrics: MetricInfo[] }>('/api/metrics');
    const flows = new Set(metrics.filter((m) => m.kind === 'flow').map((m) => m.id));
    const report = await admin.get<GrowthReport>(`/api/insights/growth-areas?scope=${region}&limit=50`);
    const area = report.areas.find(
      (a) => a.kind === 'trend' && a.goal.direction === 'increase' && flows.has(a.goal.metric),
    );
    if (!area) throw new Error(`The demo region ${region} has no falling trend on a flow metric.`);
    expect(area.impact.annual).toBeGreaterThan(0);
    return { report, area, metrics };
  }

  test('an admin walks from a growth area to an active goal split to teams and reps; its owner acknowledges it; it shows on the dashboard', async () => {
    const { area, metrics } = await regionTrend();
    const proposals = await admin.get<ProposalsReport>(`/api/flow/proposals?scope=${region}`);
    const proposal = proposals.proposals.find((p) => p.id === area.id);
    if (!proposal) throw new Error(`No proposal for ${area.id}.`);
    const unit = metrics.find((m) => m.id === area.goal.metric)?.unit ?? 'count';

    const { page, errors } = await openSignedOut();
    await signIn(page, logins.admin);

    // The entry on the Goals page.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Goals' }).click();
    await page.getByRole('link', { name: 'Set goals step by step' }).click();
    await poll(() => heading(page)).toBe('Find growth areas');
    const stepper = page.getByTestId('flow-stepper');
    expect(await stepper.locator('li .flow-step-name').allTextContents()).toEqual([
      'Find growth areas',
      'Prioritize',
      'Write it SMART',
      'Communicate and motivate',
      'Track',
    ]);
    expect(await stepper.locator('li[aria-current="step"]').getAttribute('data-step')).toBe('growth');

    // Step 1: the region, chosen with the scope switcher; its areas with their evidence and impact.
    await page.locator('.scope-below').getByRole('link', { name: 'Central Region' }).click();
    await poll(() => new URL(page.url()).searchParams.get('scope')).toBe(region);
    const card = page.locator(`[data-area-id="${area.id}"]`);
    await card.waitFor({ timeout: 20_000 });
    expect(await card.getByRole('heading', { level: 2 }).textContent()).toBe(area.title.en);
    expect(await card.getByTestId('area-current').textContent()).toBe(
      english.metric(area.evidence.current, area.evidence.unit, 'SAR'),
    );
    expect(plain(await card.getByTestId('area-impact').textContent())).toBe(
      `Estimated impact: ${english.money(area.impact.annual ?? 0, 'SAR', { whole: true })} revenue a year`,
    );
    // The small chart: one line for the figure, one for its reference.
    expect(await card.locator('svg[data-testid="area-chart"] polyline').count()).toBe(2);
    await card.getByLabel('Work on this area').check();
    await poll(async () => plain(await page.getByTestId('picked-count').textContent())).toBe(
      'Areas picked: 1',
    );
    expect(new URL(page.url()).searchParams.get('areas')).toBe(area.id);
    await page.screenshot({ path: `${artifactsDir}/flow-1-growth-areas.png`, fullPage: true });

    // Step 2: the proposals, scored; the picked one is ticked; weights and sort reorder them.
    await page.getByRole('link', { name: 'Next: prioritize' }).click();
    await poll(() => heading(page)).toBe('Prioritize the candidates');
    const proposalCard = page.locator(`[data-proposal-id="${area.id}"]`);
    await proposalCard.waitFor({ timeout: 20_000 });
    expect(await proposalCard.getByLabel('Draft this goal').isChecked()).toBe(true);
    expect(await proposalCard.getByRole('heading', { level: 2 }).textContent()).toBe(proposal.goal.title.en);
    expect(plain(await proposalCard.locator('.flow-reason').textContent())).toBe(
      `Why: ${proposal.goal.reason.en}`,
    );
    expect(await proposalCard.locator('[data-score="total"] meter').getAttribute('value')).toBe(
      String(proposal.score.total),
    );
    const order = () =>
      page
        .locator('[data-proposal-id]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-proposal-id')));
    expect(await order()).toEqual(proposals.proposals.map((p) => p.id));
    await page.getByLabel('Sort by').selectOption('speed');
    expect(await order()).toEqual(sortProposals(proposals.proposals, 'speed').map((p) => p.id));
    // Impact weighs nothing: the server scores on speed and resources alone.
    await page.getByLabel('Sort by').selectOption('total');
    await page.getByRole('slider', { name: 'Impact' }).fill('0');
    const reweighed = await admin.get<ProposalsReport>(
      `/api/flow/proposals?scope=${region}&impact=0&speed=25&resources=25`,
    );
    await poll(order, 20_000).toEqual(reweighed.proposals.map((p) => p.id));
    const reweighedTotal = reweighed.proposals.find((p) => p.id === area.id)?.score.total;
    expect(reweighedTotal).toBeCloseTo((proposal.score.speed + proposal.score.resources) / 2, 2);
    await page.screenshot({ path: `${artifactsDir}/flow-2-prioritize.png`, fullPage: true });

    await page.getByRole('button', { name: 'Create the draft goals' }).click();
    await poll(() => pathOf(page), 20_000).toBe('/plan/write');
    const drafts = new URL(page.url()).searchParams.get('drafts') ?? '';
    expect(drafts).toMatch(/^\d+$/);
    const goalId = Number(drafts);
    const created = await admin.get<GoalDetail & { goal: { reason: string | null } }>(`/api/goals/${goalId}`);
    expect(created.goal).toMatchObject({
      status: 'draft',
      metric: area.goal.metric,
      scope: { type: 'team', id: 1 },
      target: proposal.goal.target,
      reason: proposal.goal.reason.en,
    });
    await poll(() => page.getByTestId('draft-status').textContent()).toBe('Draft');
    expect(plain(await page.getByTestId('draft-reason').textContent())).toBe(
      `Why: ${proposal.goal.reason.en}`,
    );

    // Step 3: the goal form loads the draft; split between the region's teams.
    await page.getByRole('link', { name: 'Write it SMART' }).click();
    await poll(() => `${pathOf(page)}${new URL(page.url()).search}`).toBe(`/goals/new?draft=${goalId}`);
    await poll(() => page.getByLabel('Title').inputValue(), 20_000).toBe(created.goal.title);
    await page.getByLabel('Split', { exact: true }).selectOption('team');
    await page.getByRole('button', { name: 'Save the draft and continue' }).click();
    await poll(() => pathOf(page), 20_000).toBe(`/goals/${goalId}/communicate`);
    await poll(() => heading(page)).toBe('Communicate and motivate');
    expect(await stepper.locator('li[aria-current="step"]').getAttribute('data-step')).toBe('communicate');

    const split = await admin.get<GoalDetail>(`/api/goals/${goalId}`);
    expect(split.children.map((c) => c.scope)).toEqual([
      { type: 'team', id: 4 },
      { type: 'team', id: 5 },
    ]);
    expect(split.children.reduce((sum, c) => sum + c.target, 0)).toBe(split.goal.target);
    const riyadh = split.children[0] as GoalDetail['children'][number];

    // Riyadh Enterprise's share goes on to its reps, from the owners table through the form again.
    const owners = page.getByTestId('flow-owners');
    await owners.locator(`tr[data-goal-id="${riyadh.id}"]`).getByRole('link', { name: 'Split it' }).click();
    await poll(() => page.getByLabel('Title').inputValue(), 20_000).toBe(riyadh.title);
    await page.getByLabel('Split', { exact: true }).selectOption('rep');
    await page.getByRole('button', { name: 'Save the draft and continue' }).click();
    await poll(() => pathOf(page), 20_000).toBe(`/goals/${riyadh.id}/communicate`);
    await page.getByRole('link', { name: 'Back to the goal above it' }).click();
    await poll(() => pathOf(page)).toBe(`/goals/${goalId}/communicate`);

    const riyadhSplit = await admin.get<GoalDetail>(`/api/goals/${riyadh.id}`);
    const repUser = (
      await admin.get<{ users: Array<{ id: number; email: string; name: string }> }>('/api/users')
    ).users;
    const ibrahim = repUser.find((u) => u.email === logins.rep);
    const repsGoal = riyadhSplit.children.find((c) => c.scope.type === 'rep' && c.scope.id === ibrahim?.id);
    if (!repsGoal || !ibrahim) throw new Error(`${logins.rep} got no share of Riyadh Enterprise's goal.`);
    expect(riyadhSplit.children.reduce((sum, c) => sum + c.target, 0)).toBe(riyadh.target);
    expect(repsGoal.ownerId).toBe(ibrahim.id);

    // Step 4: the owners (goal, teams, reps), a bonus tier for the rep, and the message.
    await poll(() => owners.locator('tbody tr[data-goal-id]').count(), 20_000).toBe(
      1 + split.children.length + riyadhSplit.children.length,
    );
    const repRow = owners.locator(`tr[data-goal-id="${repsGoal.id}"]`);
    await repRow.getByRole('button', { name: 'Edit' }).click();
    const tiers = page.locator('form.flow-tiers');
    await tiers.getByLabel('Attainment (%)').nth(0).fill('100');
    await tiers.getByLabel('Bonus').nth(0).fill('1000');
    await tiers.getByRole('button', { name: 'Add a tier' }).click();
    await tiers.getByLabel('Attainment (%)').nth(1).fill('110');
    await tiers.getByLabel('Bonus').nth(1).fill('1500');
    await tiers.getByRole('button', { name: 'Save the tiers' }).click();
    await poll(async () => plain(await repRow.getByTestId('tiers-summary').textContent()), 15_000).toBe(
      `100% → ${english.money(100_000, 'SAR', { whole: true })} · 110% → ${english.money(150_000, 'SAR', { whole: true })}`,
    );
    expect((await admin.get<GoalDetail>(`/api/goals/${repsGoal.id}`)).bonusTiers).toEqual([
      { attainment: 1, payout: 100_000 },
      { attainment: 1.1, payout: 150_000 },
    ]);

    await page.getByLabel('A word to the owners').fill(message);
    await page.screenshot({ path: `${artifactsDir}/flow-4-communicate.png`, fullPage: true });
    await page.getByRole('button', { name: 'Send and activate' }).click();
    await poll(() => page.getByTestId('communicate-result').count(), 20_000).toBe(1);
    const treeSize = 1 + split.children.length + riyadhSplit.children.length;
    expect(plain(await page.getByTestId('communicate-result').textContent())).toMatch(
      new RegExp(`^Goals activated: ${treeSize}\\. Owners told: \\d+ \\(`),
    );
    await poll(() => page.getByTestId('flow-goal-status').textContent()).toBe('Active');
    const live = await admin.get<GoalDetail>(`/api/goals/${goalId}`);
    expect(live.goal.status).toBe('active');
    expect(live.children.map((c) => c.status)).toEqual(['active', 'active']);
    const liveRiyadh = await admin.get<GoalDetail>(`/api/goals/${riyadh.id}`);
    expect(new Set(liveRiyadh.children.map((c) => c.status))).toEqual(new Set(['active']));
    const acksBefore = await admin.get<Acknowledgements>(`/api/goals/${goalId}/acknowledgements`);
    const repAck = acksBefore.owners.find((o) => o.goalId === repsGoal.id);
    expect(repAck).toMatchObject({ owner: { id: ibrahim.id }, acknowledgedAt: null });
    expect(repAck?.notifiedAt).toBe(now);
    expect(
      await page
        .locator(`[data-testid="acks"] tr[data-owner-id="${ibrahim.id}"]`)
        .getAttribute('data-acknowledged'),
    ).toBe('no');

    // The rep is told in the app, in their words, with their own bonus, and acknowledges.
    await signOut(page);
    await signIn(page, logins.rep, 'Communicate and motivate');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: /^Notifications/ })
      .click();
    const told = page.getByRole('link', { name: `New goal: ${repsGoal.title}` });
    await told.waitFor({ timeout: 15_000 });
    const inbox = await apiAs(app.url, logins.rep, logins.password).then((rep) =>
      rep.get<Notifications>('/api/notifications?limit=50'),
    );
    const assigned = inbox.notifications.find(
      (n) => (n.kind as string) === 'goal_assigned' && n.goalId === repsGoal.id,
    );
    expect(assigned?.body).toContain(message);
    expect(assigned?.body).toContain('Your bonus: 100% of target');
    await told.click();
    await poll(() => page.getByTestId('goal-title').textContent(), 15_000).toBe(repsGoal.title);
    await page.getByTestId('acknowledge').getByRole('button', { name: 'Acknowledge' }).click();
    await poll(() => page.getByTestId('acknowledged').count(), 15_000).toBe(1);
    await page.screenshot({ path: `${artifactsDir}/flow-4-acknowledged.png`, fullPage: true });
    const acksAfter = await admin.get<Acknowledgements>(`/api/goals/${goalId}/acknowledgements`);
    expect(acksAfter.owners.find((o) => o.goalId === repsGoal.id)?.acknowledgedAt).toBe(now);
    expect(acksAfter.acknowledged).toBe(1);

    // The admin sees who acknowledged, then sets up tracking.
    await signOut(page);
    await page.goto(`${app.url}/goals/${goalId}/communicate`);
    await signIn(page, logins.admin, 'Communicate and motivate');
    const ackRow = page.locator(`[data-testid="acks"] tr[data-owner-id="${ibrahim.id}"]`);
    await poll(() => ackRow.getAttribute('data-acknowledged'), 20_000).toBe('yes');
    expect(plain(await page.getByTestId('acks-summary').textContent())).toBe(
      `1 of ${acksAfter.owners.length} owners have acknowledged.`,
    );

    // Step 5: check-ins every two weeks, and the alerts to the admin as well as the owner.
    await page.getByRole('link', { name: 'Next: tracking' }).click();
    await poll(() => heading(page)).toBe('Track the goal');
    const before = await admin.get<TrackingSettings>(`/api/goals/${goalId}/tracking-settings`);
    const adminUser = repUser.find((u) => u.email === logins.admin);
    if (!adminUser) throw new Error('No admin in the users list.');
    expect(before.defaultRecipients.map((p) => p.id)).not.toContain(adminUser.id);
    await page.getByLabel('Every two weeks').check();
    await page.getByLabel(new RegExp(`^${adminUser.name}`)).check();
    await page.screenshot({ path: `${artifactsDir}/flow-5-track.png`, fullPage: true });
    await page.getByRole('button', { name: 'Done: go to the dashboard' }).click();
    await poll(() => `${pathOf(page)}${new URL(page.url()).search}`, 20_000).toBe(
      `/?scope=${encodeURIComponent(region)}`,
    );
    const onDashboard = page.locator(`.goal-card[data-goal-id="${goalId}"]`);
    await onDashboard.waitFor({ timeout: 20_000 });
    expect(await onDashboard.getByRole('heading', { level: 3 }).textContent()).toBe(live.goal.title);
    await page.screenshot({ path: `${artifactsDir}/flow-5-dashboard.png`, fullPage: true });

    const after = await admin.get<TrackingSettings>(`/api/goals/${goalId}/tracking-settings`);
    expect(after.checkinInterval).toBe('biweekly');
    expect(after.extraRecipients.map((p) => p.id)).toEqual([adminUser.id]);
    const dashboard = await admin.get<Dashboard>(`/api/dashboard?scope=${region}`);
    expect(dashboard.goals.find((g) => g.goal.id === goalId)?.goal.status).toBe('active');
    expect(unit).toBe(dashboard.goals.find((g) => g.goal.id === goalId)?.goal.unit);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);

  test('steps 1 and 2 in Arabic, right to left, with the glossary’s words and the server’s Arabic reasons', async () => {
    const { area } = await regionTrend();
    const proposals = await admin.get<ProposalsReport>(`/api/flow/proposals?scope=${region}`);
    const proposal = proposals.proposals.find((p) => p.id === area.id);
    if (!proposal) throw new Error(`No proposal for ${area.id}.`);
    const { page, errors } = await openSignedOut();
    await signIn(page, logins.admin);
    await page.getByRole('button', { name: 'العربية' }).click();
    await poll(() =>
      page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir })),
    ).toEqual({ lang: 'ar', dir: 'rtl' });

    await page.goto(`${app.url}/plan?scope=${region}`);
    await poll(() => heading(page)).toBe('اكتشف مجالات النمو');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.getByTestId('flow-stepper').locator('.flow-step-name').allTextContents()).toEqual([
      'اكتشف مجالات النمو',
      'حدّد الأولويات',
      'صِغه هدفًا ذكيًا (SMART)',
      'أبلغ وحفّز',
      'تابع',
    ]);
    const card = page.locator(`[data-area-id="${area.id}"]`);
    await card.waitFor({ timeout: 20_000 });
    expect(await card.getByRole('heading', { level: 2 }).textContent()).toBe(area.title.ar);
    expect(plain(await card.getByTestId('area-impact').textContent())).toBe(
      `الأثر المقدَّر: ${arabic.money(area.impact.annual ?? 0, 'SAR', { whole: true })} من الإيرادات سنويًا`,
    );
    expect(await card.locator('.badge').textContent()).toBe('اتجاه هابط');
    // The chart runs right to left, as time does in Arabic.
    expect(await card.locator('svg.flow-chart').evaluate((el) => getComputedStyle(el).transform)).toBe(
      'matrix(-1, 0, 0, 1, 0, 0)',
    );
    await card.getByLabel('اعمل على هذا المجال').check();
    await page.screenshot({ path: `${artifactsDir}/flow-1-growth-areas-arabic.png`, fullPage: true });

    await page.getByRole('link', { name: 'التالي: تحديد الأولويات' }).click();
    await poll(() => heading(page)).toBe('رتّب المرشحين حسب الأولوية');
    const proposalCard = page.locator(`[data-proposal-id="${area.id}"]`);
    await proposalCard.waitFor({ timeout: 20_000 });
    expect(await proposalCard.getByRole('heading', { level: 2 }).textContent()).toBe(proposal.goal.title.ar);
    expect(plain(await proposalCard.locator('.flow-reason').textContent())).toBe(
      `السبب: ${proposal.goal.reason.ar}`,
    );
    expect(proposal.goal.reason.ar).toMatch(/[\u0600-\u06ff]/);
    expect(await proposalCard.locator('[data-score] > span:first-child').allTextContents()).toEqual([
      'الدرجة',
      'الأثر',
      'سرعة النتيجة',
      'الموارد المتاحة',
    ]);
    expect(await proposalCard.getByLabel('أنشئ مسوّدة هذا الهدف').isChecked()).toBe(true);
    await page.screenshot({ path: `${artifactsDir}/flow-2-prioritize-arabic.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});

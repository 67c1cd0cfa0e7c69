import { mkdirSync } from 'node:fs';
import type { Page as BrowserPage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Goal, OrgInfo, Page, SmartCheck, Team } from '../../web/src/api-types.ts';
import { dayIn } from '../../web/src/format.ts';
import { periodContaining } from '../../web/src/periods.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { type ApiClient, apiAs } from './api-client.ts';
import { artifactsDir, type RunningApp, startApp } from './app-server.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { type DemoLogins, e2eNow, loadDemo } from './demo.ts';
import { poll } from './poll.ts';
import { plain } from './text.ts';

const now = e2eNow();
const how = 'Open two new accounts per region each month with consultative selling of Nakhla ERP.';

type SavedGoal = Goal & { reason: string | null; splitRule: unknown };

describe('the goal form’s filters, split preview, reverse funnel and flow drafts in Chromium', () => {
  let store: TestStore;
  let app: RunningApp;
  let logins: DemoLogins;
  let admin: ApiClient;
  let browser: Browser | undefined;
  let org: OrgInfo;
  let year: { start: string; end: string };
  let regions: Team[];

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    store = await freshStore('sqlite');
    logins = await loadDemo(store, now);
    app = await startApp(store, { now: () => now });
    admin = await apiAs(app.url, logins.admin, logins.password);
    org = await admin.get<OrgInfo>('/api/org');
    year = periodContaining('year', dayIn(org.timeZone, now), org.fiscalYearStartMonth);
    const teams = await admin.get<Page<Team>>('/api/teams?limit=500');
    // The form lists the top teams by their place in the tree, as here.
    regions = teams.items.filter((t) => t.parentId === null).sort((a, b) => a.path.localeCompare(b.path));
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await app?.close();
    await store?.drop();
  });

  async function signedInAdmin(): Promise<BrowserPage> {
    // A browser of its own per test: a signed-in session would skip the sign-in page.
    await browser?.close().catch(() => {});
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.getByLabel('E-mail').fill(logins.admin);
    await page.getByLabel('Password').fill(logins.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    return page;
  }

  const childrenOf = async (id: number) =>
    (await admin.get<{ goals: SavedGoal[] }>(`/api/goals?parentId=${id}`)).goals;

  test('a split between teams by weights shows exact children, refuses all-zero weights without saving, and saves with a funnel goal', async () => {
    expect(org.currency).toBe('SAR');
    expect(regions.map((r) => r.name)).toEqual(['Central Region', 'Western Region', 'Eastern Region']);
    const title = 'Regions revenue split 3:2:2';
    const page = await signedInAdmin();
    await page.goto(`${app.url}/goals/new`);
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('New goal');
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('How you will reach it').fill(how);
    await page.getByLabel('Metric').selectOption('revenue');
    await page.getByLabel('For whom').selectOption('org');
    await page.getByLabel('Period start').fill(year.start);
    await page.getByLabel('Period end').fill(year.end);
    // 1,000,000 riyals = 100,000,000 halalas
    await page.getByLabel('Target value').fill('1000000');
    // revenue takes all four filters
    for (const label of ['Channel / source', 'Segment', 'Industry', 'Product']) {
      expect(await page.getByLabel(label).count()).toBe(1);
    }

    await page.getByLabel('Split', { exact: true }).selectOption('team');
    await page.getByLabel('Method').selectOption('weights');
    const preview = page.getByTestId('split-preview');
    const targets = () =>
      preview
        .locator('tbody tr')
        .evaluateAll((rows) =>
          rows.map((r) => [r.getAttribute('data-child'), Number(r.getAttribute('data-target'))]),
        );
    // equal weights of 1 first: 33,333,334 + 33,333,333 + 33,333,333
    await poll(targets, 15_000).toEqual([
      ['Central Region', 33_333_334],
      ['Western Region', 33_333_333],
      ['Eastern Region', 33_333_333],
    ]);

    // all weights zero: the preview and the save refuse, and nothing is written
    // i18next isolates an interpolated name (U+2068 … U+2069) so a Latin name reads right in Arabic
    const weightOf = (name: string) => page.getByLabel(new RegExp(`^Weight of \u2068?${name}\u2069?$`));
    for (const region of regions) await weightOf(region.name).fill('0');
    await poll(() => page.locator('[data-preview-error]').count(), 15_000).toBe(1);
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await poll(() => page.locator('[data-field-error="split"]').count(), 15_000).toBe(1);
    expect(plain(await page.locator('[data-field-error="split"]').textContent())).toContain('zero');
    expect(page.url()).toMatch(/\/goals\/new$/);
    const all = await admin.get<{ goals: Goal[] }>('/api/goals?limit=500');
    expect(all.goals.filter((g) => g.title === title)).toHaveLength(0);

    // 3:2:2 of 100,000,000: exact 42,857,142.86 and 28,571,428.57 twice; the floors leave two
    // halalas, one to the largest fraction (.86) and one to the first .57
    await weightOf('Central Region').fill('3');
    await weightOf('Western Region').fill('2');
    await weightOf('Eastern Region').fill('2');
    await poll(targets, 15_000).toEqual([
      ['Central Region', 42_857_143],
      ['Western Region', 28_571_429],
      ['Eastern Region', 28_571_428],
    ]);
    expect(await preview.locator('tfoot tr').getAttribute('data-total')).toBe('100000000');
    expect(await page.locator('[data-sums]').getAttribute('data-sums')).toBe('exact');
    expect(plain(await preview.locator('tbody tr').first().textContent())).toContain('42.9%');

    // the reverse funnel offers activity goals; add the first one
    const steps = page.locator('[data-section="funnel"] li[data-step]');
    await poll(() => steps.count(), 15_000).not.toBe(0);
    const step = await steps.first().getAttribute('data-step');
    const total = Number(await steps.first().getAttribute('data-total'));
    expect(total).toBeGreaterThan(0);
    await steps.first().getByRole('checkbox').check();
    await page.screenshot({ path: `${artifactsDir}/goal-split-preview.png`, fullPage: true });

    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await poll(() => page.getByTestId('goal-title').textContent(), 15_000).toContain(title);
    const id = Number(/\/goals\/(\d+)$/.exec(page.url())?.[1]);
    const parent = (await admin.get<{ goal: SavedGoal }>(`/api/goals/${id}`)).goal;
    expect(parent).toMatchObject({ target: 100_000_000, status: 'active' });
    expect(parent.splitRule).toMatchObject({ by: 'member', method: 'weights' });
    const children = await childrenOf(id);
    const split = children.filter((c) => c.metric === 'revenue');
    expect(
      split.map((c) => [c.scope, c.target, c.status]).sort((a, b) => Number(b[1]) - Number(a[1])),
    ).toEqual([
      [{ type: 'team', id: regions[0]?.id }, 42_857_143, 'active'],
      [{ type: 'team', id: regions[1]?.id }, 28_571_429, 'active'],
      [{ type: 'team', id: regions[2]?.id }, 28_571_428, 'active'],
    ]);
    const activity = children.filter((c) => c.metric !== 'revenue');
    expect(activity.map((c) => [c.metric, c.target, c.kind])).toEqual([[step, total, 'activity']]);
  }, 120_000);

  test('a flow draft opens in the form in Arabic, keeps its reason, and saves as a draft with draft children', async () => {
    const central = regions[0] as Team;
    const { goal: made } = await admin.post<{ goal: SavedGoal }>('/api/goals', {
      title: 'Central revenue draft',
      metric: 'revenue',
      scope: { type: 'team', id: central.id },
      target: 150_000_000,
      period: year,
      reason: 'Central wins fewer deals than the other regions.',
      status: 'draft',
    });
    const page = await signedInAdmin();
    await page.getByRole('button', { name: 'العربية' }).click();
    await poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await page.goto(`${app.url}/goals/new?draft=${made.id}`);
    await poll(() => page.getByRole('heading', { level: 1 }).textContent(), 15_000).toBe(
      'صِغ الهدف بطريقة ذكية (SMART)',
    );
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(plain(await page.getByTestId('draft-reason').textContent())).toContain(
      'Central wins fewer deals than the other regions.',
    );
    expect(await page.getByLabel('العنوان').inputValue()).toBe('Central revenue draft');
    expect(await page.getByLabel('القيمة المستهدفة').inputValue()).toBe('1500000');

    // a new title, 2,000,000 riyals, and a channel the org has never sold through
    await page.getByLabel('العنوان').fill('Central revenue 2,000,000 from Instagram');
    await page.getByLabel('كيف ستحققه').fill(how);
    await page.getByLabel('القيمة المستهدفة').fill('2000000');
    await page.getByLabel('القناة / المصدر').fill('Instagram');
    await page.getByLabel('التقسيم', { exact: true }).selectOption('period');
    await page.getByLabel('الفترات').selectOption('fiscal_quarter');
    expect(await page.getByLabel('التقسيم', { exact: true }).locator('option:checked').textContent()).toBe(
      'إلى فترات',
    );
    expect(await page.getByLabel('الطريقة').locator('option:checked').textContent()).toBe('بالتساوي');

    // the coach speaks Arabic, word for word as the API does for the same draft
    const check = await admin.post<SmartCheck>('/api/goals/check', {
      title: 'Central revenue 2,000,000 from Instagram',
      description: how,
      metric: 'revenue',
      scope: { type: 'team', id: central.id },
      filters: { channel: 'Instagram' },
      targetMode: 'absolute',
      target: 200_000_000,
      targetChange: null,
      direction: 'increase',
      period: year,
      kind: 'outcome',
    });
    const realistic = check.verdicts.find((v) => v.criterion === 'realistic');
    expect(realistic?.verdict).not.toBe('pass');
    expect(realistic?.reason.ar).toMatch(/[\u0600-\u06ff]/);
    const shown = page.locator('[data-criterion="realistic"] .criterion-reason');
    await poll(async () => plain(await shown.textContent()), 15_000).toBe(plain(realistic?.reason.ar ?? ''));

    // four fiscal quarters of 50,000,000 halalas each
    const rows = page.getByTestId('split-preview').locator('tbody tr');
    await poll(
      () => rows.evaluateAll((all) => all.map((r) => Number(r.getAttribute('data-target')))),
      15_000,
    ).toEqual([50_000_000, 50_000_000, 50_000_000, 50_000_000]);
    expect(plain(await page.getByTestId('split-preview').locator('thead').textContent())).toContain(
      'القيمة المستهدفة',
    );
    await page.screenshot({ path: `${artifactsDir}/goal-draft-arabic.png`, fullPage: true });

    await page.getByRole('button', { name: 'احفظ المسودة وتابع' }).click();
    await poll(() => page.url(), 15_000).toMatch(new RegExp(`/goals/${made.id}/communicate$`));
    const saved = (await admin.get<{ goal: SavedGoal }>(`/api/goals/${made.id}`)).goal;
    expect(saved).toMatchObject({
      status: 'draft',
      title: 'Central revenue 2,000,000 from Instagram',
      target: 200_000_000,
      filters: { channel: 'Instagram' },
      reason: 'Central wins fewer deals than the other regions.',
    });
    const children = await childrenOf(made.id);
    expect(children.map((c) => [c.target, c.status, c.filters])).toEqual(
      Array(4).fill([50_000_000, 'draft', { channel: 'Instagram' }]),
    );
  }, 120_000);
});

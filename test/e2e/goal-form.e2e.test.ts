import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { MetricValue, OrgInfo, SmartCheck } from '../../web/src/api-types.ts';
import { dayIn } from '../../web/src/format.ts';
import { periodContaining, previousPeriod } from '../../web/src/periods.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { type ApiClient, apiAs } from './api-client.ts';
import { artifactsDir, type RunningApp, startApp } from './app-server.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { type DemoLogins, e2eNow, loadDemo } from './demo.ts';
import { poll } from './poll.ts';
import { plain } from './text.ts';

const now = e2eNow();
const title = 'Grow revenue fifty-fold';

describe('the new goal form with its SMART coach in Chromium', () => {
  let store: TestStore;
  let app: RunningApp;
  let logins: DemoLogins;
  let admin: ApiClient;
  let browser: Browser | undefined;

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    store = await freshStore('sqlite');
    logins = await loadDemo(store, now);
    app = await startApp(store, { now: () => now });
    admin = await apiAs(app.url, logins.admin, logins.password);
  });

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await app?.close();
    await store?.drop();
  });

  async function signedInAdmin(): Promise<Page> {
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

  test('an impossible target fails Achievable, the suggestion fixes it, the coach speaks Arabic, and Create opens the goal', async () => {
    // The fiscal year of the e2e clock's day, and last year's revenue as the API reports it.
    const org = await admin.get<OrgInfo>('/api/org');
    const today = dayIn(org.timeZone, now);
    const year = periodContaining('year', today, org.fiscalYearStartMonth);
    const lastYear = previousPeriod('year', year, org.fiscalYearStartMonth);
    // Fiscal years are named by the calendar year they end in (FY2027 ends in 2027).
    const lastYearLabel = `FY${lastYear.end.slice(0, 4)}`;
    const revenue = await admin.get<MetricValue>(`/api/metrics/revenue?period=${lastYearLabel}&scope=org`);
    expect(revenue.value).toBeGreaterThan(0);
    const impossible = 50 * (revenue.value ?? 0);
    // SAR has 2 minor digits: the form takes riyals, the API halalas.
    expect(org.currency).toBe('SAR');
    const draft = {
      title,
      description: null,
      metric: 'revenue',
      scope: { type: 'org', id: null },
      targetMode: 'absolute',
      target: impossible,
      targetChange: null,
      direction: 'increase',
      period: { start: year.start, end: year.end },
      kind: 'outcome',
    };
    const expected = await admin.post<SmartCheck>('/api/goals/check', draft);
    const suggestion = expected.verdicts.find((v) => v.criterion === 'achievable')?.patch?.target;
    expect(suggestion).toBeTypeOf('number');

    const page = await signedInAdmin();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Goals' }).click();
    await page.getByRole('link', { name: 'New goal' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('New goal');

    // Create without a title or metric: the server's refusal shows beside the field it names.
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const titleError = page.locator('[data-field-error="title"]');
    await poll(() => titleError.count()).toBe(1);
    expect(await page.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Title').fill(title);
    expect(await titleError.count()).toBe(0);
    await page.getByLabel('Metric').selectOption('revenue');
    await page.getByLabel('For whom').selectOption('org');
    await page.getByLabel('Period start').fill(year.start);
    await page.getByLabel('Period end').fill(year.end);
    await page.getByLabel('Target value').fill(String(impossible / 100));

    const achievable = page.locator('[data-criterion="achievable"]');
    await poll(() => achievable.getAttribute('data-verdict'), 15_000).toBe('fail');
    await poll(async () => plain(await achievable.textContent())).toContain('Unrealistic');
    await poll(async () => plain(await achievable.textContent())).toContain('Suggested target');
    // Status is told by word as well as colour.
    expect(plain(await achievable.locator('.status-badge').textContent())).toContain('Fails');

    await achievable.getByRole('button', { name: 'Use the suggestion' }).click();
    expect(await page.getByLabel('Target value').inputValue()).toBe(String((suggestion ?? 0) / 100));
    await poll(() => achievable.getAttribute('data-verdict'), 15_000).not.toBe('fail');
    const fixed = await admin.post<SmartCheck>('/api/goals/check', { ...draft, target: suggestion });
    const fixedAchievable = fixed.verdicts.find((v) => v.criterion === 'achievable');
    expect(fixedAchievable?.verdict).not.toBe('fail');

    await page.getByRole('button', { name: 'العربية' }).click();
    await poll(() =>
      page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir })),
    ).toEqual({ lang: 'ar', dir: 'rtl' });
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('هدف جديد');
    expect(await page.locator('.smart-coach .criterion-name').allTextContents()).toEqual([
      'محدد',
      'قابل للقياس',
      'قابل للتحقيق',
      'واقعي',
      'محدد بإطار زمني',
    ]);
    const reason = plain(await achievable.locator('.criterion-reason').textContent());
    expect(reason).toBe(plain(fixedAchievable?.reason.ar ?? ''));
    expect(reason).toMatch(/[\u0600-\u06ff]/);
    // The target field keeps its value across the switch.
    expect(await page.getByLabel('القيمة المستهدفة').inputValue()).toBe(String((suggestion ?? 0) / 100));
    await page.screenshot({ path: `${artifactsDir}/goal-form-arabic.png`, fullPage: true });

    await page.getByRole('button', { name: 'إنشاء', exact: true }).click();
    await poll(() => page.getByTestId('goal-title').textContent(), 15_000).toContain(title);
    expect(page.url()).toMatch(/\/goals\/\d+$/);
    await page.screenshot({ path: `${artifactsDir}/goal-form-created.png` });
  });
});

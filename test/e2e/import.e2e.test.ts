import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createFormatter } from '../../web/src/format.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';
import { artifactsDir, type RunningApp, startApp } from './app-server.ts';
import { type Browser, launchBrowser } from './browser.ts';
import { type DemoLogins, e2eNow, loadDemo } from './demo.ts';
import { poll } from './poll.ts';
import { plain } from './text.ts';

const now = e2eNow();
/** Three years back: before the demo's history starts, so the drill-down shows only these deals. */
const year = new Date(now).getUTCFullYear() - 3;

const header = [
  'Deal - Title',
  'Deal - Value',
  'Deal - Currency of value',
  'Deal - Owner',
  'Deal - Stage',
  'Deal - Status',
  'Deal - Deal created',
  'Deal - Won time',
  'Deal - Lost time',
  'Deal - Expected close date',
].join(',');

/** A Pipedrive "Export data > Deals" file; line 4 is a won deal without its won time unless `fixed`. */
function pipedriveExport(reps: [string, string], fixed: boolean): string {
  const [first, second] = reps;
  const rows = [
    `Old CRM Falcon renewal,"25,000",SAR,${first},Negotiations Started,won,${year}-02-03 09:00:00,${year}-03-10 14:00:00,,${year}-03-15`,
    `Old CRM Gulf pilot,8000,SAR,${second},Proposal Made,lost,${year}-02-10 10:00:00,,${year}-03-20 11:00:00,`,
    `Old CRM Palm expansion,"12,500.50",SAR,${first},Negotiations Started,won,${year}-02-20 12:00:00,${fixed ? `${year}-04-02 16:30:00` : ''},,${year}-03-31`,
    `Old CRM Dune upgrade,4000,SAR,${second},Qualified,open,${year}-03-01 08:00:00,,,${year}-06-30`,
  ];
  return `${[header, ...rows].join('\r\n')}\r\n`;
}

describe('importing a Pipedrive export from the upload screen in Chromium', { timeout: 120_000 }, () => {
  let store: TestStore;
  let app: RunningApp;
  let logins: DemoLogins;
  let reps: [string, string];
  let files: string;
  let launching: Promise<Browser> | undefined;
  const browser = () => {
    launching ??= launchBrowser();
    return launching;
  };

  beforeAll(async () => {
    mkdirSync(artifactsDir, { recursive: true });
    files = mkdtempSync(join(tmpdir(), 'hadaf-import-e2e-'));
    store = await freshStore('sqlite');
    logins = await loadDemo(store, now);
    app = await startApp(store, { now: () => now });
    // Two reps a name alone identifies (the demo, like a real org, has namesakes).
    const people = await store.db
      .selectFrom('app_user')
      .select(['name', 'role'])
      .where('org_id', '=', logins.orgId)
      .orderBy('id')
      .execute();
    const unique = people.filter(
      (person) => person.role === 'rep' && people.filter((other) => other.name === person.name).length === 1,
    );
    reps = [unique[0]?.name ?? '', unique[1]?.name ?? ''];
  });

  afterAll(async () => {
    await launching?.then((launched) => launched.close()).catch(() => {});
    await app?.close();
    await store?.drop();
    if (files) rmSync(files, { recursive: true, force: true });
  });

  async function openAs(email: string): Promise<{ page: Page; errors: string[] }> {
    const { context } = await browser();
    await context.clearCookies();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(app.url);
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(logins.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Dashboard');
    return { page, errors };
  }

  const importedDeals = () =>
    store.db
      .selectFrom('deal')
      .select(['name', 'amount', 'status', 'closed_at'])
      .where('org_id', '=', logins.orgId)
      .where('name', 'like', 'Old CRM %')
      .orderBy('name')
      .execute();

  function writeExport(name: string, fixed: boolean): string {
    const path = join(files, name);
    writeFileSync(path, pipedriveExport(reps, fixed));
    return path;
  }

  const countOf = (page: Page, key: string) =>
    page.getByTestId('import-counts').locator(`[data-count="${key}"] dd`).textContent();

  test('a bad row shows in the dry run; the fixed file imports, and its deals are in the drill-down', async () => {
    const { page, errors } = await openAs(logins.admin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Data' }).click();
    await page.getByRole('link', { name: 'Import a CSV file' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Import data');
    expect(new URL(page.url()).pathname).toBe('/data/import');
    expect(await page.getByLabel('The file holds').inputValue()).toBe('deals');

    await page.getByLabel('CSV file').setInputFiles(writeExport('deals-export.csv', false));
    const presetSelect = page.getByLabel('Read as');
    await poll(() => presetSelect.inputValue()).toBe('pipedrive');
    expect(await presetSelect.locator('option:checked').textContent().then(plain)).toBe(
      'Pipedrive (detected)',
    );
    expect(plain(await page.getByTestId('detected-preset').textContent())).toBe(
      'The columns match a Pipedrive export.',
    );
    const preview = page.getByTestId('import-preview');
    // The header, a field picked per column, and the first rows as they are in the file.
    expect(await preview.locator('tbody tr').count()).toBe(4);
    expect(await page.getByLabel(/Field for column .Deal - Won time./).inputValue()).toBe('won_at');
    expect(await page.getByLabel(/Field for column .Deal - Owner./).inputValue()).toBe('owner');
    expect(await preview.locator('tbody tr').nth(2).locator('td').allTextContents()).toEqual([
      '4',
      'Old CRM Palm expansion',
      '12,500.50',
      'SAR',
      reps[0],
      'Negotiations Started',
      'won',
      `${year}-02-20 12:00:00`,
      '',
      '',
      `${year}-03-31`,
    ]);

    await page.getByRole('button', { name: 'Dry run' }).click();
    const outcome = page.getByTestId('import-outcome');
    await poll(() => outcome.textContent().then(plain), 20_000).toBe(
      'Bad rows: 1. Fix them in the file and upload it again, or import only the good rows. Nothing was written.',
    );
    expect(await page.getByTestId('bad-rows').locator('tbody td').allTextContents()).toEqual([
      '4',
      'Deal - Won time',
      '',
      'a won deal needs a close date',
    ]);
    expect(await countOf(page, 'rows')).toBe('4');
    expect(await countOf(page, 'inserted')).toBe('3');
    expect(await countOf(page, 'rejected')).toBe('1');
    await page.screenshot({ path: join(artifactsDir, 'import-dry-run-en.png'), fullPage: true });
    expect(await importedDeals()).toEqual([]);

    // Fixed on disk and chosen again: a new upload, read the same way.
    await page.getByLabel('CSV file').setInputFiles(writeExport('deals-export.csv', true));
    await poll(() => presetSelect.inputValue()).toBe('pipedrive');
    await poll(() => page.getByTestId('import-outcome').count()).toBe(0);
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await poll(() => outcome.textContent().then(plain), 20_000).toBe('Imported.');
    expect(await page.locator('.import-run progress').getAttribute('value')).toBe('1');
    expect(await countOf(page, 'inserted')).toBe('4');
    expect(await countOf(page, 'rejected')).toBe('0');
    expect(await page.getByTestId('bad-rows').count()).toBe(0);
    await page.screenshot({ path: join(artifactsDir, 'import-done-en.png'), fullPage: true });

    // Riyadh is UTC+3: 14:00 local is 11:00 UTC.
    expect(await importedDeals()).toEqual([
      { name: 'Old CRM Dune upgrade', amount: 400000, status: 'open', closed_at: null },
      {
        name: 'Old CRM Falcon renewal',
        amount: 2500000,
        status: 'won',
        closed_at: Date.UTC(year, 2, 10, 11),
      },
      { name: 'Old CRM Gulf pilot', amount: 800000, status: 'lost', closed_at: Date.UTC(year, 2, 20, 8) },
      {
        name: 'Old CRM Palm expansion',
        amount: 1250050,
        status: 'won',
        closed_at: Date.UTC(year, 3, 2, 13, 30),
      },
    ]);

    await page.getByRole('link', { name: 'See the imported deals' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Win rate');
    const facts = page.getByTestId('facts-table');
    await poll(() => facts.getAttribute('data-total'), 15_000).toBe('3');
    const names = await facts.locator('tbody tr td:first-child').allTextContents();
    expect([...names].sort()).toEqual([
      'Old CRM Falcon renewal',
      'Old CRM Gulf pilot',
      'Old CRM Palm expansion',
    ]);
    // won 2 of the 3 closed
    await poll(() => page.getByTestId('drill-total').textContent()).toBe(
      createFormatter('en', 'latn').metric(2 / 3, 'percent', 'SAR'),
    );
    await page.screenshot({ path: join(artifactsDir, 'import-drill-en.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  test('in Arabic the import page is right-to-left, and a re-import changes nothing', async () => {
    const { page, errors } = await openAs(logins.admin);
    await page.getByRole('button', { name: 'العربية' }).click();
    await poll(() =>
      page.evaluate(() => ({ lang: document.documentElement.lang, dir: document.documentElement.dir })),
    ).toEqual({ lang: 'ar', dir: 'rtl' });
    await page
      .getByRole('navigation', { name: 'القائمة الرئيسية' })
      .getByRole('link', { name: 'البيانات' })
      .click();
    await page.getByRole('link', { name: 'استيراد ملف CSV' }).click();
    await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('استيراد البيانات');
    await page.getByLabel('ملف CSV').setInputFiles(writeExport('deals-again.csv', true));
    await poll(() => page.getByLabel('اقرأه كـ').locator('option:checked').textContent().then(plain)).toBe(
      'Pipedrive (تم اكتشافه)',
    );
    expect(await page.getByRole('button', { name: 'تشغيل تجريبي' }).count()).toBe(1);
    await page.getByRole('button', { name: 'تشغيل تجريبي' }).click();
    await poll(() => page.getByTestId('import-outcome').textContent().then(plain), 20_000).toBe(
      'لا صفوف غير صالحة: الملف جاهز للاستيراد. لم يُكتب شيء.',
    );
    // The same four deals again: matched by their key fields, nothing to add.
    expect(await countOf(page, 'inserted')).toBe('0');
    expect(await countOf(page, 'unchanged')).toBe('4');
    expect(await page.getByTestId('import-counts').locator('[data-count="unchanged"] dt').textContent()).toBe(
      'بلا تغيير',
    );
    // Mirrored: the preview's first column (the line number) sits at the right.
    const table = await page.getByTestId('import-preview').boundingBox();
    const lineCell = await page.getByTestId('import-preview').locator('thead th').first().boundingBox();
    expect((lineCell?.x ?? 0) + (lineCell?.width ?? 0)).toBeGreaterThan(
      (table?.x ?? 0) + (table?.width ?? 0) - 2,
    );
    await page.screenshot({ path: join(artifactsDir, 'import-ar.png'), fullPage: true });
    expect((await importedDeals()).length).toBe(4);
    expect(errors).toEqual([]);
    await page.close();
  });
});

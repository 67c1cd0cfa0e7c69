/**
 * Web benchmark (issue 8): the two performance budgets of the web app.
 * - Initial JavaScript, gzipped: what index.html loads before the first
 *   screen (its script and module preloads), against the budget of 300 KB
 *   and beside all the JavaScript the app can load.
 * - The demo org's dashboard in headless Chromium on localhost: from the
 *   start of navigation to the `hadaf:dashboard-ready` mark (goal cards
 *   drawn with their data), against the budget of 1.5 s and beside the
 *   time of its main API call alone.
 *
 *   node bin/run-ts.js bench/web.ts [--runs 7]
 *
 * Builds the app (as `npm run build`), loads the demo (scale 1) into a
 * temporary SQLite file and needs /usr/bin/chromium.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { buildServer } from '../src/server/app.ts';
import { setDemoPasswords } from '../src/services/accounts/demo-passwords.ts';
import { generateDemo } from '../src/services/demo/generate.ts';
import { openStore } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { type BenchRow, median, ms, timeRuns } from './types.ts';

const root = resolve(import.meta.dirname, '..');
const webDir = join(root, 'dist', 'web');
const initialBudgetKb = 300;
const readyBudgetMs = 1500;

export interface WebBenchOptions {
  runs?: number;
  log?: (line: string) => void;
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Gzipped sizes of the JavaScript index.html loads up front, and of every chunk there is. */
export function bundleSizes(dir: string): { initial: number; all: number; initialFiles: string[] } {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const initialFiles = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1] as string);
  const gz = (file: string) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
  const all = readdirSync(join(dir, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .reduce((sum, name) => sum + gz(join('assets', name)), 0);
  return { initial: initialFiles.reduce((sum, file) => sum + gz(file), 0), all, initialFiles };
}

export async function benchWeb(options: WebBenchOptions = {}): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  const runs = options.runs ?? 7;
  log('building the web app...');
  const { build } = await import('vite');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  const sizes = bundleSizes(webDir);
  const rows: BenchRow[] = [
    {
      name: 'initial JavaScript, gzipped',
      figure: kb(sizes.initial),
      target: `≤ ${initialBudgetKb} KB`,
      reference: `${kb(sizes.all)} for every chunk`,
      ratio: `${((sizes.initial / sizes.all) * 100).toFixed(0)}% of it loads first`,
    },
  ];

  const dir = mkdtempSync(join(tmpdir(), 'hadaf-bench-web-'));
  // Ahead of the real date: the session cookie expires a week after the server's clock.
  const now = Date.UTC(new Date().getUTCFullYear() + 1, 4, 20, 9, 0);
  const store = await openStore(join(dir, 'demo.db'));
  const browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
    ],
  });
  const app = await buildServer({ store, webDir, now: () => now, mailer: null });
  try {
    await migrateToLatest(store.db);
    log('loading the demo org...');
    const demo = await generateDemo(store, { seed: 1, scale: 1, now });
    const [adminLogin] = await setDemoPasswords(store.db, demo.org.id, now);
    if (!adminLogin) throw new Error('The demo has no admin.');
    const url = await app.listen({ host: '127.0.0.1', port: 0 });

    const page = await browser.newPage();
    const login = await page.request.post(`${url}/api/auth/login`, {
      data: { email: adminLogin.email, password: adminLogin.password },
    });
    if (!login.ok()) throw new Error(`Sign-in failed: ${login.status()}`);
    const ready: number[] = [];
    // The first load warms the server's caches and the browser's; it is not counted.
    for (let run = 0; run <= runs; run++) {
      await page.goto(`${url}/`, { waitUntil: 'commit' });
      await page.waitForFunction(
        () => performance.getEntriesByName('hadaf:dashboard-ready').length > 0,
        null,
        {
          timeout: 30_000,
        },
      );
      const at = await page.evaluate(
        () => performance.getEntriesByName('hadaf:dashboard-ready')[0]?.startTime,
      );
      if (run > 0 && at !== undefined) ready.push(at);
    }
    const api = await timeRuns(runs, async () => {
      const response = await page.request.get(`${url}/api/dashboard`);
      await response.body();
    });
    const figure = median(ready);
    rows.push({
      name: 'demo org dashboard ready (Chromium, localhost)',
      figure: ms(figure),
      target: `≤ ${readyBudgetMs} ms`,
      reference: `${ms(median(api))} for GET /api/dashboard alone`,
      ratio: `${(figure / median(api)).toFixed(1)}× the main API call`,
    });
    log(`dashboard ready: ${ready.map((v) => v.toFixed(0)).join(', ')} ms`);
    return rows;
  } finally {
    await app.close();
    await browser.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const runsFlag = process.argv.indexOf('--runs');
  const runs = runsFlag >= 0 ? Number(process.argv[runsFlag + 1]) : undefined;
  const rows = await benchWeb({
    ...(runs ? { runs } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    [
      '| benchmark | figure | target | plain reference (same run) | ratio |',
      '|---|---|---|---|---|',
      ...rows.map((r) => `| ${r.name} | ${r.figure} | ${r.target} | ${r.reference} | ${r.ratio} |`),
      '',
    ].join('\n'),
  );
}

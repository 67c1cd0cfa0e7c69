/**
 * `npm run bench [-- --scale N] [-- --only metrics,import]`: every benchmark,
 * each figure beside a plain reference measured in the same run, printed as
 * a table and written to bench/results.md.
 *
 * The data comes from `hadaf demo --scale N` (default 240: about 5M deals and
 * 33M activities), generated once (with its rollups) into bench/data/ and reused.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { generateDemo } from '../src/services/demo/generate.ts';
import { openStore } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { countOrgs } from '../src/store/org-queries.ts';
import { benchCopy } from './copy.ts';
import { benchDashboard } from './dashboard.ts';
import { benchDuckDb } from './duckdb.ts';
import { benchHttp } from './http.ts';
import { benchImport } from './import.ts';
import { benchMetrics } from './metrics.ts';
import { benchPostgres } from './postgres.ts';
import type { BenchRow } from './types.ts';

const root = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const option = (flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
};
const scale = Number(option('--scale') ?? 240);
if (!Number.isInteger(scale) || scale < 1) {
  process.stderr.write(`--scale must be a whole number ≥ 1, not "${option('--scale')}"\n`);
  process.exit(2);
}
const only = option('--only')?.split(',');
const wanted = (name: string) => !only || only.includes(name);
const log = (line: string) => process.stderr.write(`${line}\n`);

/** A fixed clock, so the generated data (and every figure) is the same from run to run. */
const DATA_NOW = Date.parse('2026-11-27T09:00:00Z');

async function benchDatabase(): Promise<string> {
  const dir = join(root, 'bench', 'data');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `demo-scale-${scale}.db`);
  const store = await openStore(file);
  try {
    await migrateToLatest(store.db);
    if ((await countOrgs(store.db)) === 0) {
      log(`generating the demo org at scale ${scale} into ${file} (once)...`);
      let last = 0;
      const demo = await generateDemo(store, {
        seed: 1,
        scale,
        now: DATA_NOW,
        onProgress: ({ table, done, total }) => {
          if (Date.now() - last > 5000) {
            last = Date.now();
            log(`  ${table}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`);
          }
        },
      });
      log(`  ${demo.totalRows.toLocaleString('en')} rows in ${(demo.ms / 1000).toFixed(0)} s`);
      log(`  rollups built in ${(demo.rollupMs / 1000).toFixed(0)} s`);
    }
  } finally {
    await store.close();
  }
  return file;
}

const rows: BenchRow[] = [];
if (wanted('metrics')) {
  const db = await benchDatabase();
  rows.push(...(await benchMetrics({ db, log })));
}
if (wanted('import')) rows.push(...(await benchImport({ log })));
if (wanted('dashboard')) rows.push(...(await benchDashboard({ db: await benchDatabase(), log })));
if (wanted('http')) rows.push(...(await benchHttp({ db: await benchDatabase(), log })));
if (wanted('duckdb')) rows.push(...(await benchDuckDb({ db: await benchDatabase(), log })));
// a demo generated into PostgreSQL: --pg <url> --pg-scale <N>
if (wanted('postgres') && option('--pg'))
  rows.push(
    ...(await benchPostgres({ db: option('--pg') as string, scale: option('--pg-scale') ?? '?', log })),
  );

if (wanted('copy') && option('--pg'))
  rows.push(...(await benchCopy({ db: await benchDatabase(), pg: option('--pg') as string, log })));

const table = [
  '| benchmark | figure | target | plain reference (same run) | ratio |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.figure} | ${r.target} | ${r.reference} | ${r.ratio} |`),
].join('\n');
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const report = [
  '# Benchmark results',
  '',
  `Latest \`npm run bench\` (scale ${scale}), ${new Date().toISOString().slice(0, 10)}, on ${machine}.`,
  'The machine is shared: compare the ratios, which are measured in the same run, more than the absolute times.',
  '',
  table,
  '',
].join('\n');
process.stdout.write(`${table}\n`);
if (!only) writeFileSync(join(root, 'bench', 'results.md'), report);

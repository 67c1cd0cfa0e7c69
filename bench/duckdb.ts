/**
 * DuckDB reference (issue 10): the analytic questions of the metric
 * benchmark answered by DuckDB, an in-process column store, over the same
 * deals and activities, beside Hadaf's answer from its rollups (SQLite), in
 * the same run; the answers are checked equal first.
 *
 * DuckDB reads the SQLite file through its `sqlite` extension, which it
 * downloads on first use: this machine has no network for that, so the
 * rows are loaded into an in-memory DuckDB with its appender instead (read
 * from SQLite by better-sqlite3, only the columns the questions need); the
 * load is timed and reported on its own row. The questions:
 * - revenue, all reps × 12 months;
 * - revenue, one rep, one quarter;
 * - calls per rep, one quarter.
 *
 *   node bin/run-ts.js bench/duckdb.ts --db bench/data/demo-scale-240.db
 */

import {
  BIGINT,
  type DuckDBConnection,
  DuckDBDataChunk,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  VARCHAR,
} from '@duckdb/node-api';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import type { Org } from '../src/core/org.ts';
import {
  addDays,
  dayOf,
  type Period,
  parsePeriod,
  periodBounds,
  periodsInRange,
} from '../src/core/periods/index.ts';
import { type Ctx, systemActor } from '../src/services/context.ts';
import { computeMetric, metricBreakdown, metricSeries } from '../src/services/metrics/index.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { findOrgBySlug, listOrgs } from '../src/store/org-queries.ts';
import { refreshRollups, rollupsUsable } from '../src/store/rollups.ts';
import { type BenchRow, median, ms, runAlone, timeRuns } from './types.ts';

export interface DuckDbBenchOptions {
  db: string;
  org?: string;
  log?: (line: string) => void;
}

/** Rows per appended data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

export async function benchDuckDb(options: DuckDbBenchOptions): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  const store = await openStore(options.db);
  try {
    if (store.dialect !== 'sqlite') throw new Error('The DuckDB reference reads a SQLite bench database.');
    await migrateToLatest(store.db);
    const org = options.org ? await findOrgBySlug(store.db, options.org) : (await listOrgs(store.db))[0];
    if (!org) throw new Error(`No org in ${options.db}: generate one with \`hadaf demo\`.`);
    if (!(await rollupsUsable(store.db, org.id, org.timeZone))) await refreshRollups(store.db, org.id);
    const ctx: Ctx = { db: store.db, dialect: 'sqlite', org, actor: systemActor('bench'), now: Date.now() };

    const instance = await DuckDBInstance.create(':memory:');
    const duck = await instance.connect();
    try {
      const extension = await sqliteExtension(duck);
      log(`duckdb: sqlite extension: ${extension}`);
      const load = await loadFacts(options.db, org.id, duck, log);
      const { quarter, year } = await periodsOf(store, org);
      const rep = await busiestRep(duck, quarter, org);
      const rows: BenchRow[] = [
        {
          name: `DuckDB: load ${load.deals.toLocaleString('en')} deals and ${load.activities.toLocaleString('en')} activities (appender, in memory)`,
          figure: `${(load.ms / 1000).toFixed(1)} s (${Math.round(((load.deals + load.activities) / load.ms) * 1000).toLocaleString('en')} rows/s)`,
          target: 'a reference, not a target',
          reference: `DuckDB's sqlite extension would read the file in place, but it must be downloaded (${extension})`,
          ratio: '–',
        },
      ];
      rows.push(await allRepsByMonth(ctx, duck, year));
      rows.push(await oneRepOneQuarter(ctx, duck, rep, quarter));
      rows.push(await callsByRep(ctx, duck, quarter));
      return rows;
    } finally {
      duck.closeSync();
      instance.closeSync();
    }
  } finally {
    await store.close();
  }
}

async function sqliteExtension(duck: DuckDBConnection): Promise<string> {
  try {
    await duck.run('install sqlite; load sqlite;');
    return 'loaded';
  } catch (error) {
    return `not available: ${(error as Error).message.split('\n')[0]?.split(' at URL')[0]}`;
  }
}

/** The org's deals and activities into DuckDB tables of the columns the questions read. */
async function loadFacts(file: string, orgId: number, duck: DuckDBConnection, log: (line: string) => void) {
  await duck.run('create table deal (owner_id integer, status varchar, amount bigint, closed_at bigint)');
  await duck.run('create table activity (owner_id integer, type varchar, occurred_at bigint)');
  const source = new SQLite(file, { readonly: true });
  const start = performance.now();
  try {
    const deals = await append(
      duck,
      'deal',
      [INTEGER, VARCHAR, BIGINT, BIGINT],
      source
        .prepare('select owner_id, status, amount, closed_at from deal where org_id = ?')
        .raw()
        .iterate(orgId),
    );
    log(
      `duckdb: ${deals.toLocaleString('en')} deals in ${((performance.now() - start) / 1000).toFixed(1)} s`,
    );
    const activities = await append(
      duck,
      'activity',
      [INTEGER, VARCHAR, BIGINT],
      source
        .prepare('select owner_id, type, occurred_at from activity where org_id = ?')
        .raw()
        .iterate(orgId),
    );
    return { deals, activities, ms: performance.now() - start };
  } finally {
    source.close();
  }
}

/** Rows into a DuckDB table through its appender, a data chunk (one DuckDB vector) at a time. */
async function append(
  duck: DuckDBConnection,
  table: string,
  types: DuckDBType[],
  rows: Iterable<unknown>,
): Promise<number> {
  const appender = await duck.createAppender(table);
  const convert = types.map((t) => (t === BIGINT ? (v: unknown) => BigInt(v as number) : (v: unknown) => v));
  let columns: DuckDBValue[][] = types.map(() => []);
  let count = 0;
  const flush = () => {
    const chunk = DuckDBDataChunk.create(types, columns[0]?.length ?? 0);
    chunk.setColumns(columns);
    appender.appendDataChunk(chunk);
    columns = types.map(() => []);
  };
  for (const row of rows as Iterable<unknown[]>) {
    for (let i = 0; i < types.length; i++) {
      const v = row[i];
      (columns[i] as DuckDBValue[]).push(
        v === null ? null : ((convert[i] as (v: unknown) => unknown)(v) as DuckDBValue),
      );
    }
    if (++count % CHUNK_ROWS === 0) flush();
  }
  if ((columns[0]?.length ?? 0) > 0) flush();
  appender.closeSync();
  return count;
}

async function rowsOf(duck: DuckDBConnection, text: string) {
  return (await duck.runAndReadAll(text)).getRowObjectsJS();
}

/** Median of warm runs in DuckDB (the first run is left out, as for Hadaf). */
async function duckTime(duck: DuckDBConnection, text: string, times = 10) {
  await duck.runAndReadAll(text);
  return median(await timeRuns(times, () => duck.runAndReadAll(text)));
}

const versus = (hadaf: number, duck: number) =>
  hadaf <= duck
    ? `Hadaf ${(duck / hadaf).toFixed(1)}× faster than DuckDB`
    : `Hadaf ${(hadaf / duck).toFixed(1)}× slower than DuckDB`;

function sameOrThrow(what: string, ours: unknown, theirs: unknown) {
  if (JSON.stringify(ours) !== JSON.stringify(theirs))
    throw new Error(
      `${what}: Hadaf says ${JSON.stringify(ours).slice(0, 300)}, DuckDB ${JSON.stringify(theirs).slice(0, 300)}`,
    );
}

async function allRepsByMonth(ctx: Ctx, duck: DuckDBConnection, year: Period): Promise<BenchRow> {
  const input = {
    metric: 'revenue',
    grain: 'month' as const,
    range: { start: year.start, end: year.end },
    by: 'rep' as const,
  };
  const months = periodsInRange('month', year, ctx.org).map((p) => periodBounds(p, ctx.org.timeZone));
  const values = months.map((m, i) => `(${i}, ${m.startMs}, ${m.endMs})`).join(', ');
  const query = `
    select d.owner_id as owner, m.i as month, sum(d.amount) as v
    from deal d join (values ${values}) m(i, s, e) on d.closed_at >= m.s and d.closed_at < m.e
    where d.status = 'won' group by 1, 2`;
  const ours = await metricSeries({ ctx, input });
  const fromUs: Array<[string, number]> = [];
  for (const s of ours.series ?? []) {
    s.points.forEach((p, m) => {
      if (p.value) fromUs.push([`${s.key}:${m}`, p.value]);
    });
  }
  const fromDuck = (await rowsOf(duck, query))
    .map((r): [string, number] => [`${r.owner}:${r.month}`, Number(r.v)])
    .filter(([, v]) => v !== 0);
  sameOrThrow('revenue per rep per month', fromUs.sort(), fromDuck.sort());
  const figure = median(await timeRuns(10, () => metricSeries({ ctx, input })));
  const reference = await duckTime(duck, query);
  return {
    name: `revenue, all reps × 12 months (${ours.series?.length ?? 0} reps): Hadaf vs DuckDB`,
    figure: `Hadaf ${ms(figure)}`,
    target: 'a reference, not a target',
    reference: `DuckDB in memory: ${ms(reference)}`,
    ratio: versus(figure, reference),
  };
}

async function oneRepOneQuarter(ctx: Ctx, duck: DuckDBConnection, rep: number, quarter: Period) {
  const input = { metric: 'revenue', scope: { type: 'rep' as const, id: rep }, period: quarter.label };
  const { startMs, endMs } = periodBounds(quarter, ctx.org.timeZone);
  const query = `select coalesce(sum(amount), 0) as v from deal
    where owner_id = ${rep} and status = 'won' and closed_at >= ${startMs} and closed_at < ${endMs}`;
  const ours = await computeMetric({ ctx, input });
  sameOrThrow('revenue of one rep', ours.value, Number((await rowsOf(duck, query))[0]?.v));
  const figure = median(await timeRuns(30, () => computeMetric({ ctx, input })));
  const reference = await duckTime(duck, query, 30);
  return {
    name: `revenue, one rep, one quarter (${quarter.label}): Hadaf vs DuckDB`,
    figure: `Hadaf ${ms(figure)}`,
    target: 'a reference, not a target',
    reference: `DuckDB in memory: ${ms(reference)}`,
    ratio: versus(figure, reference),
  };
}

async function callsByRep(ctx: Ctx, duck: DuckDBConnection, quarter: Period): Promise<BenchRow> {
  const input = { metric: 'calls', period: quarter.label, by: 'rep' as const };
  const { startMs, endMs } = periodBounds(quarter, ctx.org.timeZone);
  const query = `select owner_id as owner, count(*) as v from activity
    where type = 'call' and occurred_at >= ${startMs} and occurred_at < ${endMs} group by owner_id`;
  const ours = await metricBreakdown({ ctx, input });
  const fromDuck = await rowsOf(duck, query);
  sameOrThrow(
    'calls in the quarter',
    ours.total.value,
    fromDuck.reduce((sum, r) => sum + Number(r.v), 0),
  );
  const figure = median(await timeRuns(10, () => metricBreakdown({ ctx, input })));
  const reference = await duckTime(duck, query);
  return {
    name: `calls per rep, one quarter (${ours.rows.length} reps): Hadaf vs DuckDB`,
    figure: `Hadaf ${ms(figure)}`,
    target: 'a reference, not a target',
    reference: `DuckDB in memory: ${ms(reference)}`,
    ratio: versus(figure, reference),
  };
}

/** The last whole quarter with won deals and the 12 months ending with it (as bench/metrics.ts picks them). */
async function periodsOf(store: Store, org: Org): Promise<{ quarter: Period; year: Period }> {
  const { rows } = await sql<{ last: number | null }>`
    select max(closed_at) as last from deal where org_id = ${org.id} and status = 'won'`.execute(store.db);
  const last = rows[0]?.last;
  if (last == null) throw new Error('The org has no won deals to measure.');
  const quarterOf = (day: string) =>
    parsePeriod(`${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`, org);
  const lastDay = dayOf(Number(last), org.timeZone);
  const current = quarterOf(lastDay);
  const quarter = lastDay === current.end ? current : quarterOf(addDays(current.start, -1));
  const yearStart = addDays(quarter.end, 1).replace(/^(\d{4})/, (y) =>
    String(Number(y) - 1).padStart(4, '0'),
  );
  return { quarter, year: parsePeriod(`${yearStart}..${quarter.end}`, org) };
}

/** The rep with the most won deals in the quarter. */
async function busiestRep(duck: DuckDBConnection, quarter: Period, org: Org): Promise<number> {
  const { startMs, endMs } = periodBounds(quarter, org.timeZone);
  const [row] = await rowsOf(
    duck,
    `select owner_id as owner from deal where status = 'won' and owner_id is not null
       and closed_at >= ${startMs} and closed_at < ${endMs} group by owner_id order by count(*) desc, owner_id limit 1`,
  );
  if (row?.owner == null) throw new Error(`No rep won a deal in ${quarter.label}.`);
  return Number(row.owner);
}

await runAlone(import.meta.url, 'bench/duckdb.ts --db <sqlite file> [--org slug]', ({ db, option, log }) =>
  benchDuckDb({ db, org: option('--org'), log }),
);

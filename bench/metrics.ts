/**
 * Metric benchmark (issue 3, SPEC §7): on a big generated org in SQLite,
 * - one metric for one rep and one quarter (target ≤ 20 ms warm),
 * - one metric for all reps × 12 months, a win rate per team over a year,
 *   and activity counts per rep over a quarter (target ≥ 10× the scan),
 * each beside the same answer from a plain full-scan SQL query (the facts
 * table read with NOT INDEXED) in the same run; the answers are checked
 * to be equal before anything is printed. Each figure is the median of
 * warm calls, with the first call on a new connection beside it. Also: how
 * long refreshing the rollups of one day takes after a write, against a
 * full rebuild.
 *
 *   node bin/run-ts.js bench/metrics.ts --db bench/data/big.db [--org <slug>]
 *
 * The database must exist (e.g. `hadaf demo --scale 250 --db ...`); its
 * rollups are built first when they are missing.
 */

import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import {
  addDays,
  dayOf,
  type Period,
  parsePeriod,
  periodBounds,
  periodsInRange,
} from '../src/core/periods/index.ts';
import { type Ctx, systemActor } from '../src/services/context.ts';
import { createFact } from '../src/services/facts/create.ts';
import { deleteFact } from '../src/services/facts/delete.ts';
import { computeMetric, metricBreakdown, metricSeries } from '../src/services/metrics/index.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { findOrgBySlug, listOrgs } from '../src/store/org-queries.ts';
import { refreshRollups, rollupsUsable } from '../src/store/rollups.ts';
import { type BenchRow, median, ms, timeRuns } from './types.ts';

/**
 * A warm figure: three untimed calls first (the JIT compiles the hot path and
 * the first collections pass), then the median of `times` timed calls. The
 * cold figure beside it is the first call on a new connection.
 */
async function warm(times: number, work: () => unknown): Promise<number> {
  await timeRuns(3, work);
  return median(await timeRuns(times, work));
}

export interface MetricBenchOptions {
  db: string;
  org?: string;
  log?: (line: string) => void;
}

const faster = (reference: number, figure: number) =>
  `${(reference / figure).toFixed(1)}× faster than the scan`;

export async function benchMetrics(options: MetricBenchOptions): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  const store = await openStore(options.db);
  try {
    if (store.dialect !== 'sqlite')
      throw new Error('The metric benchmark measures SQLite (the embedded database).');
    await migrateToLatest(store.db);
    const org = options.org ? await findOrgBySlug(store.db, options.org) : (await listOrgs(store.db))[0];
    if (!org)
      throw new Error(`No org ${options.org ?? ''} in ${options.db}: generate one with \`hadaf demo\`.`);
    const ctx: Ctx = { db: store.db, dialect: 'sqlite', org, actor: systemActor('bench'), now: Date.now() };
    const rows: BenchRow[] = [];

    const counts = await sql<{ deals: number; activities: number; leads: number }>`
      select (select count(*) from deal where org_id = ${org.id}) as deals,
             (select count(*) from activity where org_id = ${org.id}) as activities,
             (select count(*) from lead where org_id = ${org.id}) as leads`.execute(store.db);
    const { deals, activities, leads } = counts.rows[0] ?? { deals: 0, activities: 0, leads: 0 };
    log(
      `${org.name}: ${Number(deals).toLocaleString('en')} deals, ${Number(activities).toLocaleString('en')} activities, ${Number(leads).toLocaleString('en')} leads`,
    );

    let fullBuildMs: number | null = null;
    if (!(await rollupsUsable(store.db, org.id, org.timeZone))) {
      log('building the rollups (first run on this database)...');
      const start = performance.now();
      await refreshRollups(store.db, org.id);
      fullBuildMs = performance.now() - start;
      rows.push({
        name: `rollups: full build (${Number(deals).toLocaleString('en')} deals, ${Number(activities).toLocaleString('en')} activities)`,
        figure: ms(fullBuildMs),
        target: 'once, after a bulk load',
        reference: '–',
        ratio: '–',
      });
    }

    const { quarter, year } = await periodsOf(store, ctx);
    const rep = await busiestRep(store, org.id, quarter, org.timeZone);
    log(`rep #${rep} over ${quarter.label}; year ${year.label}`);

    const cold = coldCall(options.db, ctx);
    rows.push(await oneRepOneQuarter(store, ctx, rep, quarter, cold));
    rows.push(await teamRepsByMonth(store, ctx, rep, year, cold));
    rows.push(await allRepsByMonth(store, ctx, year, cold));
    rows.push(await winRateByTeam(store, ctx, year, cold));
    rows.push(await callsByRep(store, ctx, quarter, cold));
    rows.push(await refreshOneDay(store, ctx, quarter, fullBuildMs));
    rows.push(...(await writeOneDeal(store, ctx, rep, quarter)));
    return rows;
  } finally {
    await store.close();
  }
}

/** The last whole quarter with deals, and the 12 months that end with it. */
async function periodsOf(store: Store, ctx: Ctx): Promise<{ quarter: Period; year: Period }> {
  const { rows } = await sql<{ last: number | null }>`
    select max(closed_at) as last from deal where org_id = ${ctx.org.id} and status = 'won'`.execute(
    store.db,
  );
  const last = rows[0]?.last;
  if (last == null) throw new Error('The org has no won deals to measure.');
  const lastDay = dayOf(Number(last), ctx.org.timeZone);
  const current = parsePeriod(
    `${lastDay.slice(0, 4)}-Q${Math.floor((Number(lastDay.slice(5, 7)) - 1) / 3) + 1}`,
    ctx.org,
  );
  const quarter =
    lastDay === current.end
      ? current
      : parsePeriod(
          `${addDays(current.start, -1).slice(0, 4)}-Q${Math.floor((Number(addDays(current.start, -1).slice(5, 7)) - 1) / 3) + 1}`,
          ctx.org,
        );
  const yearStart = addDays(quarter.end, 1).replace(/^(\d{4})/, (y) =>
    String(Number(y) - 1).padStart(4, '0'),
  );
  return { quarter, year: parsePeriod(`${yearStart}..${quarter.end}`, ctx.org) };
}

async function busiestRep(store: Store, orgId: number, quarter: Period, timeZone: string): Promise<number> {
  const { startMs, endMs } = periodBounds(quarter, timeZone);
  const { rows } = await sql<{ owner_id: number }>`
    select owner_id from deal where org_id = ${orgId} and status = 'won'
      and closed_at >= ${startMs} and closed_at < ${endMs} and owner_id is not null
    group by owner_id order by count(*) desc limit 1`.execute(store.db);
  const rep = rows[0]?.owner_id;
  if (rep == null) throw new Error(`No rep won a deal in ${quarter.label}.`);
  return Number(rep);
}

/**
 * How long a question takes as the first call on a new connection: SQLite's
 * page cache and prepared statements empty (the operating system's file
 * cache stays as warm as the rest of the run leaves it).
 */
type ColdCall = (work: (ctx: Ctx) => Promise<unknown>) => Promise<number>;
const coldCall =
  (db: string, ctx: Ctx): ColdCall =>
  async (work) => {
    const fresh = await openStore(db);
    try {
      const start = performance.now();
      await work({ ...ctx, db: fresh.db });
      return performance.now() - start;
    } finally {
      await fresh.close();
    }
  };

const warmAndCold = (warm: number, cold: number) => `${ms(warm)} warm (first call: ${ms(cold)})`;

function sameOrThrow(what: string, ours: unknown, scan: unknown) {
  if (JSON.stringify(ours) !== JSON.stringify(scan)) {
    throw new Error(
      `${what}: the metric engine says ${JSON.stringify(ours)}, the scan ${JSON.stringify(scan)}.`,
    );
  }
}

async function oneRepOneQuarter(
  store: Store,
  ctx: Ctx,
  rep: number,
  quarter: Period,
  cold: ColdCall,
): Promise<BenchRow> {
  const input = { metric: 'revenue', scope: { type: 'rep' as const, id: rep }, period: quarter.label };
  const { startMs, endMs } = periodBounds(quarter, ctx.org.timeZone);
  const scan = () =>
    sql<{ v: number | null }>`select sum(amount) as v from deal not indexed
      where org_id = ${ctx.org.id} and owner_id = ${rep} and status = 'won'
        and closed_at >= ${startMs} and closed_at < ${endMs}`.execute(store.db);
  const first = await cold((c) => computeMetric({ ctx: c, input }));
  const ours = await computeMetric({ ctx, input });
  sameOrThrow('revenue of one rep', ours.value, Number((await scan()).rows[0]?.v ?? 0));
  if (ours.source !== 'rollup') throw new Error('The rollups did not answer.');
  const figure = await warm(30, () => computeMetric({ ctx, input }));
  const reference = median(await timeRuns(3, scan));
  return {
    name: `revenue, one rep, one quarter (${quarter.label})`,
    figure: warmAndCold(figure, first),
    target: '≤ 20 ms warm, ≥ 10× the scan',
    reference: `${ms(reference)} full scan`,
    ratio: faster(reference, figure),
  };
}

/** A CASE of half-open instant bounds, as one would write the scan by hand. */
function bucketCase(column: string, bounds: ReadonlyArray<{ startMs: number; endMs: number }>) {
  return sql.join(
    [
      sql`case`,
      ...bounds.map((b, i) => sql`when ${sql.ref(column)} < ${sql.lit(b.endMs)} then ${sql.lit(i)}`),
      sql`end`,
    ],
    sql` `,
  );
}

/** The batch form a team leaderboard trend needs: every rep of one team × 12 months, in one evaluation. */
async function teamRepsByMonth(
  store: Store,
  ctx: Ctx,
  rep: number,
  year: Period,
  cold: ColdCall,
): Promise<BenchRow> {
  const team = await store.db
    .selectFrom('app_user')
    .select('team_id')
    .where('id', '=', rep)
    .executeTakeFirstOrThrow();
  if (team.team_id === null) throw new Error(`Rep #${rep} has no team.`);
  const teamIds = (
    await sql<{ id: number }>`select t.id from team t join team r on t.path like r.path || '%'
      where r.id = ${team.team_id}`.execute(store.db)
  ).rows.map((r) => Number(r.id));
  const input = {
    metric: 'revenue',
    grain: 'month' as const,
    range: { start: year.start, end: year.end },
    by: 'rep' as const,
    scope: { type: 'team' as const, id: team.team_id },
  };
  const months = periodsInRange('month', year, ctx.org).map((p) => periodBounds(p, ctx.org.timeZone));
  const scan = () =>
    sql<{ owner_id: number | null; m: number; v: number }>`
      select owner_id, ${bucketCase('closed_at', months)} as m, sum(amount) as v from deal not indexed
      where org_id = ${ctx.org.id} and status = 'won' and team_id in (${sql.join(teamIds)})
        and closed_at >= ${(months[0] as { startMs: number }).startMs}
        and closed_at < ${(months.at(-1) as { endMs: number }).endMs}
      group by 1, 2`.execute(store.db);
  const first = await cold((c) => metricSeries({ ctx: c, input }));
  const ours = await metricSeries({ ctx, input });
  const total = (await scan()).rows.reduce((sum, r) => sum + Number(r.v), 0);
  sameOrThrow(
    "revenue of the team's reps over 12 months",
    ours.points.reduce((s, p) => s + (p.value ?? 0), 0),
    total,
  );
  const figure = await warm(20, () => metricSeries({ ctx, input }));
  const reference = median(await timeRuns(3, scan));
  return {
    name: `revenue, reps of one team × 12 months (${ours.series?.length ?? 0} reps)`,
    figure: warmAndCold(figure, first),
    target: '≥ 10× the scan',
    reference: `${ms(reference)} full scan`,
    ratio: faster(reference, figure),
  };
}

async function allRepsByMonth(store: Store, ctx: Ctx, year: Period, cold: ColdCall): Promise<BenchRow> {
  const input = {
    metric: 'revenue',
    grain: 'month' as const,
    range: { start: year.start, end: year.end },
    by: 'rep' as const,
  };
  const months = periodsInRange('month', year, ctx.org).map((p) => periodBounds(p, ctx.org.timeZone));
  const { startMs } = months[0] as { startMs: number };
  const { endMs } = months.at(-1) as { endMs: number };
  const scan = () =>
    sql<{ owner_id: number | null; m: number; v: number }>`
      select owner_id, ${bucketCase('closed_at', months)} as m, sum(amount) as v from deal not indexed
      where org_id = ${ctx.org.id} and status = 'won' and closed_at >= ${startMs} and closed_at < ${endMs}
      group by 1, 2`.execute(store.db);
  const first = await cold((c) => metricSeries({ ctx: c, input }));
  const ours = await metricSeries({ ctx, input });
  const fromScan = new Map<string, number>();
  for (const r of (await scan()).rows) fromScan.set(`${r.owner_id}:${r.m}`, Number(r.v));
  const fromUs = new Map<string, number>();
  for (const s of ours.series ?? []) {
    s.points.forEach((p, m) => {
      if (p.value) fromUs.set(`${s.key}:${m}`, p.value);
    });
  }
  sameOrThrow(
    'revenue per rep per month',
    [...fromUs].sort(),
    [...fromScan].filter(([, v]) => v !== 0).sort(),
  );
  const figure = await warm(10, () => metricSeries({ ctx, input }));
  const reference = median(await timeRuns(3, scan));
  return {
    name: `revenue, all reps × 12 months (${ours.series?.length ?? 0} reps)`,
    figure: warmAndCold(figure, first),
    target: '≥ 10× the scan',
    reference: `${ms(reference)} full scan`,
    ratio: faster(reference, figure),
  };
}

async function winRateByTeam(store: Store, ctx: Ctx, year: Period, cold: ColdCall): Promise<BenchRow> {
  const input = { metric: 'win_rate', period: { start: year.start, end: year.end }, by: 'team' as const };
  const { startMs, endMs } = periodBounds(year, ctx.org.timeZone);
  const scan = () =>
    sql<{ won: number; lost: number }>`
      select team_id, sum(case when status = 'won' then 1 else 0 end) as won,
        sum(case when status = 'lost' then 1 else 0 end) as lost
      from deal not indexed
      where org_id = ${ctx.org.id} and status in ('won', 'lost') and closed_at >= ${startMs} and closed_at < ${endMs}
      group by team_id`.execute(store.db);
  const first = await cold((c) => metricBreakdown({ ctx: c, input }));
  const ours = await metricBreakdown({ ctx, input });
  const scanned = (await scan()).rows.reduce(
    (sum, r) => ({ won: sum.won + Number(r.won), lost: sum.lost + Number(r.lost) }),
    { won: 0, lost: 0 },
  );
  sameOrThrow(
    'won and lost deals over the teams',
    [ours.total.parts.deals_won, ours.total.parts.deals_lost],
    [scanned.won, scanned.lost],
  );
  const figure = await warm(10, () => metricBreakdown({ ctx, input }));
  const reference = median(await timeRuns(3, scan));
  return {
    name: `win rate per team, 12 months (${ours.rows.length} teams)`,
    figure: warmAndCold(figure, first),
    target: '≥ 10× the scan',
    reference: `${ms(reference)} full scan`,
    ratio: faster(reference, figure),
  };
}

async function callsByRep(store: Store, ctx: Ctx, quarter: Period, cold: ColdCall): Promise<BenchRow> {
  const input = { metric: 'calls', period: quarter.label, by: 'rep' as const };
  const { startMs, endMs } = periodBounds(quarter, ctx.org.timeZone);
  const scan = () =>
    sql<{ owner_id: number | null; v: number }>`
      select owner_id, count(*) as v from activity not indexed
      where org_id = ${ctx.org.id} and type = 'call' and occurred_at >= ${startMs} and occurred_at < ${endMs}
      group by owner_id`.execute(store.db);
  const first = await cold((c) => metricBreakdown({ ctx: c, input }));
  const ours = await metricBreakdown({ ctx, input });
  const scanned = (await scan()).rows.reduce((sum, r) => sum + Number(r.v), 0);
  sameOrThrow('calls in the quarter', ours.total.value, scanned);
  const figure = await warm(10, () => metricBreakdown({ ctx, input }));
  const reference = median(await timeRuns(3, scan));
  return {
    name: `calls per rep, one quarter (${ours.rows.length} reps)`,
    figure: warmAndCold(figure, first),
    target: '≥ 10× the scan',
    reference: `${ms(reference)} full scan of activities`,
    ratio: faster(reference, figure),
  };
}

async function refreshOneDay(
  store: Store,
  ctx: Ctx,
  quarter: Period,
  fullBuildMs: number | null,
): Promise<BenchRow> {
  const day = periodBounds({ start: quarter.end, end: quarter.end }, ctx.org.timeZone);
  const figure = median(
    await timeRuns(5, () =>
      refreshRollups(store.db, ctx.org.id, { fromMs: day.startMs, toMs: day.endMs - 1 }),
    ),
  );
  return {
    name: `rollups: refresh one day of every source (${quarter.end})`,
    figure: ms(figure),
    target: 'well under a second',
    reference: fullBuildMs === null ? '–' : `${ms(fullBuildMs)} full build`,
    ratio: fullBuildMs === null ? '–' : `${(fullBuildMs / figure).toFixed(0)}× less than a rebuild`,
  };
}

/**
 * What a user waits for when writing a deal (the service verb, as the API
 * calls it): a deal won on the quarter's last day, created 59 days before,
 * then deleted; each refreshes the deal rollups of the two days it touches
 * in the same transaction. The reference is the same row inserted and
 * deleted by plain SQL with nothing else (rolled back).
 */
async function writeOneDeal(store: Store, ctx: Ctx, rep: number, quarter: Period): Promise<BenchRow[]> {
  const closedAt = periodBounds({ start: quarter.end, end: quarter.end }, ctx.org.timeZone).startMs + 36e6;
  const body = {
    ownerId: rep,
    amount: 12_345,
    status: 'won',
    createdAt: closedAt - 59 * 86_400_000,
    closedAt,
  };
  const created: number[] = [];
  const deleted: number[] = [];
  for (let run = 0; run < 3; run++) {
    let started = performance.now();
    const deal = await createFact({ ctx, input: { entity: 'deals', body } });
    created.push(performance.now() - started);
    started = performance.now();
    await deleteFact({ ctx, input: { entity: 'deals', id: deal.id as number } });
    deleted.push(performance.now() - started);
  }
  // The same row's insert and delete by plain SQL, rolled back (a failing statement fails the bench).
  const rollback = new Error('rollback');
  const plain = () =>
    store.db
      .transaction()
      .execute(async (tx) => {
        const { rows } = await sql<{ id: number }>`
          insert into deal (org_id, owner_id, amount, currency, stage, status, created_at, closed_at)
          values (${ctx.org.id}, ${rep}, ${body.amount}, ${ctx.org.currency}, 'won', 'won', ${body.createdAt}, ${closedAt})
          returning id`.execute(tx);
        const deleted = await sql`delete from deal where id = ${rows[0]?.id}`.execute(tx);
        if (Number(deleted.numAffectedRows) !== 1) throw new Error('the plain delete found no deal');
        throw rollback;
      })
      .catch((error: unknown) => {
        if (error !== rollback) throw error;
      });
  const reference = median(await timeRuns(3, plain));
  const row = (what: string, times: number[]): BenchRow => ({
    name: `${what} a deal through the service (won ${quarter.end}, created 59 days before)`,
    figure: ms(median(times)),
    target: 'well under a second',
    reference: `${ms(reference)} the insert and delete alone, plain SQL`,
    ratio: `${(median(times) / reference).toFixed(0)}× the plain statements`,
  });
  return [row('create', created), row('delete', deleted)];
}

const main = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (main) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const db = value('--db');
  if (!db) {
    process.stderr.write('usage: node bin/run-ts.js bench/metrics.ts --db <sqlite file> [--org <slug>]\n');
    process.exit(2);
  }
  const org = value('--org');
  const rows = await benchMetrics({
    db,
    ...(org ? { org } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  console.table(rows);
}

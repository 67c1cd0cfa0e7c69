/**
 * Dashboard benchmark (issue 10): the dashboard of one team with 50 live
 * goals, as its manager sees it, on a big generated org (SQLite or
 * PostgreSQL), p50 and p95:
 * - cold: a new connection (empty database page cache and statement
 *   cache) and an empty dashboard cache, after one unmeasured call that
 *   compiles the code (as in a server that has served anything); the OS
 *   file cache stays warm (it cannot be dropped on a shared machine);
 * - warm, uncached: the same connection, the dashboard cache emptied before
 *   each call (what the first reader after a write waits for);
 * - warm, cached: repeated calls, nothing written in between (a data-version
 *   check, then the progress of the moment);
 * each beside the same 50 actuals from plain full-scan SQL in the same run
 * (checked equal first). It also logs the queries of one uncached dashboard
 * and what a cold one pays on top of a warm one: on SQLite, the statements
 * prepared (timed at the driver) and the first reads of a new connection;
 * on PostgreSQL, the connections opened (none: a dashboard reads on one) and
 * the new server process's first use of its catalogs.
 *
 *   node bin/run-ts.js bench/dashboard.ts --db bench/data/demo-scale-240.db
 *
 * The team: the sub-team with the most active goals (lowest id first),
 * topped up to 50 with team goals made through the goal service, once
 * (they are found again by title on the next run).
 */

import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import type { Org } from '../src/core/org.ts';
import { addDays, dayOf, periodBounds } from '../src/core/periods/index.ts';
import { actorOf } from '../src/services/accounts/sessions.ts';
import { type Ctx, systemActor } from '../src/services/context.ts';
import { createGoal } from '../src/services/goals/create.ts';
import { clearDashboardCache } from '../src/services/tracking/dashboard-cache.ts';
import { type Dashboard, dashboard } from '../src/services/tracking/progress.ts';
import { findMember } from '../src/store/account-queries.ts';
import { openStore, type Store } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { findOrgBySlug, listOrgs } from '../src/store/org-queries.ts';
import { type BenchRow, median, ms, percentile, runAlone, timeRuns } from './types.ts';

export const GOALS = 50;
const TARGET_MS = 100;
const COLD_RUNS = 15;
const WARM_RUNS = 30;
/** The demo data's "today" (bench/run.ts generates it with this clock). */
export const DATA_NOW = Date.parse('2026-11-27T09:00:00Z');
const BENCH_TITLE = 'Bench goal';
/** Metrics the plain-SQL reference knows how to count. */
const TOP_UP_METRICS = ['deals_won', 'revenue', 'calls', 'emails', 'meetings', 'demos_booked'] as const;

export interface DashboardBenchOptions {
  db: string;
  org?: string;
  /** Printed in the row names, e.g. 'PostgreSQL'. */
  label?: string;
  log?: (line: string) => void;
}

export interface BenchTeam {
  org: Org;
  teamId: number;
  managerId: number;
}

/** The bench team (topped up to 50 goals once) and its manager. */
export async function benchTeam(store: Store, orgSlug: string | undefined, now: number): Promise<BenchTeam> {
  const org = orgSlug ? await findOrgBySlug(store.db, orgSlug) : (await listOrgs(store.db))[0];
  if (!org) throw new Error('No org in the database: generate one with `hadaf demo`.');
  // Goals counted per team once (a subquery per team scanned the org's users for each of 1,200 teams at scale 240).
  const counts = await sql<{ id: number; manager_id: number | null; goals: number }>`
    with rep_goals as (
      select u.team_id, count(*) as n from goal g join app_user u on u.id = g.scope_id
      where g.org_id = ${org.id} and g.status = 'active' and g.scope_type = 'rep' group by u.team_id
    ), team_goals as (
      select g.scope_id as team_id, count(*) as n from goal g
      where g.org_id = ${org.id} and g.status = 'active' and g.scope_type = 'team' group by g.scope_id
    )
    select t.id, t.manager_id, coalesce(r.n, 0) + coalesce(g.n, 0) as goals
    from team t
      left join rep_goals r on r.team_id = t.id
      left join team_goals g on g.team_id = t.id
    where t.org_id = ${org.id} and t.manager_id is not null
      and not exists (select 1 from team c where c.parent_id = t.id)
    order by goals desc, t.id limit 1`.execute(store.db);
  const team = counts.rows[0];
  if (!team || team.manager_id === null) throw new Error('No team with a manager to benchmark.');
  const have = Number(team.goals);
  if (have < GOALS) {
    const system: Ctx = { db: store.db, dialect: store.dialect, org, actor: systemActor('bench'), now };
    const today = dayOf(now, org.timeZone);
    const quarterStart = `${today.slice(0, 5)}${String(Math.floor((Number(today.slice(5, 7)) - 1) / 3) * 3 + 1).padStart(2, '0')}-01`;
    const quarterEnd = addDays(
      `${quarterStart.slice(0, 5)}${String(Number(quarterStart.slice(5, 7)) + 2).padStart(2, '0')}-01`,
      0,
    );
    const end = lastDayOfMonth(quarterEnd);
    for (let i = have; i < GOALS; i++) {
      const metric = TOP_UP_METRICS[i % TOP_UP_METRICS.length] as string;
      await createGoal({
        ctx: system,
        input: {
          title: `${BENCH_TITLE} ${i + 1}: ${metric}`,
          metric,
          scope: { type: 'team', id: Number(team.id) },
          target: metric === 'revenue' ? 100_000_000 : 500 + i,
          period: { start: quarterStart, end },
          status: 'active',
        },
      });
    }
  }
  return { org, teamId: Number(team.id), managerId: Number(team.manager_id) };
}

function lastDayOfMonth(firstDay: string): string {
  const [y, m] = [Number(firstDay.slice(0, 4)), Number(firstDay.slice(5, 7))];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return addDays(next, -1);
}

export async function benchDashboard(options: DashboardBenchOptions): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  const label = options.label ? `, ${options.label}` : '';
  const now = DATA_NOW;
  const setup = await openStore(options.db);
  let team: BenchTeam;
  try {
    await migrateToLatest(setup.db);
    team = await benchTeam(setup, options.org, now);
  } finally {
    await setup.close();
  }
  const scope = { scope: `team:${team.teamId}` };

  const ctxOf = async (store: Store): Promise<Ctx> => {
    const manager = await findMember(store.db, team.org.id, team.managerId);
    if (!manager) throw new Error(`No manager #${team.managerId}.`);
    return { db: store.db, dialect: store.dialect, org: team.org, actor: actorOf(manager), now };
  };

  // cold: a new connection per call (after one unmeasured call, so that the code is compiled, as in a running server)
  const cold: number[] = [];
  const firstUse = { prepareMs: [] as number[], statements: [] as number[], connections: [] as number[] };
  let first: Dashboard | undefined;
  const meter = firstUseMeter();
  try {
    for (let i = -1; i < COLD_RUNS; i++) {
      const store = await openStore(options.db);
      try {
        const ctx = await ctxOf(store);
        meter.reset();
        const start = performance.now();
        first = await dashboard({ ctx, input: scope });
        if (i < 0) continue;
        cold.push(performance.now() - start);
        firstUse.prepareMs.push(meter.prepareMs);
        firstUse.statements.push(meter.statements);
        firstUse.connections.push(meter.connections);
      } finally {
        await store.close();
      }
    }
  } finally {
    meter.stop();
  }
  if (!first) throw new Error('no dashboard');
  log(
    `team #${team.teamId}: ${first.goals.length} goals; cold ${cold.map((c) => c.toFixed(0)).join(', ')} ms`,
  );
  if (first.goals.length !== GOALS)
    throw new Error(`The bench team shows ${first.goals.length} goals, not ${GOALS}.`);

  const store = await openStore(options.db);
  try {
    const ctx = await ctxOf(store);
    const scan = () => scanActuals(store, ctx, first as Dashboard);
    const scanned = await scan();
    for (const { goal, progress } of first.goals) {
      const expected = scanned.get(goal.id);
      if (expected !== progress.actual) {
        throw new Error(
          `Goal ${goal.id} (${goal.metric}): the dashboard says ${progress.actual}, the scan ${expected}.`,
        );
      }
    }
    const uncached = await timeRuns(WARM_RUNS, () => {
      clearDashboardCache(store.db);
      return dashboard({ ctx, input: scope });
    });
    await dashboard({ ctx, input: scope });
    const cached = await timeRuns(200, () => dashboard({ ctx, input: scope }));
    const queries = await queriesOfOneDashboard(ctx, scope);
    // what a cold dashboard pays on top of a warm one, and for what
    const coldExtra = median(cold) - median(uncached);
    log(
      store.dialect === 'sqlite'
        ? `cold − warm (p50): ${ms(coldExtra)}, of which preparing ${median(firstUse.statements)} statements ${ms(median(firstUse.prepareMs))}; the rest is the new connection's first reads (schema, pages mapped)`
        : `cold − warm (p50): ${ms(coldExtra)}, with ${median(firstUse.connections)} connections opened per cold dashboard: the new server process's first use (catalogs, plans)`,
    );
    log(`${queries} queries per dashboard read (uncached), the data version included`);
    const reference = median(await timeRuns(3, scan));
    const row = (name: string, runs: number[]): BenchRow => {
      const p95 = percentile(runs, 0.95);
      return {
        name: `dashboard, ${GOALS} goals of one team${label}, ${name} (n=${runs.length})`,
        figure: `p50 ${ms(median(runs))}, p95 ${ms(p95)}`,
        target: `≤ ${TARGET_MS} ms p95${p95 <= TARGET_MS ? ' ✓' : ' ✗'}`,
        reference: `${ms(reference)} full-scan SQL for the ${GOALS} actuals`,
        ratio: `${(reference / median(runs)).toFixed(1)}× faster than the scan`,
      };
    };
    return [
      row('cold: new connection, empty cache', cold),
      row('warm, cache emptied each call', uncached),
      row('warm, cached (data-version check)', cached),
    ];
  } finally {
    await store.close();
  }
}

/** The queries one uncached dashboard makes, counted by a plugin on a database handle of its own (so no cache is shared). */
async function queriesOfOneDashboard(ctx: Ctx, scope: { scope: string }): Promise<number> {
  let count = 0;
  const counted = ctx.db.withPlugin({
    transformQuery: ({ node }) => node,
    transformResult: async ({ result }) => {
      count++;
      return result;
    },
  });
  await dashboard({ ctx: { ...ctx, db: counted }, input: scope });
  return count;
}

/**
 * What a new connection pays before its first answer, measured at the
 * drivers while it is installed: SQLite statements prepared (the store
 * caches them per connection) and PostgreSQL connections opened (a server
 * process each).
 */
function firstUseMeter() {
  const meter = { prepareMs: 0, statements: 0, connections: 0 };
  const database = SQLite.prototype as unknown as { prepare: (source: string) => unknown };
  const prepare = database.prepare;
  database.prepare = function (this: unknown, source: string) {
    const start = performance.now();
    try {
      return prepare.call(this, source);
    } finally {
      meter.prepareMs += performance.now() - start;
      meter.statements++;
    }
  };
  const client = pg.Client.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const connect = client.connect;
  client.connect = function (this: unknown, ...args: unknown[]) {
    meter.connections++;
    return connect.apply(this, args);
  };
  return {
    get prepareMs() {
      return meter.prepareMs;
    },
    get statements() {
      return meter.statements;
    },
    get connections() {
      return meter.connections;
    },
    reset() {
      meter.prepareMs = 0;
      meter.statements = 0;
      meter.connections = 0;
    },
    stop() {
      database.prepare = prepare;
      client.connect = connect;
    },
  };
}

/**
 * Each goal's actual from plain SQL over the whole fact tables (SQLite:
 * NOT INDEXED; PostgreSQL: as the planner likes, which is a sequential scan
 * for these ranges): one pass per table and date range, summed per owner and
 * team, then per goal.
 */
async function scanActuals(store: Store, ctx: Ctx, board: Dashboard): Promise<Map<number, number | null>> {
  const noIndex = sql.raw(store.dialect === 'sqlite' ? 'not indexed' : '');
  const teams = await sql<{ id: number; path: string }>`
    select id, path from team where org_id = ${ctx.org.id}`.execute(store.db);
  const lastDay = dayOf(ctx.now - 1, ctx.org.timeZone);
  type Counts = Map<string, { owner: number | null; team: number | null; values: Record<string, number> }>;
  const byRange = new Map<string, Promise<Counts>>();
  const countsFor = (start: string, end: string) => {
    const key = `${start}..${end}`;
    let found = byRange.get(key);
    if (!found) {
      found = (async () => {
        const { startMs: s, endMs: e } = periodBounds({ start, end }, ctx.org.timeZone);
        const out: Counts = new Map();
        const add = (owner: number | null, team: number | null, values: Record<string, number>) => {
          const k = `${owner}:${team}`;
          const into = out.get(k) ?? { owner, team, values: {} };
          for (const [name, v] of Object.entries(values))
            into.values[name] = (into.values[name] ?? 0) + Number(v);
          out.set(k, into);
        };
        const deals = await sql<{
          owner_id: number | null;
          team_id: number | null;
          won: number;
          amount: number;
        }>`
          select owner_id, team_id, count(*) as won, sum(amount) as amount from deal ${noIndex}
          where org_id = ${ctx.org.id} and status = 'won' and closed_at >= ${s} and closed_at < ${e}
          group by owner_id, team_id`.execute(store.db);
        for (const r of deals.rows) add(r.owner_id, r.team_id, { deals_won: r.won, revenue: r.amount });
        const acts = await sql<{
          owner_id: number | null;
          team_id: number | null;
          calls: number;
          emails: number;
          meetings: number;
          demos: number;
        }>`
          select owner_id, team_id,
            sum(case when type = 'call' and occurred_at >= ${s} and occurred_at < ${e} then 1 else 0 end) as calls,
            sum(case when type = 'email' and occurred_at >= ${s} and occurred_at < ${e} then 1 else 0 end) as emails,
            sum(case when type = 'meeting' and occurred_at >= ${s} and occurred_at < ${e} then 1 else 0 end) as meetings,
            sum(case when type = 'demo' and booked_at >= ${s} and booked_at < ${e} then 1 else 0 end) as demos
          from activity ${noIndex}
          where org_id = ${ctx.org.id}
            and ((occurred_at >= ${s} and occurred_at < ${e}) or (booked_at >= ${s} and booked_at < ${e}))
          group by owner_id, team_id`.execute(store.db);
        for (const r of acts.rows) {
          add(r.owner_id, r.team_id, {
            calls: r.calls,
            emails: r.emails,
            meetings: r.meetings,
            demos_booked: r.demos,
          });
        }
        return out;
      })();
      byRange.set(key, found);
    }
    return found;
  };

  const result = new Map<number, number | null>();
  for (const { goal } of board.goals) {
    if (Object.keys(goal.filters).length > 0)
      throw new Error(`Goal ${goal.id} has filters: the scan has none.`);
    if (!(TOP_UP_METRICS as readonly string[]).includes(goal.metric)) {
      throw new Error(`Goal ${goal.id}: the scan cannot count ${goal.metric}.`);
    }
    if (lastDay < goal.period.start) {
      result.set(goal.id, null);
      continue;
    }
    const end = [lastDay, goal.period.end].sort()[0] as string; // days sort as text
    const counts = await countsFor(goal.period.start, end);
    const root = teams.rows.find((t) => Number(t.id) === goal.scope.id)?.path;
    const inScope = (owner: number | null, team: number | null) =>
      goal.scope.type === 'rep'
        ? owner === goal.scope.id
        : goal.scope.type === 'org' ||
          (team !== null && !!root && !!teams.rows.find((t) => Number(t.id) === team)?.path.startsWith(root));
    let total = 0;
    for (const c of counts.values()) {
      if (inScope(c.owner === null ? null : Number(c.owner), c.team === null ? null : Number(c.team)))
        total += c.values[goal.metric] ?? 0;
    }
    result.set(goal.id, total);
  }
  return result;
}

await runAlone(
  import.meta.url,
  'bench/dashboard.ts --db <sqlite file or postgres url> [--org slug] [--label text]',
  ({ db, option, log }) => benchDashboard({ db, org: option('--org'), label: option('--label'), log }),
);

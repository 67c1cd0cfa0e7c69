import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { MetricFilters, Source, SpendRow, Tenure } from '../core/metrics/index.ts';
import type { Day } from '../core/periods/index.ts';
import type { Db } from './db.ts';
import { dialectOf } from './dialect.ts';
import { sourceSpecs } from './metric-sources.ts';
import {
  and,
  factConditions,
  groupKeyOf,
  inList,
  keyOf,
  num,
  orgIs,
  type PartQuery,
  type PartRows,
  packedColumns,
  valuesOf,
} from './metric-sql.ts';

/**
 * The facts behind metrics that are not rolled up, read as rows: their
 * tables are small (spend, reps, goals) or the rule needs each row (the
 * new-customer touch windows, the open pipeline of today).
 */

/** The instant each source's data begins, per source; null when the org has none. */
export async function dataStarts(
  db: Db,
  orgId: number,
  sources: readonly Source[],
): Promise<Partial<Record<Source, number | null>>> {
  const first: Partial<Record<Source, RawBuilder<unknown>>> = {
    deal: sql`select created_at from deal where ${orgIs('org_id', orgId)} order by created_at limit 1`,
    lead: sql`select created_at from lead where ${orgIs('org_id', orgId)} order by created_at limit 1`,
    account: sql`select acquired_at from account where ${orgIs('org_id', orgId)} and acquired_at is not null
      order by acquired_at limit 1`,
    subscription: sql`select started_at from subscription where ${orgIs('org_id', orgId)} order by started_at limit 1`,
    activity: sql`select occurred_at from activity where ${orgIs('org_id', orgId)} order by occurred_at limit 1`,
    coaching: sql`select occurred_at from coaching where ${orgIs('org_id', orgId)} order by occurred_at limit 1`,
  };
  const wanted = sources.filter((s) => first[s] !== undefined);
  if (wanted.length === 0) return {};
  const { rows } = await sql<Record<string, unknown>>`select ${sql.join(
    wanted.map((s) => sql`(${first[s]}) as ${sql.ref(s)}`),
  )}`.execute(db);
  const row = rows[0] ?? {};
  return Object.fromEntries(wanted.map((s) => [s, row[s] == null ? null : Number(row[s])]));
}

export interface SpendRecord extends SpendRow {
  channel: string | null;
}

/** Spend rows overlapping first..last (days), in id order so that float sums agree on both databases. */
export async function spendRows(
  db: Db,
  orgId: number,
  range: { start: Day; end: Day },
): Promise<SpendRecord[]> {
  const rows = await db
    .selectFrom('spend')
    .select(['period_start', 'period_end', 'channel', 'amount'])
    .where('org_id', '=', orgId)
    .where('period_start', '<=', range.end)
    .where('period_end', '>=', range.start)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    periodStart: r.period_start,
    periodEnd: r.period_end,
    channel: r.channel,
    amount: Number(r.amount),
  }));
}

export interface Person {
  id: number;
  name: string;
  role: 'admin' | 'manager' | 'rep';
  teamId: number | null;
  leftAt: number | null;
}

/**
 * Everyone in the org (or only the people `only` names), for a breakdown's
 * labels and members: one packed row, since an org has thousands.
 */
export async function orgPeople(db: Db, orgId: number, only?: readonly number[]): Promise<Person[]> {
  const which = only === undefined ? sql`` : sql` and ${inList(sql.ref('id'), only)}`;
  const [ids, names, roles, teams, leftAts] = (await packedColumns(
    db,
    [],
    sql`select id, name, role, team_id, left_at from app_user where ${orgIs('org_id', orgId)}${which}`,
    ['id', 'name', 'role', 'team_id', 'left_at'],
  )) as [unknown[], unknown[], unknown[], unknown[], unknown[]];
  return ids.map((id, i) => ({
    id: num(id),
    name: String(names[i]),
    role: roles[i] as Person['role'],
    teamId: teams[i] === null ? null : num(teams[i]),
    leftAt: leftAts[i] === null ? null : num(leftAts[i]),
  }));
}

export interface RepTenure extends Tenure {
  userId: number;
}

/** Every rep of the org with their team history (reps are hundreds, not millions). */
export async function repTenures(db: Db, orgId: number): Promise<RepTenure[]> {
  const [reps, memberships] = await Promise.all([
    db
      .selectFrom('app_user')
      .select(['id', 'hired_at', 'left_at'])
      .where('org_id', '=', orgId)
      .where('role', '=', 'rep')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('team_membership')
      .select(['user_id', 'team_id', 'from_at', 'to_at'])
      .where('org_id', '=', orgId)
      .orderBy('id')
      .execute(),
  ]);
  const byUser = new Map<number, Tenure['memberships'][number][]>();
  for (const m of memberships) {
    const list = byUser.get(m.user_id) ?? [];
    list.push({
      teamId: m.team_id,
      fromAt: Number(m.from_at),
      toAt: m.to_at === null ? null : Number(m.to_at),
    });
    byUser.set(m.user_id, list);
  }
  return reps.map((r) => ({
    userId: r.id,
    hiredAt: r.hired_at === null ? null : Number(r.hired_at),
    leftAt: r.left_at === null ? null : Number(r.left_at),
    memberships: byUser.get(r.id) ?? [],
  }));
}

export interface NewAccount {
  id: number;
  owner: number | null;
  team: number | null;
  dims: { channel: string | null; segment: string | null; industry: string | null };
  acquiredAt: number;
  churnedAt: number | null;
}

/**
 * Accounts acquired in [acquiredFromMs, acquiredToMs) within the scope and
 * filters, and the instants of their activities in [touchFromMs, touchToMs),
 * sorted per account.
 */
export async function newAccountTouches(
  db: Db,
  query: PartQuery,
  window: { acquiredFromMs: number; acquiredToMs: number; touchFromMs: number; touchToMs: number },
): Promise<{ accounts: NewAccount[]; touches: Map<number, number[]> }> {
  const spec = sourceSpecs(dialectOf(db as unknown as Kysely<unknown>)).account;
  const where = and([
    orgIs('f.org_id', query.orgId),
    sql`f.acquired_at >= ${window.acquiredFromMs}`,
    sql`f.acquired_at < ${window.acquiredToMs}`,
    ...factConditions(spec, query),
  ]);
  const accounts = await sql<Record<string, unknown>>`
    select f.id, f.owner_id, f.team_id, f.channel, f.segment, f.industry, f.acquired_at, f.churned_at
    from account f where ${where}`.execute(db);
  // The unary plus keeps SQLite from reading every activity of the window by time: each new
  // account's own activities, through (account_id, occurred_at), are far fewer.
  const touches = await sql<{ account_id: unknown; occurred_at: unknown }>`
    select a.account_id, a.occurred_at
    from account f join activity a on a.account_id = f.id and a.org_id = f.org_id
    where ${where} and +a.occurred_at >= ${window.touchFromMs} and +a.occurred_at < ${window.touchToMs}`.execute(
    db,
  );
  // Sorted here rather than in SQL: many short lists sort faster than one long ORDER BY.
  const byAccount = new Map<number, number[]>();
  for (const t of touches.rows) {
    const id = Number(t.account_id);
    const list = byAccount.get(id);
    if (list) list.push(Number(t.occurred_at));
    else byAccount.set(id, [Number(t.occurred_at)]);
  }
  for (const list of byAccount.values()) list.sort((a, b) => a - b);
  const str = (v: unknown) => (v == null ? null : String(v));
  return {
    accounts: accounts.rows.map((r) => ({
      id: Number(r.id),
      owner: r.owner_id == null ? null : Number(r.owner_id),
      team: r.team_id == null ? null : Number(r.team_id),
      dims: { channel: str(r.channel), segment: str(r.segment), industry: str(r.industry) },
      acquiredAt: Number(r.acquired_at),
      churnedAt: r.churned_at == null ? null : Number(r.churned_at),
    })),
    touches: byAccount,
  };
}

/**
 * Σ amount of the deals open now whose expected close falls in each bucket
 * ([startMs, endMs) instants), per group.
 */
export async function openPipeline(
  db: Db,
  query: PartQuery,
  buckets: ReadonlyArray<{ startMs: number; endMs: number }>,
): Promise<PartRows<'open_pipeline'>> {
  if (buckets.length === 0) return { buckets: [], keys: [], parts: { open_pipeline: [] } };
  const spec = sourceSpecs(dialectOf(db as unknown as Kysely<unknown>)).deal;
  const bucketRows = valuesOf(buckets.map((b, i) => [i, b.startMs, b.endMs]));
  const { rows } = await sql<{ i: unknown; k: unknown; v: unknown }>`
    with b (i, s, e) as (${bucketRows})
    select b.i as i, ${groupKeyOf(spec, query.groupBy)} as k, sum(f.amount) as v
    from deal f join b on f.expected_close_at >= b.s and f.expected_close_at < b.e
    where ${and([orgIs('f.org_id', query.orgId), sql`f.status = 'open'`, ...factConditions(spec, query)])}
    group by 1, 2`.execute(db);
  return {
    buckets: rows.map((r) => num(r.i)),
    keys: rows.map((r) => keyOf(r.k, query.groupBy)),
    parts: { open_pipeline: rows.map((r) => num(r.v)) },
  };
}

export interface RevenueTarget {
  scopeType: 'org' | 'team' | 'rep';
  scopeId: number | null;
  periodStart: Day;
  periodEnd: Day;
  filters: MetricFilters;
  target: number;
}

/**
 * The targets of active revenue goals over exactly these periods, newest
 * first, so that when two goals match the same scope the latest edit wins.
 */
export async function revenueTargets(
  db: Db,
  orgId: number,
  periods: ReadonlyArray<{ start: Day; end: Day }>,
): Promise<RevenueTarget[]> {
  if (periods.length === 0) return [];
  const rows = await db
    .selectFrom('goal')
    .select(['scope_type', 'scope_id', 'period_start', 'period_end', 'filters', 'target'])
    .where('org_id', '=', orgId)
    .where('metric', '=', 'revenue')
    .where('status', '=', 'active')
    .where((eb) =>
      eb.or(periods.map((p) => eb.and([eb('period_start', '=', p.start), eb('period_end', '=', p.end)]))),
    )
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({
    scopeType: r.scope_type,
    scopeId: r.scope_id,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    filters: parseFilters(r.filters),
    target: Number(r.target),
  }));
}

function parseFilters(text: string): MetricFilters {
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).filter(([, v]) => typeof v === 'string' && v !== ''),
    ) as MetricFilters;
  } catch {
    return {};
  }
}

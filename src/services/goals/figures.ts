/**
 * The org's own numbers that the pure goal domain is fed with: the baseline,
 * the history of period-over-period changes (Achievable), which filters have
 * history and what the reps can produce (Realistic), last year's shape and
 * shares (splits) and the funnel's conversion rates. Every figure goes
 * through the metric engine with the actor's ctx, so nobody learns a number
 * through the coach that they could not read directly.
 */
import type { Capacity, FunnelRates, GoalFilters, GoalScope, MemberFacts } from '../../core/goals/index.ts';
import { FUNNEL_ACTIVITIES } from '../../core/goals/index.ts';
import { type MetricDef, metricDef } from '../../core/metrics/index.ts';
import {
  addDays,
  addMonths,
  type Day,
  dayCount,
  dayOf,
  periodContaining,
  startOfDayMs,
} from '../../core/periods/index.ts';
import type { UserRow } from '../../store/schema.ts';
import { listUsers } from '../../store/user-queries.ts';
import type { Ctx } from '../context.ts';
import { evaluate } from '../metrics/engine.ts';
import { type ResolvedScope, resolveScope } from '../metrics/scope.ts';

type Range = { start: Day; end: Day };

/** How many past windows the history of changes looks at. */
export const HISTORY_WINDOWS = 12;

/** The same days a year earlier: the comparable past period of a goal. */
export function baselinePeriodOf(period: Range): Range {
  return { start: addMonths(period.start, -12), end: addMonths(period.end, -12) };
}

export async function goalScopeOf(ctx: Ctx, scope: GoalScope): Promise<ResolvedScope> {
  return resolveScope(ctx, scope.type === 'org' ? 'org' : { type: scope.type, id: scope.id });
}

/** The metric for each range (one query per source), null where there is no data. */
export async function valuesIn(
  ctx: Ctx,
  def: MetricDef,
  scope: ResolvedScope,
  filters: GoalFilters,
  periods: readonly Range[],
): Promise<Array<number | null>> {
  if (periods.length === 0) return [];
  const result = await evaluate(ctx, { def, scope, filters, by: null, periods });
  return result.buckets.map((b) => b.total.value);
}

export async function valueIn(
  ctx: Ctx,
  def: MetricDef,
  scope: ResolvedScope,
  filters: GoalFilters,
  period: Range,
): Promise<number | null> {
  return (await valuesIn(ctx, def, scope, filters, [period]))[0] ?? null;
}

/** The last day of the last whole month before `today`: history never includes a month still running. */
function lastClosedMonthEnd(today: Day): Day {
  return addDays(
    periodContaining('month', today, { timeZone: 'UTC', fiscalYearStartMonth: 1, weekStart: 1 }).start,
    -1,
  );
}

/**
 * Past changes comparable to the goal's: windows as long as the goal (in
 * whole months), ending at each of the last 12 month-ends, each against the
 * same window a year earlier, so a yearly goal is judged by year-on-year
 * changes and a quarterly one by quarter-on-same-quarter changes.
 */
export async function changeHistory(
  ctx: Ctx,
  def: MetricDef,
  scope: ResolvedScope,
  filters: GoalFilters,
  period: Range,
): Promise<number[]> {
  const months = Math.max(1, Math.round(dayCount(period) / 30.44));
  const last = lastClosedMonthEnd(dayOf(ctx.now, ctx.org.timeZone));
  const windows: Range[] = [];
  for (let k = 0; k < HISTORY_WINDOWS; k++) {
    const end = monthEnd(addMonths(last, -k));
    const start = addDays(monthEnd(addMonths(end, -months)), 1);
    windows.push({ start, end }, { start: addMonths(start, -12), end: monthEnd(addMonths(end, -12)) });
  }
  const values = await valuesIn(ctx, def, scope, filters, windows);
  const changes: number[] = [];
  for (let k = 0; k < HISTORY_WINDOWS; k++) {
    const now = values[2 * k];
    const before = values[2 * k + 1];
    if (now == null || before == null || !(before > 0)) continue;
    changes.push(now / before - 1);
  }
  return changes;
}

function monthEnd(day: Day): Day {
  return periodContaining('month', day, { timeZone: 'UTC', fiscalYearStartMonth: 1, weekStart: 1 }).end;
}

/**
 * How much of each filter the org has ever seen: the metric with that
 * filter alone over the three years before the goal. For a ratio or a
 * stock, any value at all counts as history.
 */
export async function filterHistory(
  ctx: Ctx,
  def: MetricDef,
  scope: ResolvedScope,
  filters: GoalFilters,
  period: Range,
) {
  const range = { start: addMonths(period.start, -36), end: addDays(period.start, -1) };
  const out: Array<{ key: keyof GoalFilters; value: string; rows: number }> = [];
  for (const [key, value] of Object.entries(filters) as Array<[keyof GoalFilters, string]>) {
    const v = await valueIn(ctx, def, scope, { [key]: value }, range);
    out.push({ key, value, rows: def.kind === 'flow' ? (v ?? 0) : v === null ? 0 : 1 });
  }
  return out;
}

/** Reps of a scope who work at some point in `period`. */
export async function repsIn(ctx: Ctx, scope: ResolvedScope, period: Range): Promise<UserRow[]> {
  const startMs = startOfDayMs(period.start, ctx.org.timeZone);
  const endMs = startOfDayMs(addDays(period.end, 1), ctx.org.timeZone);
  const teamIds = new Set(scope.teams.map((t) => t.id));
  const users = await listUsers(ctx.db, ctx.org.id);
  return users.filter(
    (u) =>
      u.role === 'rep' &&
      (scope.type === 'org' ||
        (scope.type === 'rep' ? u.id === scope.id : u.team_id !== null && teamIds.has(u.team_id))) &&
      (u.hired_at === null || u.hired_at < endMs) &&
      (u.left_at === null || u.left_at >= startMs),
  );
}

/** Days of `range` a person was employed. */
function employedDays(ctx: Ctx, user: UserRow, range: Range): number {
  const tz = ctx.org.timeZone;
  const start = user.hired_at === null ? range.start : maxDay(range.start, dayOf(user.hired_at, tz));
  const end = user.left_at === null ? range.end : earlierDay(range.end, addDays(dayOf(user.left_at, tz), -1));
  return dayCount({ start, end });
}

const maxDay = (a: Day, b: Day) => (a > b ? a : b);
export const earlierDay = (a: Day, b: Day) => (a < b ? a : b);

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/** Per-rep daily rates of a flow metric over the last 12 closed months, for reps with at least a month there. */
async function repDailyRates(
  ctx: Ctx,
  def: MetricDef,
  scope: ResolvedScope,
  filters: GoalFilters,
  year: Range,
) {
  const result = await evaluate(ctx, { def, scope, filters, by: 'rep', periods: [year] });
  const users = new Map((await listUsers(ctx.db, ctx.org.id)).map((u) => [u.id, u]));
  const rates = new Map<number, number>();
  for (const row of result.buckets[0]?.rows ?? []) {
    const user = typeof row.key === 'number' ? users.get(row.key) : undefined;
    if (!user) continue;
    const days = employedDays(ctx, user, year);
    if (days >= 30) rates.set(user.id, (row.value ?? 0) / days);
  }
  return { rates, result };
}

/**
 * What the scope's reps can produce of a flow metric in the goal's period:
 * reps × a high but observed rate (the 75th percentile of the reps' own
 * daily rates over the last year) × days. For revenue the rate is built from
 * activity × conversion × deal size, the chain the seed's "resources" step
 * describes.
 */
export async function capacityOf(
  ctx: Ctx,
  def: MetricDef,
  scope: ResolvedScope,
  filters: GoalFilters,
  period: Range,
): Promise<Capacity | null> {
  if (def.kind !== 'flow' || !def.breakdowns.includes('rep')) return null;
  const last = lastClosedMonthEnd(dayOf(ctx.now, ctx.org.timeZone));
  const year = { start: addDays(addMonths(last, -12), 1), end: last };
  const reps = (await repsIn(ctx, scope, period)).length;
  const days = dayCount(period);
  if (def.id === 'revenue' && Object.keys(filters).length === 0) {
    const [perType, size] = await Promise.all([
      Promise.all(FUNNEL_ACTIVITIES.map((id) => repDailyRates(ctx, metricDef(id), scope, {}, year))),
      evaluate(ctx, { def: metricDef('avg_deal_size'), scope, filters: {}, by: null, periods: [year] }),
    ]);
    const activityRates = new Map<number, number>();
    let activityCount = 0;
    for (const { rates, result } of perType) {
      for (const [rep, rate] of rates) activityRates.set(rep, (activityRates.get(rep) ?? 0) + rate);
      activityCount += result.buckets[0]?.total.value ?? 0;
    }
    const deals = size.buckets[0]?.total;
    const won = deals?.parts.deals_won ?? 0;
    const avgDealSize = deals?.value ?? null;
    if (activityRates.size > 0 && activityCount > 0 && won > 0 && avgDealSize !== null) {
      const activitiesPerRepPerDay = quantile([...activityRates.values()], 0.75);
      const wonDealsPerActivity = won / activityCount;
      return {
        reps,
        days,
        perRepPerDay: activitiesPerRepPerDay * wonDealsPerActivity * avgDealSize,
        basis: { activitiesPerRepPerDay, wonDealsPerActivity, avgDealSize },
      };
    }
  }
  const { rates } = await repDailyRates(ctx, def, scope, filters, year);
  if (rates.size === 0) return null;
  return { reps, days, perRepPerDay: quantile([...rates.values()], 0.75) };
}

/** Last year's value in each bucket (the same days a year earlier): the seasonal shape. */
export async function lastYearByBucket(
  ctx: Ctx,
  def: MetricDef,
  scope: ResolvedScope,
  filters: GoalFilters,
  buckets: readonly Range[],
) {
  return valuesIn(ctx, def, scope, filters, buckets.map(baselinePeriodOf));
}

/**
 * Facts about each member of a split: their value in the same period last
 * year, and for reps their hire, leave and team-membership days (only
 * memberships of the parent team's subtree count when splitting a team goal).
 */
export async function memberFacts(
  ctx: Ctx,
  def: MetricDef,
  parentScope: ResolvedScope,
  filters: GoalFilters,
  period: Range,
  members: ReadonlyArray<{ type: 'team' | 'rep'; id: number; weight?: number }>,
  withLastYear: boolean,
): Promise<MemberFacts[]> {
  const tz = ctx.org.timeZone;
  const users = new Map((await listUsers(ctx.db, ctx.org.id)).map((u) => [u.id, u]));
  const subtree = new Set(parentScope.teams.map((t) => t.id));
  const repIds = members.filter((m) => m.type === 'rep').map((m) => m.id);
  const memberships =
    parentScope.type === 'team' && repIds.length > 0
      ? await ctx.db
          .selectFrom('team_membership')
          .selectAll()
          .where('org_id', '=', ctx.org.id)
          .where('user_id', 'in', repIds)
          .execute()
      : [];
  const lastYear = baselinePeriodOf(period);
  const out: MemberFacts[] = [];
  for (const member of members) {
    const scope = await resolveScope(ctx, member);
    const user = member.type === 'rep' ? users.get(member.id) : undefined;
    const ranges = memberships
      .filter((m) => m.user_id === member.id && subtree.has(m.team_id))
      .map((m) => ({
        start: dayOf(m.from_at, tz),
        end: m.to_at === null ? period.end : addDays(dayOf(m.to_at, tz), -1),
      }));
    out.push({
      member,
      lastYear: withLastYear ? await valueIn(ctx, def, scope, filters, lastYear) : null,
      calendar: user
        ? {
            hiredOn: user.hired_at === null ? null : dayOf(user.hired_at, tz),
            leftOn: user.left_at === null ? null : dayOf(user.left_at, tz),
            memberships: parentScope.type === 'team' ? ranges : null,
          }
        : null,
    });
  }
  return out;
}

/**
 * The org's own funnel rates for a scope over the last 12 closed months:
 * deal size, win rate, SQL → opportunity, MQL → SQL, lead → MQL, and the
 * activities of each type logged per won deal.
 */
export async function funnelRates(ctx: Ctx, scope: ResolvedScope): Promise<FunnelRates> {
  const last = lastClosedMonthEnd(dayOf(ctx.now, ctx.org.timeZone));
  const year = { start: addDays(addMonths(last, -12), 1), end: last };
  const total = async (id: string) =>
    (await evaluate(ctx, { def: metricDef(id), scope, filters: {}, by: null, periods: [year] })).buckets[0]
      ?.total;
  // win_rate's parts hold the won count and close_rate's the deals created: no separate queries for them
  const [size, winRate, closeRate, leads, mqls, sqls, ...activities] = await Promise.all([
    total('avg_deal_size'),
    total('win_rate'),
    total('close_rate'),
    ...['leads', 'mqls', 'sqls', ...FUNNEL_ACTIVITIES].map(total),
  ]);
  const value = (cell: typeof size) => cell?.value ?? null;
  const per = (a: number | null, b: number | null) => (a === null || b === null || b <= 0 ? null : a / b);
  const won = winRate?.parts.deals_won ?? null;
  const activitiesPerWonDeal: FunnelRates['activitiesPerWonDeal'] = {};
  FUNNEL_ACTIVITIES.forEach((id, i) => {
    activitiesPerWonDeal[id] = per(value(activities[i]), won);
  });
  return {
    avgDealSize: value(size),
    winRate: value(winRate),
    sqlToOpportunity: per(closeRate?.parts.deals_created ?? null, value(sqls)),
    mqlToSql: per(value(sqls), value(mqls)),
    leadToMql: per(value(mqls), value(leads)),
    activitiesPerWonDeal,
  };
}

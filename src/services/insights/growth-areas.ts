/**
 * Step 1 of the goal-setting flow: the growth areas of a scope. Reads the
 * scope's series (and its reps') through the metric service with the
 * actor's ctx, so nobody learns a number here they could not read there,
 * and hands them to the pure ranking in src/core/insights.
 */
import { canReadScope } from '../../core/access.ts';
import { invalid } from '../../core/errors.ts';
import {
  type Bucket,
  type GrowthArea,
  type GrowthInput,
  PEER_SERIES,
  type PeerRep,
  type Point,
  rankGrowthAreas,
  SCOPE_SERIES,
  type SeriesSet,
  THRESHOLDS,
} from '../../core/insights/index.ts';
import { type MetricId, metricDef } from '../../core/metrics/index.ts';
import {
  addDays,
  addMonths,
  dayOf,
  type Period,
  periodContaining,
  periodsInRange,
  startOfDayMs,
} from '../../core/periods/index.ts';
import type { UserRow } from '../../store/schema.ts';
import { listTeams } from '../../store/team-queries.ts';
import { listUsers } from '../../store/user-queries.ts';
import type { Ctx } from '../context.ts';
import {
  type MetricSeries,
  metricSeries,
  type PeriodRef,
  type ResolvedScope,
  resolveScope,
  type ScopeInput,
} from '../metrics/index.ts';

export const INSIGHT_GRAINS = ['quarter', 'fiscal_quarter', 'month'] as const;
export type InsightGrain = (typeof INSIGHT_GRAINS)[number];

export interface GrowthAreasInput {
  /** org, team:<name or id>, rep:<e-mail, id or name>, or { type, id }; default the org. */
  scope?: ScopeInput;
  /** The length of the window judged (the last whole one before today); default quarter. */
  grain?: InsightGrain;
  /** How many areas to return, most room first (default 20, at most 100). */
  limit?: number;
}

export interface GrowthWindow {
  /** The last whole period before today: what is judged. */
  judged: PeriodRef;
  previous: PeriodRef | null;
  lastYear: PeriodRef | null;
  /** Every bucket of the charts: two years before the judged window, and it. */
  range: PeriodRef;
}

export interface GrowthReport {
  scope: { type: ResolvedScope['type']; id: number | null; label: string; text: string };
  grain: InsightGrain;
  currency: string;
  window: GrowthWindow;
  /** Areas found before `limit` cut the list. */
  total: number;
  areas: GrowthArea[];
  thresholds: typeof THRESHOLDS;
}

export const MAX_AREAS = 100;

export interface GrowthContext {
  growth: GrowthInput;
  scope: ResolvedScope;
  grain: InsightGrain;
  window: GrowthWindow;
  /** The period of the grain running today: where goals from these areas would go by default. */
  running: Period;
}

const ref = (p: { label: string; start: string; end: string }): PeriodRef => ({
  label: p.label,
  start: p.start,
  end: p.end,
});

/** Reads everything the ranking needs; shared by the growth areas and their prioritization. */
export async function growthContext(ctx: Ctx, input: GrowthAreasInput): Promise<GrowthContext> {
  const grain = input.grain ?? 'quarter';
  if (!INSIGHT_GRAINS.includes(grain)) {
    throw invalid(`"${grain}" is not a window for growth areas: use ${INSIGHT_GRAINS.join(', ')}.`, 'grain');
  }
  const perYear = grain === 'month' ? 12 : 4;
  const scope = await resolveScope(ctx, input.scope);
  const today = dayOf(ctx.now, ctx.org.timeZone);
  const running = periodContaining(grain, today, ctx.org);
  const judged = periodContaining(grain, addDays(running.start, -1), ctx.org);
  const first = periodContaining(grain, addMonths(judged.start, -24), ctx.org);
  const range = { start: first.start, end: judged.end };
  const periods = periodsInRange(grain, range, ctx.org);
  const buckets: Bucket[] = periods.map(ref);
  const current = buckets.length - 1;

  const [users, teams] = await Promise.all([listUsers(ctx.db, ctx.org.id), listTeams(ctx.db, ctx.org.id)]);
  const pathOf = new Map(teams.map((t) => [t.id, t.path]));
  const series = (metric: MetricId, on: ScopeInput, by?: 'rep') =>
    metricSeries({ ctx, input: { metric, scope: on, grain, range, ...(by ? { by } : {}) } });
  const scopeRef: ScopeInput = scope.type === 'org' ? 'org' : { type: scope.type, id: scope.id };
  const fits = (metric: MetricId, type: ResolvedScope['type']) => metricDef(metric).scopes.includes(type);

  const own: SeriesSet = {};
  const peerSeries: MetricSeries[] = [];
  if (scope.type === 'rep') {
    await Promise.all(
      SCOPE_SERIES.filter((m) => fits(m, 'rep')).map(async (m) => {
        own[m] = pointsOf(await series(m, scopeRef));
      }),
    );
    const teamId = users.find((u) => u.id === scope.id)?.team_id ?? null;
    if (
      teamId !== null &&
      canReadScope(ctx.actor, { type: 'team', teamId, teamPath: pathOf.get(teamId) ?? '' })
    ) {
      peerSeries.push(
        ...(await Promise.all(PEER_SERIES.map((m) => series(m, { type: 'team', id: teamId }, 'rep')))),
      );
    }
  } else {
    await Promise.all(
      SCOPE_SERIES.filter((m) => fits(m, scope.type)).map(async (m) => {
        // one evaluation gives the scope's total and every rep's series
        const answer = await series(m, scopeRef, PEER_SERIES.includes(m) ? 'rep' : undefined);
        own[m] = pointsOf(answer);
        if (answer.by === 'rep') peerSeries.push(answer);
      }),
    );
  }

  const judgedStart = startOfDayMs(judged.start, ctx.org.timeZone);
  const judgedEnd = startOfDayMs(addDays(judged.end, 1), ctx.org.timeZone);
  const peers = peersOf(peerSeries, users, (u) => ({
    eligible:
      (u.hired_at === null || u.hired_at <= judgedStart) && (u.left_at === null || u.left_at >= judgedEnd),
    visible: canReadScope(ctx.actor, {
      type: 'rep',
      userId: u.id,
      teamPath: u.team_id === null ? null : (pathOf.get(u.team_id) ?? null),
    }),
  }));

  const growth: GrowthInput = {
    buckets,
    perYear,
    currency: ctx.org.currency,
    scope: { type: scope.type, id: scope.id, label: scope.label },
    series: own,
    peers,
    ...(scope.type === 'rep' && scope.id !== null ? { focusRepId: scope.id } : {}),
  };
  const at = (i: number) => (i >= 0 && i < buckets.length ? ref(buckets[i] as Bucket) : null);
  return {
    growth,
    scope,
    grain,
    running,
    window: {
      judged: ref(judged),
      previous: at(current - 1),
      lastYear: at(current - perYear),
      range: { label: `${range.start}..${range.end}`, ...range },
    },
  };
}

function pointsOf(answer: { points: ReadonlyArray<Point> }): Point[] {
  return answer.points.map((p) => ({
    value: p.value,
    ...(p.reason ? { reason: p.reason } : {}),
    parts: p.parts,
  }));
}

/** Regroups by-rep series (one per metric) into one series set per rep of the org. */
function peersOf(
  answers: readonly MetricSeries[],
  users: readonly UserRow[],
  flags: (user: UserRow) => Pick<PeerRep, 'eligible' | 'visible'>,
): PeerRep[] {
  const reps = new Map(users.filter((u) => u.role === 'rep').map((u) => [u.id, u]));
  const byRep = new Map<number, SeriesSet>();
  for (const answer of answers) {
    for (const row of answer.series ?? []) {
      if (typeof row.key !== 'number' || !reps.has(row.key)) continue;
      const set = byRep.get(row.key) ?? {};
      set[answer.metric] = pointsOf(row);
      byRep.set(row.key, set);
    }
  }
  return [...byRep].map(([id, series]) => {
    const user = reps.get(id) as UserRow;
    return { id, name: user.name, series, ...flags(user) };
  });
}

/** The growth areas of a scope, most room first, with the evidence and the estimated impact of each. */
export async function findGrowthAreas({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: GrowthAreasInput;
}): Promise<GrowthReport> {
  const limit = input.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AREAS) {
    throw invalid(`limit must be a whole number from 1 to ${MAX_AREAS}.`, 'limit');
  }
  const found = await growthContext(ctx, input);
  const areas = rankGrowthAreas(found.growth);
  return {
    scope: { type: found.scope.type, id: found.scope.id, label: found.scope.label, text: found.scope.text },
    grain: found.grain,
    currency: ctx.org.currency,
    window: found.window,
    total: areas.length,
    areas: areas.slice(0, limit),
    thresholds: THRESHOLDS,
  };
}

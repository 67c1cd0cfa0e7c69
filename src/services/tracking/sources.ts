/**
 * What tracking reads from the goal and metric modules, in one place: the
 * goals to track (with the target as of today from effective-dated changes)
 * and the metric values behind their progress.
 */
import { targetAsOf } from '../../core/goals/targets.ts';
import type { GoalFilters, GoalStatus } from '../../core/goals/types.ts';
import { isMetricId, metricDef } from '../../core/metrics/index.ts';
import { addMonths, dayOf, periodsInRange } from '../../core/periods/index.ts';
import type {
  CheckinInterval,
  GoalDirection,
  MetricKind,
  PaceModel,
  SeasonalBucket,
} from '../../core/progress/index.ts';
import { findGoal, type GoalReach, listGoals, listTargetChanges, toGoal } from '../../store/goal-queries.ts';
import { type Ctx, systemActor } from '../context.ts';
import { evaluate } from '../metrics/engine.ts';
import { type ResolvedScope, resolveScope } from '../metrics/scope.ts';

export interface TrackedGoal {
  id: number;
  title: string;
  metric: string;
  kind: MetricKind;
  unit: 'currency' | 'count' | 'percent' | 'days' | 'hours';
  scope: { type: 'org' | 'team' | 'rep'; id: number | null };
  filters: GoalFilters;
  /** The target in force today (effective-dated changes applied). */
  target: number;
  stretchTarget: number | null;
  baseline: number | null;
  direction: GoalDirection;
  period: { start: string; end: string };
  paceModel: PaceModel;
  checkinInterval: CheckinInterval;
  ownerId: number | null;
  parentId: number | null;
  status: GoalStatus;
}

export interface MetricReader {
  /**
   * The metric over each goal's `range`, for its scope and filters; null for
   * no data. Rep goals that share a metric, filters and range are answered
   * by one query broken down by rep.
   */
  values(
    requests: ReadonlyArray<{ goal: TrackedGoal; range: DayRange }>,
  ): Promise<Map<number, number | null>>;
  /** The period's months weighted by the metric in the same months a year earlier; null without history. */
  seasonal(goal: TrackedGoal): Promise<SeasonalBucket[] | null>;
}

type DayRange = { start: string; end: string };

export interface GoalFilter {
  ids?: readonly number[];
  status?: GoalStatus;
  /** Only goals on these teams and reps (default: the whole org). */
  reach?: GoalReach;
}

/** Every active goal of an org fits in one read; a dashboard never pages. */
const ALL_GOALS = 1_000_000;

/**
 * Goals of the org (all of them: the caller checks who may read which) with
 * the target in force today: an effective-dated change that starts later
 * does not count yet.
 */
export async function loadGoals(ctx: Ctx, filter: GoalFilter): Promise<TrackedGoal[]> {
  const { db, org } = ctx;
  const rows = filter.ids
    ? (await Promise.all(filter.ids.map((id) => findGoal(db, org.id, id)))).filter((r) => r !== undefined)
    : await listGoals(db, org.id, {
        reach: filter.reach ?? { all: true },
        ...(filter.status ? { status: [filter.status] } : {}),
        limit: ALL_GOALS,
        offset: 0,
      });
  if (rows.length === 0) return [];
  const changes = await listTargetChanges(
    db,
    org.id,
    rows.map((r) => r.id),
  );
  const today = dayOf(ctx.now, org.timeZone);
  return rows
    .map(toGoal)
    .filter((goal) => isMetricId(goal.metric))
    .sort((a, b) => a.id - b.id)
    .map((goal) => {
      const def = metricDef(goal.metric);
      return {
        id: goal.id,
        title: goal.title,
        metric: goal.metric,
        kind: def.kind,
        unit: def.unit,
        scope: goal.scope,
        filters: goal.filters,
        target:
          targetAsOf(
            changes.filter((c) => c.goalId === goal.id),
            today,
          ) ?? goal.target,
        stretchTarget: goal.stretchTarget,
        baseline: goal.baseline,
        direction: goal.direction,
        period: goal.period,
        paceModel: goal.paceModel,
        checkinInterval: goal.checkinInterval,
        ownerId: goal.ownerId,
        parentId: goal.parentId,
        status: goal.status,
      };
    });
}

/**
 * Metric values for goals, from the metric engine. The reader acts as the
 * system: callers check that the actor may read each goal before measuring
 * it, and a batch over all reps must not be refused for a manager who may
 * read only some of them (the rows of the others are dropped unread).
 */
export function metricReader(ctx: Ctx): MetricReader {
  const system: Ctx = { ...ctx, actor: systemActor('tracking') };
  const scopes = new Map<string, Promise<ResolvedScope>>();
  const scopeOf = (scope: TrackedGoal['scope']) => {
    const key = `${scope.type}:${scope.id}`;
    let resolved = scopes.get(key);
    if (!resolved) {
      resolved = resolveScope(system, scope);
      scopes.set(key, resolved);
    }
    return resolved;
  };
  const run = async (goal: TrackedGoal, periods: readonly DayRange[]) => {
    const result = await evaluate(system, {
      def: metricDef(goal.metric),
      scope: await scopeOf(goal.scope),
      filters: goal.filters,
      by: null,
      periods,
    });
    return result.buckets.map((b) => (b.covered ? b.total.value : null));
  };
  return {
    async values(requests) {
      const result = new Map<number, number | null>();
      const batches = new Map<string, Array<{ goal: TrackedGoal; range: DayRange }>>();
      for (const request of requests) {
        const { goal, range } = request;
        // goals of one scope with the same metric, filters and range are one question (team goals of a dashboard)
        const key = [
          batchable(goal) ? 'reps' : `${goal.scope.type}:${goal.scope.id}`,
          goal.metric,
          filterKey(goal.filters),
          range.start,
          range.end,
        ].join('|');
        batches.set(key, [...(batches.get(key) ?? []), request]);
      }
      // the batches are independent: on PostgreSQL their round trips overlap
      const measure = async (batch: Array<{ goal: TrackedGoal; range: DayRange }>) => {
        const [first] = batch as [{ goal: TrackedGoal; range: DayRange }];
        if (!batchable(first.goal) || batch.length === 1) {
          const value = (await run(first.goal, [first.range]))[0] ?? null;
          for (const { goal } of batch) result.set(goal.id, value);
          return;
        }
        const def = metricDef(first.goal.metric);
        const evaluation = await evaluate(system, {
          def,
          scope: await scopeOf({ type: 'org', id: null }),
          filters: first.goal.filters,
          by: 'rep',
          periods: [first.range],
        });
        const bucket = evaluation.buckets[0];
        for (const { goal } of batch) {
          const row = bucket?.rows.find((r) => r.key === goal.scope.id);
          // A rep with no row had nothing in the period: nothing accumulated for a flow, no value for a ratio.
          const value = !bucket?.covered ? null : row ? row.value : def.kind === 'flow' ? 0 : null;
          result.set(goal.id, value);
        }
      };
      await Promise.all([...batches.values()].map(measure));
      return result;
    },
    async seasonal(goal) {
      const months = periodsInRange('month', goal.period, ctx.org);
      const lastYear = months.map((m) => ({ start: addMonths(m.start, -12), end: addMonths(m.end, -12) }));
      const values = await run(goal, lastYear);
      if (values.some((v) => v === null)) return null;
      return months.map((m, i) => ({ start: m.start, end: m.end, weight: values[i] ?? 0 }));
    },
  };
}

/** Rep goals of a metric with a per-rep breakdown are measured together, broken down by rep. */
const batchable = (goal: TrackedGoal) =>
  goal.scope.type === 'rep' && metricDef(goal.metric).breakdowns.includes('rep');

const filterKey = (filters: GoalFilters) =>
  JSON.stringify(Object.entries(filters).sort(([a], [b]) => (a < b ? -1 : 1)));

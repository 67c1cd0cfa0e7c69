/**
 * What tracking reads from the goal and metric modules, in one place: the
 * goals to track (with the target as of today from effective-dated changes)
 * and the metric values behind their progress.
 */
import { targetAsOf } from '../../core/goals/targets.ts';
import type { GoalFilters, GoalStatus } from '../../core/goals/types.ts';
import { isMetricId, type MetricDef, metricDef } from '../../core/metrics/index.ts';
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
import { type Evaluated, evaluateGrids } from '../metrics/engine.ts';
import { type RequestReads, requestReads } from '../metrics/request-reads.ts';
import { type ResolvedScope, repsScope, resolveScope } from '../metrics/scope.ts';

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

/** What a goal's progress reads from the metrics. */
export interface GoalMeasures {
  /** The metric over the range asked (null: no data, or no range: the period has not begun). */
  actual: number | null;
  /** For a seasonal pace: the period's months weighted by the metric in the same months a year earlier; null without history. */
  seasonal: SeasonalBucket[] | null;
}

export interface MetricReader {
  /**
   * Each goal's measures, for its scope and filters. Goals that ask the
   * same question (one scope and filters; rep goals of any reps, broken
   * down by rep) are measured together, whatever their metrics and
   * ranges: one query per fact source for the lot.
   */
  measure(
    requests: ReadonlyArray<{ goal: TrackedGoal; range: DayRange | null }>,
  ): Promise<Map<number, GoalMeasures>>;
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
 * it, and a batch over several reps must not be refused for a manager who
 * may read only some of them (the rows of the others are dropped unread).
 * `reads` are the request's shared reads (teams, time zone, people).
 */
export function metricReader(ctx: Ctx, reads: RequestReads = requestReads(ctx)): MetricReader {
  const system: Ctx = { ...ctx, actor: systemActor('tracking') };
  const scopes = new Map<string, Promise<ResolvedScope>>();
  const scopeOf = (scope: TrackedGoal['scope']) => {
    const key = `${scope.type}:${scope.id}`;
    let resolved = scopes.get(key);
    if (!resolved) {
      resolved = resolveScope(system, scope, reads);
      scopes.set(key, resolved);
    }
    return resolved;
  };

  /** Each ask's values in its periods (null: no data); asks that share a question are one evaluation. */
  const valuesOf = async (asks: readonly Ask[]): Promise<Array<Array<number | null>>> => {
    const questions = new Map<string, GoalQuestion>();
    asks.forEach((ask, index) => {
      const { goal } = ask;
      const reps = batchable(goal);
      const key = `${reps ? 'reps' : `${goal.scope.type}:${goal.scope.id}`}|${filterKey(goal.filters)}`;
      let question = questions.get(key);
      if (!question) {
        question = { reps: reps ? new Set() : null, goal, defs: new Map(), periods: new Map(), asks: [] };
        questions.set(key, question);
      }
      question.defs.set(goal.metric, metricDef(goal.metric));
      for (const p of ask.periods) {
        const at = `${p.start}..${p.end}`;
        if (!question.periods.has(at)) question.periods.set(at, { index: question.periods.size, period: p });
      }
      if (question.reps && goal.scope.id !== null) question.reps.add(goal.scope.id);
      question.asks.push({ ask, index });
    });
    const out: Array<Array<number | null>> = new Array(asks.length);
    // the questions are independent (on PostgreSQL their round trips overlap, but on a dashboard's one connection)
    const answer = async (question: GoalQuestion) => {
      const defs = [...question.defs.values()];
      const evaluated = await evaluateGrids(
        system,
        {
          scope: question.reps
            ? repsScope([...question.reps].sort((a, b) => a - b))
            : await scopeOf(question.goal.scope),
          filters: question.goal.filters,
          by: question.reps ? 'rep' : null,
          periods: [...question.periods.values()].map((p) => p.period),
          reads,
        },
        defs,
      );
      const figures = new Map<string, Array<number | null>>();
      const valuesFor = (goal: TrackedGoal): Array<number | null> => {
        const key = question.reps ? `${goal.metric}|${goal.scope.id}` : goal.metric;
        const known = figures.get(key);
        if (known) return known;
        const m = defs.findIndex((d) => d.id === goal.metric);
        const e = evaluated[m] as Evaluated;
        const group = question.reps ? e.groups.findIndex((g) => g.key === goal.scope.id) : null;
        // Every listed rep has a row; one who is no person of the org has none: nothing accumulated for a
        // flow, no value for a ratio.
        const absent = (defs[m] as MetricDef).kind === 'flow' ? 0 : null;
        const values =
          group === -1 ? e.covered.map(() => absent) : e.figures(group, (_, value) => value.value);
        const found = values.map((v, b) => (e.covered[b] ? v : null));
        figures.set(key, found);
        return found;
      };
      for (const { ask, index } of question.asks) {
        const values = valuesFor(ask.goal);
        out[index] = ask.periods.map(
          (p) => values[(question.periods.get(`${p.start}..${p.end}`) as { index: number }).index] ?? null,
        );
      }
    };
    await Promise.all([...questions.values()].map(answer));
    return out;
  };

  return {
    async measure(requests) {
      const asks: Ask[] = [];
      const seasonalMonths = new Map<number, Array<{ start: string; end: string }>>();
      for (const { goal, range } of requests) {
        if (range) asks.push({ goal, periods: [range], seasonal: false });
        if (goal.paceModel === 'seasonal') {
          const months = periodsInRange('month', goal.period, ctx.org);
          seasonalMonths.set(goal.id, months);
          const lastYear = months.map((m) => ({
            start: addMonths(m.start, -12),
            end: addMonths(m.end, -12),
          }));
          asks.push({ goal, periods: lastYear, seasonal: true });
        }
      }
      const values = await valuesOf(asks);
      const result = new Map<number, GoalMeasures>(
        requests.map(({ goal }) => [goal.id, { actual: null, seasonal: null }]),
      );
      asks.forEach((ask, i) => {
        const measures = result.get(ask.goal.id) as GoalMeasures;
        const found = values[i] as Array<number | null>;
        if (!ask.seasonal) {
          measures.actual = found[0] ?? null;
          return;
        }
        const months = seasonalMonths.get(ask.goal.id) as Array<{ start: string; end: string }>;
        measures.seasonal = found.some((v) => v === null)
          ? null
          : months.map((m, j) => ({ start: m.start, end: m.end, weight: found[j] ?? 0 }));
      });
      return result;
    },
  };
}

/** A goal's metric over some periods: its actual (one range), or last year's months for a seasonal pace. */
interface Ask {
  goal: TrackedGoal;
  periods: readonly DayRange[];
  seasonal: boolean;
}

/** Goals of one scope and filters (or rep goals of several reps), with every metric and period they ask for. */
interface GoalQuestion {
  /** The reps measured together, broken down by rep; null for one scope's total. */
  reps: Set<number> | null;
  /** The first goal: its scope and filters are the question's. */
  goal: TrackedGoal;
  defs: Map<string, MetricDef>;
  periods: Map<string, { index: number; period: DayRange }>;
  asks: Array<{ ask: Ask; index: number }>;
}

/** Rep goals of a metric with a per-rep breakdown are measured together, broken down by rep. */
const batchable = (goal: TrackedGoal) =>
  goal.scope.type === 'rep' && metricDef(goal.metric).breakdowns.includes('rep');

const filterKey = (filters: GoalFilters) =>
  JSON.stringify(Object.entries(filters).sort(([a], [b]) => (a < b ? -1 : 1)));

import { invalid } from '../../core/errors.ts';
import type { BreakdownBy, MetricFilters, MetricValue, Parts } from '../../core/metrics/index.ts';
import { type Grain, periodsInRange } from '../../core/periods/index.ts';
import type { GroupKey } from '../../store/metric-sql.ts';
import type { Ctx } from '../context.ts';
import { bestFirst, type Engine, evaluateGrid } from './engine.ts';
import { resolveScope, type ScopeInput } from './scope.ts';
import {
  header,
  MAX_BUCKETS,
  type MetricFigure,
  type MetricHeader,
  type PeriodInput,
  type PeriodRef,
  periodRef,
  readFilters,
  readMetric,
  readPeriod,
} from './shared.ts';

export interface MetricSeriesInput {
  metric: string;
  scope?: ScopeInput;
  grain: Grain;
  /** The span the buckets cover; its first and last buckets are clipped to it. */
  range: PeriodInput;
  filters?: MetricFilters;
  /** One series per rep, team or dimension value as well as the total: a leaderboard's trend in one query. */
  by?: BreakdownBy;
  engine?: Engine;
}

export interface SeriesPoint extends MetricFigure {
  period: PeriodRef;
}

export interface MetricSeries extends MetricHeader {
  grain: Grain;
  range: PeriodRef;
  /** The scope's total per bucket. */
  points: SeriesPoint[];
  by?: BreakdownBy;
  /** With `by`: one series per group, every bucket present. */
  series?: Array<{ key: GroupKey; label: string; points: SeriesPoint[] }>;
}

/** A metric per bucket of `grain` across `range` (e.g. the 12 months of FY2027), in one evaluation. */
export async function metricSeries({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: MetricSeriesInput;
}): Promise<MetricSeries> {
  const def = readMetric(input.metric);
  const range = readPeriod(ctx, input.range, 'range');
  const periods = periodsInRange(input.grain, range, ctx.org);
  if (periods.length > MAX_BUCKETS) {
    throw invalid(
      `${range.label} holds ${periods.length} ${input.grain} buckets; ask for at most ${MAX_BUCKETS} (use a coarser grain).`,
      'grain',
    );
  }
  const scope = await resolveScope(ctx, input.scope);
  const filters = readFilters(input.filters);
  const by = input.by ?? null;
  const result = await evaluateGrid(ctx, {
    def,
    scope,
    filters,
    by,
    periods,
    ...(input.engine === undefined ? {} : { engine: input.engine }),
  });
  const refs = periods.map(periodRef);
  const point = (b: number, value: MetricValue, parts: Parts): SeriesPoint => {
    const out: SeriesPoint = { period: refs[b] as PeriodRef, value: value.value, parts };
    if (value.reason !== undefined) out.reason = value.reason;
    return out;
  };
  const out: MetricSeries = {
    ...header(ctx, def, scope, filters, result.source),
    grain: input.grain,
    range: periodRef(range),
    points: result.figures(null, point),
  };
  if (by !== null) {
    const perGroup = result.groups.map((_, g) => result.figures(g, point));
    // Groups come best first in the first bucket, as its breakdown lists them.
    const order = bestFirst(
      result.groups.map((group, g) => ({ g, label: group.label, value: perGroup[g]?.[0]?.value ?? null })),
      def,
    );
    out.by = by;
    out.series = order.map(({ g }) => {
      const group = result.groups[g] as (typeof result.groups)[number];
      return { key: group.key, label: group.label, points: perGroup[g] as SeriesPoint[] };
    });
  }
  return out;
}

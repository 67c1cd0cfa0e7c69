import { invalid } from '../../core/errors.ts';
import type { BreakdownBy, MetricFilters } from '../../core/metrics/index.ts';
import type { GroupKey } from '../../store/metric-sql.ts';
import type { Ctx } from '../context.ts';
import { type Engine, evaluate } from './engine.ts';
import { resolveScope, type ScopeInput } from './scope.ts';
import {
  figure,
  header,
  type MetricFigure,
  type MetricHeader,
  type PeriodInput,
  type PeriodRef,
  periodRef,
  readFilters,
  readMetric,
  readPeriod,
} from './shared.ts';

export interface MetricBreakdownInput {
  metric: string;
  scope?: ScopeInput;
  period: PeriodInput;
  by: BreakdownBy;
  filters?: MetricFilters;
  engine?: Engine;
}

export interface BreakdownRow extends MetricFigure {
  key: GroupKey;
  label: string;
}

export interface MetricBreakdown extends MetricHeader {
  period: PeriodRef;
  by: BreakdownBy;
  /** Best first; the groups partition the scope, so flows add up to the total. */
  rows: BreakdownRow[];
  total: MetricFigure;
}

const BREAKDOWNS: readonly BreakdownBy[] = ['rep', 'team', 'channel', 'segment', 'industry', 'product'];

/**
 * A metric split by rep, team (the scope's child teams, each with its
 * subtree) or a filter dimension, for one period: a leaderboard in one query.
 */
export async function metricBreakdown({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: MetricBreakdownInput;
}): Promise<MetricBreakdown> {
  const def = readMetric(input.metric);
  if (!BREAKDOWNS.includes(input.by)) {
    throw invalid(`"${input.by}" is not a breakdown: use ${BREAKDOWNS.join(', ')}.`, 'by');
  }
  const period = readPeriod(ctx, input.period);
  const scope = await resolveScope(ctx, input.scope);
  const filters = readFilters(input.filters);
  const result = await evaluate(ctx, {
    def,
    scope,
    filters,
    by: input.by,
    periods: [period],
    ...(input.engine === undefined ? {} : { engine: input.engine }),
  });
  const bucket = result.buckets[0];
  if (!bucket) throw new Error('An evaluation of one period returned none.');
  return {
    ...header(ctx, def, scope, filters, result.source),
    period: periodRef(period),
    by: input.by,
    rows: bucket.rows.map((row) => ({ key: row.key, label: row.label, ...figure(row) })),
    total: figure(bucket.total),
  };
}

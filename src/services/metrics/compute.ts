import type { MetricFilters } from '../../core/metrics/index.ts';
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

export interface ComputeMetricInput {
  metric: string;
  /** Defaults to the org. */
  scope?: ScopeInput;
  period: PeriodInput;
  filters?: MetricFilters;
  /** pipeline_coverage only: the revenue target to cover, instead of the matching goal's. */
  target?: number;
  /** 'raw' skips the rollups (tests, benchmarks, checking a doubt). */
  engine?: Engine;
}

export interface MetricResult extends MetricHeader, MetricFigure {
  period: PeriodRef;
}

/** One metric, one scope, one period: the number and what it was computed from. */
export async function computeMetric({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ComputeMetricInput;
}): Promise<MetricResult> {
  const def = readMetric(input.metric);
  const period = readPeriod(ctx, input.period);
  const scope = await resolveScope(ctx, input.scope);
  const filters = readFilters(input.filters);
  const result = await evaluate(ctx, {
    def,
    scope,
    filters,
    by: null,
    periods: [period],
    ...(input.target === undefined ? {} : { target: input.target }),
    ...(input.engine === undefined ? {} : { engine: input.engine }),
  });
  const bucket = result.buckets[0];
  if (!bucket) throw new Error('An evaluation of one period returned none.');
  return {
    ...header(ctx, def, scope, filters, result.source),
    period: periodRef(period),
    ...figure(bucket.total),
  };
}

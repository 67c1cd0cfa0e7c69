export {
  type BreakdownRow,
  type MetricBreakdown,
  type MetricBreakdownInput,
  metricBreakdown,
} from './breakdown.ts';
export { type CatalogEntry, listMetrics } from './catalog.ts';
export { type ComputeMetricInput, computeMetric, type MetricResult } from './compute.ts';
export type { Engine } from './engine.ts';
export { type ResolvedScope, resolveScope, type ScopeInput } from './scope.ts';
export { type MetricSeries, type MetricSeriesInput, metricSeries, type SeriesPoint } from './series.ts';
export type { MetricFigure, MetricHeader, PeriodInput, PeriodRef } from './shared.ts';

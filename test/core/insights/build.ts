import type { Bucket, GrowthInput, PeerRep, Point, SeriesSet } from '../../../src/core/insights/index.ts';
import { type MetricId, metricDef, metricValue, type Parts } from '../../../src/core/metrics/index.ts';

/**
 * Hand-built inputs for the growth-area tests: quarterly buckets from
 * 2024-Q4 to 2026-Q4 (nine; the last is judged, 2025-Q4 is "last year",
 * 2025-Q4..2026-Q3 the history), and series whose values come from the
 * catalog's own arithmetic, as the metric engine would give them.
 */
export const QUARTERS: Bucket[] = [
  ['2024-Q4', '2024-10-01', '2024-12-31'],
  ['2025-Q1', '2025-01-01', '2025-03-31'],
  ['2025-Q2', '2025-04-01', '2025-06-30'],
  ['2025-Q3', '2025-07-01', '2025-09-30'],
  ['2025-Q4', '2025-10-01', '2025-12-31'],
  ['2026-Q1', '2026-01-01', '2026-03-31'],
  ['2026-Q2', '2026-04-01', '2026-06-30'],
  ['2026-Q3', '2026-07-01', '2026-09-30'],
  ['2026-Q4', '2026-10-01', '2026-12-31'],
].map(([label, start, end]) => ({ label, start, end }) as Bucket);

export const CURRENT = 8;
export const LAST_YEAR = 4;

/** One point per bucket: `parts(i)` gives its parts (null = no data in that bucket). */
export function seriesOf(
  metric: MetricId,
  parts: (i: number) => Parts | null,
  buckets: readonly Bucket[] = QUARTERS,
): Point[] {
  const def = metricDef(metric);
  return buckets.map((b, i) => {
    const p = parts(i);
    if (p === null) return { value: null, reason: 'no_data', parts: {} };
    const v = metricValue(def, p, { period: b, grossMargin: 1 });
    return v.reason ? { value: null, reason: v.reason, parts: p } : { value: v.value, parts: p };
  });
}

/** The same parts in every bucket, except where `at` says otherwise. */
export function steady(metric: MetricId, every: Parts, at: Record<number, Parts> = {}, buckets = QUARTERS) {
  return seriesOf(metric, (i) => at[i] ?? every, buckets);
}

export function input(
  series: SeriesSet,
  peers: PeerRep[] = [],
  more: Partial<GrowthInput> = {},
): GrowthInput {
  return {
    buckets: QUARTERS,
    perYear: 4,
    currency: 'USD',
    scope: { type: 'team', id: 7, label: 'East' },
    series,
    peers,
    ...more,
  };
}

export function peer(id: number, series: SeriesSet, more: Partial<PeerRep> = {}): PeerRep {
  return { id, name: `Rep ${id}`, eligible: true, visible: true, series, ...more };
}

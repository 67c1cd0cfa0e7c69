/**
 * Reading the series handed in: which buckets are "now", "before" and "last
 * year", pooled rates, medians, and the conversion chain that prices a
 * shortfall in revenue.
 */
import { formatNumber, formatValue, text } from '../goals/text.ts';
import type { Text } from '../goals/types.ts';
import type { MetricId, PartName, Unit } from '../metrics/index.ts';
import type { GrowthInput, Point, ReferenceKind, SeriesSet } from './types.ts';

export const DAY_MS = 86_400_000;

/** Bucket indices of the judged window and what it is compared with; -1 when the range does not reach back. */
export interface Window {
  current: number;
  previous: number;
  lastYear: number;
  /** The year of buckets before the judged one. */
  history: number[];
}

export function windowOf(input: GrowthInput): Window {
  const current = input.buckets.length - 1;
  const history: number[] = [];
  for (let i = Math.max(0, current - input.perYear); i < current; i++) history.push(i);
  return {
    current,
    previous: current - 1,
    lastYear: current - input.perYear >= 0 ? current - input.perYear : -1,
    history,
  };
}

export function pointAt(series: SeriesSet, metric: MetricId, i: number): Point | undefined {
  return i < 0 ? undefined : series[metric]?.[i];
}

/** The engine had data reaching the bucket (a zero denominator still counts as covered). */
export function covered(point: Point | undefined): point is Point {
  return point !== undefined && point.reason !== 'no_data';
}

/** A part of a covered bucket; null when the bucket has no data. */
export function partAt(series: SeriesSet, metric: MetricId, i: number, part: PartName): number | null {
  const point = pointAt(series, metric, i);
  return covered(point) ? (point.parts[part] ?? 0) : null;
}

/** The metric's own value in a covered bucket. */
export function valueAt(series: SeriesSet, metric: MetricId, i: number): number | null {
  const point = pointAt(series, metric, i);
  return covered(point) ? point.value : null;
}

export const rateOf = (numerator: number, denominator: number): number | null =>
  denominator > 0 ? numerator / denominator : null;

/** A relative shortfall as an ordering key, 0..1; rounded so that float dust never decides a tie. */
export const severityOf = (shortfall: number): number =>
  Math.min(1, Math.round(Math.abs(shortfall) * 10_000) / 10_000);

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function mean(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length ? present.reduce((a, b) => a + b, 0) / present.length : null;
}

export const ACTIVITY_METRICS = ['calls', 'emails', 'meetings', 'demos_booked', 'discovery_calls'] as const;
export type ActivityMetric = (typeof ACTIVITY_METRICS)[number];

/** Every activity of the five funnel types in a bucket; null when none of them has data. */
export function activitiesAt(series: SeriesSet, i: number): number | null {
  let total: number | null = null;
  for (const id of ACTIVITY_METRICS) {
    const n = partAt(series, id, i, id);
    if (n !== null) total = (total ?? 0) + n;
  }
  return total;
}

/** A numerator and denominator per bucket; pooled over buckets as Σ numerator ÷ Σ denominator. */
export interface RatioReader {
  numerator(series: SeriesSet, i: number): number | null;
  denominator(series: SeriesSet, i: number): number | null;
}

export function pooled(
  reader: RatioReader,
  series: SeriesSet,
  indices: readonly number[],
): { rate: number | null; numerator: number; denominator: number } {
  let numerator = 0;
  let denominator = 0;
  for (const i of indices) {
    const n = reader.numerator(series, i);
    const d = reader.denominator(series, i);
    if (n === null || d === null) continue;
    numerator += n;
    denominator += d;
  }
  return { rate: rateOf(numerator, denominator), numerator, denominator };
}

/** The rates that turn a shortfall of leads, MQLs, SQLs, opportunities or activities into revenue. */
export interface ChainRates {
  leadToMql: number | null;
  mqlToSql: number | null;
  sqlToOpportunity: number | null;
  winRate: number | null;
  avgDealSize: number | null;
  revenuePerActivity: number | null;
}

export type ChainStep = 'leadToMql' | 'mqlToSql' | 'sqlToOpportunity' | 'winRate';

export const CHAIN_LABELS: Record<ChainStep | 'avgDealSize' | 'revenuePerActivity', Text> = {
  leadToMql: text('lead→MQL', 'من عميل محتمل إلى مؤهل تسويقيًا'),
  mqlToSql: text('MQL→SQL', 'من مؤهل تسويقيًا إلى مؤهل للمبيعات'),
  sqlToOpportunity: text('SQL→opportunity', 'من مؤهل للمبيعات إلى فرصة بيع'),
  winRate: text('win rate', 'معدل الفوز'),
  avgDealSize: text('average deal size', 'متوسط حجم الصفقة'),
  revenuePerActivity: text('revenue per activity', 'الإيرادات لكل نشاط'),
};

/** The funnel's conversions, read from the scope's series (a bucket counts only when both sides have data). */
export const STAGE_READERS: Record<ChainStep, RatioReader> = {
  leadToMql: {
    numerator: (s, i) => partAt(s, 'mqls', i, 'mqls'),
    denominator: (s, i) => partAt(s, 'leads', i, 'leads_created'),
  },
  mqlToSql: {
    numerator: (s, i) => partAt(s, 'sqls', i, 'sqls'),
    denominator: (s, i) => partAt(s, 'mqls', i, 'mqls'),
  },
  sqlToOpportunity: {
    numerator: (s, i) => partAt(s, 'close_rate', i, 'deals_created'),
    denominator: (s, i) => partAt(s, 'sqls', i, 'sqls'),
  },
  winRate: {
    numerator: (s, i) => partAt(s, 'win_rate', i, 'deals_won'),
    denominator: (s, i) => {
      const won = partAt(s, 'win_rate', i, 'deals_won');
      const lost = partAt(s, 'win_rate', i, 'deals_lost');
      return won === null || lost === null ? null : won + lost;
    },
  },
};

const REVENUE_PER_DEAL: RatioReader = {
  numerator: (s, i) => partAt(s, 'revenue', i, 'won_amount'),
  denominator: (s, i) => partAt(s, 'deals_won', i, 'deals_won'),
};

const REVENUE_PER_ACTIVITY: RatioReader = {
  numerator: (s, i) => partAt(s, 'revenue', i, 'won_amount'),
  denominator: (s, i) => activitiesAt(s, i),
};

/**
 * Rates at today's level (the judged window), falling back to the year
 * before it when the window has none: a shortfall is priced at what the
 * rest of the funnel does now, which keeps the estimate conservative when
 * several stages fell at once.
 */
export function chainRates(series: SeriesSet, window: Window): ChainRates {
  const rate = (reader: RatioReader) =>
    pooled(reader, series, [window.current]).rate ?? pooled(reader, series, window.history).rate;
  return {
    leadToMql: rate(STAGE_READERS.leadToMql),
    mqlToSql: rate(STAGE_READERS.mqlToSql),
    sqlToOpportunity: rate(STAGE_READERS.sqlToOpportunity),
    winRate: rate(STAGE_READERS.winRate),
    avgDealSize: rate(REVENUE_PER_DEAL),
    revenuePerActivity: rate(REVENUE_PER_ACTIVITY),
  };
}

/** A value rounded as a goal target in that unit is written: whole minor units and counts, 0.01% for rates. */
export function roundFor(unit: Unit, value: number): number {
  if (unit === 'currency' || unit === 'count') return Math.round(value);
  if (unit === 'percent') return Math.round(value * 10_000) / 10_000;
  return Math.round(value * 10) / 10;
}

/** Writes a value in its unit for both languages (Latin digits: the raw numbers travel beside it). */
export function show(value: number, unit: Unit | 'number', currency: string): Text {
  return unit === 'number' ? formatNumber(value) : formatValue(value, unit, currency);
}

/** "a quarter" / "a month": the length of one judged window. */
export function perWindow(perYear: number): Text {
  if (perYear === 4) return text('a quarter', 'في ربع السنة');
  if (perYear === 12) return text('a month', 'في الشهر');
  return text('a period', 'في الفترة');
}

export interface Priced {
  /** Minor units per window; null when a rate of the chain is missing. */
  amount: number | null;
  /** "× 60% MQL→SQL × … × $10,000 average deal size = $28,800", or why it cannot be priced. */
  steps: Text;
}

/**
 * Units short at one funnel stage → revenue: × each downstream conversion
 * × the average deal size.
 */
export function priceUnits(
  units: number,
  chain: readonly ChainStep[],
  rates: ChainRates,
  currency: string,
): Priced {
  let value = units;
  const en: string[] = [];
  const ar: string[] = [];
  for (const step of chain) {
    const rate = rates[step];
    if (rate === null) return missingRate(CHAIN_LABELS[step]);
    value *= rate;
    const pct = show(rate, 'percent', currency);
    en.push(`× ${pct.en} ${CHAIN_LABELS[step].en}`);
    ar.push(`× ${pct.ar} ${CHAIN_LABELS[step].ar}`);
  }
  if (rates.avgDealSize === null) return missingRate(CHAIN_LABELS.avgDealSize);
  value *= rates.avgDealSize;
  const size = show(rates.avgDealSize, 'currency', currency);
  const amount = Math.round(value);
  const total = show(amount, 'currency', currency);
  en.push(`× ${size.en} ${CHAIN_LABELS.avgDealSize.en} = ${total.en}`);
  ar.push(`× ${size.ar} ${CHAIN_LABELS.avgDealSize.ar} = ${total.ar}`);
  return { amount, steps: text(en.join(' '), ar.join(' ')) };
}

export function missingRate(label: Text): Priced {
  return {
    amount: null,
    steps: text(
      `not priced: there is no ${label.en} in the data to carry it to revenue.`,
      `دون تقدير: لا يوجد ${label.ar} في البيانات لتحويله إلى إيرادات.`,
    ),
  };
}

/** "against 50% in 2025-Q4" / "against 50% over the previous year". */
export function againstText(ref: Text, kind: ReferenceKind, label: string | null): Text {
  switch (kind) {
    case 'history':
      return text(`against ${ref.en} over the previous year`, `مقابل ${ref.ar} خلال العام السابق`);
    case 'median':
      return text(`against a median of ${ref.en}`, `مقابل وسيط قدره ${ref.ar}`);
    default:
      return text(`against ${ref.en} in ${label}`, `مقابل ${ref.ar} في ${label}`);
  }
}

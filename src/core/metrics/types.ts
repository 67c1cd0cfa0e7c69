/**
 * The vocabulary of the metric catalog. Pure types: the catalog (catalog.ts)
 * says what each metric is, the store computes its parts in SQL, and
 * `metricValue` (value.ts) turns parts into the number.
 */

export type Unit = 'currency' | 'count' | 'percent' | 'days' | 'hours';

/** Which way is better for the business. */
export type Direction = 'higher' | 'lower';

/**
 * flow: summed over the period, additive across scopes and periods;
 * stock: a value at a moment (the end of the period);
 * ratio: computed from flows or stocks, never summed.
 */
export type Kind = 'flow' | 'stock' | 'ratio';

export const FILTER_NAMES = ['channel', 'segment', 'industry', 'product'] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

/** Restricts a metric to part of the business, e.g. `{ channel: 'instagram' }`. */
export type MetricFilters = Partial<Record<FilterName, string>>;

export type ScopeType = 'org' | 'team' | 'rep';

/** What a breakdown splits a scope by: its reps, its teams, or a filter dimension. */
export type BreakdownBy = 'rep' | 'team' | FilterName;

export const METRIC_IDS = [
  'revenue',
  'deals_won',
  'units_sold',
  'avg_deal_size',
  'win_rate',
  'close_rate',
  'sales_cycle_days',
  'lead_to_customer_days',
  'new_customers',
  'mrr',
  'mrr_growth',
  'churn_rate',
  'revenue_churn_rate',
  'ltv',
  'cac',
  'leads',
  'mqls',
  'sqls',
  'calls',
  'emails',
  'meetings',
  'demos_booked',
  'discovery_calls',
  'qualified_conversations',
  'prospects_by_industry',
  'new_customer_touch_rate',
  'coaching_hours',
  'trainings',
  'rep_turnover',
  'pipeline_coverage',
] as const;
export type MetricId = (typeof METRIC_IDS)[number];

/**
 * Sums over a period that the store reads from rollups (or raw facts), one
 * per event: every one is additive across days, owners and teams.
 */
export const FLOW_PARTS = [
  // deals, by created_at
  'deals_created',
  // deals, by closed_at (won or lost)
  'deals_won',
  'won_amount',
  'won_units',
  'won_cycle_ms',
  'deals_lost',
  // leads, each by its own instant
  'leads_created',
  'mqls',
  'sqls',
  'leads_converted',
  'converted_ms',
  // accounts and their subscriptions
  'customers_acquired',
  'customers_churned',
  'mrr_started',
  'mrr_ended',
  'mrr_churned',
  // activities
  'calls',
  'emails',
  'meetings',
  'demos_booked',
  'discovery_calls',
  'qualified_conversations',
  // coaching and training
  'coaching_seconds',
  'trainings',
] as const;
export type FlowPart = (typeof FLOW_PARTS)[number];

/** Values at an instant, read at the start and at the end of each period. */
export const STOCK_PARTS = ['mrr', 'customers'] as const;
export type StockPart = (typeof STOCK_PARTS)[number];

/**
 * Parts that are not rolled up because their tables are small or the rule
 * needs row-level detail: spend (prorated by day), rep headcount, the
 * new-customer touch rule, and the open pipeline with its target.
 */
export const SPECIAL_PARTS = ['spend', 'turnover', 'touch', 'pipeline'] as const;
export type SpecialPart = (typeof SPECIAL_PARTS)[number];

/** The data a metric reads; `no data` is decided per source (see `metricValue`). */
export type Source = 'deal' | 'lead' | 'account' | 'subscription' | 'activity' | 'coaching' | 'spend' | 'rep';

/**
 * Everything a metric's value is computed from, for one period and one
 * scope (or one breakdown row). Stocks appear as `<part>_start` and
 * `<part>_end`; only the parts the metric asked for are present.
 */
export type Parts = Partial<Record<PartName, number>>;

export type PartName =
  | FlowPart
  | `${StockPart}_start`
  | `${StockPart}_end`
  | 'spend'
  | 'leavers'
  | 'headcount_start'
  | 'headcount_end'
  | 'touch_met'
  | 'touch_due'
  | 'open_pipeline'
  | 'target';

export interface LocalText {
  en: string;
  ar: string;
}

export interface MetricDef {
  id: MetricId;
  label: LocalText;
  unit: Unit;
  direction: Direction;
  kind: Kind;
  /** The formula in words; the same line is the doc comment in catalog.ts and a heading's text in docs/metrics.md. */
  formula: string;
  /** Filters the metric accepts; any other is refused rather than ignored. */
  filters: readonly FilterName[];
  /** Scopes the metric is defined for. */
  scopes: readonly ScopeType[];
  /** Breakdowns the metric supports (besides periods, which every metric supports). */
  breakdowns: readonly BreakdownBy[];
  /** The breakdown a metric is naturally shown with, when the caller asks for none. */
  defaultBreakdown?: BreakdownBy;
  /** Sources whose absence before the end of a period makes the value "no data". */
  sources: readonly Source[];
  flows: readonly FlowPart[];
  stocks: readonly StockPart[];
  special: readonly SpecialPart[];
}

/** Why a value is null: no data reaches the period, a zero (or absent) denominator, no target to cover. */
export type NullReason = 'no_data' | 'zero_denominator' | 'no_target';

export interface MetricValue {
  value: number | null;
  /** Set exactly when `value` is null. */
  reason?: NullReason;
}

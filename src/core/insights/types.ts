/**
 * Growth areas (SPEC §4 step 1): where a scope has the most room, with the
 * numbers that show it and what closing the gap would be worth. Pure types:
 * the service reads the metric series and hands them in; nothing here
 * queries or reads a clock.
 */
import type { Text } from '../goals/types.ts';
import type { MetricId, NullReason, Parts, Unit } from '../metrics/index.ts';
import type { Day } from '../periods/index.ts';

/** One bucket of the analysed range; the last one is the window being judged. */
export interface Bucket {
  label: string;
  start: Day;
  end: Day;
}

/** A metric over one bucket, as the metric engine answers it. */
export interface Point {
  value: number | null;
  reason?: NullReason;
  parts: Parts;
}

/** Metric id → one point per bucket, aligned with `GrowthInput.buckets`. */
export type SeriesSet = Partial<Record<MetricId, readonly Point[]>>;

/** A rep of the peer group that rep-level areas compare against the median. */
export interface PeerRep {
  id: number;
  name: string;
  /** Employed for the whole judged window: only they make the median and can be an area (a new hire ramps). */
  eligible: boolean;
  /** The reader may see this rep's own figures (access rules); others only feed the median. */
  visible: boolean;
  series: SeriesSet;
}

export type ScopeType = 'org' | 'team' | 'rep';

export interface GrowthInput {
  /** Oldest first, whole buckets of one grain; the last is the window judged. */
  buckets: readonly Bucket[];
  /** Buckets in a year (4 for quarters, 12 for months): where "last year" and "history" lie. */
  perYear: number;
  currency: string;
  scope: { type: ScopeType; id: number | null; label: string };
  /** The scope's own figures. */
  series: SeriesSet;
  /** The reps to compare: the scope's reps, or for a rep scope the reps of their team. */
  peers: readonly PeerRep[];
  /** For a rep scope: only this rep can be a rep-level area. */
  focusRepId?: number;
}

export type AreaKind = 'funnel_stage' | 'rep_gap' | 'trend';
export type FunnelStage = 'lead_to_mql' | 'mql_to_sql' | 'sql_to_opportunity' | 'win_rate';
export type RepMetric = 'revenue' | 'win_rate' | 'activities' | 'sales_cycle_days';

/** What the current figure is compared with. */
export type ReferenceKind = 'median' | 'last_year' | 'history' | 'previous_period';

export interface ChartPoint {
  label: string;
  start: Day;
  end: Day;
  value: number | null;
  /** The comparison line: the team median per bucket for rep areas; absent otherwise. */
  reference: number | null;
}

export interface Evidence {
  unit: Unit;
  current: number;
  reference: number;
  referenceKind: ReferenceKind;
  /** (current − reference) ÷ reference; null when the reference is 0. */
  change: number | null;
  /** The bucket before the judged one. */
  previous: number | null;
  /** The same bucket a year earlier. */
  lastYear: number | null;
  /** Over the year of buckets before the judged one (pooled for rates, mean per bucket for flows). */
  history: number | null;
  /** Rep areas: the eligible peers' median. */
  median: number | null;
  /** How many events the current figure rests on (leads, closed deals...), when that matters. */
  sample: number | null;
  /** Small chart: every bucket of the range. */
  series: ChartPoint[];
}

export interface Impact {
  /** Minor units of the org currency over a year; null when the data cannot price it (`method` says why). */
  annual: number | null;
  /** The same over one window as long as the judged one. */
  perPeriod: number | null;
  /** Revenue won (or kept), or cost saved (CAC). */
  kind: 'revenue' | 'cost';
  /** How the estimate was made, with its numbers. */
  method: Text;
}

/** The goal that would close the gap, for a window as long as the judged one. */
export interface SuggestedGoal {
  metric: MetricId;
  scope: { type: ScopeType; id: number | null };
  direction: 'increase' | 'decrease';
  target: number;
  kind: 'outcome' | 'activity';
}

export interface GrowthArea {
  /** Stable for the same data: 'funnel:win_rate', 'rep:win_rate:12', 'trend:revenue'. */
  id: string;
  kind: AreaKind;
  /** What is measured: a funnel stage, a rep metric or a catalog metric id. */
  subject: { id: string; label: Text };
  stage?: FunnelStage;
  rep?: { id: number; name: string };
  title: Text;
  evidence: Evidence;
  impact: Impact;
  goal: SuggestedGoal;
  /** Relative shortfall 0..1, which orders areas whose impact cannot be priced. */
  severity: number;
  /** 1 = the most room. */
  rank: number;
}

/**
 * Thresholds, chosen so that noise does not rank: a drop must be at least
 * 10% of its reference, a rep at least 25% off the median, and rates must
 * rest on enough events to mean something.
 */
export const THRESHOLDS = {
  /** Relative drop of a conversion or a metric against its reference. */
  minDrop: 0.1,
  /** Relative distance of a rep from the peer median. */
  repGap: 0.25,
  /** Reps with a figure needed for a median. */
  minPeers: 3,
  /** Entries (leads, MQLs, SQLs, closed deals) a conversion rate needs, now and in its reference. */
  minFunnelSample: 20,
  /** Closed deals a rep's win rate needs. */
  minRepClosed: 5,
  /** Won deals a rep's cycle length needs. */
  minRepWon: 3,
  /** Smallest reference for a count metric to trend (2 → 1 deals is not a trend). */
  minTrendCount: 10,
} as const;

/** The scope series the analysis reads, one per metric over every bucket. */
export const SCOPE_SERIES: readonly MetricId[] = [
  'revenue',
  'deals_won',
  'avg_deal_size',
  'win_rate',
  'close_rate',
  'sales_cycle_days',
  'new_customers',
  'mrr',
  'churn_rate',
  'cac',
  'leads',
  'mqls',
  'sqls',
  'calls',
  'emails',
  'meetings',
  'demos_booked',
  'discovery_calls',
];

/** The series each peer rep needs for the rep-level areas. */
export const PEER_SERIES: readonly MetricId[] = [
  'revenue',
  'win_rate',
  'sales_cycle_days',
  'calls',
  'emails',
  'meetings',
  'demos_booked',
  'discovery_calls',
];

import { addDays, type Day, dayCount } from '../periods/index.ts';
import type { MetricDef, MetricValue, PartName, Parts } from './types.ts';

const DAY_MS = 86_400_000;
const SECONDS_PER_HOUR = 3600;
/** The mean Gregorian month, for periods that are not whole months. */
const DAYS_PER_MONTH = 365.25 / 12;

export interface ValueContext {
  /** The period the parts were measured over. */
  period: { start: Day; end: Day };
  /** Org setting used by LTV, 0..1. */
  grossMargin: number;
}

const value = (v: number): MetricValue => ({ value: v });
const zeroDenominator: MetricValue = { value: null, reason: 'zero_denominator' };

/** Numerator over denominator, or null ("no data") when the denominator is 0: never a silent 0 or Infinity. */
export function ratio(numerator: number, denominator: number): MetricValue {
  return denominator === 0 ? zeroDenominator : value(numerator / denominator);
}

/**
 * Months in a period for LTV's monthly churn: whole calendar months count
 * exactly (a quarter is 3 whatever its days); any other run of days counts
 * in mean months of 365.25 / 12 days.
 */
export function monthsIn(period: { start: Day; end: Day }): number {
  const next = addDays(period.end, 1);
  if (period.start.endsWith('-01') && next.endsWith('-01')) {
    const index = (day: Day) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7));
    return index(next) - index(period.start);
  }
  return dayCount(period) / DAYS_PER_MONTH;
}

/**
 * The value of `def` from its parts. The caller has already decided
 * coverage (a source with no data reaching the period gives "no data"
 * before this runs); here only zero denominators turn into null.
 */
/** A part, 0 when absent. Module-level rather than a closure: this runs for every cell of a leaderboard. */
function part(parts: Parts, name: PartName): number {
  return parts[name] ?? 0;
}

export function metricValue(def: MetricDef, parts: Parts, context: ValueContext): MetricValue {
  switch (def.id) {
    case 'revenue':
      return value(part(parts, 'won_amount'));
    case 'deals_won':
      return value(part(parts, 'deals_won'));
    case 'units_sold':
      return value(part(parts, 'won_units'));
    case 'avg_deal_size':
      return ratio(part(parts, 'won_amount'), part(parts, 'deals_won'));
    case 'win_rate':
      return ratio(part(parts, 'deals_won'), part(parts, 'deals_won') + part(parts, 'deals_lost'));
    case 'close_rate':
      return ratio(part(parts, 'deals_won'), part(parts, 'deals_created'));
    case 'sales_cycle_days':
      return ratio(part(parts, 'won_cycle_ms') / DAY_MS, part(parts, 'deals_won'));
    case 'lead_to_customer_days':
      return ratio(part(parts, 'converted_ms') / DAY_MS, part(parts, 'leads_converted'));
    case 'new_customers':
      return value(part(parts, 'customers_acquired'));
    case 'mrr':
      return value(part(parts, 'mrr_end'));
    case 'mrr_growth':
      return ratio(part(parts, 'mrr_end') - part(parts, 'mrr_start'), part(parts, 'mrr_start'));
    case 'churn_rate':
      return ratio(part(parts, 'customers_churned'), part(parts, 'customers_start'));
    case 'revenue_churn_rate':
      return ratio(part(parts, 'mrr_churned'), part(parts, 'mrr_start'));
    case 'ltv':
      return ltv(parts, context);
    case 'cac':
      return ratio(part(parts, 'spend'), part(parts, 'customers_acquired'));
    case 'leads':
    case 'prospects_by_industry':
      return value(part(parts, 'leads_created'));
    case 'mqls':
      return value(part(parts, 'mqls'));
    case 'sqls':
      return value(part(parts, 'sqls'));
    case 'calls':
      return value(part(parts, 'calls'));
    case 'emails':
      return value(part(parts, 'emails'));
    case 'meetings':
      return value(part(parts, 'meetings'));
    case 'demos_booked':
      return value(part(parts, 'demos_booked'));
    case 'discovery_calls':
      return value(part(parts, 'discovery_calls'));
    case 'qualified_conversations':
      return value(part(parts, 'qualified_conversations'));
    case 'new_customer_touch_rate':
      return ratio(part(parts, 'touch_met'), part(parts, 'touch_due'));
    case 'coaching_hours':
      return value(part(parts, 'coaching_seconds') / SECONDS_PER_HOUR);
    case 'trainings':
      return value(part(parts, 'trainings'));
    case 'rep_turnover':
      return ratio(
        part(parts, 'leavers'),
        (part(parts, 'headcount_start') + part(parts, 'headcount_end')) / 2,
      );
    case 'pipeline_coverage':
      return pipelineCoverage(parts);
  }
}

function ltv(parts: Parts, context: ValueContext): MetricValue {
  const arpa = ratio(part(parts, 'mrr_end'), part(parts, 'customers_end'));
  const churn = ratio(part(parts, 'customers_churned'), part(parts, 'customers_start'));
  if (arpa.value === null || churn.value === null) return zeroDenominator;
  const monthlyChurn = churn.value / monthsIn(context.period);
  // No churn at all means an unbounded lifetime: there is no finite value to show.
  return ratio(arpa.value * context.grossMargin, monthlyChurn);
}

function pipelineCoverage(parts: Parts): MetricValue {
  if (parts.target === undefined) return { value: null, reason: 'no_target' };
  const remaining = parts.target - (parts.won_amount ?? 0);
  // Once the target is met there is nothing left to cover.
  if (remaining <= 0) return zeroDenominator;
  return value((parts.open_pipeline ?? 0) / remaining);
}

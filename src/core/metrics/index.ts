/**
 * The metric catalog and the pure arithmetic behind every metric: which
 * parts a metric reads (catalog.ts), how parts become a value (value.ts),
 * and the row-level rules of the metrics that are not rolled up (touch.ts,
 * turnover.ts, spend.ts). SQL lives in src/store/metric-*.ts.
 */
export { isMetricId, METRICS, metricDef } from './catalog.ts';
export { type SpendRow, spendIn, spendRecorded } from './spend.ts';
export { everyWindowTouched, newCustomerSince, type TouchRule, touchWindowsDue } from './touch.ts';
export {
  employedAt,
  type Membership,
  type Tenure,
  type TurnoverParts,
  teamAt,
  turnoverParts,
} from './turnover.ts';
export * from './types.ts';
export { metricValue, monthsIn, ratio, type ValueContext } from './value.ts';

import { query } from './api.ts';
import type { GoalFilters } from './api-types.ts';
import { type DayRange, rangeText } from './periods.ts';

/** The drill-down of a number: a metric over a period for a scope (`org`, `team:4`, `rep:6`), with filters. */
export function drillHref(
  metric: string,
  period: DayRange,
  scope: string,
  filters: GoalFilters = {},
): string {
  return `/drill${query({ metric, period: rangeText(period), scope, ...filters })}`;
}

export function goalHref(id: number): string {
  return `/goals/${id}`;
}

export function dashboardHref(scope: string): string {
  return scope === 'org' ? '/' : `/${query({ scope })}`;
}

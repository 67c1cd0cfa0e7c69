/**
 * Which rows stand behind a metric's number: the entity to list and the
 * filters that pick the same rows the metric counts (docs/metrics.md).
 * Metrics computed from something else (MRR, churn, spend) have none.
 */
export type FactEntity = 'deals' | 'leads' | 'activities' | 'accounts' | 'coaching';

export interface FactSource {
  entity: FactEntity;
  /** List parameters besides scope and period: dateField, status, type... */
  params: Record<string, string>;
  /** The goal filters the list understands. */
  filters: ReadonlyArray<'channel' | 'segment' | 'industry' | 'product'>;
}

const dealFilters = ['channel', 'segment', 'industry', 'product'] as const;
const leadFilters = ['channel', 'segment', 'industry'] as const;

const wonDeals: FactSource = {
  entity: 'deals',
  params: { status: 'won', dateField: 'closed_at' },
  filters: dealFilters,
};
const closedDeals: FactSource = { entity: 'deals', params: { dateField: 'closed_at' }, filters: dealFilters };
const activity = (params: Record<string, string>): FactSource => ({
  entity: 'activities',
  params: { dateField: 'occurred_at', ...params },
  filters: [],
});

const sources: Record<string, FactSource> = {
  revenue: wonDeals,
  deals_won: wonDeals,
  units_sold: wonDeals,
  avg_deal_size: wonDeals,
  sales_cycle_days: wonDeals,
  win_rate: closedDeals,
  close_rate: closedDeals,
  pipeline_coverage: {
    entity: 'deals',
    params: { status: 'open', dateField: 'expected_close_at' },
    filters: dealFilters,
  },
  leads: { entity: 'leads', params: { dateField: 'created_at' }, filters: leadFilters },
  mqls: { entity: 'leads', params: { dateField: 'mql_at' }, filters: leadFilters },
  sqls: { entity: 'leads', params: { dateField: 'sql_at' }, filters: leadFilters },
  lead_to_customer_days: { entity: 'leads', params: { dateField: 'converted_at' }, filters: leadFilters },
  new_customers: { entity: 'accounts', params: { dateField: 'acquired_at' }, filters: leadFilters },
  churn_rate: { entity: 'accounts', params: { dateField: 'churned_at' }, filters: leadFilters },
  calls: activity({ type: 'call' }),
  emails: activity({ type: 'email' }),
  meetings: activity({ type: 'meeting' }),
  demos_booked: activity({ type: 'demo', dateField: 'booked_at' }),
  discovery_calls: activity({ type: 'discovery_call' }),
  qualified_conversations: activity({ qualified: 'true' }),
  coaching_hours: { entity: 'coaching', params: { kind: 'coaching' }, filters: [] },
  trainings: { entity: 'coaching', params: { kind: 'training' }, filters: [] },
};

export function factSourceOf(metric: string): FactSource | null {
  return sources[metric] ?? null;
}

import { HadafError } from '../errors.ts';
import type { BreakdownBy, FilterName, MetricDef, MetricId, ScopeType } from './types.ts';

/**
 * Every metric of SPEC §2, declared once. P is the period, S the scope.
 * Each entry's doc comment is its `formula`, word for word, and
 * docs/metrics.md explains the same formula (a test keeps all three in sync).
 * What "no data" means and which rows count is in docs/metrics.md.
 */

const DEAL_FILTERS: readonly FilterName[] = ['channel', 'segment', 'industry', 'product'];
const LEAD_FILTERS: readonly FilterName[] = ['channel', 'segment', 'industry'];
const ACCOUNT_FILTERS: readonly FilterName[] = ['channel', 'segment', 'industry'];
const ALL_SCOPES: readonly ScopeType[] = ['org', 'team', 'rep'];
const by = (filters: readonly FilterName[]): readonly BreakdownBy[] => ['rep', 'team', ...filters];

const none = { stocks: [], special: [] } as const;

const deal = (
  def: Pick<MetricDef, 'id' | 'label' | 'unit' | 'direction' | 'kind' | 'formula' | 'flows'>,
): MetricDef => ({
  ...def,
  ...none,
  filters: DEAL_FILTERS,
  scopes: ALL_SCOPES,
  breakdowns: by(DEAL_FILTERS),
  sources: ['deal'],
});

const lead = (
  def: Pick<MetricDef, 'id' | 'label' | 'unit' | 'direction' | 'kind' | 'formula' | 'flows'> &
    Partial<Pick<MetricDef, 'defaultBreakdown'>>,
): MetricDef => ({
  ...def,
  ...none,
  filters: LEAD_FILTERS,
  scopes: ALL_SCOPES,
  breakdowns: by(LEAD_FILTERS),
  sources: ['lead'],
});

const account = (
  def: Pick<
    MetricDef,
    'id' | 'label' | 'unit' | 'direction' | 'kind' | 'formula' | 'flows' | 'stocks' | 'sources'
  >,
): MetricDef => ({
  ...def,
  special: [],
  filters: ACCOUNT_FILTERS,
  scopes: ALL_SCOPES,
  breakdowns: by(ACCOUNT_FILTERS),
});

const activity = (
  def: Pick<MetricDef, 'id' | 'label' | 'formula' | 'flows'>,
  sources: MetricDef['sources'] = ['activity'],
): MetricDef => ({
  ...def,
  ...none,
  unit: 'count',
  direction: 'higher',
  kind: 'flow',
  // Activities carry no channel, segment, industry or product of their own.
  filters: [],
  scopes: ALL_SCOPES,
  breakdowns: ['rep', 'team'],
  sources,
});

export const METRICS: readonly MetricDef[] = [
  /** Σ amount of deals won with closed_at ∈ P, owner ∈ S */
  deal({
    id: 'revenue',
    label: { en: 'Revenue', ar: 'الإيرادات' },
    unit: 'currency',
    direction: 'higher',
    kind: 'flow',
    formula: 'Σ amount of deals won with closed_at ∈ P, owner ∈ S',
    flows: ['won_amount'],
  }),
  /** count of deals won with closed_at ∈ P, owner ∈ S */
  deal({
    id: 'deals_won',
    label: { en: 'Deals won', ar: 'الصفقات الرابحة' },
    unit: 'count',
    direction: 'higher',
    kind: 'flow',
    formula: 'count of deals won with closed_at ∈ P, owner ∈ S',
    flows: ['deals_won'],
  }),
  /** Σ units of deals won with closed_at ∈ P, owner ∈ S */
  deal({
    id: 'units_sold',
    label: { en: 'Units sold', ar: 'الوحدات المباعة' },
    unit: 'count',
    direction: 'higher',
    kind: 'flow',
    formula: 'Σ units of deals won with closed_at ∈ P, owner ∈ S',
    flows: ['won_units'],
  }),
  /** revenue / deals_won */
  deal({
    id: 'avg_deal_size',
    label: { en: 'Average deal size', ar: 'متوسط حجم الصفقة' },
    unit: 'currency',
    direction: 'higher',
    kind: 'ratio',
    formula: 'revenue / deals_won',
    flows: ['won_amount', 'deals_won'],
  }),
  /** deals won / (deals won + deals lost), deals closed in P */
  deal({
    id: 'win_rate',
    label: { en: 'Win rate', ar: 'معدل الفوز' },
    unit: 'percent',
    direction: 'higher',
    kind: 'ratio',
    formula: 'deals won / (deals won + deals lost), deals closed in P',
    flows: ['deals_won', 'deals_lost'],
  }),
  /** deals won in P / deals created in P */
  deal({
    id: 'close_rate',
    label: { en: 'Close rate', ar: 'معدل الإغلاق' },
    unit: 'percent',
    direction: 'higher',
    kind: 'ratio',
    formula: 'deals won in P / deals created in P',
    flows: ['deals_won', 'deals_created'],
  }),
  /** mean(closed_at − created_at) in days, deals won in P */
  deal({
    id: 'sales_cycle_days',
    label: { en: 'Sales cycle length', ar: 'طول دورة المبيعات' },
    unit: 'days',
    direction: 'lower',
    kind: 'ratio',
    formula: 'mean(closed_at − created_at) in days, deals won in P',
    flows: ['won_cycle_ms', 'deals_won'],
  }),
  /** mean(converted_at − created_at) in days, leads converted in P */
  lead({
    id: 'lead_to_customer_days',
    label: { en: 'Lead-to-customer time', ar: 'مدة تحول العميل المحتمل إلى عميل' },
    unit: 'days',
    direction: 'lower',
    kind: 'ratio',
    formula: 'mean(converted_at − created_at) in days, leads converted in P',
    flows: ['converted_ms', 'leads_converted'],
  }),
  /** accounts with acquired_at ∈ P */
  account({
    id: 'new_customers',
    label: { en: 'New customers', ar: 'العملاء الجدد' },
    unit: 'count',
    direction: 'higher',
    kind: 'flow',
    formula: 'accounts with acquired_at ∈ P',
    flows: ['customers_acquired'],
    stocks: [],
    sources: ['account'],
  }),
  /** Σ MRR of subscriptions active at the end of P */
  account({
    id: 'mrr',
    label: { en: 'Monthly recurring revenue', ar: 'الإيرادات الشهرية المتكررة' },
    unit: 'currency',
    direction: 'higher',
    kind: 'stock',
    formula: 'Σ MRR of subscriptions active at the end of P',
    flows: [],
    stocks: ['mrr'],
    sources: ['subscription'],
  }),
  /** (mrr at end of P − mrr at start of P) / mrr at start of P */
  account({
    id: 'mrr_growth',
    label: { en: 'MRR growth', ar: 'نمو الإيرادات الشهرية المتكررة' },
    unit: 'percent',
    direction: 'higher',
    kind: 'ratio',
    formula: '(mrr at end of P − mrr at start of P) / mrr at start of P',
    flows: [],
    stocks: ['mrr'],
    sources: ['subscription'],
  }),
  /** customers churned in P / customers active at start of P */
  account({
    id: 'churn_rate',
    label: { en: 'Churn rate', ar: 'معدل فقدان العملاء' },
    unit: 'percent',
    direction: 'lower',
    kind: 'ratio',
    formula: 'customers churned in P / customers active at start of P',
    flows: ['customers_churned'],
    stocks: ['customers'],
    sources: ['account'],
  }),
  /** MRR of churned customers' subscriptions that ended in P / mrr at start of P */
  account({
    id: 'revenue_churn_rate',
    label: { en: 'Revenue churn rate', ar: 'معدل فقدان الإيرادات' },
    unit: 'percent',
    direction: 'lower',
    kind: 'ratio',
    formula: "MRR of churned customers' subscriptions that ended in P / mrr at start of P",
    flows: ['mrr_churned'],
    stocks: ['mrr'],
    sources: ['subscription'],
  }),
  /** ARPA × gross margin / monthly churn rate; ARPA = mrr at end of P / customers active at end of P; monthly churn rate = churn_rate / months in P */
  account({
    id: 'ltv',
    label: { en: 'Customer lifetime value', ar: 'القيمة الدائمة للعميل' },
    unit: 'currency',
    direction: 'higher',
    kind: 'ratio',
    formula:
      'ARPA × gross margin / monthly churn rate; ARPA = mrr at end of P / customers active at end of P; monthly churn rate = churn_rate / months in P',
    flows: ['customers_churned'],
    stocks: ['mrr', 'customers'],
    sources: ['account', 'subscription'],
  }),
  /** (sales + marketing spend in P) / new_customers in P */
  {
    id: 'cac',
    label: { en: 'Customer acquisition cost', ar: 'تكلفة اكتساب العميل' },
    unit: 'currency',
    direction: 'lower',
    kind: 'ratio',
    formula: '(sales + marketing spend in P) / new_customers in P',
    // Spend belongs to the org and its channels, not to a team or a rep.
    filters: ['channel'],
    scopes: ['org'],
    breakdowns: ['channel'],
    sources: ['account', 'spend'],
    flows: ['customers_acquired'],
    stocks: [],
    special: ['spend'],
  },
  /** leads with created_at ∈ P */
  lead({
    id: 'leads',
    label: { en: 'Leads', ar: 'العملاء المحتملون' },
    unit: 'count',
    direction: 'higher',
    kind: 'flow',
    formula: 'leads with created_at ∈ P',
    flows: ['leads_created'],
  }),
  /** leads with mql_at ∈ P */
  lead({
    id: 'mqls',
    label: { en: 'Marketing qualified leads', ar: 'العملاء المحتملون المؤهلون تسويقيًا' },
    unit: 'count',
    direction: 'higher',
    kind: 'flow',
    formula: 'leads with mql_at ∈ P',
    flows: ['mqls'],
  }),
  /** leads with sql_at ∈ P */
  lead({
    id: 'sqls',
    label: { en: 'Sales qualified leads', ar: 'العملاء المحتملون المؤهلون للمبيعات' },
    unit: 'count',
    direction: 'higher',
    kind: 'flow',
    formula: 'leads with sql_at ∈ P',
    flows: ['sqls'],
  }),
  /** activities of type call with occurred_at ∈ P */
  activity({
    id: 'calls',
    label: { en: 'Calls', ar: 'المكالمات' },
    formula: 'activities of type call with occurred_at ∈ P',
    flows: ['calls'],
  }),
  /** activities of type email with occurred_at ∈ P */
  activity({
    id: 'emails',
    label: { en: 'Emails', ar: 'رسائل البريد الإلكتروني' },
    formula: 'activities of type email with occurred_at ∈ P',
    flows: ['emails'],
  }),
  /** activities of type meeting with occurred_at ∈ P */
  activity({
    id: 'meetings',
    label: { en: 'Meetings', ar: 'الاجتماعات' },
    formula: 'activities of type meeting with occurred_at ∈ P',
    flows: ['meetings'],
  }),
  /** demo activities with booked_at ∈ P */
  activity({
    id: 'demos_booked',
    label: { en: 'Demos booked', ar: 'العروض التوضيحية المحجوزة' },
    formula: 'demo activities with booked_at ∈ P',
    flows: ['demos_booked'],
  }),
  /** discovery_call activities with occurred_at ∈ P */
  activity({
    id: 'discovery_calls',
    label: { en: 'Discovery calls', ar: 'المكالمات الاستكشافية' },
    formula: 'discovery_call activities with occurred_at ∈ P',
    flows: ['discovery_calls'],
  }),
  /** activities with qualified = true and occurred_at ∈ P */
  activity({
    id: 'qualified_conversations',
    label: { en: 'Qualified sales conversations', ar: 'محادثات المبيعات المؤهلة' },
    formula: 'activities with qualified = true and occurred_at ∈ P',
    flows: ['qualified_conversations'],
  }),
  /** leads with created_at ∈ P, grouped by industry */
  lead({
    id: 'prospects_by_industry',
    label: { en: 'Prospects by industry', ar: 'التنقيب عن العملاء حسب القطاع' },
    unit: 'count',
    direction: 'higher',
    kind: 'flow',
    formula: 'leads with created_at ∈ P, grouped by industry',
    flows: ['leads_created'],
    defaultBreakdown: 'industry',
  }),
  /** accounts whose every touch window due in P had an activity / accounts acquired in the 12 months to the end of P with a touch window due in P */
  {
    id: 'new_customer_touch_rate',
    label: { en: 'New-customer touch rate', ar: 'معدل التواصل مع العملاء الجدد' },
    unit: 'percent',
    direction: 'higher',
    kind: 'ratio',
    formula:
      'accounts whose every touch window due in P had an activity / accounts acquired in the 12 months to the end of P with a touch window due in P',
    filters: ACCOUNT_FILTERS,
    scopes: ALL_SCOPES,
    breakdowns: by(ACCOUNT_FILTERS),
    sources: ['account', 'activity'],
    flows: [],
    stocks: [],
    special: ['touch'],
  },
  /** Σ hours of coaching sessions given in P (coach ∈ S) */
  {
    ...activity(
      {
        id: 'coaching_hours',
        label: { en: 'Coaching hours', ar: 'ساعات التوجيه' },
        formula: 'Σ hours of coaching sessions given in P (coach ∈ S)',
        flows: ['coaching_seconds'],
      },
      ['coaching'],
    ),
    unit: 'hours',
  },
  /** count of training records in P (trainee ∈ S) */
  activity(
    {
      id: 'trainings',
      label: { en: 'Trainings', ar: 'التدريب' },
      formula: 'count of training records in P (trainee ∈ S)',
      flows: ['trainings'],
    },
    ['coaching'],
  ),
  /** reps who left in P / mean(rep headcount at start of P, at end of P) */
  {
    id: 'rep_turnover',
    label: { en: 'Rep turnover', ar: 'معدل دوران المندوبين' },
    unit: 'percent',
    direction: 'lower',
    kind: 'ratio',
    formula: 'reps who left in P / mean(rep headcount at start of P, at end of P)',
    filters: [],
    // One person has no turnover rate.
    scopes: ['org', 'team'],
    breakdowns: ['team'],
    sources: ['rep'],
    flows: [],
    stocks: [],
    special: ['turnover'],
  },
  /** Σ amount of open deals expected to close in P / (revenue target for P − revenue in P) */
  {
    id: 'pipeline_coverage',
    label: { en: 'Pipeline coverage', ar: 'تغطية مسار المبيعات' },
    unit: 'percent',
    direction: 'higher',
    kind: 'ratio',
    formula: 'Σ amount of open deals expected to close in P / (revenue target for P − revenue in P)',
    filters: DEAL_FILTERS,
    scopes: ALL_SCOPES,
    breakdowns: ['rep', 'team'],
    sources: ['deal'],
    flows: ['won_amount'],
    stocks: [],
    special: ['pipeline'],
  },
];

const byId = new Map<string, MetricDef>(METRICS.map((m) => [m.id, m]));

export function isMetricId(id: string): id is MetricId {
  return byId.has(id);
}

/** The metric named `id`, or a not-found error that lists the known ids. */
export function metricDef(id: string): MetricDef {
  const def = byId.get(id);
  if (!def) {
    throw new HadafError(
      'not_found',
      `There is no metric "${id}". Known metrics: ${METRICS.map((m) => m.id).join(', ')}.`,
      'metric',
    );
  }
  return def;
}

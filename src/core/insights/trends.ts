/**
 * Metrics moving the wrong way: the judged window against the same window a
 * year earlier (or, without one, the window before it), with both changes
 * in the evidence. Falling revenue, deals, customers, leads and activity;
 * rising cycle length, churn and CAC. Conversion rates are the funnel's
 * business (funnel.ts), so they do not appear twice.
 */
import { text } from '../goals/text.ts';
import type { Text } from '../goals/types.ts';
import { type MetricDef, type MetricId, metricDef } from '../metrics/index.ts';
import {
  ACTIVITY_METRICS,
  againstText,
  type ChainRates,
  type ChainStep,
  mean,
  type Priced,
  partAt,
  perWindow,
  priceUnits,
  roundFor,
  severityOf,
  show,
  valueAt,
  type Window,
} from './figures.ts';
import { type GrowthArea, type GrowthInput, type ReferenceKind, THRESHOLDS } from './types.ts';

export const TREND_METRICS: readonly MetricId[] = [
  'revenue',
  'deals_won',
  'avg_deal_size',
  'new_customers',
  'mrr',
  'leads',
  'mqls',
  'sqls',
  ...ACTIVITY_METRICS,
  'sales_cycle_days',
  'churn_rate',
  'cac',
];

/** Units of a lead-fed metric carried to revenue through the rest of the funnel. */
const CHAINS: Partial<Record<MetricId, ChainStep[]>> = {
  leads: ['leadToMql', 'mqlToSql', 'sqlToOpportunity', 'winRate'],
  mqls: ['mqlToSql', 'sqlToOpportunity', 'winRate'],
  sqls: ['sqlToOpportunity', 'winRate'],
  deals_won: [],
  // A new customer is worth about an average won deal.
  new_customers: [],
};

interface Gap {
  def: MetricDef;
  current: number;
  reference: number;
  /** How far on the wrong side, in the metric's unit (always positive). */
  gap: number;
}

interface Pricing extends Priced {
  /** Set when a year is not simply perYear windows (stocks: twelve months of MRR). */
  annual?: number | null;
  kind?: 'revenue' | 'cost';
}

export function trendAreas(input: GrowthInput, window: Window, rates: ChainRates): GrowthArea[] {
  const areas: GrowthArea[] = [];
  const { series, buckets, currency } = input;
  const bucket = buckets[window.current] as GrowthInput['buckets'][number];
  const per = perWindow(input.perYear);
  for (const id of TREND_METRICS) {
    if (!series[id]) continue;
    const def = metricDef(id);
    const current = valueAt(series, id, window.current);
    if (current === null) continue;
    const lastYear = valueAt(series, id, window.lastYear);
    const previous = valueAt(series, id, window.previous);
    const referenceKind: ReferenceKind | null =
      lastYear !== null ? 'last_year' : previous !== null ? 'previous_period' : null;
    if (referenceKind === null) continue;
    const reference = (referenceKind === 'last_year' ? lastYear : previous) as number;
    if (def.unit === 'count' && reference < THRESHOLDS.minTrendCount) continue;
    const worse =
      def.direction === 'higher'
        ? reference > 0 && current < reference * (1 - THRESHOLDS.minDrop)
        : current > reference * (1 + THRESHOLDS.minDrop) && current > 0;
    if (!worse) continue;
    const gap = Math.abs(reference - current);
    const change = reference === 0 ? null : (current - reference) / reference;
    const priced = priceTrend({ def, current, reference, gap }, input, window, rates);
    const annual =
      priced.annual !== undefined
        ? priced.annual
        : priced.amount === null
          ? null
          : priced.amount * input.perYear;
    const fmt = (v: number) => show(v, def.unit, currency);
    const refLabel =
      buckets[referenceKind === 'last_year' ? window.lastYear : window.previous]?.label ?? null;
    const against = againstText(fmt(reference), referenceKind, refLabel);
    const changeText = change === null ? text('', '') : show(change, 'percent', currency);
    const suffix = (t: string) => (change === null ? '' : ` (${t})`);
    const yearly =
      annual === null || priced.annual !== undefined
        ? text('', '')
        : text(
            ` ${per.en}; × ${input.perYear} = ${show(annual, 'currency', currency).en} a year`,
            ` ${per.ar}؛ × ${input.perYear} = ${show(annual, 'currency', currency).ar} سنويًا`,
          );
    areas.push({
      id: `trend:${id}`,
      kind: 'trend',
      subject: { id, label: def.label },
      title: text(
        `${def.label.en}: ${fmt(current).en} in ${bucket.label}, ${against.en}${suffix(changeText.en)}`,
        `${def.label.ar}: ${fmt(current).ar} في ${bucket.label}، ${against.ar}${suffix(changeText.ar)}`,
      ),
      evidence: {
        unit: def.unit,
        current,
        reference,
        referenceKind,
        change,
        previous,
        lastYear,
        history: mean(window.history.map((i) => valueAt(series, id, i))),
        median: null,
        sample: null,
        series: buckets.map((b, i) => ({
          label: b.label,
          start: b.start,
          end: b.end,
          value: valueAt(series, id, i),
          reference: null,
        })),
      },
      impact: {
        kind: priced.kind ?? 'revenue',
        perPeriod: priced.amount,
        annual,
        method: text(
          `Back to ${fmt(reference).en}: ${priced.steps.en}${yearly.en}.`,
          `العودة إلى ${fmt(reference).ar}: ${priced.steps.ar}${yearly.ar}.`,
        ),
      },
      goal: {
        metric: id,
        scope: { type: input.scope.type, id: input.scope.id },
        direction: def.direction === 'higher' ? 'increase' : 'decrease',
        target: roundFor(def.unit, reference),
        kind: (ACTIVITY_METRICS as readonly string[]).includes(id) ? 'activity' : 'outcome',
      },
      severity: change === null ? 1 : severityOf(change),
      rank: 0,
    });
  }
  return areas;
}

function priceTrend(g: Gap, input: GrowthInput, window: Window, rates: ChainRates): Pricing {
  const { currency, series } = input;
  const money = (v: number) => show(v, 'currency', currency);
  const n = (v: number) => show(v, 'number', currency);
  const fmt = (v: number) => show(v, g.def.unit, currency);
  const gapText = text(
    `${fmt(g.reference).en} − ${fmt(g.current).en} = ${fmt(g.gap).en}`,
    `${fmt(g.reference).ar} − ${fmt(g.current).ar} = ${fmt(g.gap).ar}`,
  );
  const i = window.current;
  const chain = CHAINS[g.def.id];
  if (chain) {
    const priced = priceUnits(g.gap, chain, rates, currency);
    return { amount: priced.amount, steps: join(gapText, priced.steps) };
  }
  switch (g.def.id) {
    case 'revenue':
      return { amount: Math.round(g.gap), steps: gapText };
    case 'avg_deal_size': {
      const won = partAt(series, 'deals_won', i, 'deals_won') ?? 0;
      const amount = Math.round(g.gap * won);
      return {
        amount,
        steps: join(
          gapText,
          text(
            `× ${n(won).en} won deals = ${money(amount).en}`,
            `× ${n(won).ar} صفقة رابحة = ${money(amount).ar}`,
          ),
        ),
      };
    }
    case 'sales_cycle_days': {
      const revenue = partAt(series, 'revenue', i, 'won_amount');
      if (revenue === null) return unpriced(text('revenue', 'الإيرادات'));
      // as for a rep: a longer cycle closes the same pipeline slower; at most a doubling counts
      const factor = Math.min(1, g.current / g.reference - 1);
      const amount = Math.round(revenue * factor);
      return {
        amount,
        steps: text(
          `${money(revenue).en} revenue × (${n(g.current).en} ÷ ${n(g.reference).en} − 1, at most 1) = ${money(amount).en}`,
          `${money(revenue).ar} إيرادات × (${n(g.current).ar} ÷ ${n(g.reference).ar} − 1، بحد أقصى 1) = ${money(amount).ar}`,
        ),
      };
    }
    case 'mrr': {
      // A stock: the MRR missing is revenue missed every month, twelve in a year.
      const months = 12 / input.perYear;
      const amount = Math.round(g.gap * months);
      const annual = Math.round(g.gap * 12);
      return {
        amount,
        annual,
        steps: text(
          `${gapText.en} of MRR × 12 months = ${money(annual).en} a year`,
          `${gapText.ar} من الإيرادات الشهرية المتكررة × 12 شهرًا = ${money(annual).ar} سنويًا`,
        ),
      };
    }
    case 'churn_rate': {
      const start = partAt(series, 'churn_rate', i, 'customers_start');
      const end = partAt(series, 'churn_rate', i, 'customers_end');
      const mrr = valueAt(series, 'mrr', i);
      if (start === null || end === null || !(end > 0) || mrr === null) {
        return unpriced(text('recorded MRR per customer', 'إيرادات شهرية متكررة مسجلة لكل عميل'));
      }
      const extraLost = g.gap * start;
      const arpa = mrr / end;
      const amount = Math.round(extraLost * arpa * 12);
      return {
        amount,
        steps: text(
          `${gapText.en} × ${n(start).en} customers at the start = ${n(extraLost).en} more customers lost × ${money(arpa).en} MRR each × 12 months = ${money(amount).en} of yearly revenue`,
          `${gapText.ar} × ${n(start).ar} عميل في البداية = ${n(extraLost).ar} عميل مفقود إضافي × ${money(arpa).ar} إيرادات شهرية متكررة لكل عميل × 12 شهرًا = ${money(amount).ar} من الإيرادات السنوية`,
        ),
      };
    }
    case 'cac': {
      const customers = partAt(series, 'cac', i, 'customers_acquired') ?? 0;
      const amount = Math.round(g.gap * customers);
      return {
        amount,
        kind: 'cost',
        steps: text(
          `${gapText.en} × ${n(customers).en} new customers = ${money(amount).en} of spend saved`,
          `${gapText.ar} × ${n(customers).ar} عميل جديد = ${money(amount).ar} من الإنفاق الموفَّر`,
        ),
      };
    }
    default: {
      // the activity kinds: each missing activity is worth what an activity brings in on average
      const perActivity = rates.revenuePerActivity;
      if (perActivity === null) return unpriced(text('revenue per activity', 'الإيرادات لكل نشاط'));
      const amount = Math.round(g.gap * perActivity);
      return {
        amount,
        steps: join(
          gapText,
          text(
            `× ${money(perActivity).en} revenue per activity (revenue ÷ all activities) = ${money(amount).en}`,
            `× ${money(perActivity).ar} الإيرادات لكل نشاط (الإيرادات ÷ جميع الأنشطة) = ${money(amount).ar}`,
          ),
        ),
      };
    }
  }
}

function join(a: Text, b: Text): Text {
  return text(`${a.en} ${b.en}`, `${a.ar} ${b.ar}`);
}

function unpriced(missing: Text): Pricing {
  return {
    amount: null,
    annual: null,
    steps: text(
      `not priced: there is no ${missing.en} in the data.`,
      `دون تقدير: لا توجد ${missing.ar} في البيانات.`,
    ),
  };
}

/**
 * The reverse funnel (SPEC §3): from an outcome target back to the activity
 * that produces it, with the org's own rates. Revenue ÷ average deal size =
 * won deals; ÷ win rate = opportunities; ÷ SQL→opportunity rate = SQLs;
 * ÷ MQL→SQL = MQLs; ÷ lead→MQL = leads; and won deals × activities per won
 * deal = calls, emails, meetings, demos and discovery calls. Every step is
 * rounded up (a third of a deal is a deal to find) and shown per rep per
 * week, because activity goals are what reps control.
 */
import { invalid } from '../errors.ts';
import { dayCount } from '../periods/index.ts';
import { formatNumber, formatPercent, formatValue, text } from './text.ts';
import type { DayRange, Text } from './types.ts';

export const FUNNEL_ACTIVITIES = ['calls', 'emails', 'meetings', 'demos_booked', 'discovery_calls'] as const;
export type FunnelActivity = (typeof FUNNEL_ACTIVITIES)[number];

export type FunnelStepId = 'deals_won' | 'opportunities' | 'sqls' | 'mqls' | 'leads' | FunnelActivity;

export interface FunnelRates {
  /** Revenue ÷ deals won, minor units. */
  avgDealSize: number | null;
  /** Won ÷ (won + lost). */
  winRate: number | null;
  /** Opportunities created ÷ SQLs. */
  sqlToOpportunity: number | null;
  mqlToSql: number | null;
  leadToMql: number | null;
  /** Activities of each type logged per deal won, over the same history. */
  activitiesPerWonDeal: Partial<Record<FunnelActivity, number | null>>;
}

export interface FunnelInput {
  metric: string;
  target: number;
  period: DayRange;
  /** Reps who carry the goal; per-rep figures divide by it. */
  reps: number;
  rates: FunnelRates;
  currency: string;
  /** Metric ids of the catalog: a step can become a child goal only when its metric exists. */
  knownMetrics: ReadonlySet<string>;
}

export interface FunnelStep {
  id: FunnelStepId;
  label: Text;
  /** The metric an activity goal for this step would track; null when the catalog has none. */
  metric: string | null;
  total: number;
  perRep: number | null;
  perRepPerWeek: number | null;
  /** The rate this step used, as the org's history gives it. */
  rate: number | null;
  explanation: Text;
}

export interface Funnel {
  steps: FunnelStep[];
  /** Steps that could not be derived, and why. */
  missing: Array<{ id: FunnelStepId; reason: Text }>;
  weeks: number;
}

const LABELS: Record<FunnelStepId, Text> = {
  deals_won: text('won deals', 'صفقات رابحة'),
  opportunities: text('opportunities', 'فرص بيع'),
  sqls: text('SQLs', 'عملاء محتملون مؤهلون للمبيعات'),
  mqls: text('MQLs', 'عملاء محتملون مؤهلون تسويقيًا'),
  leads: text('leads', 'عملاء محتملون'),
  calls: text('calls', 'مكالمات'),
  emails: text('emails', 'رسائل بريد إلكتروني'),
  meetings: text('meetings', 'اجتماعات'),
  demos_booked: text('demos booked', 'عروض توضيحية محجوزة'),
  discovery_calls: text('discovery calls', 'مكالمات استكشافية'),
};

/** Where each supported goal metric enters the funnel. */
const ENTRY: Record<string, FunnelStepId> = {
  revenue: 'deals_won',
  deals_won: 'deals_won',
  new_customers: 'deals_won',
  sqls: 'sqls',
  mqls: 'mqls',
  leads: 'leads',
};

export const FUNNEL_METRICS: readonly string[] = Object.keys(ENTRY);

/** Rounds up, ignoring floating dust: 54 ÷ (1/3) is 162, not 162.00000000000003 → 163. */
const ceilUnits = (x: number) => Math.ceil(x - 1e-9);

const usable = (rate: number | null | undefined): rate is number =>
  typeof rate === 'number' && Number.isFinite(rate) && rate > 0;

export function reverseFunnel(input: FunnelInput): Funnel {
  const entry = ENTRY[input.metric];
  if (!entry) {
    throw invalid(
      `The reverse funnel starts from ${FUNNEL_METRICS.join(', ')}; "${input.metric}" is not one of them.`,
      'metric',
    );
  }
  if (!(input.target > 0)) throw invalid('The reverse funnel needs a positive target.', 'target');
  const days = dayCount(input.period);
  const weeks = days / 7;
  const steps: FunnelStep[] = [];
  const missing: Funnel['missing'] = [];

  const add = (id: FunnelStepId, total: number, rate: number | null, explanation: Text) => {
    const perRep = input.reps > 0 ? total / input.reps : null;
    steps.push({
      id,
      label: LABELS[id],
      metric: input.knownMetrics.has(id) ? id : null,
      total,
      perRep: perRep === null ? null : round1(perRep),
      perRepPerWeek: perRep === null ? null : round1(perRep / weeks),
      rate,
      explanation,
    });
  };
  const n = (v: number) => formatNumber(v);

  let deals: number | null = null;
  if (entry === 'deals_won') {
    if (input.metric === 'revenue') {
      const size = input.rates.avgDealSize;
      if (!usable(size)) {
        missing.push({
          id: 'deals_won',
          reason: text(
            'No won deals in the history, so there is no average deal size.',
            'لا صفقات رابحة في السجل، فلا يوجد متوسط لحجم الصفقة.',
          ),
        });
      } else {
        deals = ceilUnits(input.target / size);
        const t = formatValue(input.target, 'currency', input.currency);
        const s = formatValue(size, 'currency', input.currency);
        add(
          'deals_won',
          deals,
          size,
          text(
            `${t.en} ÷ ${s.en} average deal size = ${n(deals).en} won deals.`,
            `${t.ar} ÷ ${s.ar} متوسط حجم الصفقة = ${n(deals).ar} صفقة رابحة.`,
          ),
        );
      }
    } else {
      deals = ceilUnits(input.target);
      add(
        'deals_won',
        deals,
        null,
        text(`${n(deals).en} won deals: the target itself.`, `${n(deals).ar} صفقة رابحة: الهدف نفسه.`),
      );
    }
  }

  // Down the funnel: each stage is the one below divided by its conversion rate.
  const chain: Array<{ id: FunnelStepId; rate: number | null; from: FunnelStepId; name: Text }> = [
    {
      id: 'opportunities',
      from: 'deals_won',
      rate: input.rates.winRate,
      name: text('win rate', 'معدل الفوز'),
    },
    {
      id: 'sqls',
      from: 'opportunities',
      rate: input.rates.sqlToOpportunity,
      name: text('SQL-to-opportunity rate', 'معدل تحول العملاء المؤهلين للمبيعات إلى فرص'),
    },
    {
      id: 'mqls',
      from: 'sqls',
      rate: input.rates.mqlToSql,
      name: text('MQL-to-SQL rate', 'معدل التحول من مؤهل تسويقيًا إلى مؤهل للمبيعات'),
    },
    {
      id: 'leads',
      from: 'mqls',
      rate: input.rates.leadToMql,
      name: text('lead-to-MQL rate', 'معدل تحول العملاء المحتملين إلى مؤهلين تسويقيًا'),
    },
  ];
  let above: number | null = entry === 'deals_won' ? deals : null;
  let started = entry === 'deals_won';
  for (const step of chain) {
    if (!started && step.id === entry) {
      above = ceilUnits(input.target);
      add(
        step.id,
        above,
        null,
        text(
          `${n(above).en} ${LABELS[step.id].en}: the target itself.`,
          `${n(above).ar} ${LABELS[step.id].ar}: الهدف نفسه.`,
        ),
      );
      started = true;
      continue;
    }
    if (!started || above === null) continue;
    if (!usable(step.rate)) {
      missing.push({
        id: step.id,
        reason: text(
          `No ${step.name.en} in the history: the funnel stops here.`,
          `لا يوجد ${step.name.ar} في السجل: يتوقف القمع هنا.`,
        ),
      });
      above = null;
      continue;
    }
    const total: number = ceilUnits(above / Math.min(1, step.rate));
    add(
      step.id,
      total,
      step.rate,
      text(
        `${n(above).en} ${LABELS[step.from].en} ÷ ${formatPercent(step.rate).en} ${step.name.en} = ${n(total).en} ${LABELS[step.id].en}.`,
        `${n(above).ar} ${LABELS[step.from].ar} ÷ ${formatPercent(step.rate).ar} ${step.name.ar} = ${n(total).ar} ${LABELS[step.id].ar}.`,
      ),
    );
    above = total;
  }

  if (deals !== null) {
    for (const id of FUNNEL_ACTIVITIES) {
      const per = input.rates.activitiesPerWonDeal[id];
      if (!usable(per)) {
        missing.push({
          id,
          reason: text(
            `No ${LABELS[id].en} are logged against won deals in the history.`,
            `لا توجد ${LABELS[id].ar} مسجلة مقابل الصفقات الرابحة في السجل.`,
          ),
        });
        continue;
      }
      const total = ceilUnits(deals * per);
      add(
        id,
        total,
        per,
        text(
          `${n(deals).en} won deals × ${n(per).en} ${LABELS[id].en} per won deal = ${n(total).en} ${LABELS[id].en}.`,
          `${n(deals).ar} صفقة رابحة × ${n(per).ar} من ${LABELS[id].ar} لكل صفقة رابحة = ${n(total).ar} من ${LABELS[id].ar}.`,
        ),
      );
    }
  }
  return { steps, missing, weeks: round1(weeks) };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

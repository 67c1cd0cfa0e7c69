/**
 * Step 2 of the flow: each growth area becomes a draft goal for a chosen
 * period, scored on three things a sales manager weighs (SPEC §4):
 *
 * - impact: the area's yearly money at stake, relative to the largest one;
 * - speed to result: activity goals move first, then flows, then ratios and
 *   stocks (which react last); shorter periods show results sooner;
 * - resources: 1 when the team can do it as it is; less when the SMART
 *   coach's capacity (reps × best observed rate × days) falls short of the
 *   target (more reps or BDRs), when a lead-fed target needs more leads
 *   than come in, or when it takes coaching time rather than headcount.
 *
 * score = (w_impact × impact + w_speed × speed + w_resources × resources) ÷ Σ w,
 * with default weights 0.5, 0.25, 0.25.
 */
import { invalid } from '../errors.ts';
import type { Capacity } from '../goals/smart.ts';
import { text } from '../goals/text.ts';
import type { Text } from '../goals/types.ts';
import { type MetricId, metricDef } from '../metrics/index.ts';
import { type Day, dayCount } from '../periods/index.ts';
import { type ChainRates, chainRates, partAt, roundFor, show, windowOf } from './figures.ts';
import { REP_SPECS } from './reps.ts';
import type { GrowthArea, GrowthInput, RepMetric, ScopeType } from './types.ts';

export interface Weights {
  impact: number;
  speed: number;
  resources: number;
}

export const DEFAULT_WEIGHTS: Weights = { impact: 0.5, speed: 0.25, resources: 0.25 };

export interface PrioritizeInput {
  growth: GrowthInput;
  areas: readonly GrowthArea[];
  /** The period the goals would run over. */
  period: { start: Day; end: Day; label: string };
  /** The SMART coach's capacity for each area's goal (by area id); absent or null when unknown or not a flow. */
  capacities: ReadonlyMap<string, Capacity | null>;
  weights?: Weights;
}

export interface ResourceNeed {
  kind: 'reps' | 'leads' | 'coaching';
  /** How many more reps or leads; null when it cannot be counted. */
  amount: number | null;
  text: Text;
}

export interface ProposedGoal {
  title: Text;
  /** The "how", with the target. */
  description: Text;
  /** Why this goal: the growth area, its evidence and impact. Kept on the goal. */
  reason: Text;
  metric: MetricId;
  scope: { type: ScopeType; id: number | null };
  direction: 'increase' | 'decrease';
  target: number;
  period: { start: Day; end: Day };
  kind: 'outcome' | 'activity';
}

export interface Proposal {
  /** The growth area's id. */
  id: string;
  area: GrowthArea;
  goal: ProposedGoal;
  /** Each 0..1; `total` is the weighted mean. */
  score: { total: number; impact: number; speed: number; resources: number };
  needs: ResourceNeed[];
}

export function checkWeights(weights: Weights): Weights {
  for (const key of ['impact', 'speed', 'resources'] as const) {
    const w = weights[key];
    if (!Number.isFinite(w) || w < 0)
      throw invalid(`The ${key} weight must be a number ≥ 0.`, `weights.${key}`);
  }
  if (weights.impact + weights.speed + weights.resources <= 0) {
    throw invalid('At least one weight must be above 0.', 'weights');
  }
  return weights;
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

export function prioritize(input: PrioritizeInput): Proposal[] {
  const weights = checkWeights(input.weights ?? DEFAULT_WEIGHTS);
  const { growth, period } = input;
  if (input.areas.length === 0) return [];
  const window = windowOf(growth);
  const rates = chainRates(growth.series, window);
  const judged = growth.buckets[window.current] as GrowthInput['buckets'][number];
  const scale = dayCount(period) / dayCount(judged);
  const maxImpact = Math.max(0, ...input.areas.map((a) => a.impact.annual ?? 0));
  const proposals = input.areas.map((area): Proposal => {
    const def = metricDef(area.goal.metric);
    const target = def.kind === 'flow' ? roundFor(def.unit, area.goal.target * scale) : area.goal.target;
    const goal = proposedGoal(area, target, input);
    const needs = resourceNeeds(
      area,
      goal,
      input.capacities.get(area.id) ?? null,
      growth,
      window,
      rates,
      scale,
    );
    const impact = maxImpact > 0 ? Math.max(0, area.impact.annual ?? 0) / maxImpact : 0;
    const speed = speedOf(goal.kind, def.kind, dayCount(period));
    const resources = needs.reduce((s, n) => Math.min(s, n.score), 1);
    const total =
      (weights.impact * impact + weights.speed * speed + weights.resources * resources) /
      (weights.impact + weights.speed + weights.resources);
    return {
      id: area.id,
      area,
      goal,
      score: {
        total: round3(total),
        impact: round3(impact),
        speed: round3(speed),
        resources: round3(resources),
      },
      needs: needs.map(({ score: _, ...need }) => need),
    };
  });
  return proposals.sort((a, b) => b.score.total - a.score.total || a.area.rank - b.area.rank);
}

/** Activity goals move first, flows next, ratios and stocks last; a month shows results before a quarter or a year. */
export function speedOf(
  kind: 'outcome' | 'activity',
  metricKind: 'flow' | 'stock' | 'ratio',
  days: number,
): number {
  const byKind = kind === 'activity' ? 1 : metricKind === 'flow' ? 0.7 : 0.5;
  const byLength = days <= 35 ? 1 : days <= 100 ? 0.8 : 0.6;
  return byKind * byLength;
}

type ScoredNeed = ResourceNeed & { score: number };

function resourceNeeds(
  area: GrowthArea,
  goal: ProposedGoal,
  capacity: Capacity | null,
  growth: GrowthInput,
  window: ReturnType<typeof windowOf>,
  rates: ChainRates,
  scale: number,
): ScoredNeed[] {
  const def = metricDef(goal.metric);
  const fmt = (v: number) => show(v, def.unit, growth.currency);
  const n = (v: number) => show(v, 'number', growth.currency);
  const needs: ScoredNeed[] = [];
  if (def.kind === 'flow' && capacity) {
    const perRep = capacity.perRepPerDay * capacity.days;
    const reach = capacity.reps * perRep;
    if (capacity.reps === 0) {
      needs.push({
        kind: 'reps',
        amount: null,
        score: 0,
        text: text(
          'No rep works in this scope during the period: assign reps first.',
          'لا يعمل أي مندوب في هذا النطاق خلال الفترة: عيّن مندوبين أولًا.',
        ),
      });
    } else if (goal.target > reach) {
      const extra = perRep > 0 ? Math.ceil(goal.target / perRep) - capacity.reps : null;
      needs.push({
        kind: 'reps',
        amount: extra,
        score: goal.target > 0 ? reach / goal.target : 0,
        text: text(
          `${capacity.reps} reps at their best observed rates reach about ${fmt(reach).en}${extra === null ? '' : `: about ${extra} more reps (or BDRs to free their time)`} for ${fmt(goal.target).en}.`,
          `يصل ${capacity.reps} من المندوبين بأفضل معدلاتهم المسجلة إلى نحو ${fmt(reach).ar}${extra === null ? '' : `: يلزم نحو ${extra} مندوبين إضافيين (أو ممثلي تطوير أعمال لتوفير وقتهم)`} لتحقيق ${fmt(goal.target).ar}.`,
        ),
      });
    }
  }
  // A conversion goal is met by converting better, not by more leads; a volume goal needs the leads.
  const fromLeads = area.kind === 'trend' ? leadsPerUnit(goal.metric, rates) : null;
  if (fromLeads !== null) {
    const needed = goal.target / fromLeads;
    const available = (partAt(growth.series, 'leads', window.current, 'leads_created') ?? 0) * scale;
    if (needed > available) {
      const extra = Math.ceil(needed - available);
      needs.push({
        kind: 'leads',
        amount: extra,
        score: needed > 0 ? available / needed : 0,
        text: text(
          `Needs about ${n(needed).en} leads at today's conversion, ${n(extra).en} more than come in over such a period: more BDRs or marketing.`,
          `يحتاج إلى نحو ${n(needed).ar} عميل محتمل بمعدلات التحويل الحالية، أي ${n(extra).ar} أكثر مما يرد في فترة مماثلة: ممثلو تطوير أعمال أو تسويق إضافي.`,
        ),
      });
    }
  }
  if (def.kind !== 'flow') {
    needs.push({
      kind: 'coaching',
      amount: null,
      score: 0.8,
      text: text(
        'No extra headcount: manager coaching time and a change in how deals are worked.',
        'دون موظفين إضافيين: وقت توجيه من المدير وتغيير في طريقة العمل على الصفقات.',
      ),
    });
  }
  return needs;
}

/** Conversion from a lead to one unit of a lead-fed metric, at today's rates; null when not lead-fed or unknown. */
function leadsPerUnit(metric: MetricId, rates: ChainRates): number | null {
  if (metric === 'leads') return 1;
  if (metric === 'mqls') return rates.leadToMql;
  if (metric === 'sqls')
    return rates.leadToMql !== null && rates.mqlToSql !== null ? rates.leadToMql * rates.mqlToSql : null;
  return null;
}

/** What the team would do to close each kind of gap: the goal's "how". */
const HOW: Record<string, Text> = {
  lead_to_mql: text(
    'Agree the MQL criteria with marketing, answer every new lead within one business day and review the leads that did not qualify every week.',
    'اتفقوا مع التسويق على معايير التأهيل، وردّوا على كل عميل محتمل جديد خلال يوم عمل واحد، وراجعوا أسبوعيًا العملاء المحتملين الذين لم يتأهلوا.',
  ),
  mql_to_sql: text(
    'Call every new MQL within 24 hours, qualify with one shared checklist (budget, need, timing) and hand each SQL to sales the same day.',
    'اتصلوا بكل عميل محتمل مؤهل تسويقيًا خلال 24 ساعة، وأهّلوه بقائمة تحقق موحدة (الميزانية والحاجة والتوقيت)، وسلّموا كل عميل مؤهل للمبيعات في اليوم نفسه.',
  ),
  sql_to_opportunity: text(
    'Book a discovery call with every SQL within a week and review the SQLs that stalled in the weekly pipeline meeting.',
    'احجزوا مكالمة استكشافية مع كل عميل محتمل مؤهل للمبيعات خلال أسبوع، وراجعوا المتعثرين منهم في اجتماع مسار المبيعات الأسبوعي.',
  ),
  win_rate: text(
    'Review every lost deal for its reason, coach on the stage where most deals are lost and qualify weak deals out earlier.',
    'راجعوا كل صفقة خاسرة لمعرفة سببها، ووجّهوا الفريق في المرحلة التي تُفقد فيها أغلب الصفقات، واستبعدوا الصفقات الضعيفة مبكرًا.',
  ),
  revenue: text(
    'Hold a weekly pipeline review with the manager, pair with a top performer on two deals a month and put the time on the largest open deals.',
    'عقد مراجعة أسبوعية لمسار المبيعات مع المدير، والعمل مع أحد أفضل المندوبين على صفقتين شهريًا، وتركيز الوقت على أكبر الصفقات المفتوحة.',
  ),
  activities: text(
    'Block daily prospecting time in the calendar, log every call, e-mail and meeting the same day and review the numbers in the weekly team meeting.',
    'خصصوا وقتًا يوميًا للتنقيب عن العملاء في التقويم، وسجلوا كل مكالمة ورسالة واجتماع في اليوم نفسه، وراجعوا الأرقام في اجتماع الفريق الأسبوعي.',
  ),
  sales_cycle_days: text(
    'Agree a mutual close plan with each buyer after the discovery call and review every deal older than the team median each week.',
    'اتفقوا مع كل مشترٍ على خطة إغلاق مشتركة بعد المكالمة الاستكشافية، وراجعوا أسبوعيًا كل صفقة تجاوز عمرها وسيط الفريق.',
  ),
  lead_volume: text(
    'Restore the lead sources that fell: review each channel against last year, move spend to the ones that convert and add prospecting time.',
    'استعيدوا مصادر العملاء المحتملين التي تراجعت: راجعوا كل قناة مقارنة بالعام الماضي، وانقلوا الإنفاق إلى القنوات التي تحقق تحويلًا، وأضيفوا وقتًا للتنقيب عن العملاء.',
  ),
  churn_rate: text(
    'Contact each new customer monthly in their first quarter, review accounts whose usage falls and hold a save call before every renewal.',
    'تواصلوا شهريًا مع كل عميل جديد في ربعه الأول، وراجعوا الحسابات التي يتراجع استخدامها، وأجروا مكالمة احتفاظ قبل كل تجديد.',
  ),
  cac: text(
    'Move spend from the channels with the highest cost per new customer to the cheapest ones and review spend against new customers every month.',
    'انقلوا الإنفاق من القنوات الأعلى تكلفة لكل عميل جديد إلى الأقل تكلفة، وراجعوا الإنفاق مقابل العملاء الجدد كل شهر.',
  ),
  mrr: text(
    'Review renewals and upgrade opportunities every month and follow up each account at risk.',
    'راجعوا التجديدات وفرص الترقية كل شهر، وتابعوا كل حساب معرّض للخطر.',
  ),
};

function howOf(area: GrowthArea): Text {
  const subject = area.subject.id;
  if (HOW[subject]) return HOW[subject] as Text;
  if (['leads', 'mqls', 'sqls'].includes(subject)) return HOW.lead_volume as Text;
  if (['calls', 'emails', 'meetings', 'demos_booked', 'discovery_calls'].includes(subject)) {
    return HOW.activities as Text;
  }
  return HOW.revenue as Text;
}

function proposedGoal(area: GrowthArea, target: number, input: PrioritizeInput): ProposedGoal {
  const { currency } = input.growth;
  const { period } = input;
  const def = metricDef(area.goal.metric);
  const fmt = (v: number, unit = def.unit) => show(v, unit, currency);
  let headline: Text;
  if (area.kind === 'rep_gap' && area.rep) {
    const spec = REP_SPECS[area.subject.id as RepMetric];
    const median = fmt(area.evidence.reference, spec.unit);
    headline = text(
      `${area.rep.name}: ${spec.label.en.toLowerCase()} to the team median of ${median.en}`,
      `${area.rep.name}: ${spec.label.ar} حتى وسيط الفريق ${median.ar}`,
    );
  } else if (area.kind === 'funnel_stage') {
    const rate = fmt(area.evidence.reference, 'percent');
    headline = text(
      `${area.subject.label.en} back to ${rate.en}`,
      `إعادة ${area.subject.label.ar} إلى ${rate.ar}`,
    );
  } else {
    headline = text(
      `${area.subject.label.en} back to ${fmt(target).en}`,
      `إعادة ${area.subject.label.ar} إلى ${fmt(target).ar}`,
    );
  }
  const how = howOf(area);
  const impact =
    area.impact.annual === null
      ? text('not priced', 'دون تقدير')
      : text(
          `${show(area.impact.annual, 'currency', currency).en} a year`,
          `${show(area.impact.annual, 'currency', currency).ar} سنويًا`,
        );
  const cut = (t: Text, max: number): Text => ({ en: t.en.slice(0, max), ar: t.ar.slice(0, max) });
  return {
    title: cut(text(`${headline.en} (${period.label})`, `${headline.ar} (${period.label})`), 200),
    description: text(
      `${how.en} Target: ${fmt(target).en} ${def.label.en.toLowerCase()} in ${period.label}.`,
      `${how.ar} الهدف: ${fmt(target).ar} ${def.label.ar} في ${period.label}.`,
    ),
    reason: cut(
      text(
        `Growth area ${area.rank}: ${area.title.en}. Estimated impact: ${impact.en}. ${area.impact.method.en}`,
        `مجال النمو ${area.rank}: ${area.title.ar}. الأثر المقدَّر: ${impact.ar}. ${area.impact.method.ar}`,
      ),
      2000,
    ),
    metric: area.goal.metric,
    scope: area.goal.scope,
    direction: area.goal.direction,
    target,
    period: { start: period.start, end: period.end },
    kind: area.goal.kind,
  };
}

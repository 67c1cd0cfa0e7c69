/**
 * The SMART coach (SPEC §3): judges a goal, or a draft as it is being typed,
 * on the five criteria of the seed article, each with a verdict (pass / warn
 * / fail), a reason in plain words and a concrete fix, in English and Arabic.
 *
 * Pure: the numbers it needs (baseline, the history of the metric, which
 * filters have history, the scope's capacity) are gathered by the service
 * (src/services/goals/check.ts) and passed in as `context`. A missing piece
 * of context never fails a goal; it makes the coach say it cannot judge yet.
 */
import { type Calendar, type Day, dayCount, isValidDay, periodContaining } from '../periods/index.ts';
import { type Achievability, achievability, MIN_HISTORY, wantsHigher } from './achievable.ts';
import type { GoalDraft } from './model.ts';
import { resolveRelativeTarget } from './targets.ts';
import { formatChange, formatNumber, formatPercent, formatValue, minorDigits, text } from './text.ts';
import type { DayRange, FilterKey, MetricFacts, Text } from './types.ts';

export type SmartCriterion = 'specific' | 'measurable' | 'achievable' | 'realistic' | 'time_bound';
export type Verdict = 'pass' | 'warn' | 'fail';

export const SMART_CRITERIA: readonly SmartCriterion[] = [
  'specific',
  'measurable',
  'achievable',
  'realistic',
  'time_bound',
];

export const CRITERION_NAMES: Record<SmartCriterion, Text> = {
  specific: text('Specific', 'محدد'),
  measurable: text('Measurable', 'قابل للقياس'),
  achievable: text('Achievable', 'قابل للتحقيق'),
  realistic: text('Realistic', 'واقعي'),
  time_bound: text('Time-bound', 'محدد بإطار زمني'),
};

/** A change the UI can apply with one click ("use the suggested target"). */
export interface SmartPatch {
  target?: number;
  stretchTarget?: number;
  period?: DayRange;
}

export interface SmartData {
  probability?: number;
  label?: Achievability['label'];
  requiredChange?: number;
  typicalChange?: number;
  suggestedTarget?: number;
  suggestedStretch?: number;
  samples?: number;
  capacity?: number;
  extraRepsNeeded?: number;
  filtersWithoutHistory?: string[];
  suggestedPeriod?: DayRange;
}

export interface SmartVerdict {
  criterion: SmartCriterion;
  name: Text;
  verdict: Verdict;
  reason: Text;
  /** What to do about it; null when there is nothing to do. */
  fix: Text | null;
  patch: SmartPatch | null;
  data: SmartData;
}

export interface SmartReport {
  /** The worst verdict of the five. */
  overall: Verdict;
  /** The target the coach judged: the typed one, or a relative one resolved against the baseline. */
  target: number | null;
  baseline: number | null;
  verdicts: SmartVerdict[];
}

/**
 * The scope's capacity to produce a flow metric: reps × a high but observed
 * rate per rep-day × days. For revenue the service derives the rate from the
 * activity rate, the conversion of activities into won deals and the average
 * deal size (`basis`), as the seed's "resources" step asks.
 */
export interface Capacity {
  reps: number;
  perRepPerDay: number;
  days: number;
  basis?: { activitiesPerRepPerDay: number; wonDealsPerActivity: number; avgDealSize: number | null };
}

export interface SmartContext {
  calendar: Calendar;
  currency: string;
  today: Day;
  /** The catalog entry for the draft's metric; undefined when the id is missing or unknown. */
  metric?: MetricFacts;
  /** Whether the metric has any data for this scope; undefined when unknown. */
  hasData?: boolean;
  /** The metric in the comparable past period (usually the same period last year). */
  baseline?: number | null;
  baselinePeriod?: DayRange | null;
  /** Past period-over-period changes of the metric for this scope, as fractions. */
  history?: readonly number[] | null;
  /** Rows in the org's history matching each filter of the draft. */
  filterHistory?: ReadonlyArray<{ key: FilterKey; value: string; rows: number }>;
  capacity?: Capacity | null;
}

interface Finding {
  verdict: Verdict;
  reason: Text;
  fix: Text | null;
  patch?: SmartPatch;
}

const rank: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };

function verdictOf(
  criterion: SmartCriterion,
  findings: Finding[],
  passed: Text,
  data: SmartData = {},
): SmartVerdict {
  const worst = findings.reduce<Verdict>((w, f) => (rank[f.verdict] > rank[w] ? f.verdict : w), 'pass');
  const shown = worst === 'pass' ? [] : findings.filter((f) => f.verdict === worst);
  const join = (parts: Array<Text | null>, sep = ' '): Text | null => {
    const present = parts.filter((p): p is Text => p !== null);
    return present.length
      ? { en: present.map((p) => p.en).join(sep), ar: present.map((p) => p.ar).join(sep) }
      : null;
  };
  return {
    criterion,
    name: CRITERION_NAMES[criterion],
    verdict: worst,
    reason: worst === 'pass' ? passed : (join(shown.map((f) => f.reason)) as Text),
    fix: join(shown.map((f) => f.fix)),
    patch: shown.some((f) => f.patch) ? Object.assign({}, ...shown.map((f) => f.patch ?? {})) : null,
    data,
  };
}

export function checkSmart(draft: GoalDraft, context: SmartContext): SmartReport {
  const baseline = draft.baseline ?? context.baseline ?? null;
  const target = resolvedTarget(draft, baseline, context.metric);
  const verdicts = [
    specific(draft, context),
    measurable(draft, context, target, baseline),
    achievable(draft, context, target, baseline),
    realistic(context, target),
    timeBound(draft, context),
  ];
  const overall = verdicts.reduce<Verdict>((w, v) => (rank[v.verdict] > rank[w] ? v.verdict : w), 'pass');
  return { overall, target, baseline, verdicts };
}

function resolvedTarget(
  draft: GoalDraft,
  baseline: number | null,
  metric: MetricFacts | undefined,
): number | null {
  if (draft.targetMode === 'relative' && typeof draft.targetChange === 'number' && metric) {
    if (baseline === null || !Number.isFinite(baseline) || draft.targetChange <= -1) return null;
    return resolveRelativeTarget(baseline, draft.targetChange, metric.unit);
  }
  return typeof draft.target === 'number' && Number.isFinite(draft.target) ? draft.target : null;
}

// ---- Specific -------------------------------------------------------------

const STOP_WORDS = new Set(
  (
    'the and for with this that our will are was were has have had its into from than then them they ' +
    'their there here what when who how all any each per via by on in at of to a an be is it we us you your ' +
    'more most much many lot lots some very really just also get got make made do does did done ' +
    'sell sold selling sales sale better best good great grow growth increase improve raise boost ' +
    'quarter year month week today now soon next this these those goal goals target money ' +
    'في من على إلى الى عن مع هذا هذه ذلك تلك التي الذي ان أن إن كل بعض هو هي نحن سوف سـ قد لقد ثم او أو و ' +
    'المزيد أكثر اكثر أفضل افضل بيع نبيع لنبيع البيع مبيعات المبيعات زيادة نزيد لنزيد تحسين نمو ' +
    'الربع ربع العام عام السنة سنة الشهر شهر الأسبوع هدف الهدف مال المال'
  ).split(/\s+/),
);

/** Phrases that say "more" without saying what or how: the seed's own bad examples. */
const VAGUE_PATTERNS = [
  /\b(sell|make|get|earn|do)\s+(some\s+)?(more|better)\b/i,
  /\bmore\s+(sales|money|deals|customers|revenue|business)\b/i,
  /\bas\s+much\s+as\s+(possible|we\s+can)\b/i,
  /(بيع|نبيع|لنبيع|نكسب|لنكسب)\s+(ال)?(مزيد|أكثر|اكثر)/,
  /المزيد\s+من\s+(المال|المبيعات|العناصر|الصفقات)/,
];

function words(value: string | null | undefined): string[] {
  return (value ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Words that carry information: not stop words, not "more/better/sell", not too short. */
export function substance(value: string | null | undefined): number {
  return words(value).filter((w) => w.length >= 3 && !STOP_WORDS.has(w)).length;
}

export function isVague(value: string | null | undefined): boolean {
  const v = value ?? '';
  return VAGUE_PATTERNS.some((p) => p.test(v)) || (!/\d/.test(v) && substance(v) < 2);
}

const HOW_EXAMPLE = text(
  'e.g. "We will use consultative selling to grow revenue from our core product with existing accounts."',
  'مثل: "سنستخدم البيع الاستشاري لزيادة إيرادات منتجنا الأساسي من العملاء الحاليين."',
);

function specific(draft: GoalDraft, context: SmartContext): SmartVerdict {
  const findings: Finding[] = [];
  if (!draft.metric) {
    findings.push({
      verdict: 'fail',
      reason: text(
        'The goal does not name a metric, so it does not say what exactly will change.',
        'لا يحدد الهدف مقياسًا، فلا يتضح ما الذي سيتغير بالضبط.',
      ),
      fix: text(
        'Choose one metric, such as revenue, new customers or units sold.',
        'اختر مقياسًا واحدًا، مثل الإيرادات أو العملاء الجدد أو الوحدات المباعة.',
      ),
    });
  } else if (!context.metric) {
    findings.push({
      verdict: 'fail',
      reason: text(`"${draft.metric}" is not a metric Hadaf knows.`, `"${draft.metric}" ليس مقياسًا معروفًا.`),
      fix: text('Pick a metric from the catalog.', 'اختر مقياسًا من قائمة المقاييس.'),
    });
  }
  if (!draft.scope) {
    findings.push({
      verdict: 'fail',
      reason: text(
        'The goal does not say whose it is: the org, a team or a rep.',
        'لا يحدد الهدف صاحبه: المنظمة أو فريق أو مندوب.',
      ),
      fix: text(
        'Set the scope: the whole org, one team or one rep.',
        'حدد النطاق: المنظمة كلها أو فريقًا أو مندوبًا.',
      ),
    });
  }
  const how = substance(draft.description);
  const vagueTitle = isVague(draft.title);
  if (vagueTitle && how === 0) {
    findings.push({
      verdict: 'fail',
      reason: text(
        `"${(draft.title ?? '').trim() || '(no title)'}" is vague: it says neither what exactly nor how.`,
        `"${(draft.title ?? '').trim() || '(بلا عنوان)'}" عبارة مبهمة: لا تقول ما المطلوب بالضبط ولا كيف.`,
      ),
      fix: text(
        `Name the metric and the number in the title, and describe how you will reach it, ${HOW_EXAMPLE.en}`,
        `اذكر المقياس والرقم في العنوان، وصف كيف ستحققه، ${HOW_EXAMPLE.ar}`,
      ),
    });
  } else if ((draft.description ?? '').trim() !== '' && how === 0) {
    findings.push({
      verdict: 'fail',
      reason: text(
        'The description of how is vague: it has no concrete action.',
        'وصف الطريقة مبهم: لا يتضمن إجراءً ملموسًا.',
      ),
      fix: text(`Describe the actions, ${HOW_EXAMPLE.en}`, `صف الإجراءات، ${HOW_EXAMPLE.ar}`),
    });
  } else if (how < 4) {
    findings.push({
      verdict: 'warn',
      reason:
        how === 0
          ? text('The goal does not say how it will be reached.', 'لا يذكر الهدف كيف سيتحقق.')
          : text('The description of how is thin.', 'وصف طريقة التحقيق مقتضب.'),
      fix: text(`Add a sentence on how, ${HOW_EXAMPLE.en}`, `أضف جملة عن الطريقة، ${HOW_EXAMPLE.ar}`),
    });
  }
  const metric = context.metric;
  return verdictOf(
    'specific',
    findings,
    text(
      `Clear: ${metric?.label.en ?? draft.metric} for a named scope, with a plan for how.`,
      `واضح: ${metric?.label.ar ?? draft.metric} لنطاق محدد، مع خطة للتحقيق.`,
    ),
  );
}

// ---- Measurable -----------------------------------------------------------

function measurable(
  draft: GoalDraft,
  context: SmartContext,
  target: number | null,
  baseline: number | null,
): SmartVerdict {
  const findings: Finding[] = [];
  const metric = context.metric;
  if (!metric) {
    findings.push({
      verdict: 'fail',
      reason: text('Without a known metric there is nothing to measure.', 'لا يوجد ما يُقاس دون مقياس معروف.'),
      fix: text(
        'Choose a metric that Hadaf computes from your data.',
        'اختر مقياسًا يحسبه النظام من بياناتك.',
      ),
    });
  }
  if (target === null) {
    const relativeWithoutBase =
      draft.targetMode === 'relative' && typeof draft.targetChange === 'number' && baseline === null;
    findings.push(
      relativeWithoutBase
        ? {
            verdict: 'fail',
            reason: text(
              'The target is a change against a baseline, but there is no data for the baseline period.',
              'الهدف تغيّر نسبي عن خط الأساس، لكن لا توجد بيانات لفترة خط الأساس.',
            ),
            fix: text(
              'Type the baseline yourself, or give an absolute target.',
              'أدخل خط الأساس بنفسك، أو حدد هدفًا مطلقًا.',
            ),
          }
        : {
            verdict: 'fail',
            reason: text('There is no number to reach.', 'لا يوجد رقم محدد للوصول إليه.'),
            fix: text(
              'Set a target: an amount (e.g. 1,200,000) or a change (e.g. +10% on the same period last year).',
              'حدد هدفًا: قيمة (مثل 1,200,000) أو نسبة تغيّر (مثل +10% عن الفترة نفسها من العام الماضي).',
            ),
          },
    );
  } else if (target < 0) {
    findings.push({
      verdict: 'fail',
      reason: text('The target is negative.', 'الهدف قيمة سالبة.'),
      fix: text('Use a target of zero or more.', 'استخدم هدفًا يساوي صفرًا أو أكثر.'),
    });
  } else if (metric?.unit === 'percent' && target > 1 && metric.kind === 'ratio') {
    findings.push({
      verdict: 'warn',
      reason: text(
        `${metric.label.en} is a share, and ${target} would be ${formatPercent(target).en}.`,
        `${metric.label.ar} نسبة، والقيمة ${target} تعني ${formatPercent(target).ar}.`,
      ),
      fix: text(
        `Percent targets are fractions: did you mean ${target / 100} (${formatPercent(target / 100).en})?`,
        `أهداف النسب كسور عشرية: هل تقصد ${target / 100} (${formatPercent(target / 100).ar})؟`,
      ),
      patch: { target: target / 100 },
    });
  }
  if (metric && context.hasData === false) {
    findings.push({
      verdict: 'warn',
      reason: text(
        `There is no ${metric.label.en} data for this scope yet, so progress cannot be measured.`,
        `لا توجد بعد بيانات ${metric.label.ar} لهذا النطاق، فلا يمكن قياس التقدم.`,
      ),
      fix: text(
        'Import the data this metric is computed from, then check again.',
        'استورد البيانات التي يُحسب منها هذا المقياس ثم أعد الفحص.',
      ),
    });
  }
  const shown = metric && target !== null ? formatValue(target, metric.unit, context.currency) : null;
  return verdictOf(
    'measurable',
    findings,
    text(
      `Measured as ${metric?.label.en} from your data, against a target of ${shown?.en}.`,
      `يُقاس بـ${metric?.label.ar} من بياناتك، مقابل هدف قدره ${shown?.ar}.`,
    ),
  );
}

// ---- Achievable -----------------------------------------------------------

function achievable(
  draft: GoalDraft,
  context: SmartContext,
  target: number | null,
  baseline: number | null,
): SmartVerdict {
  const metric = context.metric;
  const direction = draft.direction ?? 'increase';
  const cannot = (reason: Text, fix: Text | null): SmartVerdict =>
    verdictOf('achievable', [{ verdict: 'warn', reason, fix }], reason);
  if (!metric || target === null) {
    return cannot(
      text(
        'Cannot judge yet: set a metric and a target first.',
        'لا يمكن الحكم بعد: حدد المقياس والهدف أولًا.',
      ),
      null,
    );
  }
  const fmt = (v: number) => formatValue(v, metric.unit, context.currency);
  if (baseline === null || !(baseline > 0)) {
    return cannot(
      text(
        `There is no ${metric.label.en} in the comparable past period to compare the target with.`,
        `لا توجد قيمة لـ${metric.label.ar} في الفترة السابقة المماثلة لمقارنة الهدف بها.`,
      ),
      text(
        'Type a baseline, or start with a short goal to build history.',
        'أدخل خط الأساس بنفسك، أو ابدأ بهدف قصير لبناء تاريخ.',
      ),
    );
  }
  const higher = wantsHigher(direction, metric.direction);
  const findings: Finding[] = [];
  if ((direction === 'increase' && target <= baseline) || (direction === 'decrease' && target >= baseline)) {
    findings.push({
      verdict: 'warn',
      reason: text(
        `The goal is to ${direction}, but the target ${fmt(target).en} is not ${direction === 'increase' ? 'above' : 'below'} the baseline ${fmt(baseline).en}.`,
        `الهدف ${direction === 'increase' ? 'زيادة' : 'خفض'}، لكن القيمة المستهدفة ${fmt(target).ar} ليست ${direction === 'increase' ? 'أعلى' : 'أقل'} من خط الأساس ${fmt(baseline).ar}.`,
      ),
      fix: text('Check the direction or the target.', 'راجع اتجاه الهدف أو قيمته.'),
    });
  }
  const result = achievability({
    baseline,
    target,
    direction,
    metric,
    changes: context.history ?? [],
    minorDigits: minorDigits(context.currency),
  });
  if (!result) {
    const n = context.history?.length ?? 0;
    findings.push({
      verdict: 'warn',
      reason: text(
        `Only ${n} comparable past period${n === 1 ? '' : 's'} of ${metric.label.en}: too few to estimate the chance of ${fmt(target).en}.`,
        `لا يوجد سوى ${n} من الفترات السابقة المماثلة لـ${metric.label.ar}: عدد لا يكفي لتقدير فرصة تحقيق ${fmt(target).ar}.`,
      ),
      fix: text(
        `Import at least ${MIN_HISTORY} comparable periods of history, or set a modest target first.`,
        `استورد تاريخًا لا يقل عن ${MIN_HISTORY} فترات مماثلة، أو ابدأ بهدف متواضع.`,
      ),
    });
    return verdictOf('achievable', findings, text('', ''));
  }
  const data: SmartData = {
    probability: result.probability,
    label: result.label,
    requiredChange: result.requiredChange,
    typicalChange: result.typicalChange,
    suggestedTarget: result.suggestedTarget,
    suggestedStretch: result.suggestedStretch,
    samples: result.samples,
  };
  const chance = formatPercent(result.probability);
  const needs = text(
    `${fmt(target).en} needs ${formatChange(result.requiredChange).en} on ${fmt(baseline).en}; in the last ${result.samples} comparable periods ${metric.label.en} typically changed by ${formatChange(result.typicalChange).en}. Estimated chance: ${chance.en}.`,
    `يتطلب ${fmt(target).ar} تغيّرًا قدره ${formatChange(result.requiredChange).ar} عن ${fmt(baseline).ar}؛ وفي آخر ${result.samples} فترات مماثلة تغيّر ${metric.label.ar} عادةً بنسبة ${formatChange(result.typicalChange).ar}. الفرصة المقدرة: ${chance.ar}.`,
  );
  const suggest = fmt(result.suggestedTarget);
  switch (result.label) {
    case 'unrealistic':
      findings.push({
        verdict: 'fail',
        reason: text(`Unrealistic. ${needs.en}`, `غير واقعي. ${needs.ar}`),
        fix: text(
          `Aim for about ${suggest.en} (the typical change), and set anything higher as a stretch target with a bonus.`,
          `استهدف نحو ${suggest.ar} (التغيّر المعتاد)، واجعل ما فوق ذلك هدفًا طموحًا مع مكافأة.`,
        ),
        patch: { target: result.suggestedTarget },
      });
      break;
    case 'stretch':
      findings.push({
        verdict: 'warn',
        reason: text(`A stretch. ${needs.en}`, `هدف طموح. ${needs.ar}`),
        fix: text(
          `Keep it as the stretch target and set about ${suggest.en} as the target, or keep it and plan the extra resources.`,
          `اجعله هدفًا طموحًا وحدد نحو ${suggest.ar} هدفًا أساسيًا، أو أبقه وخطط للموارد الإضافية.`,
        ),
        patch: { target: result.suggestedTarget, stretchTarget: target },
      });
      break;
    default:
      break;
  }
  const easy = result.label === 'easy';
  const better = higher ? 'above' : 'below';
  return verdictOf(
    'achievable',
    findings,
    easy
      ? text(
          `Easy: ${needs.en} It would likely happen anyway; a stretch target ${better} it could motivate more.`,
          `سهل: ${needs.ar} غالبًا سيتحقق دون جهد إضافي؛ وقد يحفز هدف طموح أعلى منه أكثر.`,
        )
      : text(`Within reach: ${needs.en}`, `في المتناول: ${needs.ar}`),
    data,
  );
}

// ---- Realistic ------------------------------------------------------------

const FILTER_NAMES: Record<FilterKey, Text> = {
  channel: text('channel', 'القناة'),
  segment: text('segment', 'الشريحة'),
  industry: text('industry', 'القطاع'),
  product: text('product', 'المنتج'),
};

function realistic(context: SmartContext, target: number | null): SmartVerdict {
  const findings: Finding[] = [];
  const data: SmartData = {};
  const metric = context.metric;
  const missing = (context.filterHistory ?? []).filter((f) => f.rows === 0);
  if (missing.length) {
    data.filtersWithoutHistory = missing.map((f) => `${f.key}:${f.value}`);
    const list = (l: 'en' | 'ar') =>
      missing.map((f) => `${FILTER_NAMES[f.key][l]} "${f.value}"`).join(l === 'en' ? ', ' : '، ');
    findings.push({
      verdict: 'warn',
      reason: text(
        `Your org has no history with ${list('en')}: no past deals, leads or customers came from it, so nothing shows this target can be reached there.`,
        `لا تاريخ لمؤسستك مع ${list('ar')}: لم تأتِ منها صفقات أو عملاء محتملون أو عملاء من قبل، فلا شيء يدل على إمكانية تحقيق هذا الهدف هناك.`,
      ),
      fix: text(
        'Start with a small activity goal to test it (e.g. leads from it this quarter), or target where you already sell.',
        'ابدأ بهدف نشاط صغير لاختباره (مثل عملاء محتملين منه هذا الربع)، أو استهدف حيث تبيع بالفعل.',
      ),
    });
  }
  // Capacity through a filter with no history is zero by construction; the filter finding already says why.
  const capacity = missing.length ? null : context.capacity;
  if (metric?.kind === 'flow' && capacity && target !== null && target > 0) {
    const fmt = (v: number) => formatValue(v, metric.unit, context.currency);
    if (capacity.reps === 0) {
      findings.push({
        verdict: 'warn',
        reason: text(
          'No rep works in this scope during the period.',
          'لا يعمل أي مندوب في هذا النطاق خلال الفترة.',
        ),
        fix: text(
          'Assign reps to the team, or set the goal on another scope.',
          'عيّن مندوبين في الفريق، أو اجعل الهدف لنطاق آخر.',
        ),
      });
    } else {
      const perRep = capacity.perRepPerDay * capacity.days;
      const value = capacity.reps * perRep;
      data.capacity = value;
      const basis = capacity.basis
        ? text(
            ` (${formatNumber(capacity.basis.activitiesPerRepPerDay).en} activities per rep per day, ${formatPercent(capacity.basis.wonDealsPerActivity).en} of them leading to a won deal${capacity.basis.avgDealSize ? `, ${fmt(capacity.basis.avgDealSize).en} per deal` : ''})`,
            ` (${formatNumber(capacity.basis.activitiesPerRepPerDay).ar} نشاط لكل مندوب يوميًا، يؤدي ${formatPercent(capacity.basis.wonDealsPerActivity).ar} منها إلى صفقة رابحة${capacity.basis.avgDealSize ? `، بمتوسط ${fmt(capacity.basis.avgDealSize).ar} للصفقة` : ''})`,
          )
        : text('', '');
      const capacityText = text(
        `${capacity.reps} rep${capacity.reps === 1 ? '' : 's'} at your best observed rates${basis.en} can produce about ${fmt(value).en} in ${capacity.days} days`,
        `يستطيع ${capacity.reps} من المندوبين بأفضل معدلاتكم المسجلة${basis.ar} تحقيق نحو ${fmt(value).ar} خلال ${capacity.days} يومًا`,
      );
      if (target > value) {
        const extra = perRep > 0 ? Math.ceil(target / perRep) - capacity.reps : Number.POSITIVE_INFINITY;
        if (Number.isFinite(extra)) data.extraRepsNeeded = extra;
        findings.push({
          verdict: target > value * 1.5 ? 'fail' : 'warn',
          reason: text(
            `${capacityText.en}, short of ${fmt(target).en}.`,
            `${capacityText.ar}، وهذا أقل من ${fmt(target).ar}.`,
          ),
          fix: Number.isFinite(extra)
            ? text(
                `Add about ${extra} rep${extra === 1 ? '' : 's'} (or BDRs to free their time), raise conversion first, or lower the target to ${fmt(value).en}.`,
                `أضف نحو ${extra} من المندوبين (أو ممثلي تطوير الأعمال لتوفير وقتهم)، أو حسّن معدلات التحويل أولًا، أو اخفض الهدف إلى ${fmt(value).ar}.`,
              )
            : text(
                'This scope has produced none of it so far: change the scope or the metric.',
                'لم يحقق هذا النطاق شيئًا منه حتى الآن: غيّر النطاق أو المقياس.',
              ),
          patch: {
            target: metric.unit === 'currency' || metric.unit === 'count' ? Math.floor(value) : value,
          },
        });
      }
      return verdictOf(
        'realistic',
        findings,
        text(`Fits your context: ${capacityText.en}.`, `يناسب وضعكم: ${capacityText.ar}.`),
        data,
      );
    }
  }
  return verdictOf(
    'realistic',
    findings,
    text(
      'Fits your context: the filters have history and nothing in your data stands against it.',
      'يناسب وضعكم: للمرشحات تاريخ، ولا شيء في بياناتكم يعارضه.',
    ),
    data,
  );
}

// ---- Time-bound -----------------------------------------------------------

const MIN_DAYS = 7;
const MAX_DAYS = 366;

function timeBound(draft: GoalDraft, context: SmartContext): SmartVerdict {
  const start = draft.period?.start ?? null;
  const end = draft.period?.end ?? null;
  const cal = context.calendar;
  const suggestion = periodContaining(
    'fiscal_quarter',
    start && isValidDay(start) ? start : context.today,
    cal,
  );
  const suggested = { start: suggestion.start, end: suggestion.end };
  if (!start || !end || !isValidDay(start) || !isValidDay(end)) {
    const what = !end
      ? text('no end date', 'لا يوجد تاريخ انتهاء')
      : text('no start date', 'لا يوجد تاريخ بدء');
    return verdictOf(
      'time_bound',
      [
        {
          verdict: 'fail',
          reason: text(
            `The goal has ${what.en}: without a finish line it can drift for years.`,
            `${what.ar} للهدف: ومن دون خط نهاية قد يمتد لسنوات دون تقدم.`,
          ),
          fix: text(
            `Set both dates, e.g. the fiscal quarter ${suggestion.label} (${suggested.start} to ${suggested.end}).`,
            `حدد التاريخين، مثل ربع السنة المالية ${suggestion.label} (من ${suggested.start} إلى ${suggested.end}).`,
          ),
          patch: { period: suggested },
        },
      ],
      text('', ''),
      { suggestedPeriod: suggested },
    );
  }
  if (end < start) {
    return verdictOf(
      'time_bound',
      [
        {
          verdict: 'fail',
          reason: text(
            `The period ends (${end}) before it starts (${start}).`,
            `تنتهي الفترة (${end}) قبل أن تبدأ (${start}).`,
          ),
          fix: text('Swap or correct the dates.', 'صحح التاريخين.'),
        },
      ],
      text('', ''),
    );
  }
  const findings: Finding[] = [];
  const days = dayCount({ start, end });
  if (end < context.today) {
    findings.push({
      verdict: 'warn',
      reason: text(`The period ended on ${end}.`, `انتهت الفترة في ${end}.`),
      fix: text('Choose a period that is still ahead.', 'اختر فترة لم تنتهِ بعد.'),
    });
  }
  if (days < MIN_DAYS) {
    findings.push({
      verdict: 'warn',
      reason: text(
        `${days} day${days === 1 ? '' : 's'} is too short to act on and check in.`,
        `${days} يوم مدة أقصر من أن تسمح بالعمل ومراجعة التقدم.`,
      ),
      fix: text(
        'Use at least a week; a month or a quarter is easier to track.',
        'استخدم أسبوعًا على الأقل؛ والشهر أو الربع أسهل في التتبع.',
      ),
    });
  } else if (days > MAX_DAYS) {
    findings.push({
      verdict: 'warn',
      reason: text(
        `${days} days is longer than a year: progress is hard to keep in view.`,
        `${days} يومًا مدة أطول من سنة: يصعب متابعة التقدم.`,
      ),
      fix: text(
        'Set a goal per fiscal year, split into quarters.',
        'حدد هدفًا لكل سنة مالية، مقسمًا إلى أرباع.',
      ),
    });
  }
  const alignment = alignmentOf(start, end, cal);
  if (alignment === null) {
    const snapped = { start: `${start.slice(0, 8)}01`, end: lastDayOfMonth(end) };
    findings.push({
      verdict: 'warn',
      reason: text(
        `${start} to ${end} does not follow your calendar's months or fiscal quarters, which makes it harder to compare and report.`,
        `الفترة من ${start} إلى ${end} لا تتبع أشهر التقويم أو أرباع السنة المالية، مما يصعّب المقارنة وإعداد التقارير.`,
      ),
      fix: text(
        `Use whole months: ${snapped.start} to ${snapped.end}.`,
        `استخدم أشهرًا كاملة: من ${snapped.start} إلى ${snapped.end}.`,
      ),
      patch: { period: snapped },
    });
  }
  const aligned = alignment ? ALIGNMENT_NAMES[alignment] : text('', '');
  return verdictOf(
    'time_bound',
    findings,
    text(
      `${start} to ${end} (${days} days), ${aligned.en}.`,
      `من ${start} إلى ${end} (${days} يومًا)، ${aligned.ar}.`,
    ),
  );
}

type Alignment = 'fiscal_year' | 'fiscal_quarter' | 'month' | 'months' | 'week';

const ALIGNMENT_NAMES: Record<Alignment, Text> = {
  fiscal_year: text('one fiscal year', 'سنة مالية كاملة'),
  fiscal_quarter: text('one fiscal quarter', 'ربع سنة مالية كامل'),
  month: text('one calendar month', 'شهر كامل'),
  months: text('whole months', 'أشهر كاملة'),
  week: text('one week', 'أسبوع كامل'),
};

function lastDayOfMonth(day: Day): Day {
  return periodContaining('month', day, { timeZone: 'UTC', fiscalYearStartMonth: 1, weekStart: 1 }).end;
}

/** The calendar unit a period matches exactly, or null when it cuts across months. */
function alignmentOf(start: Day, end: Day, cal: Calendar): Alignment | null {
  for (const grain of ['fiscal_year', 'fiscal_quarter', 'month', 'week'] as const) {
    const p = periodContaining(grain, start, cal);
    if (p.start === start && p.end === end) return grain;
  }
  const wholeMonths = start.endsWith('-01') && lastDayOfMonth(end) === end;
  return wholeMonths ? 'months' : null;
}

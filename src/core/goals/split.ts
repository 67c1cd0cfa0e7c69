/**
 * The cascade of SPEC §3: a goal is cut into children by period (quarters or
 * months: equal, or shaped like last year) or by member (teams or reps:
 * equal, by last year's share, or by weights, with ramp-up and proration).
 *
 * Additivity decides what a child's target is. Flow metrics (revenue,
 * deals, calls) add up across periods and scopes, so children sum exactly to
 * the parent in the unit's quanta. Ratio metrics (win rate, churn rate)
 * never add up: every child inherits the parent's target. Stock metrics
 * (MRR at period end) add up across scopes but not across periods: a
 * year-end MRR target is also every quarter's end target.
 */
import { invalid } from '../errors.ts';
import { type Calendar, dayCount, type Period, periodContaining, periodsInRange } from '../periods/index.ts';
import { quantumOf, splitAmount } from './allocate.ts';
import { capacityFactor, type MemberCalendar } from './ramp.ts';
import { text } from './text.ts';
import type {
  DayRange,
  GoalLayer,
  GoalScope,
  MetricFacts,
  SplitGrain,
  SplitMember,
  SplitRule,
  Text,
} from './types.ts';

export interface SplitParent {
  target: number;
  period: DayRange;
  scope: GoalScope;
  layer: GoalLayer;
}

/** A member of a split with the facts the chosen method needs. */
export interface MemberFacts {
  member: SplitMember;
  /** The member's value of the metric in the same period last year (for `last_year_share`). */
  lastYear: number | null;
  /** Hire, leave and team-membership days of a rep; null for a team. */
  calendar: MemberCalendar | null;
}

export interface SplitContext {
  /** For a seasonal period split: last year's value in each bucket of `splitBuckets`, in order. */
  lastYearByBucket?: ReadonlyArray<number | null>;
  /** For a member split: one entry per member of the rule, in the same order. */
  members?: readonly MemberFacts[];
}

export interface ChildPlan {
  label: string;
  period: DayRange;
  scope: GoalScope;
  layer: GoalLayer;
  target: number;
  /** The child's share of the parent before rounding, 0..1; null when inherited. */
  share: number | null;
  /** Ramp-up / proration factor applied to a rep, when below 1. */
  capacity: number | null;
}

export interface SplitPlan {
  /** True when every child carries the parent's target (ratio metrics, stocks over time). */
  inherited: boolean;
  children: ChildPlan[];
  explanation: Text;
}

/** The buckets a period split makes, clipped to the goal's period (so partial buckets are partial). */
export function splitBuckets(period: DayRange, grain: SplitGrain, calendar: Calendar): Period[] {
  return periodsInRange(grain, period, calendar);
}

/** Share of its whole bucket a clipped bucket covers: 1 for a whole quarter, 0.5 for half a month. */
function coverage(bucket: Period, calendar: Calendar): number {
  if (bucket.grain === 'custom') return 1;
  const whole = periodContaining(bucket.grain, bucket.start, calendar);
  return dayCount(bucket) / dayCount(whole);
}

const grainNames: Record<SplitGrain, Text> = {
  week: text('weeks', 'أسابيع'),
  month: text('months', 'أشهر'),
  quarter: text('quarters', 'أرباع سنة'),
  fiscal_quarter: text('fiscal quarters', 'أرباع السنة المالية'),
};

/** The layer a child gets: periods of an annual goal are team goals; reps' shares are individual goals. */
export function childLayer(parent: GoalLayer, rule: SplitRule): GoalLayer {
  if (rule.by === 'period') return parent === 'annual' ? 'team' : parent;
  const reps = rule.members.every((m) => m.type === 'rep');
  return reps ? 'individual' : 'team';
}

export function splitGoal(
  parent: SplitParent,
  rule: SplitRule,
  metric: MetricFacts,
  calendar: Calendar,
  context: SplitContext = {},
): SplitPlan {
  return rule.by === 'period'
    ? splitByPeriod(parent, rule, metric, calendar, context)
    : splitByMember(parent, rule, metric, context);
}

function splitByPeriod(
  parent: SplitParent,
  rule: Extract<SplitRule, { by: 'period' }>,
  metric: MetricFacts,
  calendar: Calendar,
  context: SplitContext,
): SplitPlan {
  const buckets = splitBuckets(parent.period, rule.grain, calendar);
  if (buckets.length < 2) {
    throw invalid(
      `The period ${parent.period.start}..${parent.period.end} holds only one ${rule.grain.replace('_', ' ')}: choose a smaller grain.`,
      'grain',
    );
  }
  const layer = childLayer(parent.layer, rule);
  const base = (b: Period) => ({
    label: b.label,
    period: { start: b.start, end: b.end },
    scope: parent.scope,
    layer,
  });
  const grain = grainNames[rule.grain];

  if (metric.kind !== 'flow') {
    return {
      inherited: true,
      children: buckets.map((b) => ({ ...base(b), target: parent.target, share: null, capacity: null })),
      explanation: inheritedExplanation(metric, grain),
    };
  }

  let weights = buckets.map((b) => coverage(b, calendar));
  let explanation = text(
    `Split into ${buckets.length} ${grain.en} of equal weight (a partial one by its days); the parts sum exactly to the target.`,
    `قُسِّم الهدف إلى ${buckets.length} من ${grain.ar} بأوزان متساوية (والجزء الناقص بحسب أيامه)، ومجموع الأجزاء يساوي الهدف تمامًا.`,
  );
  if (rule.method === 'seasonal') {
    const lastYear = context.lastYearByBucket;
    if (!lastYear || lastYear.length !== buckets.length) {
      throw invalid(
        `A seasonal split needs last year's value for each of the ${buckets.length} ${grain.en}.`,
      );
    }
    if (!lastYear.some((v) => v !== null && v > 0)) {
      throw invalid(
        `There is no ${metric.label.en} last year to take a seasonal shape from: split equally instead.`,
        'method',
      );
    }
    weights = weights.map((w, i) => w * Math.max(0, lastYear[i] ?? 0));
    explanation = text(
      `Split into ${buckets.length} ${grain.en} in the same shape as last year's ${metric.label.en}; the parts sum exactly to the target.`,
      `قُسِّم الهدف إلى ${buckets.length} من ${grain.ar} بنفس توزيع ${metric.label.ar} في العام الماضي، ومجموع الأجزاء يساوي الهدف تمامًا.`,
    );
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const targets = splitAmount(parent.target, weights, metric.unit);
  return {
    inherited: false,
    children: buckets.map((b, i) => ({
      ...base(b),
      target: targets[i] as number,
      share: (weights[i] as number) / total,
      capacity: null,
    })),
    explanation,
  };
}

function splitByMember(
  parent: SplitParent,
  rule: Extract<SplitRule, { by: 'member' }>,
  metric: MetricFacts,
  context: SplitContext,
): SplitPlan {
  if (rule.members.length === 0)
    throw invalid('Choose at least one team or rep to split between.', 'members');
  const seen = new Set<string>();
  for (const m of rule.members) {
    const key = `${m.type}:${m.id}`;
    if (seen.has(key)) throw invalid(`The ${m.type} ${m.id} is listed twice.`, 'members');
    seen.add(key);
  }
  const facts = context.members ?? rule.members.map((member) => ({ member, lastYear: null, calendar: null }));
  if (facts.length !== rule.members.length) {
    throw invalid(`Expected facts for ${rule.members.length} members, got ${facts.length}.`, 'members');
  }
  const layer = childLayer(parent.layer, rule);
  const capacities = facts.map((f) =>
    f.calendar ? capacityFactor(parent.period, f.calendar, rule.rampUp, rule.prorate) : 1,
  );
  const base = (f: MemberFacts, i: number) => ({
    label: `${f.member.type}:${f.member.id}`,
    period: parent.period,
    scope: { type: f.member.type, id: f.member.id },
    layer,
    capacity: (capacities[i] as number) < 1 ? (capacities[i] as number) : null,
  });

  if (metric.kind === 'ratio') {
    return {
      inherited: true,
      children: facts.map((f, i) => ({ ...base(f, i), target: parent.target, share: null })),
      explanation: inheritedExplanation(metric, text('members', 'الأعضاء')),
    };
  }

  let weights: number[];
  let explanation: Text;
  switch (rule.method) {
    case 'equal':
      weights = facts.map(() => 1);
      explanation = text('Split equally', 'قُسِّم بالتساوي');
      break;
    case 'weights':
      weights = facts.map((f, i) => {
        const w = f.member.weight;
        if (w === undefined || !Number.isFinite(w) || w < 0) {
          throw invalid(
            `Member ${i + 1} (${f.member.type} ${f.member.id}) needs a weight of 0 or more.`,
            'weight',
          );
        }
        return w;
      });
      explanation = text(
        'Split by the weights given (segment or capacity)',
        'قُسِّم بحسب الأوزان المحددة (الشريحة أو الطاقة)',
      );
      break;
    case 'last_year_share': {
      const known = facts.map((f) => f.lastYear).filter((v): v is number => v !== null && v > 0);
      if (known.length === 0) {
        throw invalid(
          `No member has ${metric.label.en} last year to take shares from: split equally instead.`,
          'method',
        );
      }
      // Someone with no history (a new hire) is weighted like the typical member; ramp-up then scales it.
      const typical = median(known);
      weights = facts.map((f) => (f.lastYear !== null && f.lastYear > 0 ? f.lastYear : typical));
      explanation = text(
        `Split by each member's share of last year's ${metric.label.en} (members without history count as the median)`,
        `قُسِّم بحسب حصة كل عضو من ${metric.label.ar} في العام الماضي (ومن لا تاريخ له يُحسب بالوسيط)`,
      );
      break;
    }
  }
  weights = weights.map((w, i) => w * (capacities[i] as number));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0)
    throw invalid('Every member has a weight of zero for this period: nobody can carry the goal.');
  const targets = splitAmount(parent.target, weights, metric.unit);
  const ramped = capacities.some((c) => c < 1);
  return {
    inherited: false,
    children: facts.map((f, i) => ({
      ...base(f, i),
      target: targets[i] as number,
      share: (weights[i] as number) / total,
    })),
    explanation: text(
      `${explanation.en}${ramped ? ', scaled by ramp-up for new hires and by the days each person is on the team' : ''}; the parts sum exactly to the target.`,
      `${explanation.ar}${ramped ? '، مع تخفيض حصة المندوبين الجدد أثناء فترة التأهيل وبحسب الأيام التي يقضيها كل شخص في الفريق' : ''}، ومجموع الأجزاء يساوي الهدف تمامًا.`,
    ),
  };
}

function inheritedExplanation(metric: MetricFacts, parts: Text): Text {
  return metric.kind === 'ratio'
    ? text(
        `${metric.label.en} is a ratio and does not add up, so each of the ${parts.en} inherits the same target.`,
        `${metric.label.ar} نسبة لا تُجمع، لذا يرث كل جزء من ${parts.ar} الهدف نفسه.`,
      )
    : text(
        `${metric.label.en} is a value at a moment, not a sum over time, so each of the ${parts.en} inherits the same target.`,
        `${metric.label.ar} قيمة في لحظة وليست مجموعًا عبر الزمن، لذا يرث كل جزء من ${parts.ar} الهدف نفسه.`,
      );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface AssignmentChild {
  id: number;
  target: number;
}

/** How the children's targets compare with their parent's: the tree always shows this. */
export interface Assignment {
  mode: 'sum' | 'inherited' | 'none';
  parentTarget: number;
  /** Sum of the children (mode `sum`); null otherwise. */
  assigned: number | null;
  /** assigned − parent target (mode `sum`): above 0 is over-assigned. */
  difference: number | null;
  state: 'exact' | 'over' | 'under' | 'inherited' | 'mismatched' | 'unsplit';
  /** Children whose inherited target differs from the parent's. */
  mismatched: number[];
}

/**
 * Compares a parent with the children that split it (same metric). Flow and
 * stock children split by member are summed; period children of a stock and
 * any children of a ratio must each equal the parent.
 */
export function assignmentOf(
  parentTarget: number,
  children: readonly AssignmentChild[],
  metric: MetricFacts,
  splitBy: 'period' | 'member' | null,
): Assignment {
  if (children.length === 0) {
    return { mode: 'none', parentTarget, assigned: null, difference: null, state: 'unsplit', mismatched: [] };
  }
  const half = quantumOf(metric.unit) / 2;
  const summed = metric.kind === 'flow' || (metric.kind === 'stock' && splitBy !== 'period');
  if (!summed) {
    const mismatched = children.filter((c) => Math.abs(c.target - parentTarget) >= half).map((c) => c.id);
    return {
      mode: 'inherited',
      parentTarget,
      assigned: null,
      difference: null,
      state: mismatched.length ? 'mismatched' : 'inherited',
      mismatched,
    };
  }
  const assigned = children.reduce((a, c) => a + c.target, 0);
  const difference = assigned - parentTarget;
  const state = Math.abs(difference) < half ? 'exact' : difference > 0 ? 'over' : 'under';
  return { mode: 'sum', parentTarget, assigned, difference, state, mismatched: [] };
}

export interface Rebalance {
  goalId: number;
  from: number;
  to: number;
}

/**
 * New child targets after the parent's target changed: summed children keep
 * their proportions (and sum exactly to the new target), inherited children
 * take the new target.
 */
export function rebalance(
  newParentTarget: number,
  children: readonly AssignmentChild[],
  metric: MetricFacts,
  splitBy: 'period' | 'member' | null,
): Rebalance[] {
  if (children.length === 0) return [];
  const summed = metric.kind === 'flow' || (metric.kind === 'stock' && splitBy !== 'period');
  if (!summed) return children.map((c) => ({ goalId: c.id, from: c.target, to: newParentTarget }));
  const current = children.map((c) => Math.max(0, c.target));
  const weights = current.some((t) => t > 0) ? current : children.map(() => 1);
  const targets = splitAmount(newParentTarget, weights, metric.unit);
  return children.map((c, i) => ({ goalId: c.id, from: c.target, to: targets[i] as number }));
}

import { invalid } from '../../core/errors.ts';
import {
  checkFilters,
  checkScope,
  checkSmart,
  type DayRange,
  type GoalDraft,
  resolveRelativeTarget,
  type SmartContext,
  type SmartReport,
} from '../../core/goals/index.ts';
import type { MetricDef } from '../../core/metrics/index.ts';
import { addDays, addMonths, dayOf, isValidDay } from '../../core/periods/index.ts';
import type { Ctx } from '../context.ts';
import { loadGoal, metricOrUndefined, scopeInfo } from './common.ts';
import { checkMetricFits } from './create.ts';
import {
  baselinePeriodOf,
  capacityOf,
  changeHistory,
  filterHistory,
  goalScopeOf,
  valueIn,
} from './figures.ts';

export interface SmartCheck extends SmartReport {
  /** The comparable past period the baseline was read from, shown beside it. */
  baselinePeriod: DayRange | null;
  /** The past changes the Achievable verdict was judged on. */
  history: number[];
}

/** The coach on a saved goal, with the org's current numbers. */
export async function checkGoal({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number };
}): Promise<SmartCheck> {
  const { goal } = await loadGoal(ctx, input.goalId, 'read');
  return judge(ctx, {
    ...goal,
    // The stored target is what is judged; a computed baseline is recomputed (data may have
    // arrived since), a typed one stands.
    targetMode: 'absolute',
    baseline: goal.baselineOverridden ? goal.baseline : null,
  });
}

/**
 * The coach on an unsaved draft, as the user types: every field optional,
 * nothing stored. A malformed field (a bad day, an unknown filter) is an
 * input error; a missing one is the coach's business.
 */
export async function checkDraft({ ctx, input }: { ctx: Ctx; input: GoalDraft }): Promise<SmartCheck> {
  if (input.scope)
    checkScope({ type: input.scope.type, id: input.scope.type === 'org' ? null : input.scope.id });
  if (input.filters) checkFilters(input.filters);
  for (const key of ['start', 'end'] as const) {
    const day = input.period?.[key];
    if (day && !isValidDay(day)) throw invalid(`"${day}" is not a day: use YYYY-MM-DD.`, `period.${key}`);
  }
  return judge(ctx, input);
}

async function judge(ctx: Ctx, draft: GoalDraft): Promise<SmartCheck> {
  const today = dayOf(ctx.now, ctx.org.timeZone);
  const def = metricOrUndefined(draft.metric);
  const context: SmartContext = {
    calendar: ctx.org,
    currency: ctx.org.currency,
    today,
    ...(def ? { metric: def } : {}),
  };
  const scope = draft.scope
    ? { type: draft.scope.type, id: draft.scope.type === 'org' ? null : draft.scope.id }
    : null;
  const period =
    draft.period?.start && draft.period.end && draft.period.start <= draft.period.end
      ? { start: draft.period.start, end: draft.period.end }
      : null;
  let baselinePeriod: DayRange | null = null;
  let history: number[] = [];
  if (def && scope) {
    await scopeInfo(ctx, scope);
    const filters = draft.filters ?? {};
    checkMetricFits(def, scope.type, filters);
    const resolved = await goalScopeOf(ctx, scope);
    const lastYear = { start: addDays(addMonths(today, -12), 1), end: today };
    baselinePeriod = period ? baselinePeriodOf(period) : null;
    const [recent, baseline, changes, filtersSeen] = await Promise.all([
      valueIn(ctx, def, resolved, {}, lastYear),
      draft.baseline ?? (baselinePeriod ? valueIn(ctx, def, resolved, filters, baselinePeriod) : null),
      period ? changeHistory(ctx, def, resolved, filters, period) : [],
      period ? filterHistory(ctx, def, resolved, filters, period) : [],
    ]);
    context.hasData = recent !== null;
    if (period) {
      history = changes;
      Object.assign(context, { baseline, baselinePeriod, history, filterHistory: filtersSeen });
      if (targetOf(draft, baseline, def) !== null)
        context.capacity = await capacityOf(ctx, def, resolved, filters, period);
    }
  }
  return { ...checkSmart(draft, context), baselinePeriod, history };
}

function targetOf(draft: GoalDraft, baseline: number | null, def: MetricDef): number | null {
  if (draft.targetMode === 'relative' && typeof draft.targetChange === 'number') {
    return baseline !== null && draft.targetChange > -1
      ? resolveRelativeTarget(baseline, draft.targetChange, def.unit)
      : null;
  }
  return typeof draft.target === 'number' ? draft.target : null;
}

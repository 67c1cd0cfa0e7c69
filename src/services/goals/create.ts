import { assertAllowed, canWriteGoal } from '../../core/access.ts';
import { invalid } from '../../core/errors.ts';
import {
  type BonusTier,
  type CheckinInterval,
  type CompleteGoalFields,
  checkGoalFields,
  checkPeriodRange,
  checkTiers,
  draftFromTemplate,
  findTemplate,
  type Goal,
  type GoalDirection,
  type GoalFilters,
  type GoalKind,
  type GoalLayer,
  type PaceModel,
  type Recurrence,
  resolveRelativeTarget,
  type ScopeType,
  standardTiers,
  type TargetMode,
} from '../../core/goals/index.ts';
import type { MetricDef } from '../../core/metrics/index.ts';
import { type Day, dayOf, periodContaining } from '../../core/periods/index.ts';
import { inTransaction } from '../../store/db.ts';
import {
  findGoal,
  insertGoal,
  insertTargetChange,
  replaceBonusTiers,
  toGoal,
} from '../../store/goal-queries.ts';
import type { Ctx } from '../context.ts';
import { auditGoal, defaultOwner, requireMetric, requireUser, type ScopeInfo, scopeInfo } from './common.ts';
import { baselinePeriodOf, goalScopeOf, valueIn } from './figures.ts';

export interface CreateGoalInput {
  /** Start from one of the seed's templates; the fields below override it. */
  templateId?: string;
  /** Language of a template's title and description. */
  language?: 'en' | 'ar';
  title?: string;
  description?: string;
  metric?: string;
  scope: { type: ScopeType; id?: number | null };
  filters?: GoalFilters;
  target?: number | null;
  targetMode?: TargetMode;
  targetChange?: number | null;
  /** Typed by a person instead of computed from the same period last year. */
  baseline?: number | null;
  direction?: GoalDirection;
  period?: { start: Day; end: Day };
  recurrence?: Recurrence;
  kind?: GoalKind;
  layer?: GoalLayer;
  stretchTarget?: number | null;
  paceModel?: PaceModel;
  checkinInterval?: CheckinInterval;
  ownerId?: number | null;
  parentId?: number | null;
  status?: 'draft' | 'active';
  reason?: string | null;
  bonusTiers?: BonusTier[];
  /** Instead of tiers: a base bonus B for the seed's plan, 100% → B, 110% → 1.5 B, stretch → 2 B. */
  bonus?: number;
}

/** Metrics that count what reps do rather than what they achieve (the seed's activity goals). */
export const ACTIVITY_METRICS: ReadonlySet<string> = new Set([
  'calls',
  'emails',
  'meetings',
  'demos_booked',
  'discovery_calls',
  'qualified_conversations',
  'prospects_by_industry',
  'new_customer_touch_rate',
  'coaching_hours',
  'trainings',
]);

/** Org goals over a fiscal year are the annual layer; shorter org and team goals the team layer. */
export function defaultLayer(
  kind: GoalKind,
  scope: ScopeType,
  period: { start: Day; end: Day },
  ctx: Ctx,
): GoalLayer {
  if (kind === 'activity') return 'activity';
  if (scope === 'rep') return 'individual';
  if (scope === 'team') return 'team';
  const fy = periodContaining('fiscal_year', period.start, ctx.org);
  return fy.start === period.start && fy.end === period.end ? 'annual' : 'team';
}

export function checkMetricFits(def: MetricDef, scope: ScopeType, filters: GoalFilters): void {
  if (!def.scopes.includes(scope)) {
    throw invalid(`${def.id} is measured for ${def.scopes.join(' or ')}, not for a ${scope}.`, 'scope.type');
  }
  for (const key of Object.keys(filters)) {
    if (!(def.filters as readonly string[]).includes(key)) {
      const accepted = def.filters.length === 0 ? 'no filters' : `only ${def.filters.join(', ')}`;
      throw invalid(`${def.id} cannot be filtered by ${key}: it accepts ${accepted}.`, `filters.${key}`);
    }
  }
}

export interface ResolvedTarget {
  target: number;
  baseline: number | null;
  baselinePeriod: { start: Day; end: Day };
}

/**
 * The baseline (the same days a year earlier, unless typed) and the target
 * it implies for a relative goal.
 */
export async function resolveTarget(
  ctx: Ctx,
  def: MetricDef,
  fields: {
    scope: ScopeInfo['scope'];
    filters: GoalFilters;
    period: { start: Day; end: Day };
    targetMode: TargetMode;
    target: number | null | undefined;
    targetChange: number | null | undefined;
    baseline: number | null | undefined;
  },
): Promise<ResolvedTarget> {
  const baselinePeriod = baselinePeriodOf(fields.period);
  const baseline =
    fields.baseline ??
    (await valueIn(ctx, def, await goalScopeOf(ctx, fields.scope), fields.filters, baselinePeriod));
  if (fields.targetMode === 'relative') {
    if (typeof fields.targetChange !== 'number') {
      throw invalid('A relative target needs the change, e.g. 0.10 for +10%.', 'targetChange');
    }
    if (baseline === null || !(baseline > 0)) {
      throw invalid(
        `There is no ${def.label.en} for ${baselinePeriod.start}..${baselinePeriod.end} to apply ${fields.targetChange} to: type a baseline or give an absolute target.`,
        'baseline',
      );
    }
    return {
      target: resolveRelativeTarget(baseline, fields.targetChange, def.unit),
      baseline,
      baselinePeriod,
    };
  }
  if (typeof fields.target !== 'number')
    throw invalid('Give a target: a number in the metric’s unit.', 'target');
  return { target: fields.target, baseline, baselinePeriod };
}

export async function createGoal({ ctx, input }: { ctx: Ctx; input: CreateGoalInput }): Promise<Goal> {
  const template = input.templateId === undefined ? undefined : findTemplate(input.templateId);
  if (input.templateId !== undefined && !template) {
    throw invalid(`There is no template "${input.templateId}".`, 'templateId');
  }
  const today = dayOf(ctx.now, ctx.org.timeZone);
  const fromTemplate = template
    ? draftFromTemplate(template, { today, calendar: ctx.org, language: input.language ?? 'en' })
    : undefined;
  if (template?.needsFilter && !input.filters?.[template.needsFilter]) {
    throw invalid(
      `The template "${template.id}" needs a ${template.needsFilter}: say which one, e.g. filters.${template.needsFilter} = "retail".`,
      `filters.${template.needsFilter}`,
    );
  }

  const metricId = input.metric ?? fromTemplate?.metric;
  if (!metricId) throw invalid('Choose a metric, e.g. revenue.', 'metric');
  const def = requireMetric(metricId);
  const scope = { type: input.scope.type, id: input.scope.type === 'org' ? null : (input.scope.id ?? null) };
  const info = await scopeInfo(ctx, scope);
  assertAllowed(canWriteGoal(ctx.actor, info.access), `You may not set goals for ${info.label}.`);
  const filters = input.filters ?? {};
  checkMetricFits(def, scope.type, filters);

  const period = input.period ?? fromTemplate?.period;
  if (!period) throw invalid('Give the period: a start and an end day.', 'period');
  checkPeriodRange(period.start, period.end);
  const targetMode =
    input.targetMode ?? (input.targetChange != null ? 'relative' : (fromTemplate?.targetMode ?? 'absolute'));
  const targetChange =
    input.targetChange ?? (targetMode === 'relative' ? fromTemplate?.targetChange : null) ?? null;
  const resolved = await resolveTarget(ctx, def, {
    scope,
    filters,
    period,
    targetMode,
    target: input.target ?? fromTemplate?.target,
    targetChange,
    baseline: input.baseline,
  });
  const kind = input.kind ?? fromTemplate?.kind ?? (ACTIVITY_METRICS.has(def.id) ? 'activity' : 'outcome');
  const direction =
    input.direction ??
    fromTemplate?.direction ??
    (targetChange !== null
      ? targetChange < 0
        ? 'decrease'
        : 'increase'
      : def.direction === 'higher'
        ? 'increase'
        : 'decrease');
  const fields: CompleteGoalFields = {
    title: input.title ?? fromTemplate?.title ?? '',
    metric: def.id,
    scope,
    filters,
    target: resolved.target,
    targetMode,
    targetChange: targetMode === 'relative' ? targetChange : null,
    direction,
    period,
    kind,
    layer: input.layer ?? fromTemplate?.layer ?? defaultLayer(kind, scope.type, period, ctx),
    stretchTarget: input.stretchTarget ?? null,
    recurrence: input.recurrence ?? fromTemplate?.recurrence ?? 'none',
    paceModel: input.paceModel ?? 'linear',
    checkinInterval: input.checkinInterval ?? fromTemplate?.checkinInterval ?? 'weekly',
  };
  checkGoalFields(fields, def);
  if (input.bonusTiers && input.bonus !== undefined) {
    throw invalid('Give bonus tiers or a base bonus, not both.', 'bonus');
  }
  const tiers = input.bonusTiers
    ? checkTiers(input.bonusTiers)
    : input.bonus !== undefined
      ? standardTiers(input.bonus, resolved.target, fields.stretchTarget)
      : [];
  const ownerId = input.ownerId === undefined ? defaultOwner(ctx, info) : input.ownerId;
  if (ownerId !== null) await requireUser(ctx, ownerId, 'ownerId');
  if (input.parentId != null) {
    const parent = await findGoal(ctx.db, ctx.org.id, input.parentId);
    if (!parent) throw invalid(`There is no goal ${input.parentId} to hang this goal under.`, 'parentId');
    if (parent.status === 'archived')
      throw invalid(`Goal ${parent.id} is archived: it cannot take new children.`, 'parentId');
  }
  const createdBy = ctx.actor.kind === 'user' ? ctx.actor.userId : null;

  return inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const row = await insertGoal(tx, ctx.org.id, {
      title: fields.title.trim(),
      description: (input.description ?? fromTemplate?.description ?? '').trim(),
      metric: def.id,
      scope_type: scope.type,
      scope_id: scope.id,
      filters: JSON.stringify(filters),
      target: resolved.target,
      target_mode: targetMode,
      target_change: fields.targetChange,
      baseline: resolved.baseline,
      baseline_start: resolved.baselinePeriod.start,
      baseline_end: resolved.baselinePeriod.end,
      baseline_overridden: input.baseline != null ? 1 : 0,
      direction,
      period_start: period.start,
      period_end: period.end,
      recurrence: fields.recurrence as Recurrence,
      kind,
      layer: fields.layer,
      stretch_target: fields.stretchTarget,
      pace_model: fields.paceModel as PaceModel,
      checkin_interval: fields.checkinInterval as CheckinInterval,
      owner_id: ownerId,
      parent_id: input.parentId ?? null,
      split_rule: null,
      status: input.status ?? 'draft',
      reason: input.reason ?? null,
      created_by: createdBy,
      created_at: ctx.now,
      updated_at: ctx.now,
    });
    await insertTargetChange(tx, ctx.org.id, row.id, {
      target: resolved.target,
      effectiveFrom: period.start,
      changedBy: createdBy,
      changedAt: ctx.now,
      reason: 'Target set when the goal was created',
    });
    if (tiers.length) await replaceBonusTiers(tx, ctx.org.id, row.id, tiers);
    const goal = toGoal(row);
    await auditGoal(txCtx, row.id, 'create', undefined, {
      ...goal,
      ...(template ? { templateId: template.id } : {}),
      ...(tiers.length ? { bonusTiers: tiers } : {}),
    });
    return goal;
  });
}

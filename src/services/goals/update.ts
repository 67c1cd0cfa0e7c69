import { assertAllowed, canWriteGoal } from '../../core/access.ts';
import { invalid } from '../../core/errors.ts';
import {
  assertEditable,
  type BonusTier,
  type CheckinInterval,
  type CompleteGoalFields,
  checkGoalFields,
  checkPeriodRange,
  checkTiers,
  type Goal,
  type GoalDirection,
  type GoalFilters,
  type GoalKind,
  type GoalLayer,
  latestTarget,
  type PaceModel,
  type Rebalance,
  type Recurrence,
  rebalance,
  type ScopeType,
  standardTiers,
  type TargetMode,
} from '../../core/goals/index.ts';
import { type Day, dayOf, isValidDay } from '../../core/periods/index.ts';
import { type Db, inTransaction } from '../../store/db.ts';
import {
  deleteTargetChanges,
  insertTargetChange,
  listBonusTiers,
  listChildGoals,
  listTargetChanges,
  replaceBonusTiers,
  toGoal,
  updateGoalRow,
} from '../../store/goal-queries.ts';
import type { GoalRow, GoalUpdate } from '../../store/schema.ts';
import type { Ctx } from '../context.ts';
import { auditGoal, loadGoal, requireMetric, requireUser, scopeInfo } from './common.ts';
import { checkMetricFits, resolveTarget } from './create.ts';

export interface UpdateGoalInput {
  goalId: number;
  title?: string;
  description?: string;
  metric?: string;
  scope?: { type: ScopeType; id?: number | null };
  filters?: GoalFilters;
  target?: number;
  targetMode?: TargetMode;
  targetChange?: number | null;
  /** A typed baseline; null goes back to the computed one. */
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
  reason?: string | null;
  /** For a target change of a goal past draft: the day it applies from (default today) and why. */
  effectiveFrom?: Day;
  changeReason?: string;
  bonusTiers?: BonusTier[];
  /** Instead of tiers: a base bonus B for the seed's plan, 100% → B, 110% → 1.5 B, stretch → 2 B. */
  bonus?: number;
}

export interface UpdateGoalResult {
  goal: Goal;
  /**
   * When the target changed and the goal has split children: the children's
   * targets that would sum to (or inherit) the new one. Nothing is applied
   * until `applyRebalance` is called.
   */
  rebalance: Rebalance[] | null;
}

const FIELD_KEYS = [
  'title',
  'description',
  'metric',
  'scope',
  'filters',
  'target',
  'targetMode',
  'targetChange',
  'baseline',
  'direction',
  'period',
  'recurrence',
  'kind',
  'layer',
  'stretchTarget',
  'paceModel',
  'checkinInterval',
  'ownerId',
  'reason',
] as const;

export async function updateGoal({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: UpdateGoalInput;
}): Promise<UpdateGoalResult> {
  const { goal: before } = await loadGoal(ctx, input.goalId, 'write');
  const changed = FIELD_KEYS.filter((k) => input[k] !== undefined);
  assertEditable(before.status, changed);

  const def = requireMetric(input.metric ?? before.metric);
  const scope = input.scope
    ? { type: input.scope.type, id: input.scope.type === 'org' ? null : (input.scope.id ?? null) }
    : before.scope;
  if (input.scope) {
    const info = await scopeInfo(ctx, scope);
    assertAllowed(canWriteGoal(ctx.actor, info.access), `You may not set goals for ${info.label}.`);
  }
  const filters = input.filters ?? before.filters;
  checkMetricFits(def, scope.type, filters);
  const period = input.period ?? before.period;
  checkPeriodRange(period.start, period.end);
  const targetMode = input.targetMode ?? before.targetMode;
  const targetChange = input.targetChange !== undefined ? input.targetChange : before.targetChange;
  const baselineTyped = input.baseline !== undefined ? input.baseline !== null : before.baselineOverridden;

  // What the target is measured against moves only while a draft: recompute it then.
  const measureMoved = [
    'metric',
    'scope',
    'filters',
    'period',
    'targetMode',
    'targetChange',
    'baseline',
  ].some((k) => changed.includes(k as (typeof FIELD_KEYS)[number]));
  let target = input.target ?? before.target;
  let baseline = before.baseline;
  let baselinePeriod = before.baselinePeriod;
  if (measureMoved) {
    const resolved = await resolveTarget(ctx, def, {
      scope,
      filters,
      period,
      targetMode,
      target,
      targetChange,
      baseline: baselineTyped ? (input.baseline ?? before.baseline) : null,
    });
    target = resolved.target;
    baseline = resolved.baseline;
    baselinePeriod = resolved.baselinePeriod;
  }

  const fields: CompleteGoalFields = {
    title: input.title ?? before.title,
    metric: def.id,
    scope,
    filters,
    target,
    targetMode,
    targetChange: targetMode === 'relative' ? targetChange : null,
    direction: input.direction ?? before.direction,
    period,
    kind: input.kind ?? before.kind,
    layer: input.layer ?? before.layer,
    stretchTarget: input.stretchTarget !== undefined ? input.stretchTarget : before.stretchTarget,
    recurrence: input.recurrence ?? before.recurrence,
    paceModel: input.paceModel ?? before.paceModel,
    checkinInterval: input.checkinInterval ?? before.checkinInterval,
  };
  checkGoalFields(fields, def);
  const ownerId = input.ownerId !== undefined ? input.ownerId : before.ownerId;
  if (input.ownerId != null) await requireUser(ctx, input.ownerId, 'ownerId');
  if (input.bonusTiers && input.bonus !== undefined) {
    throw invalid('Give bonus tiers or a base bonus, not both.', 'bonus');
  }
  const tiers = input.bonusTiers
    ? checkTiers(input.bonusTiers)
    : input.bonus !== undefined
      ? standardTiers(input.bonus, target, fields.stretchTarget)
      : undefined;
  const targetMoved = target !== before.target;
  const today = dayOf(ctx.now, ctx.org.timeZone);
  const effectiveFrom = targetMoved ? effectiveDay(before, input, today) : null;
  const actorId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;

  return inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    let newTarget = target;
    if (targetMoved) {
      newTarget = await recordTarget(
        tx,
        ctx,
        before,
        target,
        effectiveFrom as Day,
        input.changeReason,
        actorId,
      );
    }
    const patch: GoalUpdate = {
      title: fields.title.trim(),
      description: (input.description ?? before.description).trim(),
      metric: def.id,
      scope_type: scope.type,
      scope_id: scope.id,
      filters: JSON.stringify(filters),
      target: newTarget,
      target_mode: targetMode,
      target_change: fields.targetChange,
      baseline,
      baseline_start: baselinePeriod?.start ?? null,
      baseline_end: baselinePeriod?.end ?? null,
      baseline_overridden: baselineTyped ? 1 : 0,
      direction: fields.direction,
      period_start: period.start,
      period_end: period.end,
      recurrence: fields.recurrence as Recurrence,
      kind: fields.kind,
      layer: fields.layer,
      stretch_target: fields.stretchTarget,
      pace_model: fields.paceModel as PaceModel,
      checkin_interval: fields.checkinInterval as CheckinInterval,
      owner_id: ownerId,
      reason: input.reason !== undefined ? input.reason : before.reason,
      updated_at: ctx.now,
    };
    const after = toGoal(await updateGoalRow(tx, ctx.org.id, before.id, patch));
    const moved = (Object.keys(after) as Array<keyof Goal>).filter(
      (k) => k !== 'updatedAt' && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
    );
    // A live goal's target change already has its own 'change_target' entry.
    const liveTargetOnly = before.status !== 'draft' && moved.every((k) => k === 'target');
    if (moved.length > 0 && !liveTargetOnly) await auditGoal(txCtx, before.id, 'update', before, after);
    if (tiers) {
      const old = await listBonusTiers(tx, ctx.org.id, before.id);
      await replaceBonusTiers(tx, ctx.org.id, before.id, tiers);
      await auditGoal(txCtx, before.id, 'set_bonus_tiers', { bonusTiers: old }, { bonusTiers: tiers });
    }
    const proposal = targetMoved ? await rebalanceProposal(tx, ctx, after) : null;
    return { goal: after, rebalance: proposal?.length ? proposal : null };
  });
}

/** The day a target change applies from: given, or today, and always inside the goal's period. */
function effectiveDay(goal: Goal, input: UpdateGoalInput, today: Day): Day {
  if (goal.status === 'draft') return goal.period.start;
  const day = input.effectiveFrom ?? (today < goal.period.start ? goal.period.start : today);
  if (!isValidDay(day)) throw invalid(`"${day}" is not a day: use YYYY-MM-DD.`, 'effectiveFrom');
  if (day < goal.period.start || day > goal.period.end) {
    throw invalid(
      `A target change must take effect within the goal's period, ${goal.period.start}..${goal.period.end}.`,
      'effectiveFrom',
    );
  }
  return day;
}

/**
 * Writes a target change and returns the target that now stands for the
 * whole period. A draft's target is not history yet: it is simply replaced.
 * Past a draft, the change keeps who, when, why and from which day.
 */
async function recordTarget(
  tx: Db,
  ctx: Ctx,
  goal: Goal,
  target: number,
  effectiveFrom: Day,
  reason: string | undefined,
  actorId: number | null,
): Promise<number> {
  if (goal.status === 'draft') {
    await deleteTargetChanges(tx, ctx.org.id, goal.id);
    await insertTargetChange(tx, ctx.org.id, goal.id, {
      target,
      effectiveFrom: goal.period.start,
      changedBy: actorId,
      changedAt: ctx.now,
      reason: reason?.trim() || 'Draft target edited',
    });
    return target;
  }
  if (!reason || reason.trim() === '') {
    throw invalid(
      'Say why the target changes: a target change of a live goal needs a reason.',
      'changeReason',
    );
  }
  const change = { target, effectiveFrom, changedBy: actorId, changedAt: ctx.now, reason: reason.trim() };
  await insertTargetChange(tx, ctx.org.id, goal.id, change);
  await auditGoal({ ...ctx, db: tx }, goal.id, 'change_target', { target: goal.target }, change);
  const all = await listTargetChanges(tx, ctx.org.id, [goal.id]);
  return latestTarget(all) ?? target;
}

/** Children that split a goal (same metric), as the cascade rules compare them. */
export function splitChildren(goal: Goal, children: readonly GoalRow[]): GoalRow[] {
  return children.filter((c) => c.metric === goal.metric && c.status !== 'archived');
}

async function rebalanceProposal(db: Db, ctx: Ctx, goal: Goal): Promise<Rebalance[]> {
  const children = splitChildren(goal, await listChildGoals(db, ctx.org.id, goal.id));
  const def = requireMetric(goal.metric);
  return rebalance(
    goal.target,
    children.map((c) => ({ id: c.id, target: c.target })),
    def,
    goal.splitRule?.by ?? null,
  ).filter((r) => r.from !== r.to);
}

export interface RebalanceInput {
  goalId: number;
  /** For children past draft: the day the new targets apply from (default today) and why. */
  effectiveFrom?: Day;
  changeReason?: string;
}

/** Applies the rebalance the parent's current target implies; each child's change is effective-dated and audited. */
export async function applyRebalance({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RebalanceInput;
}): Promise<Rebalance[]> {
  const { goal } = await loadGoal(ctx, input.goalId, 'write');
  const proposal = await rebalanceProposal(ctx.db, ctx, goal);
  if (proposal.length === 0) return [];
  const today = dayOf(ctx.now, ctx.org.timeZone);
  const actorId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  return inTransaction(ctx.db, async (tx) => {
    const rows = await listChildGoals(tx, ctx.org.id, goal.id);
    for (const step of proposal) {
      const child = toGoal(rows.find((r) => r.id === step.goalId) as GoalRow);
      const day = effectiveDay(child, input, today);
      const target = await recordTarget(
        tx,
        ctx,
        child,
        step.to,
        day,
        input.changeReason ?? `Rebalanced to the parent goal ${goal.id}`,
        actorId,
      );
      const after = await updateGoalRow(tx, ctx.org.id, child.id, { target, updated_at: ctx.now });
      if (child.status === 'draft') {
        await auditGoal(
          { ...ctx, db: tx },
          child.id,
          'rebalance',
          { target: step.from },
          { target: after.target },
        );
      }
    }
    return proposal;
  });
}

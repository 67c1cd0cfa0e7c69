import { invalid } from '../../core/errors.ts';
import {
  type Funnel,
  type FunnelRates,
  type FunnelStep,
  type FunnelStepId,
  type Goal,
  largestRemainder,
  reverseFunnel,
} from '../../core/goals/index.ts';
import { inTransaction } from '../../store/db.ts';
import { insertGoal, insertTargetChange, toGoal } from '../../store/goal-queries.ts';
import type { UserRow } from '../../store/schema.ts';
import type { Ctx } from '../context.ts';
import { auditGoal, knownMetricIds, type LoadedGoal, loadGoal } from './common.ts';
import { funnelRates, goalScopeOf, repsIn } from './figures.ts';

export interface FunnelPreview extends Funnel {
  goalId: number;
  reps: number;
  rates: FunnelRates;
}

async function derive(ctx: Ctx, loaded: LoadedGoal): Promise<{ funnel: FunnelPreview; reps: UserRow[] }> {
  const { goal } = loaded;
  if (goal.kind !== 'outcome')
    throw invalid('The reverse funnel starts from an outcome goal, not an activity goal.', 'kind');
  const scope = await goalScopeOf(ctx, goal.scope);
  const [rates, reps] = await Promise.all([funnelRates(ctx, scope), repsIn(ctx, scope, goal.period)]);
  const funnel = reverseFunnel({
    metric: goal.metric,
    target: goal.target,
    period: goal.period,
    reps: reps.length,
    rates,
    currency: ctx.org.currency,
    knownMetrics: knownMetricIds,
  });
  return { funnel: { ...funnel, goalId: goal.id, reps: reps.length, rates }, reps };
}

/** The activity that would produce the goal, step by step, with the org's own rates; nothing is stored. */
export async function previewFunnel({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number };
}): Promise<FunnelPreview> {
  return (await derive(ctx, await loadGoal(ctx, input.goalId, 'read'))).funnel;
}

export interface AcceptFunnelInput {
  goalId: number;
  /** The steps to turn into activity goals (each must have a metric). */
  steps: FunnelStepId[];
  /** For a team or org goal: one activity goal per rep (the total split between them) instead of one for the scope. */
  perRep?: boolean;
  language?: 'en' | 'ar';
}

/**
 * Accepts funnel steps as activity goals under the outcome goal: same period,
 * "reach" the step's total, described by the step's own arithmetic.
 */
export async function acceptFunnel({ ctx, input }: { ctx: Ctx; input: AcceptFunnelInput }): Promise<Goal[]> {
  const loaded = await loadGoal(ctx, input.goalId, 'write');
  const { goal } = loaded;
  if (goal.status === 'archived') throw invalid('An archived goal cannot take new children.', 'status');
  if (input.steps.length === 0) throw invalid('Choose at least one step to accept.', 'steps');
  const { funnel, reps } = await derive(ctx, loaded);
  const chosen: FunnelStep[] = input.steps.map((id, i) => {
    const step = funnel.steps.find((s) => s.id === id);
    if (!step) throw invalid(`The funnel has no step "${id}" for this goal.`, `steps.${i}`);
    if (!step.metric)
      throw invalid(`"${id}" has no metric to track, so it cannot become a goal.`, `steps.${i}`);
    if (step.metric === goal.metric)
      throw invalid(`"${id}" is the goal itself, not an activity under it.`, `steps.${i}`);
    return step;
  });
  const language = input.language ?? 'en';
  const perRep = input.perRep === true && goal.scope.type !== 'rep';
  if (perRep && reps.length === 0)
    throw invalid('Nobody works in this scope to carry per-rep goals.', 'perRep');
  const actorId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;

  return inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const created: Goal[] = [];
    for (const step of chosen) {
      const parts = perRep
        ? largestRemainder(
            step.total,
            reps.map(() => 1),
          ).map((target, i) => ({
            target,
            scope: { type: 'rep' as const, id: (reps[i] as UserRow).id },
            owner: (reps[i] as UserRow).id,
          }))
        : [{ target: step.total, scope: goal.scope, owner: goal.ownerId }];
      for (const part of parts) {
        const row = await insertGoal(tx, ctx.org.id, {
          title: `${step.label[language]}: ${part.target} (${goal.title})`.slice(0, 200),
          description: step.explanation[language],
          metric: step.metric as string,
          scope_type: part.scope.type,
          scope_id: part.scope.id,
          filters: '{}',
          target: part.target,
          target_mode: 'absolute',
          target_change: null,
          baseline: null,
          baseline_start: null,
          baseline_end: null,
          direction: 'reach',
          period_start: goal.period.start,
          period_end: goal.period.end,
          recurrence: 'none',
          kind: 'activity',
          layer: 'activity',
          stretch_target: null,
          pace_model: goal.paceModel,
          checkin_interval: 'weekly',
          owner_id: part.owner,
          parent_id: goal.id,
          split_rule: null,
          status: goal.status === 'active' ? 'active' : 'draft',
          reason: `Reverse funnel of goal ${goal.id}`,
          created_by: actorId,
          created_at: ctx.now,
          updated_at: ctx.now,
        });
        await insertTargetChange(tx, ctx.org.id, row.id, {
          target: part.target,
          effectiveFrom: goal.period.start,
          changedBy: actorId,
          changedAt: ctx.now,
          reason: `Reverse funnel of goal ${goal.id}`,
        });
        const child = toGoal(row);
        await auditGoal(txCtx, row.id, 'create', undefined, { ...child, funnelOf: goal.id, step: step.id });
        created.push(child);
      }
    }
    return created;
  });
}

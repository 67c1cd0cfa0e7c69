import { assertTransition, type Goal, type GoalStatus } from '../../core/goals/index.ts';
import { inTransaction } from '../../store/db.ts';
import { toGoal, updateGoalRow } from '../../store/goal-queries.ts';
import type { Ctx } from '../context.ts';
import { auditGoal, loadGoal } from './common.ts';

export interface TransitionInput {
  goalId: number;
  to: GoalStatus;
  /** Why, e.g. "missed: the product launch slipped"; kept in the audit log. */
  note?: string;
}

/** draft → active → achieved / missed → archived (core/goals/model.ts says which moves exist). */
export async function transitionGoal({ ctx, input }: { ctx: Ctx; input: TransitionInput }): Promise<Goal> {
  const { goal } = await loadGoal(ctx, input.goalId, 'write');
  assertTransition(goal.status, input.to);
  return inTransaction(ctx.db, async (tx) => {
    const after = toGoal(
      await updateGoalRow(tx, ctx.org.id, goal.id, { status: input.to, updated_at: ctx.now }),
    );
    await auditGoal(
      { ...ctx, db: tx },
      goal.id,
      'transition',
      { status: goal.status },
      { status: after.status, ...(input.note ? { note: input.note } : {}) },
    );
    return after;
  });
}

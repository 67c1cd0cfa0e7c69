import { invalid } from '../../core/errors.ts';
import {
  type Assignment,
  allowedTransitions,
  assignmentOf,
  type BonusTier,
  type Goal,
  type GoalStatus,
  targetAsOf,
} from '../../core/goals/index.ts';
import { type Day, isValidDay } from '../../core/periods/index.ts';
import {
  listBonusTiers,
  listChildGoals,
  listTargetChanges,
  type StoredTargetChange,
} from '../../store/goal-queries.ts';
import type { Ctx } from '../context.ts';
import { canSeeGoalPay, loadGoal, readableGoals, requireMetric } from './common.ts';
import { splitChildren } from './update.ts';

export interface ShowGoalInput {
  goalId: number;
  /** Also read back the target in force on this day. */
  asOf?: Day;
  /** ...as the system knew it at this instant (epoch ms), before later corrections. */
  knownAt?: number;
}

export interface GoalDetail {
  goal: Goal;
  scopeLabel: string;
  /** Every target the goal has had: who set it, when, why, from which day. */
  targetHistory: StoredTargetChange[];
  targetAsOf: { day: Day; target: number | null } | null;
  /** Children the actor may see (splits and accepted funnel steps). */
  children: Goal[];
  /** How the split children compare with this goal: exact, over or under, or inherited. */
  assignment: Assignment;
  /** Null when the actor may not see the owner's pay. */
  bonusTiers: BonusTier[] | null;
  allowedTransitions: GoalStatus[];
}

export async function showGoal({ ctx, input }: { ctx: Ctx; input: ShowGoalInput }): Promise<GoalDetail> {
  if (input.asOf !== undefined && !isValidDay(input.asOf)) {
    throw invalid(`"${input.asOf}" is not a day: use YYYY-MM-DD.`, 'asOf');
  }
  const loaded = await loadGoal(ctx, input.goalId, 'read');
  const { goal } = loaded;
  const [history, childRows, seePay] = await Promise.all([
    listTargetChanges(ctx.db, ctx.org.id, [goal.id]),
    listChildGoals(ctx.db, ctx.org.id, goal.id),
    canSeeGoalPay(ctx, loaded),
  ]);
  const split = splitChildren(goal, childRows);
  // A child on a scope the actor may not read stays out of the list; it still counts in the assignment.
  const visible = (await readableGoals(ctx, childRows)).map((c) => c.goal);
  return {
    goal,
    scopeLabel: loaded.info.label,
    targetHistory: history,
    targetAsOf:
      input.asOf === undefined
        ? null
        : { day: input.asOf, target: targetAsOf(history, input.asOf, input.knownAt) },
    children: visible,
    assignment: assignmentOf(
      goal.target,
      split.map((c) => ({ id: c.id, target: c.target })),
      requireMetric(goal.metric),
      goal.splitRule?.by ?? null,
    ),
    bonusTiers: seePay ? await listBonusTiers(ctx.db, ctx.org.id, goal.id) : null,
    allowedTransitions: [...allowedTransitions(goal.status)],
  };
}

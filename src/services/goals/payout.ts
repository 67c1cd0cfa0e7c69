import { assertAllowed } from '../../core/access.ts';
import { attainmentOf, type BonusTier, type Payout, payoutFor } from '../../core/goals/index.ts';
import { dayOf } from '../../core/periods/index.ts';
import { listBonusTiers, listChildGoals } from '../../store/goal-queries.ts';
import type { Ctx } from '../context.ts';
import { canSeeGoalPay, type LoadedGoal, loadGoal, readableGoals, requireMetric } from './common.ts';
import { earlierDay, goalScopeOf, valueIn } from './figures.ts';

export interface GoalPayout extends Payout {
  goalId: number;
  ownerId: number | null;
  /** The metric from the period's start to today (or to its end, once over). */
  actual: number | null;
  target: number;
  tiers: BonusTier[];
}

export interface PayoutReport {
  /** The goal's own payout; null when it has no bonus tiers. */
  own: GoalPayout | null;
  /** Payouts of the children the actor may see the pay of (e.g. each rep of a team goal). */
  children: GoalPayout[];
}

async function payoutOf(ctx: Ctx, loaded: LoadedGoal): Promise<GoalPayout | null> {
  const { goal } = loaded;
  const tiers = await listBonusTiers(ctx.db, ctx.org.id, goal.id);
  if (tiers.length === 0) return null;
  const def = requireMetric(goal.metric);
  const today = dayOf(ctx.now, ctx.org.timeZone);
  const end = earlierDay(today, goal.period.end);
  const actual =
    end < goal.period.start
      ? null
      : await valueIn(ctx, def, await goalScopeOf(ctx, goal.scope), goal.filters, {
          start: goal.period.start,
          end,
        });
  const attainment = attainmentOf(actual, goal.target, goal.direction, def.direction);
  return {
    goalId: goal.id,
    ownerId: goal.ownerId,
    actual,
    target: goal.target,
    tiers,
    ...payoutFor(tiers, attainment),
  };
}

/**
 * Attainment and earned bonus of a goal's owner, and of its children's
 * owners. Pay is private: a rep sees only their own, managers the reps
 * below them, admins everyone; asking for someone else's is refused.
 */
export async function goalPayout({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number };
}): Promise<PayoutReport> {
  const loaded = await loadGoal(ctx, input.goalId, 'read');
  const ownPay = await canSeeGoalPay(ctx, loaded);
  const childRows = await listChildGoals(ctx.db, ctx.org.id, loaded.goal.id);
  const children: GoalPayout[] = [];
  let childPayVisible = false;
  for (const child of await readableGoals(ctx, childRows)) {
    if (!(await canSeeGoalPay(ctx, child))) continue;
    childPayVisible = true;
    const pay = await payoutOf(ctx, child);
    if (pay) children.push(pay);
  }
  // Someone else's pay is refused outright, unless the goal is a parent whose visible children are the answer.
  assertAllowed(ownPay || childPayVisible, 'You may not see another person’s pay.');
  return { own: ownPay ? await payoutOf(ctx, loaded) : null, children };
}

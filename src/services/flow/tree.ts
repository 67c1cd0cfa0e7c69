import { listChildGoals } from '../../store/goal-queries.ts';
import type { GoalRow } from '../../store/schema.ts';
import type { Ctx } from '../context.ts';

/** A goal's row and the rows of every goal below it (its split to periods, teams and reps), parents first. */
export async function goalTreeRows(ctx: Ctx, root: GoalRow): Promise<GoalRow[]> {
  const out: GoalRow[] = [root];
  for (let i = 0; i < out.length; i++) {
    out.push(...(await listChildGoals(ctx.db, ctx.org.id, (out[i] as GoalRow).id)));
  }
  return out;
}

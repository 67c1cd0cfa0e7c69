import { invalid } from '../../core/errors.ts';
import type { Goal, GoalLayer, GoalStatus, ScopeType } from '../../core/goals/index.ts';
import { type Day, isValidDay } from '../../core/periods/index.ts';
import { listGoals as listGoalRows, toGoal } from '../../store/goal-queries.ts';
import type { Ctx } from '../context.ts';
import { goalReach } from './common.ts';

export interface ListGoalsInput {
  status?: GoalStatus[];
  layer?: GoalLayer;
  metric?: string;
  scope?: { type: ScopeType; id: number | null };
  ownerId?: number;
  /** A goal's children; null for top-level goals only. */
  parentId?: number | null;
  /** Goals whose period overlaps this range. */
  from?: Day;
  to?: Day;
  limit?: number;
  offset?: number;
}

export const maxGoalPage = 500;

/** The goals the actor may read, newest period first. */
export async function listGoals({ ctx, input }: { ctx: Ctx; input: ListGoalsInput }): Promise<Goal[]> {
  const limit = input.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxGoalPage) {
    throw invalid(`limit must be a whole number from 1 to ${maxGoalPage}.`, 'limit');
  }
  const offset = input.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0)
    throw invalid('offset must be a whole number of 0 or more.', 'offset');
  for (const [field, day] of [
    ['from', input.from],
    ['to', input.to],
  ] as const) {
    if (day !== undefined && !isValidDay(day)) throw invalid(`"${day}" is not a day: use YYYY-MM-DD.`, field);
  }
  const rows = await listGoalRows(ctx.db, ctx.org.id, {
    reach: await goalReach(ctx),
    ...(input.status ? { status: input.status } : {}),
    ...(input.layer ? { layer: input.layer } : {}),
    ...(input.metric ? { metric: input.metric } : {}),
    ...(input.scope ? { scope: input.scope } : {}),
    ...(input.ownerId !== undefined ? { ownerId: input.ownerId } : {}),
    ...(input.parentId !== undefined ? { parentId: input.parentId } : {}),
    ...(input.from || input.to
      ? { overlapping: { start: input.from ?? '0001-01-01', end: input.to ?? '9999-12-31' } }
      : {}),
    limit,
    offset,
  });
  return rows.map(toGoal);
}

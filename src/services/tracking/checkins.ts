/**
 * Check-ins: at each goal's interval its owner records where it stands. The
 * value is computed from the data (not typed), with a comment and a
 * confidence from 1 (unlikely) to 5 (certain). A private comment is for its
 * author and the managers above them (src/core/access.ts).
 */
import { assertAllowed, canCheckIn, canReadCheckinComment, canReadGoal } from '../../core/access.ts';
import { invalid, notFound } from '../../core/errors.ts';
import { insertCheckin, listCheckins as listCheckinRows } from '../../store/progress-queries.ts';
import type { Ctx } from '../context.ts';
import { accessScopeOf, loadDirectory, progressOfGoals } from './progress.ts';
import { loadGoals } from './sources.ts';

export const MAX_COMMENT_LENGTH = 5000;

export interface CheckinView {
  id: number;
  goalId: number;
  userId: number | null;
  at: number;
  value: number | null;
  confidence: number | null;
  private: boolean;
  /** Null when the comment is private and the reader may not see it. */
  comment: string | null;
}

export interface NewCheckinInput {
  goalId: number;
  comment?: string;
  confidence: number;
  private?: boolean;
}

export async function createCheckin({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: NewCheckinInput;
}): Promise<CheckinView> {
  if (!Number.isInteger(input.confidence) || input.confidence < 1 || input.confidence > 5) {
    throw invalid('Confidence must be a whole number from 1 (unlikely) to 5 (certain).', 'confidence');
  }
  const comment = (input.comment ?? '').trim();
  if (comment.length > MAX_COMMENT_LENGTH) {
    throw invalid(
      `A comment holds at most ${MAX_COMMENT_LENGTH} characters (this one has ${comment.length}).`,
      'comment',
    );
  }
  const goal = await findGoal(ctx, input.goalId);
  const directory = await loadDirectory(ctx);
  assertAllowed(canCheckIn(ctx.actor, accessScopeOf(goal, directory)), 'You cannot check in on this goal.');
  const progress = (await progressOfGoals(ctx, [goal])).get(goal.id);
  const row = await insertCheckin(ctx.db, ctx.org.id, {
    goalId: goal.id,
    userId: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
    at: ctx.now,
    value: progress?.actual ?? null,
    comment,
    confidence: input.confidence,
    private: input.private ?? false,
  });
  return {
    id: row.id,
    goalId: row.goal_id,
    userId: row.user_id,
    at: row.at,
    value: row.value,
    confidence: row.confidence,
    private: row.private === 1,
    comment: row.comment,
  };
}

/** A goal's check-ins, newest first, with private comments hidden from those who may not read them. */
export async function listCheckins({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number };
}): Promise<CheckinView[]> {
  const goal = await findGoal(ctx, input.goalId);
  const directory = await loadDirectory(ctx);
  assertAllowed(canReadGoal(ctx.actor, accessScopeOf(goal, directory)), 'You cannot see this goal.');
  const rows = await listCheckinRows(ctx.db, ctx.org.id, goal.id);
  return rows.map((row) => {
    const visible = canReadCheckinComment(ctx.actor, {
      authorId: row.user_id,
      authorTeamPath: row.user_id === null ? null : (directory.members.get(row.user_id)?.team_path ?? null),
      private: row.private === 1,
    });
    return {
      id: row.id,
      goalId: row.goal_id,
      userId: row.user_id,
      at: row.at,
      value: row.value,
      confidence: row.confidence,
      private: row.private === 1,
      comment: visible ? row.comment : null,
    };
  });
}

async function findGoal(ctx: Ctx, goalId: number) {
  const [goal] = await loadGoals(ctx, { ids: [goalId] });
  if (!goal) throw notFound(`Goal ${goalId} does not exist.`);
  return goal;
}

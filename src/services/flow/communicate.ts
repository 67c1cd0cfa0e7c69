/**
 * Step 4 of the goal-setting flow: a goal goes live with its owners told.
 * Communicating a goal activates it and its draft sub-goals (a split to
 * teams and reps), and tells the owner of each live goal of the tree, in
 * the app and by e-mail when SMTP is configured: the goal, how and why, the
 * sender's message and their own bonus tiers (nobody sees another's pay).
 * Everything is written in one transaction; the e-mails wait in the outbox
 * until it commits.
 */
import { canWriteGoal } from '../../core/access.ts';
import { invalid } from '../../core/errors.ts';
import type { Goal } from '../../core/goals/index.ts';
import { findMember } from '../../store/account-queries.ts';
import { inTransaction } from '../../store/db.ts';
import { recordNotified } from '../../store/flow-queries.ts';
import { listBonusTiers, toGoal } from '../../store/goal-queries.ts';
import { insertNotification, type NotificationKind } from '../../store/progress-queries.ts';
import { findUser } from '../../store/user-queries.ts';
import type { Ctx } from '../context.ts';
import { auditGoal, loadGoal, scopeInfo } from '../goals/common.ts';
import { transitionGoal } from '../goals/transition.ts';
import { enqueueEmail } from '../outbox/enqueue.ts';
import { assignmentText, type Locale } from './messages.ts';
import { goalTreeRows } from './tree.ts';

export interface CommunicateInput {
  goalId: number;
  /** A word from the sender to the owners, shown with the goal. */
  message?: string;
  /** Queue e-mails too: only when a mailer is configured, or they would wait forever. */
  email?: boolean;
}

export interface CommunicateResult {
  /** Goals of the tree that went from draft to active. */
  activated: number[];
  /** Each owner told, with their goal. */
  notified: Array<{ goalId: number; userId: number; name: string }>;
  /** Sub-goals the sender may not change (set from above them): left as they are, their owners not told. */
  skipped: number[];
  emails: number;
}

export const MAX_MESSAGE = 2000;

/**
 * The in-app kind of these notifications. 0006-acknowledgements allows it in
 * the notification table; the tracking store's `NotificationKind` lists the
 * alert kinds only, hence the cast.
 */
const GOAL_ASSIGNED: NotificationKind = 'goal_assigned';

const LIVE = new Set(['active', 'achieved', 'missed']);

export async function communicateGoal({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CommunicateInput;
}): Promise<CommunicateResult> {
  const message = input.message?.trim() || null;
  if (message && message.length > MAX_MESSAGE) {
    throw invalid(`The message is longer than ${MAX_MESSAGE} characters.`, 'message');
  }
  const { goal, row } = await loadGoal(ctx, input.goalId, 'write');
  if (goal.status !== 'draft' && goal.status !== 'active') {
    throw invalid(`A ${goal.status} goal cannot be communicated: only a draft or active goal.`, 'status');
  }
  const sender =
    ctx.actor.kind === 'user'
      ? ((await findUser(ctx.db, ctx.org.id, ctx.actor.userId))?.name ?? 'Hadaf')
      : 'Hadaf';
  const senderId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;

  return inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const result: CommunicateResult = { activated: [], notified: [], skipped: [], emails: 0 };
    const tree: Goal[] = [];
    for (const member of (await goalTreeRows(txCtx, row)).map(toGoal)) {
      if (member.id !== goal.id && !canWriteGoal(ctx.actor, (await scopeInfo(txCtx, member.scope)).access)) {
        result.skipped.push(member.id);
        continue;
      }
      if (member.status === 'draft') {
        tree.push(
          await transitionGoal({
            ctx: txCtx,
            input: { goalId: member.id, to: 'active', note: 'Communicated to its owners' },
          }),
        );
        result.activated.push(member.id);
      } else tree.push(member);
    }
    for (const live of tree) {
      if (!LIVE.has(live.status) || live.ownerId === null) continue;
      const owner = await findMember(tx, ctx.org.id, live.ownerId);
      if (!owner || (owner.left_at !== null && owner.left_at <= ctx.now)) continue;
      const tiers = await listBonusTiers(tx, ctx.org.id, live.id);
      const locale: Locale = owner.locale === 'ar' ? 'ar' : 'en';
      const words = assignmentText(live, tiers, sender, message, ctx.org.currency, locale);
      // every communication is its own message: the same goal sent again (a new word) reaches the owner again
      const key = `goal_assigned:${live.id}:${ctx.now}`;
      await recordNotified(tx, ctx.org.id, live.id, owner.id, ctx.now);
      await insertNotification(
        tx,
        ctx.org.id,
        {
          userId: owner.id,
          goalId: live.id,
          kind: GOAL_ASSIGNED,
          dedupeKey: key,
          title: words.title,
          body: words.body,
          data: {
            goal: {
              id: live.id,
              title: live.title,
              metric: live.metric,
              target: live.target,
              period: live.period,
              description: live.description,
              reason: live.reason,
            },
            message,
            bonusTiers: tiers,
            from: { id: senderId, name: sender },
          },
        },
        ctx.now,
      );
      result.notified.push({ goalId: live.id, userId: owner.id, name: owner.name });
      if (input.email) {
        const { created } = await enqueueEmail(
          { db: tx, orgId: ctx.org.id, now: ctx.now },
          { to: owner.email, subject: words.title, text: words.body, dedupeKey: `email:${owner.id}:${key}` },
        );
        if (created) result.emails++;
      }
    }
    await auditGoal(txCtx, goal.id, 'communicate', undefined, {
      message,
      activated: result.activated,
      notified: result.notified.map((n) => ({ goalId: n.goalId, userId: n.userId })),
    });
    return result;
  });
}

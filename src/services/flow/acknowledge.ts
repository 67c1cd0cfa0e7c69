/**
 * Step 4's other half: an owner acknowledges their goal, and the goal page
 * shows who of the owners of the goal and its sub-goals has and has not.
 */
import { forbidden, invalid, notFound } from '../../core/errors.ts';
import { inTransaction } from '../../store/db.ts';
import { listAcknowledgements, recordAcknowledged } from '../../store/flow-queries.ts';
import { findGoal } from '../../store/goal-queries.ts';
import { listUsers } from '../../store/user-queries.ts';
import type { Ctx } from '../context.ts';
import { auditGoal, loadGoal, readableGoals } from '../goals/common.ts';
import { goalTreeRows } from './tree.ts';

export interface Acknowledgement {
  goalId: number;
  userId: number;
  acknowledgedAt: number;
}

/** Goals an owner can acknowledge: live ones (a draft is not theirs yet, an archived one no longer). */
const ACKNOWLEDGEABLE = new Set(['active', 'achieved', 'missed']);

/** The signed-in owner acknowledges their goal; acknowledging again keeps the first time. */
export async function acknowledgeGoal({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number };
}): Promise<Acknowledgement> {
  if (ctx.actor.kind !== 'user') throw invalid('A goal is acknowledged by its owner, signed in.');
  const userId = ctx.actor.userId;
  const row = await findGoal(ctx.db, ctx.org.id, input.goalId);
  if (!row) throw notFound(`Goal ${input.goalId} does not exist.`);
  if (row.owner_id !== userId) throw forbidden('Only the owner of a goal can acknowledge it.');
  if (!ACKNOWLEDGEABLE.has(row.status)) {
    throw invalid(`The goal is ${row.status}: an owner acknowledges an active goal.`, 'status');
  }
  return inTransaction(ctx.db, async (tx) => {
    const acknowledgedAt = await recordAcknowledged(tx, ctx.org.id, row.id, userId, ctx.now);
    if (acknowledgedAt === ctx.now) {
      await auditGoal({ ...ctx, db: tx }, row.id, 'acknowledge', undefined, { userId, acknowledgedAt });
    }
    return { goalId: row.id, userId, acknowledgedAt };
  });
}

export interface OwnerAcknowledgement {
  goalId: number;
  title: string;
  scope: { type: 'org' | 'team' | 'rep'; id: number | null };
  status: string;
  owner: { id: number; name: string };
  /** When they were last told of the goal (step 4); null if it went live without being communicated. */
  notifiedAt: number | null;
  acknowledgedAt: number | null;
}

export interface AcknowledgementsView {
  goalId: number;
  owners: OwnerAcknowledgement[];
  acknowledged: number;
  pending: number;
}

/**
 * The owners of a live goal and of its live sub-goals the reader may see,
 * with when each was told and acknowledged.
 */
export async function listGoalAcknowledgements({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number };
}): Promise<AcknowledgementsView> {
  const { goal, row } = await loadGoal(ctx, input.goalId, 'read');
  const below = (await goalTreeRows(ctx, row)).slice(1);
  const readable = [goal, ...(await readableGoals(ctx, below)).map((l) => l.goal)];
  const live = readable.filter((g) => ACKNOWLEDGEABLE.has(g.status) && g.ownerId !== null);
  const [acks, users] = await Promise.all([
    listAcknowledgements(
      ctx.db,
      ctx.org.id,
      live.map((g) => g.id),
    ),
    listUsers(ctx.db, ctx.org.id),
  ]);
  const names = new Map(users.map((u) => [u.id, u.name]));
  const owners = live.map((g): OwnerAcknowledgement => {
    const ack = acks.find((a) => a.goal_id === g.id && a.user_id === g.ownerId);
    return {
      goalId: g.id,
      title: g.title,
      scope: g.scope,
      status: g.status,
      owner: { id: g.ownerId as number, name: names.get(g.ownerId as number) ?? `#${g.ownerId}` },
      notifiedAt: ack?.notified_at ?? null,
      acknowledgedAt: ack?.acknowledged_at ?? null,
    };
  });
  const acknowledged = owners.filter((o) => o.acknowledgedAt !== null).length;
  return { goalId: goal.id, owners, acknowledged, pending: owners.length - acknowledged };
}

/**
 * The goal-setting flow's tables (migration 0006-acknowledgements): when
 * each owner was told of a goal and acknowledged it, and the extra people a
 * goal's alerts reach. Every function checks that the goal (and the people)
 * belong to the org it is given.
 */
import type { Generated, Selectable } from 'kysely';
import { invalid } from '../core/errors.ts';
import type { Db } from './db.ts';
import type { Instant } from './schema.ts';

export interface GoalAcknowledgementTable {
  id: Generated<number>;
  org_id: number;
  goal_id: number;
  user_id: number;
  notified_at: Instant | null;
  acknowledged_at: Instant | null;
}

export interface GoalAlertRecipientTable {
  id: Generated<number>;
  org_id: number;
  goal_id: number;
  user_id: number;
  added_by: number | null;
  added_at: Instant;
}

export type FlowTables = {
  goal_acknowledgement: GoalAcknowledgementTable;
  goal_alert_recipient: GoalAlertRecipientTable;
};

export type AcknowledgementRow = Selectable<GoalAcknowledgementTable>;

const tables = (db: Db) => db.withTables<FlowTables>();

async function assertGoalInOrg(db: Db, orgId: number, goalId: number) {
  const row = await db
    .selectFrom('goal')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', '=', goalId)
    .executeTakeFirst();
  if (!row) throw invalid(`Goal ${goalId} does not exist in this org.`, 'goalId');
}

async function assertUsersInOrg(db: Db, orgId: number, userIds: readonly number[]) {
  if (userIds.length === 0) return;
  const found = await db
    .selectFrom('app_user')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', [...userIds])
    .execute();
  const known = new Set(found.map((r) => r.id));
  const missing = userIds.find((id) => !known.has(id));
  if (missing !== undefined) throw invalid(`User ${missing} does not exist in this org.`, 'userId');
}

/** Records that the owner was told of the goal now; an acknowledgement already given stays. */
export async function recordNotified(
  db: Db,
  orgId: number,
  goalId: number,
  userId: number,
  at: Instant,
): Promise<void> {
  await assertGoalInOrg(db, orgId, goalId);
  await assertUsersInOrg(db, orgId, [userId]);
  await tables(db)
    .insertInto('goal_acknowledgement')
    .values({ org_id: orgId, goal_id: goalId, user_id: userId, notified_at: at, acknowledged_at: null })
    .onConflict((oc) => oc.columns(['goal_id', 'user_id']).doUpdateSet({ notified_at: at }))
    .execute();
}

/** Records the owner's acknowledgement; the first one stands. Returns the instant stored. */
export async function recordAcknowledged(
  db: Db,
  orgId: number,
  goalId: number,
  userId: number,
  at: Instant,
): Promise<Instant> {
  await assertGoalInOrg(db, orgId, goalId);
  await assertUsersInOrg(db, orgId, [userId]);
  await tables(db)
    .insertInto('goal_acknowledgement')
    .values({ org_id: orgId, goal_id: goalId, user_id: userId, notified_at: null, acknowledged_at: at })
    .onConflict((oc) =>
      oc.columns(['goal_id', 'user_id']).doUpdateSet((eb) => ({
        acknowledged_at: eb.fn.coalesce('goal_acknowledgement.acknowledged_at', eb.val(at)),
      })),
    )
    .execute();
  const row = await tables(db)
    .selectFrom('goal_acknowledgement')
    .select('acknowledged_at')
    .where('org_id', '=', orgId)
    .where('goal_id', '=', goalId)
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.acknowledged_at);
}

export async function listAcknowledgements(
  db: Db,
  orgId: number,
  goalIds: readonly number[],
): Promise<AcknowledgementRow[]> {
  if (goalIds.length === 0) return [];
  return tables(db)
    .selectFrom('goal_acknowledgement')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('goal_id', 'in', [...goalIds])
    .orderBy('goal_id')
    .orderBy('user_id')
    .execute();
}

/** Sets a goal's extra alert recipients to exactly `userIds`. */
export async function replaceAlertRecipients(
  db: Db,
  orgId: number,
  goalId: number,
  userIds: readonly number[],
  by: number | null,
  at: Instant,
): Promise<void> {
  await assertGoalInOrg(db, orgId, goalId);
  await assertUsersInOrg(db, orgId, userIds);
  await tables(db)
    .deleteFrom('goal_alert_recipient')
    .where('org_id', '=', orgId)
    .where('goal_id', '=', goalId)
    .execute();
  if (userIds.length === 0) return;
  await tables(db)
    .insertInto('goal_alert_recipient')
    .values(
      userIds.map((userId) => ({
        org_id: orgId,
        goal_id: goalId,
        user_id: userId,
        added_by: by,
        added_at: at,
      })),
    )
    .execute();
}

/** Each goal's extra alert recipients (user ids, ascending); goals without any are absent. */
export async function listAlertRecipients(
  db: Db,
  orgId: number,
  goalIds: readonly number[],
): Promise<Map<number, number[]>> {
  if (goalIds.length === 0) return new Map();
  const rows = await tables(db)
    .selectFrom('goal_alert_recipient')
    .select(['goal_id', 'user_id'])
    .where('org_id', '=', orgId)
    .where('goal_id', 'in', [...goalIds])
    .orderBy('goal_id')
    .orderBy('user_id')
    .execute();
  const out = new Map<number, number[]>();
  for (const row of rows) out.set(row.goal_id, [...(out.get(row.goal_id) ?? []), row.user_id]);
  return out;
}

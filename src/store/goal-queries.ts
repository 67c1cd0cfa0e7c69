import type { Insertable } from 'kysely';
import { notFound } from '../core/errors.ts';
import type { BonusTier, Goal, GoalFilters, SplitRule, TargetChange } from '../core/goals/types.ts';
import type { Db } from './db.ts';
import type { Day, GoalRow, GoalStatus, GoalTable, GoalUpdate } from './schema.ts';

/**
 * Goals, their effective-dated target history and their bonus tiers. Every
 * function takes the org id and filters by it; `toGoal` maps a row to the
 * domain type of src/core/goals.
 */

export type NewGoalRow = Omit<Insertable<GoalTable>, 'id' | 'org_id'>;

export function toGoal(row: GoalRow): Goal {
  return {
    id: row.id,
    orgId: row.org_id,
    title: row.title,
    description: row.description,
    metric: row.metric,
    scope: { type: row.scope_type, id: row.scope_id },
    filters: JSON.parse(row.filters) as GoalFilters,
    target: row.target,
    targetMode: row.target_mode,
    targetChange: row.target_change,
    baseline: row.baseline,
    baselinePeriod:
      row.baseline_start && row.baseline_end ? { start: row.baseline_start, end: row.baseline_end } : null,
    baselineOverridden: row.baseline_overridden === 1,
    direction: row.direction,
    period: { start: row.period_start, end: row.period_end },
    recurrence: row.recurrence,
    kind: row.kind,
    layer: row.layer,
    stretchTarget: row.stretch_target,
    paceModel: row.pace_model,
    checkinInterval: row.checkin_interval,
    ownerId: row.owner_id,
    parentId: row.parent_id,
    splitRule: row.split_rule === null ? null : (JSON.parse(row.split_rule) as SplitRule),
    status: row.status,
    reason: row.reason,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function insertGoal(db: Db, orgId: number, values: NewGoalRow): Promise<GoalRow> {
  return db
    .insertInto('goal')
    .values({ ...values, org_id: orgId })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findGoal(db: Db, orgId: number, goalId: number): Promise<GoalRow | undefined> {
  return db
    .selectFrom('goal')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', goalId)
    .executeTakeFirst();
}

/**
 * Which goals a reader may see, by scope: the whole org, or goals on the
 * listed teams and reps (the service derives them from the access rules).
 */
export type GoalReach =
  | { all: true }
  | { all: false; teamIds: readonly number[]; userIds: readonly number[] };

export interface GoalListFilter {
  reach: GoalReach;
  status?: readonly GoalStatus[];
  layer?: GoalRow['layer'];
  metric?: string;
  scope?: { type: GoalRow['scope_type']; id: number | null };
  ownerId?: number;
  /** A parent's children; null for top-level goals only. */
  parentId?: number | null;
  /** Goals whose period overlaps these days. */
  overlapping?: { start: Day; end: Day };
  limit: number;
  offset: number;
}

export async function listGoals(db: Db, orgId: number, filter: GoalListFilter): Promise<GoalRow[]> {
  const { reach } = filter;
  if (!reach.all && reach.teamIds.length === 0 && reach.userIds.length === 0) return [];
  let query = db.selectFrom('goal').selectAll().where('org_id', '=', orgId);
  if (!reach.all) {
    query = query.where((eb) =>
      eb.or([
        ...(reach.teamIds.length
          ? [eb.and([eb('scope_type', '=', 'team'), eb('scope_id', 'in', reach.teamIds)])]
          : []),
        ...(reach.userIds.length
          ? [eb.and([eb('scope_type', '=', 'rep'), eb('scope_id', 'in', reach.userIds)])]
          : []),
      ]),
    );
  }
  if (filter.status?.length) query = query.where('status', 'in', filter.status);
  if (filter.layer) query = query.where('layer', '=', filter.layer);
  if (filter.metric) query = query.where('metric', '=', filter.metric);
  if (filter.scope) {
    const { type, id } = filter.scope;
    query = query.where('scope_type', '=', type);
    query = id === null ? query.where('scope_id', 'is', null) : query.where('scope_id', '=', id);
  }
  if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId);
  if (filter.parentId !== undefined) {
    query =
      filter.parentId === null
        ? query.where('parent_id', 'is', null)
        : query.where('parent_id', '=', filter.parentId);
  }
  if (filter.overlapping) {
    query = query
      .where('period_start', '<=', filter.overlapping.end)
      .where('period_end', '>=', filter.overlapping.start);
  }
  return query
    .orderBy('period_start', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
}

export async function listChildGoals(db: Db, orgId: number, parentId: number): Promise<GoalRow[]> {
  return db
    .selectFrom('goal')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('parent_id', '=', parentId)
    .orderBy('period_start')
    .orderBy('id')
    .execute();
}

export async function updateGoalRow(
  db: Db,
  orgId: number,
  goalId: number,
  patch: GoalUpdate,
): Promise<GoalRow> {
  const { id: _id, org_id: _org, ...values } = patch;
  const row = await db
    .updateTable('goal')
    .set(values)
    .where('org_id', '=', orgId)
    .where('id', '=', goalId)
    .returningAll()
    .executeTakeFirst();
  if (!row) throw notFound(`Goal ${goalId} does not exist.`);
  return row;
}

export interface StoredTargetChange extends TargetChange {
  id: number;
  goalId: number;
}

/** Rows that hang off a goal are written only for a goal of the same org. */
async function assertGoalInOrg(db: Db, orgId: number, goalId: number): Promise<void> {
  if (!(await findGoal(db, orgId, goalId))) throw notFound(`Goal ${goalId} does not exist.`);
}

export async function insertTargetChange(
  db: Db,
  orgId: number,
  goalId: number,
  change: TargetChange,
): Promise<StoredTargetChange> {
  await assertGoalInOrg(db, orgId, goalId);
  const row = await db
    .insertInto('goal_target_change')
    .values({
      org_id: orgId,
      goal_id: goalId,
      target: change.target,
      effective_from: change.effectiveFrom,
      changed_by: change.changedBy,
      changed_at: change.changedAt,
      reason: change.reason,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { ...change, id: row.id, goalId };
}

/** A draft's target is not history yet: retyping it replaces what was there. */
export async function deleteTargetChanges(db: Db, orgId: number, goalId: number): Promise<void> {
  await db
    .deleteFrom('goal_target_change')
    .where('org_id', '=', orgId)
    .where('goal_id', '=', goalId)
    .execute();
}

/** Target changes of the given goals, in the order they take effect. */
export async function listTargetChanges(
  db: Db,
  orgId: number,
  goalIds: readonly number[],
): Promise<StoredTargetChange[]> {
  if (goalIds.length === 0) return [];
  const rows = await db
    .selectFrom('goal_target_change')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('goal_id', 'in', goalIds)
    .orderBy('goal_id')
    .orderBy('effective_from')
    .orderBy('changed_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    goalId: r.goal_id,
    target: r.target,
    effectiveFrom: r.effective_from,
    changedBy: r.changed_by,
    changedAt: r.changed_at,
    reason: r.reason,
  }));
}

export async function replaceBonusTiers(
  db: Db,
  orgId: number,
  goalId: number,
  tiers: readonly BonusTier[],
): Promise<void> {
  await assertGoalInOrg(db, orgId, goalId);
  await db.deleteFrom('goal_bonus_tier').where('org_id', '=', orgId).where('goal_id', '=', goalId).execute();
  if (tiers.length === 0) return;
  await db
    .insertInto('goal_bonus_tier')
    .values(
      tiers.map((t) => ({ org_id: orgId, goal_id: goalId, attainment: t.attainment, payout: t.payout })),
    )
    .execute();
}

export async function listBonusTiers(db: Db, orgId: number, goalId: number): Promise<BonusTier[]> {
  const rows = await db
    .selectFrom('goal_bonus_tier')
    .select(['attainment', 'payout'])
    .where('org_id', '=', orgId)
    .where('goal_id', '=', goalId)
    .orderBy('attainment')
    .execute();
  return rows.map((r) => ({ attainment: r.attainment, payout: r.payout }));
}

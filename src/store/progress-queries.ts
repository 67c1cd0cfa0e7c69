/**
 * Tracking's tables (migration 0005-tracking): progress snapshots, check-ins,
 * the notification inbox, per-goal alert state, webhooks, the scheduler's
 * lease and runs; and the deal aggregates behind stage probabilities.
 */
import type { Generated, RawBuilder, Selectable, SqlBool } from 'kysely';
import type { ClosedAtStage, Milestone, OpenAtStage, ProgressStatus } from '../core/progress/index.ts';
import type { Db } from './db.ts';
import { orgIs } from './metric-sql.ts';
import { prepared } from './prepared.ts';
import type { Day, Instant } from './schema.ts';

export interface ProgressSnapshotTable {
  id: Generated<number>;
  org_id: number;
  goal_id: number;
  day: Day;
  actual: number | null;
  target: number;
  expected: number | null;
  pace_ratio: number | null;
  attainment: number | null;
  forecast: number | null;
  forecast_low: number | null;
  forecast_high: number | null;
  status: ProgressStatus;
  created_at: Instant;
}

/** Alert kinds (also webhook events) plus in-app-only kinds such as a newly assigned goal. */
export type AlertKind = 'status_changed' | 'milestone' | 'checkin_due' | 'checkin_overdue';
export type NotificationKind = AlertKind | 'goal_assigned';

export interface NotificationTable {
  id: Generated<number>;
  org_id: number;
  user_id: number;
  goal_id: number | null;
  kind: NotificationKind;
  dedupe_key: string;
  title: string;
  body: string;
  data: string;
  created_at: Instant;
  read_at: Instant | null;
}

export interface GoalAlertStateTable {
  id: Generated<number>;
  org_id: number;
  goal_id: number;
  last_status: string | null;
  milestones: Generated<string>;
  updated_at: Instant;
}

export interface WebhookTable {
  id: Generated<number>;
  org_id: number;
  url: string;
  secret: string;
  events: Generated<string>;
  active: Generated<0 | 1>;
  created_by: number | null;
  created_at: Instant;
}

export interface SchedulerLeaseTable {
  id: Generated<number>;
  name: string;
  holder: string;
  expires_at: Instant;
}

export interface SchedulerRunTable {
  id: Generated<number>;
  name: string;
  holder: string;
  started_at: Instant;
  finished_at: Instant | null;
  result: string | null;
  error: string | null;
}

export type TrackingTables = {
  progress_snapshot: ProgressSnapshotTable;
  notification: NotificationTable;
  goal_alert_state: GoalAlertStateTable;
  webhook: WebhookTable;
  scheduler_lease: SchedulerLeaseTable;
  scheduler_run: SchedulerRunTable;
};

export type SnapshotRow = Selectable<ProgressSnapshotTable>;
export type NotificationRow = Selectable<NotificationTable>;
export type WebhookRow = Selectable<WebhookTable>;
export type SchedulerRunRow = Selectable<SchedulerRunTable>;

const tables = (db: Db) => db.withTables<TrackingTables>();

// ---- snapshots ------------------------------------------------------------

export type NewSnapshot = Omit<SnapshotRow, 'id' | 'org_id' | 'created_at'>;

/** Writes the goal's snapshot for its day unless one exists: a day's snapshot is frozen once written. */
export async function insertSnapshot(
  db: Db,
  orgId: number,
  snapshot: NewSnapshot,
  now: Instant,
): Promise<boolean> {
  const inserted = await tables(db)
    .insertInto('progress_snapshot')
    .values({ ...snapshot, org_id: orgId, created_at: now })
    .onConflict((oc) => oc.columns(['goal_id', 'day']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Snapshots of the given goals, oldest day first, optionally within [from, to]. */
export async function listSnapshots(
  db: Db,
  orgId: number,
  goalIds: readonly number[],
  range: { from?: Day; to?: Day } = {},
): Promise<SnapshotRow[]> {
  if (goalIds.length === 0) return [];
  let query = tables(db)
    .selectFrom('progress_snapshot')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('goal_id', 'in', goalIds);
  if (range.from) query = query.where('day', '>=', range.from);
  if (range.to) query = query.where('day', '<=', range.to);
  return query.orderBy('goal_id').orderBy('day').execute();
}

// ---- check-ins (goal_checkin, from 0001-initial) ---------------------------

export interface NewCheckin {
  goalId: number;
  userId: number | null;
  at: Instant;
  value: number | null;
  comment: string;
  confidence: number | null;
  private: boolean;
}

export async function insertCheckin(db: Db, orgId: number, checkin: NewCheckin) {
  return db
    .insertInto('goal_checkin')
    .values({
      org_id: orgId,
      goal_id: checkin.goalId,
      user_id: checkin.userId,
      at: checkin.at,
      value: checkin.value,
      comment: checkin.comment,
      confidence: checkin.confidence,
      private: checkin.private ? 1 : 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listCheckins(db: Db, orgId: number, goalId: number) {
  return db
    .selectFrom('goal_checkin')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('goal_id', '=', goalId)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** The instant of each goal's latest check-in. */
export async function lastCheckinAt(
  db: Db,
  orgId: number,
  goalIds: readonly number[],
): Promise<Map<number, Instant>> {
  if (goalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('goal_checkin')
    .select((eb) => ['goal_id', eb.fn.max('at').as('at')])
    .where('org_id', '=', orgId)
    .where('goal_id', 'in', goalIds)
    .groupBy('goal_id')
    .execute();
  return new Map(rows.map((r) => [r.goal_id, Number(r.at)]));
}

// ---- notifications --------------------------------------------------------

export interface NewNotification {
  userId: number;
  goalId: number | null;
  kind: NotificationKind;
  dedupeKey: string;
  title: string;
  body: string;
  data: unknown;
}

/** Adds the notification unless this user already has one with the same key; true when added. */
export async function insertNotification(
  db: Db,
  orgId: number,
  notification: NewNotification,
  now: Instant,
): Promise<boolean> {
  const inserted = await tables(db)
    .insertInto('notification')
    .values({
      org_id: orgId,
      user_id: notification.userId,
      goal_id: notification.goalId,
      kind: notification.kind,
      dedupe_key: notification.dedupeKey,
      title: notification.title,
      body: notification.body,
      data: JSON.stringify(notification.data),
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function listNotifications(
  db: Db,
  orgId: number,
  userId: number,
  options: { unreadOnly?: boolean; limit?: number; beforeId?: number } = {},
): Promise<NotificationRow[]> {
  let query = tables(db)
    .selectFrom('notification')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId);
  if (options.unreadOnly) query = query.where('read_at', 'is', null);
  if (options.beforeId !== undefined) query = query.where('id', '<', options.beforeId);
  return query
    .orderBy('id', 'desc')
    .limit(options.limit ?? 50)
    .execute();
}

export async function countUnreadNotifications(db: Db, orgId: number, userId: number): Promise<number> {
  const { n } = await tables(db)
    .selectFrom('notification')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Marks the user's notifications read (the given ids, or all); returns how many changed. */
export async function markNotificationsRead(
  db: Db,
  orgId: number,
  userId: number,
  ids: readonly number[] | 'all',
  now: Instant,
): Promise<number> {
  if (ids !== 'all' && ids.length === 0) return 0;
  let query = tables(db)
    .updateTable('notification')
    .set({ read_at: now })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('read_at', 'is', null);
  if (ids !== 'all') query = query.where('id', 'in', ids);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---- alert state ----------------------------------------------------------

export interface StoredAlertState {
  lastStatus: Exclude<ProgressStatus, 'no_data'> | null;
  milestones: Milestone[];
}

export async function getAlertStates(
  db: Db,
  orgId: number,
  goalIds: readonly number[],
): Promise<Map<number, StoredAlertState>> {
  if (goalIds.length === 0) return new Map();
  const rows = await tables(db)
    .selectFrom('goal_alert_state')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('goal_id', 'in', goalIds)
    .execute();
  return new Map(
    rows.map((r) => [
      r.goal_id,
      {
        lastStatus: r.last_status as StoredAlertState['lastStatus'],
        milestones: r.milestones === '' ? [] : (r.milestones.split(',') as Milestone[]),
      },
    ]),
  );
}

export async function saveAlertState(
  db: Db,
  orgId: number,
  goalId: number,
  state: StoredAlertState,
  now: Instant,
): Promise<void> {
  const values = { last_status: state.lastStatus, milestones: state.milestones.join(','), updated_at: now };
  await tables(db)
    .insertInto('goal_alert_state')
    .values({ org_id: orgId, goal_id: goalId, ...values })
    // Another org's goal id must not reach that org's row.
    .onConflict((oc) => oc.column('goal_id').doUpdateSet(values).where('goal_alert_state.org_id', '=', orgId))
    .execute();
}

// ---- webhooks -------------------------------------------------------------

export async function insertWebhook(
  db: Db,
  orgId: number,
  webhook: { url: string; secret: string; events: string; createdBy: number | null },
  now: Instant,
): Promise<WebhookRow> {
  return tables(db)
    .insertInto('webhook')
    .values({
      org_id: orgId,
      url: webhook.url,
      secret: webhook.secret,
      events: webhook.events,
      created_by: webhook.createdBy,
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listWebhooks(db: Db, orgId: number, options: { activeOnly?: boolean } = {}) {
  let query = tables(db).selectFrom('webhook').selectAll().where('org_id', '=', orgId);
  if (options.activeOnly) query = query.where('active', '=', 1);
  return query.orderBy('id').execute();
}

export async function findWebhook(db: Db, orgId: number, id: number): Promise<WebhookRow | undefined> {
  return tables(db)
    .selectFrom('webhook')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deleteWebhook(db: Db, orgId: number, id: number): Promise<boolean> {
  const result = await tables(db)
    .deleteFrom('webhook')
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

// ---- scheduler (server-level, not per org) --------------------------------

/**
 * Takes the named lease for `holder` until `until` when it is free, lapsed,
 * or already this holder's. One conditional upsert, so of two processes
 * racing exactly one gets it (SQLite serializes writers; PostgreSQL locks
 * the conflicting row and re-checks the condition).
 */
export async function acquireLease(
  db: Db,
  name: string,
  holder: string,
  now: Instant,
  until: Instant,
): Promise<boolean> {
  const row = await tables(db)
    .insertInto('scheduler_lease')
    .values({ name, holder, expires_at: until })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet({ holder, expires_at: until })
        .where((eb) =>
          eb.or([eb('scheduler_lease.expires_at', '<=', now), eb('scheduler_lease.holder', '=', holder)]),
        ),
    )
    .returning('holder')
    .executeTakeFirst();
  return row?.holder === holder;
}

export async function releaseLease(db: Db, name: string, holder: string): Promise<void> {
  await tables(db)
    .updateTable('scheduler_lease')
    .set({ expires_at: 0 })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .execute();
}

export async function startRun(db: Db, name: string, holder: string, now: Instant): Promise<number> {
  const row = await tables(db)
    .insertInto('scheduler_run')
    .values({ name, holder, started_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function finishRun(
  db: Db,
  id: number,
  outcome: { result: unknown } | { error: string },
  now: Instant,
): Promise<void> {
  await tables(db)
    .updateTable('scheduler_run')
    .set({
      finished_at: now,
      ...('result' in outcome
        ? { result: JSON.stringify(outcome.result) }
        : { error: outcome.error.slice(0, 2000) }),
    })
    .where('id', '=', id)
    .execute();
}

export async function listRuns(db: Db, name: string, limit = 20): Promise<SchedulerRunRow[]> {
  return tables(db)
    .selectFrom('scheduler_run')
    .selectAll()
    .where('name', '=', name)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

/** The run log is for looking back a few days, not an archive. */
export async function pruneRuns(db: Db, before: Instant): Promise<void> {
  await tables(db).deleteFrom('scheduler_run').where('started_at', '<', before).execute();
}

// ---- deal aggregates for the pipeline forecast -----------------------------

/** Deals closed in [from, to) counted by the stage they closed at: what stage probabilities learn from. */
export async function closedDealsByStage(
  db: Db,
  orgId: number,
  window: { fromMs: Instant; toMs: Instant },
): Promise<ClosedAtStage[]> {
  const rows = await db
    .selectFrom('deal')
    .select((eb) => [
      'stage',
      eb.fn.sum<number>(eb.case().when('status', '=', 'won').then(1).else(0).end()).as('won'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'lost').then(1).else(0).end()).as('lost'),
    ])
    .where(orgOf(orgId))
    .where('status', 'in', ['won', 'lost'])
    .where('closed_at', '>=', window.fromMs)
    .where('closed_at', '<', window.toMs)
    .groupBy('stage')
    .orderBy('stage')
    .execute();
  return rows.map((r) => ({ stage: r.stage, won: Number(r.won), lost: Number(r.lost) }));
}

/**
 * Each open stage with the mean CRM probability of its open deals (null when
 * the CRM gave none): the sum over the count, divided here, as the rollup's
 * reader does (stage-rollup.ts), so both give the same number to the bit.
 */
export async function openStageProbabilities(
  db: Db,
  orgId: number,
): Promise<Array<{ stage: string; meanProbability: number | null }>> {
  const rows = await db
    .selectFrom('deal')
    .select((eb) => [
      'stage',
      eb.fn.sum<number | null>('probability').as('total'),
      eb.fn.count<number>('probability').as('counted'),
    ])
    .where(orgOf(orgId))
    .where('status', '=', 'open')
    .groupBy('stage')
    .orderBy('stage')
    .execute();
  return rows.map((r) => ({
    stage: r.stage,
    meanProbability: Number(r.counted) > 0 ? Number(r.total) / Number(r.counted) : null,
  }));
}

/** Open deals of one owner, team and stage (and filter values): the pieces a goal's pipeline is summed from. */
export interface OpenPipelinePiece extends OpenAtStage {
  ownerId: number | null;
  teamId: number | null;
  channel: string | null;
  segment: string | null;
  industry: string | null;
  product: string | null;
}

/** Whose open deals to read: those owned by `ownerIds` or booked on `teamIds`. */
export interface PipelineReach {
  ownerIds: readonly number[];
  teamIds: readonly number[];
}

/**
 * `+org_id = <id>` for the deal aggregates: SQLite would otherwise pick the
 * (org_id, external_id) index and read every deal of the org (metric-sql.ts).
 */
const orgOf = (orgId: number) => orgIs('org_id', orgId) as RawBuilder<SqlBool>;

/**
 * The org's open deals expected to close before `untilMs` (overdue ones
 * included), summed per owner, team, stage and filter values: one query
 * from which every goal with that period end takes its own part. With a
 * `reach`, only the deals of those owners and teams (a dashboard of one team
 * reads its own pipeline, not the org's): the owners' deals, then the teams'
 * deals of other owners, each side straight from its own partial index
 * (0008-data-version). Written as `id in (either side)`, PostgreSQL took
 * the org condition (`+org_id`, estimated at one row) to mean a handful of
 * deals and joined the sides in a nested loop: 2 s on an analyzed scale-8 demo.
 */
export async function openPipelinePieces(
  db: Db,
  orgId: number,
  untilMs: Instant,
  reach?: PipelineReach,
): Promise<OpenPipelinePiece[]> {
  if (reach && reach.ownerIds.length === 0 && reach.teamIds.length === 0) return [];
  const open = () =>
    db
      .selectFrom('deal')
      .select(['owner_id', 'team_id', 'stage', 'channel', 'segment', 'industry', 'product', 'amount'])
      .where(orgOf(orgId))
      .where('status', '=', 'open')
      .where('expected_close_at', '<', untilMs);
  const deals = !reach
    ? open()
    : open()
        .where('owner_id', 'in', reach.ownerIds.length > 0 ? reach.ownerIds : [-1])
        .unionAll(
          open()
            .where('team_id', 'in', reach.teamIds.length > 0 ? reach.teamIds : [-1])
            .$if(reach.ownerIds.length > 0, (q) =>
              q.where((eb) => eb.or([eb('owner_id', 'is', null), eb('owner_id', 'not in', reach.ownerIds)])),
            ),
        );
  const rows = await db
    .selectFrom(deals.as('d'))
    .select((eb) => [
      'owner_id',
      'team_id',
      'stage',
      'channel',
      'segment',
      'industry',
      'product',
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>('amount').as('amount'),
      // double precision: squares of large amounts overflow a 64-bit integer
      eb.fn.sum<number>(eb(eb.cast('amount', 'double precision'), '*', eb.ref('amount'))).as('squares'),
    ])
    .groupBy(['owner_id', 'team_id', 'stage', 'channel', 'segment', 'industry', 'product'])
    .execute();
  return rows.map((r) => ({
    ownerId: r.owner_id,
    teamId: r.team_id,
    stage: r.stage,
    channel: r.channel,
    segment: r.segment,
    industry: r.industry,
    product: r.product,
    count: Number(r.count),
    amount: Number(r.amount),
    amountSquared: Number(r.squares),
  }));
}

// ---- the data version (migration 0008-data-version) ------------------------

type DataVersionTables = {
  org_data_version: { org_id: number; version: number };
};

/** Read on every dashboard request: compiled once (prepared.ts). */
const dataVersion = prepared((db: Db, orgId: number) =>
  db
    .withTables<DataVersionTables>()
    .selectFrom('org_data_version')
    .select('version')
    .where('org_id', '=', orgId),
);

/**
 * The org's data version: a counter that every write a dashboard could show
 * bumps (by triggers, see 0008-data-version). Equal versions mean equal
 * goals, facts, snapshots, people and settings. An org no write has touched
 * yet has no row: version 0. Reading never writes.
 */
export async function currentDataVersion(db: Db, orgId: number): Promise<number> {
  const [row] = await dataVersion(db, orgId);
  return Number(row?.version ?? 0);
}

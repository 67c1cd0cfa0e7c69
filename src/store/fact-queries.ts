import { type Insertable, type Kysely, type RawBuilder, type Selectable, sql, type Updateable } from 'kysely';
import { invalid } from '../core/errors.ts';
import type { Day } from '../core/periods/index.ts';
import type { Db } from './db.ts';
import { dialectOf } from './dialect.ts';
import { DEAL_ROLLUP_COLUMNS, type DealRollupFacts } from './rollups.ts';
import type { Database, FactTable } from './schema.ts';

/**
 * Lists, reads and writes of the fact tables for the API and exports: the
 * rows behind a number. A scope selects rows the way the metric engine
 * counts them (metric-sources.ts): a team scope by the row's team at event
 * time (its subtree), a rep scope by the row's owner (a coaching session by
 * its coach, a training by its trainee; a subscription by its account's
 * owner). A reach is what the caller may see at all.
 *
 * All SQL text below is fixed; values are bound. Column names a caller
 * passes are checked against each table's list before use.
 */

export type FactEntity = FactTable;

type ColumnType = 'number' | 'text';

interface Column {
  /** The expression, on the fact row `f` or a joined row. */
  sql: string;
  type: ColumnType;
  nullable: boolean;
  /** Rows can be ordered by it; its value is selected under the column's name. */
  sortable: boolean;
}

interface Shape {
  /** FROM with the joins filters need (counts use only this). */
  from: string;
  /** Joins that only add names for display. */
  joins: string;
  select: string;
  /** Who a row counts for in a rep scope, as the metric engine reads it; null: no rep scope. */
  owner: string | null;
  /** Every person a row is about: a user sees their own rows through any of them. */
  people: readonly string[];
  /** The team a row is attributed to; null: no team scope. */
  team: string | null;
  columns: Readonly<Record<string, Column>>;
  search: readonly string[];
  /** Inclusive local days a row covers (spend), for day-range filters. */
  days: readonly [string, string] | null;
}

const col = (sql: string, type: ColumnType, nullable = true, sortable = true): Column => ({
  sql,
  type,
  nullable,
  sortable,
});
const num = (sql: string, nullable = true) => col(sql, 'number', nullable);
const text = (sql: string, nullable = true) => col(sql, 'text', nullable);
const filterOnly = (sql: string, type: ColumnType = 'text') => col(sql, type, true, false);

const user = (alias: string, on: string) =>
  `left join app_user ${alias} on ${alias}.id = ${on} and ${alias}.org_id = f.org_id`;
const team = (alias: string, on: string) =>
  `left join team ${alias} on ${alias}.id = ${on} and ${alias}.org_id = f.org_id`;
const account = (alias: string, on: string) =>
  `left join account ${alias} on ${alias}.id = ${on} and ${alias}.org_id = f.org_id`;

const base = {
  id: num('f.id', false),
  external_id: text('f.external_id'),
};
const owned = {
  owner_id: num('f.owner_id'),
  team_id: num('f.team_id'),
};
const dims = {
  channel: text('f.channel'),
  segment: text('f.segment'),
  industry: text('f.industry'),
};

const SHAPES: Readonly<Record<FactEntity, Shape>> = {
  team: {
    from: 'team f',
    joins: `${team('p', 'f.parent_id')} ${user('m', 'f.manager_id')}`,
    select: 'f.*, p.name as parent_name, m.name as manager_name',
    owner: null,
    people: [],
    team: 'f.id',
    columns: {
      ...base,
      name: text('f.name', false),
      path: text('f.path', false),
      parent_id: num('f.parent_id'),
      manager_id: num('f.manager_id'),
      created_at: num('f.created_at', false),
    },
    search: ['f.name'],
    days: null,
  },
  app_user: {
    from: 'app_user f',
    joins: team('t', 'f.team_id'),
    select: 'f.*, t.name as team_name, t.path as team_path',
    owner: 'f.id',
    people: ['f.id'],
    team: 'f.team_id',
    columns: {
      ...base,
      name: text('f.name', false),
      email: text('f.email', false),
      role: text('f.role', false),
      team_id: num('f.team_id'),
      segment: text('f.segment'),
      hired_at: num('f.hired_at'),
      left_at: num('f.left_at'),
      created_at: num('f.created_at', false),
    },
    search: ['f.name', 'f.email'],
    days: null,
  },
  account: {
    from: 'account f',
    joins: `${user('o', 'f.owner_id')} ${team('t', 'f.team_id')}`,
    select: 'f.*, o.name as owner_name, t.name as team_name',
    owner: 'f.owner_id',
    people: ['f.owner_id'],
    team: 'f.team_id',
    columns: {
      ...base,
      ...owned,
      ...dims,
      name: text('f.name', false),
      acquired_at: num('f.acquired_at'),
      churned_at: num('f.churned_at'),
      created_at: num('f.created_at', false),
    },
    search: ['f.name'],
    days: null,
  },
  subscription: {
    // A subscription counts for its account's owner, team and dimensions (metric-sources.ts).
    from: 'subscription f join account a on a.id = f.account_id and a.org_id = f.org_id',
    joins: `${user('o', 'a.owner_id')} ${team('t', 'a.team_id')}`,
    select:
      'f.*, a.name as account_name, a.owner_id as owner_id, o.name as owner_name, a.team_id as team_id, t.name as team_name',
    owner: 'a.owner_id',
    people: ['a.owner_id'],
    team: 'a.team_id',
    columns: {
      ...base,
      account_id: num('f.account_id', false),
      account_name: text('a.name', false),
      mrr: num('f.mrr', false),
      currency: text('f.currency', false),
      started_at: num('f.started_at', false),
      ended_at: num('f.ended_at'),
      owner_id: filterOnly('a.owner_id', 'number'),
      channel: filterOnly('a.channel'),
      segment: filterOnly('a.segment'),
      industry: filterOnly('a.industry'),
    },
    search: ['a.name'],
    days: null,
  },
  lead: {
    from: 'lead f',
    joins: `${user('o', 'f.owner_id')} ${team('t', 'f.team_id')} ${account('a', 'f.account_id')}`,
    select: 'f.*, o.name as owner_name, t.name as team_name, a.name as account_name',
    owner: 'f.owner_id',
    people: ['f.owner_id'],
    team: 'f.team_id',
    columns: {
      ...base,
      ...owned,
      ...dims,
      name: text('f.name'),
      account_id: num('f.account_id'),
      created_at: num('f.created_at', false),
      mql_at: num('f.mql_at'),
      sql_at: num('f.sql_at'),
      converted_at: num('f.converted_at'),
      disqualified_at: num('f.disqualified_at'),
    },
    search: ['f.name'],
    days: null,
  },
  deal: {
    from: 'deal f',
    joins: `${user('o', 'f.owner_id')} ${team('t', 'f.team_id')} ${account('a', 'f.account_id')}`,
    select: 'f.*, o.name as owner_name, t.name as team_name, a.name as account_name',
    owner: 'f.owner_id',
    people: ['f.owner_id'],
    team: 'f.team_id',
    columns: {
      ...base,
      ...owned,
      ...dims,
      name: text('f.name'),
      account_id: num('f.account_id'),
      amount: num('f.amount', false),
      currency: text('f.currency', false),
      units: num('f.units', false),
      product: text('f.product'),
      stage: text('f.stage', false),
      status: text('f.status', false),
      probability: num('f.probability'),
      created_at: num('f.created_at', false),
      closed_at: num('f.closed_at'),
      expected_close_at: num('f.expected_close_at'),
    },
    search: ['f.name'],
    days: null,
  },
  activity: {
    from: 'activity f',
    joins: `${user('o', 'f.owner_id')} ${team('t', 'f.team_id')} ${account('a', 'f.account_id')}
      left join deal d on d.id = f.deal_id and d.org_id = f.org_id
      left join lead l on l.id = f.lead_id and l.org_id = f.org_id`,
    select:
      'f.*, o.name as owner_name, t.name as team_name, a.name as account_name, d.name as deal_name, l.name as lead_name',
    owner: 'f.owner_id',
    people: ['f.owner_id'],
    team: 'f.team_id',
    columns: {
      ...base,
      ...owned,
      type: text('f.type', false),
      occurred_at: num('f.occurred_at', false),
      booked_at: num('f.booked_at'),
      qualified: num('f.qualified', false),
      deal_id: num('f.deal_id'),
      lead_id: num('f.lead_id'),
      account_id: num('f.account_id'),
    },
    search: [],
    days: null,
  },
  spend: {
    from: 'spend f',
    joins: '',
    select: 'f.*',
    owner: null,
    people: [],
    team: null,
    columns: {
      ...base,
      period_start: text('f.period_start', false),
      period_end: text('f.period_end', false),
      channel: text('f.channel'),
      category: text('f.category', false),
      amount: num('f.amount', false),
      currency: text('f.currency', false),
    },
    search: [],
    days: ['f.period_start', 'f.period_end'],
  },
  coaching: {
    from: 'coaching f',
    joins: `${user('c', 'f.coach_id')} ${user('r', 'f.rep_id')} ${team('t', 'f.team_id')}`,
    select: 'f.*, c.name as coach_name, r.name as rep_name, t.name as team_name',
    // Hours count for the coach who gave them, a training for the rep who took it (metric-sources.ts).
    owner: `case when f.kind = 'coaching' then f.coach_id else f.rep_id end`,
    people: ['f.coach_id', 'f.rep_id'],
    team: 'f.team_id',
    columns: {
      ...base,
      coach_id: num('f.coach_id'),
      rep_id: num('f.rep_id'),
      team_id: num('f.team_id'),
      kind: text('f.kind', false),
      hours: num('f.hours', false),
      occurred_at: num('f.occurred_at', false),
    },
    search: [],
    days: null,
  },
};

type Names = { owner_name: string | null; team_name: string | null };

/** A row as lists and reads return it: the table's columns plus the names of what it points at. */
export interface FactRows {
  team: Selectable<Database['team']> & { parent_name: string | null; manager_name: string | null };
  app_user: Selectable<Database['app_user']> & { team_name: string | null; team_path: string | null };
  account: Selectable<Database['account']> & Names;
  subscription: Selectable<Database['subscription']> &
    Names & { account_name: string; owner_id: number | null; team_id: number | null };
  lead: Selectable<Database['lead']> & Names & { account_name: string | null };
  deal: Selectable<Database['deal']> & Names & { account_name: string | null };
  activity: Selectable<Database['activity']> &
    Names & { account_name: string | null; deal_name: string | null; lead_name: string | null };
  spend: Selectable<Database['spend']>;
  coaching: Selectable<Database['coaching']> & {
    coach_name: string | null;
    rep_name: string | null;
    team_name: string | null;
  };
}

/** Which rows a query is about, as the metric engine attributes them. */
export type FactScope = { type: 'org' } | { type: 'team'; path: string } | { type: 'rep'; userId: number };

/**
 * Which rows the caller may see. `some` opens a row when any clause holds:
 * one of its people is `userId`; its team lies under `teamPrefix`, or one of
 * its people is currently in a team there; its team is exactly `teamExact`.
 * A `some` with every clause null opens nothing.
 */
export type FactReach =
  | { type: 'all' }
  | { type: 'some'; userId: number | null; teamPrefix: string | null; teamExact: string | null };

export interface FactQuery {
  scope: FactScope;
  reach: FactReach;
  /** Column name -> value it must equal. */
  equals?: Readonly<Record<string, string | number>>;
  /** Half-open instant range [fromMs, toMs) on a column; a null column value never matches. */
  range?: { column: string; fromMs?: number; toMs?: number };
  /** Rows whose inclusive days overlap from..to (tables with a day span: spend). */
  days?: { from?: Day; to?: Day };
  /** Case-insensitive substring of the table's name columns. */
  search?: string;
}

export interface FactSort {
  column: string;
  direction: 'asc' | 'desc';
}

/** Where the previous page ended: its last row's sort value and id. */
export interface FactKeyset {
  value: string | number | null;
  id: number;
}

export interface FactPage<E extends FactEntity> {
  rows: FactRows[E][];
  /** Where the next page starts, or null when this was the last. */
  next: FactKeyset | null;
}

type Sql = RawBuilder<unknown>;

function shapeOf(entity: FactEntity): Shape {
  const shape = SHAPES[entity];
  if (!shape) throw new Error(`Unknown fact table ${entity}.`);
  return shape;
}

function columnOf(shape: Shape, name: string): Column {
  const column = Object.hasOwn(shape.columns, name) ? shape.columns[name] : undefined;
  // Callers validate names against their own lists first; reaching here is a bug, never user input.
  if (!column) throw new Error(`No column ${name} in this fact table.`);
  return column;
}

/** Escapes LIKE wildcards so a search for "50%" finds the text "50%". */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const anyOf = (terms: Sql[]): Sql => (terms.length === 0 ? sql`1 = 0` : sql`(${sql.join(terms, sql` or `)})`);

const teamsUnder = (orgId: number, prefix: string): Sql =>
  sql`(select id from team where org_id = ${orgId} and path like ${`${likeEscape(prefix)}%`} escape '\\')`;

function conditions(db: Db, shape: Shape, orgId: number, query: FactQuery): Sql[] {
  // Unary plus keeps SQLite from choosing an org_id index for this term: with one large org
  // that scans every row of the org, where the time-led indexes find a page at once (ADR 0002).
  const where: Sql[] = [sql`+f.org_id = ${orgId}`];
  const { scope, reach } = query;
  if (scope.type === 'team') {
    if (!shape.team) throw new Error('This fact table has no team scope.');
    where.push(sql`${sql.raw(shape.team)} in ${teamsUnder(orgId, scope.path)}`);
  } else if (scope.type === 'rep') {
    if (!shape.owner) throw new Error('This fact table has no rep scope.');
    where.push(sql`${sql.raw(shape.owner)} = ${scope.userId}`);
  }
  if (reach.type === 'some') where.push(reachCondition(shape, orgId, reach));
  for (const [name, value] of Object.entries(query.equals ?? {})) {
    where.push(sql`${sql.raw(columnOf(shape, name).sql)} = ${value}`);
  }
  if (query.range) {
    const column = sql.raw(columnOf(shape, query.range.column).sql);
    if (query.range.fromMs !== undefined) where.push(sql`${column} >= ${query.range.fromMs}`);
    if (query.range.toMs !== undefined) where.push(sql`${column} < ${query.range.toMs}`);
  }
  if (query.days) {
    if (!shape.days) throw new Error('This fact table has no day span.');
    const [start, end] = shape.days.map((c) => sql.raw(c)) as [Sql, Sql];
    if (query.days.from !== undefined) where.push(sql`${end} >= ${query.days.from}`);
    if (query.days.to !== undefined) where.push(sql`${start} <= ${query.days.to}`);
  }
  if (query.search !== undefined && query.search !== '') {
    const pattern = `%${likeEscape(asciiLower(query.search))}%`;
    where.push(anyOf(shape.search.map((c) => sql`${foldCase(db, c)} like ${pattern} escape '\\'`)));
  }
  return where;
}

const asciiLower = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/**
 * Case-insensitive for A-Z only, on both dialects: SQLite's lower() knows no
 * other letters, so PostgreSQL must not either (Arabic has no case at all).
 */
function foldCase(db: Db, column: string): Sql {
  return dialectOf(db as unknown as Kysely<unknown>) === 'postgres'
    ? sql`translate(${sql.raw(column)}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`
    : sql`lower(${sql.raw(column)})`;
}

function reachCondition(shape: Shape, orgId: number, reach: Extract<FactReach, { type: 'some' }>): Sql {
  const terms: Sql[] = [];
  const people = shape.people.map((p) => sql.raw(p));
  if (reach.userId !== null) for (const p of people) terms.push(sql`${p} = ${reach.userId}`);
  if (reach.teamPrefix !== null) {
    if (shape.team) terms.push(sql`${sql.raw(shape.team)} in ${teamsUnder(orgId, reach.teamPrefix)}`);
    const members = sql`(select u.id from app_user u join team ut on ut.id = u.team_id and ut.org_id = u.org_id
      where u.org_id = ${orgId} and ut.path like ${`${likeEscape(reach.teamPrefix)}%`} escape '\\')`;
    for (const p of people) terms.push(sql`${p} in ${members}`);
  }
  if (reach.teamExact !== null && shape.team) {
    terms.push(
      sql`${sql.raw(shape.team)} in (select id from team where org_id = ${orgId} and path = ${reach.teamExact})`,
    );
  }
  return anyOf(terms);
}

const and = (terms: Sql[]) => sql.join(terms, sql` and `);

/**
 * Text sorts and compares by code point on both dialects (SQLite's binary
 * collation; "C" on PostgreSQL, whose default collation follows the server
 * locale), so pages come out the same everywhere.
 */
function sortExpr(db: Db, column: Column): Sql {
  const expr = sql.raw(column.sql);
  return column.type === 'text' && dialectOf(db as unknown as Kysely<unknown>) === 'postgres'
    ? sql`${expr} collate "C"`
    : expr;
}

/**
 * A page is read in up to two runs so each can walk an index: first the
 * rows with a value in the sort column, ordered by it and then by id in the
 * same direction (a total order a keyset can resume), then, for a nullable
 * column, the rows without one, by id. Empty values come last in both
 * directions, which both dialects then agree on.
 */
type Run = 'values' | 'nulls';

function runConditions(
  db: Db,
  column: Column,
  direction: 'asc' | 'desc',
  run: Run,
  after: FactKeyset | null,
): Sql[] {
  const raw = sql.raw(column.sql);
  const cmp = sql.raw(direction === 'asc' ? '>' : '<');
  if (run === 'nulls') return [sql`${raw} is null`, ...(after ? [sql`f.id ${cmp} ${after.id}`] : [])];
  const where = column.nullable ? [sql`${raw} is not null`] : [];
  if (after && after.value !== null) {
    const expr = sortExpr(db, column);
    const value = column.type === 'text' ? String(after.value) : Number(after.value);
    // "col >= v and (col > v or id > i)" rather than an OR at the top, so the first term can use an index.
    const cmpOrEqual = sql.raw(direction === 'asc' ? '>=' : '<=');
    where.push(
      sql`${expr} ${cmpOrEqual} ${value}`,
      sql`(${expr} ${cmp} ${value} or f.id ${cmp} ${after.id})`,
    );
  }
  return where;
}

function runOrder(db: Db, column: Column, direction: 'asc' | 'desc', run: Run): Sql {
  const dir = sql.raw(direction);
  return run === 'nulls' ? sql`f.id ${dir}` : sql`${sortExpr(db, column)} ${dir}, f.id ${dir}`;
}

/** One page of rows in a total order; pass the returned `next` to get the following page. */
export async function listFactRows<E extends FactEntity>(
  db: Db,
  orgId: number,
  entity: E,
  query: FactQuery,
  sort: FactSort,
  page: { limit: number; after?: FactKeyset | null },
): Promise<FactPage<E>> {
  const shape = shapeOf(entity);
  const column = columnOf(shape, sort.column);
  if (!column.sortable) throw new Error(`Column ${sort.column} is not sortable.`);
  const base = conditions(db, shape, orgId, query);
  const limit = Math.max(1, Math.floor(page.limit));
  const after = page.after ?? null;
  const runs: Run[] = after?.value === null ? ['nulls'] : column.nullable ? ['values', 'nulls'] : ['values'];
  const rows: FactRows[E][] = [];
  for (const run of runs) {
    const resume = run === runs[0] ? after : null;
    const where = [...base, ...runConditions(db, column, sort.direction, run, resume)];
    const { rows: found } = await sql<FactRows[E]>`
      select ${sql.raw(shape.select)} from ${sql.raw(shape.from)} ${sql.raw(shape.joins)}
      where ${and(where)}
      order by ${runOrder(db, column, sort.direction, run)}
      limit ${limit + 1 - rows.length}`.execute(db);
    rows.push(...found);
    if (rows.length > limit) break;
  }
  const more = rows.length > limit;
  if (more) rows.length = limit;
  const last = rows.at(-1) as Record<string, unknown> | undefined;
  const next =
    more && last
      ? { value: (last[sort.column] ?? null) as string | number | null, id: Number(last.id) }
      : null;
  return { rows, next };
}

export async function countFactRows(
  db: Db,
  orgId: number,
  entity: FactEntity,
  query: FactQuery,
): Promise<number> {
  const shape = shapeOf(entity);
  const { rows } = await sql<{ n: number | string }>`
    select count(*) as n from ${sql.raw(shape.from)} where ${and(conditions(db, shape, orgId, query))}`.execute(
    db,
  );
  return Number(rows[0]?.n ?? 0);
}

/** One row of the org by id, or undefined when it is not there or outside `reach`. */
export async function findFactRow<E extends FactEntity>(
  db: Db,
  orgId: number,
  entity: E,
  id: number,
  reach: FactReach = { type: 'all' },
): Promise<FactRows[E] | undefined> {
  const shape = shapeOf(entity);
  const where = conditions(db, shape, orgId, { scope: { type: 'org' }, reach });
  where.push(sql`f.id = ${id}`);
  const { rows } = await sql<FactRows[E]>`
    select ${sql.raw(shape.select)} from ${sql.raw(shape.from)} ${sql.raw(shape.joins)}
    where ${and(where)}`.execute(db);
  return rows[0];
}

/** Tables the API writes (teams and users have their own services). */
export type WritableFact = Exclude<FactEntity, 'team' | 'app_user'>;

/**
 * Locks row `id` of `table` for the rest of the transaction on PostgreSQL
 * (FOR UPDATE), so that what a write reads of it stays true until it
 * commits; SQLite's write transaction already excludes every other writer.
 * False when the org has no such row.
 */
export async function lockFactRow(tx: Db, orgId: number, table: WritableFact, id: number): Promise<boolean> {
  const lock = dialectOf(tx as unknown as Kysely<unknown>) === 'postgres' ? sql` for update` : sql``;
  const { rows } =
    await sql`select id from ${sql.table(table)} where org_id = ${orgId} and id = ${id}${lock}`.execute(tx);
  return rows.length > 0;
}

/**
 * The columns of deal `id` that decide its rollup rows (`DEAL_ROLLUP_COLUMNS`),
 * read for a change in the same transaction: on PostgreSQL the row is
 * locked (FOR UPDATE) so that no other writer changes it between this read
 * and the write that follows (SQLite's write transaction already excludes
 * every other writer).
 */
export async function lockDealRollupFacts(
  tx: Db,
  orgId: number,
  id: number,
): Promise<DealRollupFacts | undefined> {
  const lock = dialectOf(tx as unknown as Kysely<unknown>) === 'postgres' ? sql` for update` : sql``;
  const { rows } = await sql<DealRollupFacts>`
    select ${sql.join(DEAL_ROLLUP_COLUMNS.map((c) => sql.ref(c)))} from deal
    where org_id = ${orgId} and id = ${id}${lock}`.execute(tx);
  return rows[0];
}

export type NewFact<E extends WritableFact> = Omit<Insertable<Database[E]>, 'id' | 'org_id'>;
export type FactChange<E extends WritableFact> = Omit<Updateable<Database[E]>, 'id' | 'org_id'>;

/** The table's types are checked at the call sites; Kysely cannot follow a table name held in a type parameter. */
const loose = (db: Db) => db as unknown as Kysely<Record<string, Record<string, unknown>>>;

export async function insertFactRow<E extends WritableFact>(
  db: Db,
  orgId: number,
  entity: E,
  values: NewFact<E>,
): Promise<number> {
  await assertRefsInOrg(db, orgId, values);
  const row = await loose(db)
    .insertInto(entity as string)
    .values({ ...values, org_id: orgId })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Changes a row of the org; false when there is none with that id. */
export async function updateFactRow<E extends WritableFact>(
  db: Db,
  orgId: number,
  entity: E,
  id: number,
  values: FactChange<E>,
): Promise<boolean> {
  await assertRefsInOrg(db, orgId, values);
  const result = await loose(db)
    .updateTable(entity as string)
    .set(values)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

const REFERENCES: Readonly<Record<string, FactEntity>> = {
  owner_id: 'app_user',
  coach_id: 'app_user',
  rep_id: 'app_user',
  team_id: 'team',
  account_id: 'account',
  deal_id: 'deal',
  lead_id: 'lead',
};

/**
 * Foreign keys cannot say "of the same org": a row may only point at rows
 * of its own org. Services check first and name the body's field; this is
 * the last line.
 */
async function assertRefsInOrg(db: Db, orgId: number, values: object) {
  for (const [column, value] of Object.entries(values)) {
    const table = REFERENCES[column];
    if (!table || value === null || value === undefined) continue;
    const found = await loose(db)
      .selectFrom(table)
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', value)
      .executeTakeFirst();
    if (!found) throw invalid(`${column} ${String(value)} does not exist in this org.`, column);
  }
}

export async function deleteFactRow(
  db: Db,
  orgId: number,
  entity: WritableFact,
  id: number,
): Promise<boolean> {
  const result = await loose(db)
    .deleteFrom(entity)
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * The team a user belonged to at `at`, from their membership history: the
 * first team before they joined, the last after they left, their current
 * team without any history; null for a user of no team (or of another org).
 */
export async function teamOfUserAt(
  db: Db,
  orgId: number,
  userId: number,
  at: number,
): Promise<number | null> {
  const memberships = db
    .selectFrom('team_membership')
    .select('team_id')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId);
  const atThen = await memberships
    .where('from_at', '<=', at)
    .orderBy('from_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (atThen) return atThen.team_id;
  const first = await memberships.orderBy('from_at').orderBy('id').limit(1).executeTakeFirst();
  if (first) return first.team_id;
  const current = await db
    .selectFrom('app_user')
    .select('team_id')
    .where('org_id', '=', orgId)
    .where('id', '=', userId)
    .executeTakeFirst();
  return current?.team_id ?? null;
}

/**
 * The first and last instants of an account's subscriptions, or null: the
 * MRR rollups of those days change when the account changes owner, team or
 * dimensions, or is deleted with them.
 */
export async function subscriptionSpan(
  db: Db,
  orgId: number,
  accountId: number,
): Promise<{ fromMs: number; toMs: number } | null> {
  const row = await db
    .selectFrom('subscription')
    .select((eb) => [
      eb.fn.min('started_at').as('lo'),
      eb.fn.max(eb.fn.coalesce('ended_at', 'started_at')).as('hi'),
      eb.fn.max('started_at').as('last_start'),
    ])
    .where('org_id', '=', orgId)
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  if (row?.lo == null) return null;
  return { fromMs: Number(row.lo), toMs: Math.max(Number(row.hi), Number(row.last_start)) };
}

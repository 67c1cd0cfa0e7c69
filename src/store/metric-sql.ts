import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { FilterName, FlowPart, MetricFilters, StockPart } from '../core/metrics/index.ts';
import type { Db } from './db.ts';
import { dialectOf } from './dialect.ts';
import type { SourceSpec } from './metric-sources.ts';

/**
 * The shape every metric query shares, whether it reads the rollups
 * (metric-rollup.ts) or the facts (metric-raw.ts): parts for many buckets
 * of local days × many groups in one query, so a leaderboard over twelve
 * months is one round trip, not a loop.
 */

/**
 * The facts a scope covers: all of the org, the facts attributed to a team
 * subtree, one person's, or several people's (the rep goals of a dashboard,
 * measured together and broken down by owner).
 */
export type ScopeFilter =
  | { type: 'org' }
  | { type: 'team'; teamIds: readonly number[] }
  | { type: 'rep'; userId: number }
  | { type: 'reps'; userIds: readonly number[] };

/** What rows are grouped by: the owner, the fact's team, a filter dimension, or nothing. */
export type GroupBy = 'owner' | 'team' | FilterName | null;

/** A group's key: a user id, a team id, a dimension value; null when the fact has none. */
export type GroupKey = number | string | null;

/** Local days first..last as day numbers (days since 1970-01-01), inclusive; first null = since the beginning. */
export interface DayBucket {
  first: number | null;
  last: number;
}

export interface PartQuery {
  orgId: number;
  timeZone: string;
  scope: ScopeFilter;
  filters: MetricFilters;
  groupBy: GroupBy;
}

export interface FlowQuery extends PartQuery {
  parts: readonly FlowPart[];
  buckets: readonly DayBucket[];
}

export interface StockQuery extends PartQuery {
  stocks: readonly StockPart[];
  /** Day numbers: each stock is read at the first instant of that local day. */
  at: readonly number[];
}

/**
 * Parts of groups in buckets, as columns: row r is the group `keys[r]` in
 * bucket `buckets[r]` (an index into the query's buckets, or `at`), with
 * `parts[p][r]` for each part p the query asked for. A bucket and group can
 * come in several rows (two branches of a query, an owner's two teams in a
 * month): readers add them up. Columns, not an object per row: all reps ×
 * 12 months is thousands of rows.
 */
export interface PartRows<P extends string = FlowPart | StockPart> {
  buckets: number[];
  /** The group; 0 for ungrouped queries. */
  keys: GroupKey[];
  parts: Partial<Record<P, number[]>>;
}

/** Empty rows with a column for each part, to `pushRow` into. */
export function partRows<P extends string>(parts: readonly P[]): PartRows<P> {
  return {
    buckets: [],
    keys: [],
    parts: Object.fromEntries(parts.map((p) => [p, [] as number[]])) as PartRows<P>['parts'],
  };
}

/** Appends one row; parts missing from `values` are 0. */
export function pushRow<P extends string>(
  rows: PartRows<P>,
  bucket: number,
  key: GroupKey,
  values: Partial<Record<P, number>>,
): void {
  rows.buckets.push(bucket);
  rows.keys.push(key);
  for (const name in rows.parts) (rows.parts[name] as number[]).push(values[name] ?? 0);
}

/** The filter dimensions a query involves, from its filters and its grouping. */
export function dimsOf(query: PartQuery): FilterName[] {
  const dims = new Set(Object.keys(query.filters) as FilterName[]);
  if (query.groupBy !== null && query.groupBy !== 'owner' && query.groupBy !== 'team')
    dims.add(query.groupBy);
  return [...dims];
}

/** SQL conditions of a scope and filters on a source's fact row `f`. */
export function factConditions(spec: SourceSpec, query: PartQuery): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [];
  const { scope } = query;
  if (scope.type === 'rep') conditions.push(sql`${sql.raw(spec.owner)} = ${scope.userId}`);
  if (scope.type === 'reps') conditions.push(inList(sql.raw(spec.owner), scope.userIds));
  if (scope.type === 'team') conditions.push(inList(sql.raw(spec.team), scope.teamIds));
  for (const [name, value] of Object.entries(query.filters) as Array<[FilterName, string]>) {
    const column = spec.dims[name];
    // The catalog refuses filters a metric's source cannot apply; reaching here is a bug.
    if (!column) throw new Error(`The ${spec.source} source has no ${name} dimension.`);
    conditions.push(sql`${sql.raw(column)} = ${value}`);
  }
  return conditions;
}

export function inList(column: RawBuilder<unknown>, ids: readonly number[]): RawBuilder<unknown> {
  if (ids.length === 0) return sql`1 = 0`;
  return sql`${column} in (${sql.join(ids.map((id) => sql.lit(id)))})`;
}

export function groupKeyOf(spec: SourceSpec, groupBy: GroupBy): RawBuilder<unknown> {
  if (groupBy === null) return sql`0`;
  if (groupBy === 'owner') return sql.raw(spec.owner);
  if (groupBy === 'team') return sql.raw(spec.team);
  return sql.raw(spec.dims[groupBy] as string);
}

/**
 * `values (..), (..)` of integer literals, for a CTE of buckets. VALUES
 * rather than `select .. union all`, which SQLite caps at 500 terms.
 */
export function valuesOf(rows: ReadonlyArray<readonly number[]>): RawBuilder<unknown> {
  return sql`values ${sql.join(rows.map((row) => sql`(${sql.join(row.map((v) => sql.lit(v)))})`))}`;
}

/**
 * The org condition on a fact table, written `+org_id = ?` so that SQLite
 * does not pick the (org_id, external_id) index for it: with one big org
 * that index reads every row through random lookups, while the time
 * indexes find a period's rows directly (STACK.md). PostgreSQL reads the
 * unary plus as a no-op.
 */
export function orgIs(column: string, orgId: number): RawBuilder<unknown> {
  return sql`+${sql.raw(column)} = ${sql.lit(orgId)}`;
}

export const and = (conditions: readonly RawBuilder<unknown>[]) =>
  conditions.length === 0 ? sql`1 = 1` : sql.join(conditions, sql` and `);

/**
 * Runs `with <ctes> <body>` and returns its result as one array per
 * column, packed by the database into one JSON text: `[[a1, a2, ..],
 * [b1, b2, ..]]`. A breakdown over twelve months returns thousands of
 * small rows, and turning each into a driver row object (or even a JSON
 * array) costs several times what the database spends computing it
 * (measured: 6,500 rows of a monthly rollup read 3× faster as columns than
 * as row objects). Values keep their types: integers (safe to 2^53, like
 * the drivers' own numbers), text, null.
 */
export async function packedColumns(
  db: Db,
  ctes: readonly RawBuilder<unknown>[],
  body: RawBuilder<unknown>,
  columns: readonly string[],
): Promise<unknown[][]> {
  const postgres = dialectOf(db as unknown as Kysely<unknown>) === 'postgres';
  const arrays = sql.join(
    columns.map((c) =>
      postgres ? sql`json_agg(${sql.ref(`x.${c}`)})` : sql`json_group_array(${sql.ref(`x.${c}`)})`,
    ),
  );
  const packed = postgres ? sql`cast(json_build_array(${arrays}) as text)` : sql`json_array(${arrays})`;
  const withCtes = ctes.length > 0 ? sql`with ${sql.join(ctes)} ` : sql``;
  const { rows } = await sql<{ j: string | null }>`${withCtes}select ${packed} as j from (${body}) x`.execute(
    db,
  );
  const text = rows[0]?.j;
  // PostgreSQL aggregates no rows to null.
  const parsed = text == null ? [] : (JSON.parse(text) as Array<unknown[] | null>);
  return columns.map((_, c) => parsed[c] ?? []);
}

/** Reads a part value the same way on both dialects (pg returns numeric sums as parsed numbers, SQLite as numbers). */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Key values come back as numbers on SQLite and may come back as strings of digits on neither: normalize ids. */
export function keyOf(v: unknown, groupBy: GroupBy): GroupKey {
  if (groupBy === null) return 0;
  if (v === null || v === undefined) return null;
  return groupBy === 'owner' || groupBy === 'team' ? Number(v) : String(v);
}

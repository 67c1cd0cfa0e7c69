import { type RawBuilder, sql } from 'kysely';
import type { FlowPart, StockPart } from '../core/metrics/index.ts';
import type { Db } from './db.ts';
import { monthStartOf, nextMonthStart } from './metric-local-day.ts';
import { type RollupSource, rollupTable, STOCK_SPECS, sourceOf, sourceSpecs } from './metric-sources.ts';
import {
  and,
  dimsOf,
  type FlowQuery,
  type GroupKey,
  inList,
  keyOf,
  num,
  type PartQuery,
  type PartRows,
  packedColumns,
  partRows,
  pushRow,
  type StockQuery,
  valuesOf,
} from './metric-sql.ts';

/**
 * Metric parts read from the rollups. A bucket of days is cut into the
 * whole months inside it, read from the monthly table, and the days at its
 * edges, read from the daily table. Stocks are running sums of their start
 * and end events from the beginning of the data.
 */

/** Below every month start a rollup can hold. */
const BEGINNING_DAY = -100_000_000;

/**
 * The owner rollup answers any scope and grouping without filters; the
 * dimension rollup answers org and team scopes under one dimension (a filter,
 * a breakdown by it, or both on the same one). The rest goes to the facts.
 */
export function rollupCanAnswer(query: PartQuery): boolean {
  const dims = dimsOf(query);
  if (dims.length === 0) return true;
  const byOwner = query.scope.type === 'rep' || query.scope.type === 'reps' || query.groupBy === 'owner';
  return dims.length === 1 && !byOwner;
}

interface Pieces {
  daily: Array<{ i: number; s: number; e: number }>;
  monthly: Array<{ i: number; s: number; e: number }>;
}

/** Cuts each bucket into daily edges and whole months (as ranges of month-start day numbers). */
export function cutBuckets(buckets: FlowQuery['buckets']): Pieces {
  const pieces: Pieces = { daily: [], monthly: [] };
  buckets.forEach((bucket, i) => {
    const firstWhole =
      bucket.first === null
        ? BEGINNING_DAY
        : monthStartOf(bucket.first) === bucket.first
          ? bucket.first
          : nextMonthStart(bucket.first);
    const afterWhole = monthStartOf(bucket.last + 1);
    if (firstWhole < afterWhole) {
      pieces.monthly.push({ i, s: firstWhole, e: afterWhole - 1 });
      if (bucket.first !== null && bucket.first < firstWhole) {
        pieces.daily.push({ i, s: bucket.first, e: firstWhole - 1 });
      }
      if (afterWhole <= bucket.last) pieces.daily.push({ i, s: afterWhole, e: bucket.last });
    } else {
      pieces.daily.push({ i, s: bucket.first ?? BEGINNING_DAY, e: bucket.last });
    }
  });
  return pieces;
}

const ranges = (rows: Pieces['daily']) => valuesOf(rows.map((r) => [r.i, r.s, r.e]));

/**
 * One query for every source, of up to three branches each: the daily
 * edges and the multi-month runs join their ranges (grouped by bucket),
 * while single whole months (a monthly series) are read by the month
 * itself, which the covering index (org, month, owner, team, parts) hands
 * over in order: no sort, no join, and no table lookups (migration 0009).
 * Grouped by owner, those index rows are already one per month and owner
 * (two for an owner who changed teams that month), so they are returned as
 * they are, which costs less than the database's GROUP BY. Each source's
 * branches give 0 for the other sources' parts, so that all of them go
 * in one round trip (a dashboard asks for calls and revenue alike). Rows
 * come back packed (`packedColumns`); app code maps months to buckets. A
 * bucket and key can come in several rows (the branches of a quarter, an
 * owner's two teams, two sources): readers add them up.
 */
export async function rollupFlows(db: Db, query: FlowQuery): Promise<PartRows> {
  if (query.buckets.length === 0 || query.parts.length === 0) return partRows(query.parts);
  const parts = [...new Set(query.parts)];
  const bySource = new Map<RollupSource, FlowPart[]>();
  for (const part of parts) bySource.set(sourceOf(part), [...(bySource.get(sourceOf(part)) ?? []), part]);
  const pieces = cutBuckets(query.buckets);
  const singleMonth = (p: { s: number; e: number }) =>
    p.s !== BEGINNING_DAY && nextMonthStart(p.s) === p.e + 1;
  const multiMonth = pieces.monthly.filter((p) => !singleMonth(p));
  // The buckets each single whole month belongs to (one, unless buckets overlap).
  const monthBuckets = new Map<number, number[]>();
  for (const p of pieces.monthly.filter(singleMonth))
    monthBuckets.set(p.s, [...(monthBuckets.get(p.s) ?? []), p.i]);
  const [dim] = dimsOf(query);
  const ungroupedMonths = dim === undefined && query.groupBy === 'owner';
  const keyed = dim === undefined ? 'owner' : 'dim';
  const conditions = rollupConditions(query, dim);
  const key = rollupKey(query);
  const ctes: RawBuilder<unknown>[] = [];
  if (pieces.daily.length > 0) ctes.push(sql`d (i, s, e) as (${ranges(pieces.daily)})`);
  if (multiMonth.length > 0) ctes.push(sql`m (i, s, e) as (${ranges(multiMonth)})`);
  const branches: Array<{ kind: 0 | 1; sql: RawBuilder<unknown> }> = [];
  for (const [source, own] of bySource) {
    // every part in the same place in every branch: the source's own, summed or as stored, the others 0
    const columns = (summed: boolean) =>
      sql.join(
        parts.map((p) =>
          !own.includes(p)
            ? sql`0 as ${sql.ref(p)}`
            : summed
              ? sql`sum(${sql.ref(`r.${p}`)}) as ${sql.ref(p)}`
              : sql`${sql.ref(`r.${p}`)} as ${sql.ref(p)}`,
        ),
      );
    const joined = (grain: 'day' | 'month', cte: string) =>
      sql`select 0 as g, ${sql.ref(`${cte}.i`)} as i, ${key} as k, ${columns(true)}
        from ${sql.table(rollupTable(source, keyed, grain))} r
        join ${sql.table(cte)} on r.local_day >= ${sql.ref(`${cte}.s`)} and r.local_day <= ${sql.ref(`${cte}.e`)}
        where ${and(rollupConditions(query, dim, true))}
        group by 2, 3`;
    if (pieces.daily.length > 0) branches.push({ kind: 0, sql: joined('day', 'd') });
    if (multiMonth.length > 0) branches.push({ kind: 0, sql: joined('month', 'm') });
    if (monthBuckets.size > 0) {
      const months = sql.join([...monthBuckets.keys()].map((m) => sql.lit(m)));
      const where = and([...conditions, sql`r.local_day in (${months})`]);
      const table = sql.table(rollupTable(source, keyed, 'month'));
      branches.push({
        kind: 1,
        sql: ungroupedMonths
          ? sql`select 1 as g, r.local_day as i, ${key} as k, ${columns(false)}
            from ${table} r where ${where}`
          : sql`select 1 as g, r.local_day as i, ${key} as k, ${columns(true)}
            from ${table} r where ${where} group by 2, 3`,
      });
    }
  }
  const body =
    branches.length === 1
      ? (branches[0] as { sql: RawBuilder<unknown> }).sql
      : sql.join(
          branches.map((b) => b.sql),
          sql` union all `,
        );
  // With branches of one kind only, every row is of that kind: `g` need not travel.
  const onlyKind = branches.every((b) => b.kind === branches[0]?.kind) ? (branches[0]?.kind ?? 0) : null;
  const packed = await packedColumns(db, ctes, body, [
    ...(onlyKind === null ? ['g'] : []),
    'i',
    'k',
    ...parts,
  ]);
  const kinds = onlyKind === null ? (packed.shift() as unknown[]) : onlyKind;
  const [index, keys, ...values] = packed as [unknown[], unknown[], ...unknown[][]];
  return unpack({ kinds, index, keys, values }, parts, query, monthBuckets);
}

/** A query's rows as packed columns: branch kind (or the one kind of all rows), bucket or month, key, parts. */
interface Packed {
  kinds: unknown[] | 0 | 1;
  index: unknown[];
  keys: unknown[];
  values: unknown[][];
}

/**
 * The packed rows as part rows. Each row's bucket is its own for the
 * joined branches (kind 0) and its month's for the month branch (kind 1;
 * a month in two buckets, when buckets overlap, gives two rows). Every
 * part of the query gets a value in every row: this query's, or 0. All
 * reps × 12 months is some 90,000 rows: when each row lands in one bucket
 * (the usual case) the columns the database packed are kept as they are
 * where they already hold what part rows hold (plain numbers, the keys as
 * `keyOf` gives them), and the others are filled in arrays made at their
 * size; pushing 90,000 values one by one cost five times as much.
 */
function unpack(
  packed: Packed,
  parts: readonly FlowPart[],
  query: FlowQuery,
  monthBuckets: ReadonlyMap<number, number[]>,
): PartRows {
  const n = packed.index.length;
  const { kinds } = packed;
  const kindOf = (row: number) => (typeof kinds === 'number' ? kinds : Number(kinds[row]));
  // Rows come ordered by month: one map lookup per run of rows of one month.
  let lastMonth = Number.NaN;
  let lastBuckets: readonly number[] = [];
  const bucketsOf = (month: number) => {
    if (month !== lastMonth) {
      lastMonth = month;
      lastBuckets = monthBuckets.get(month) ?? [];
    }
    return lastBuckets;
  };
  // Which packed row each part row copies; null when each copies its own (one bucket each).
  let rows: number[] | null = null;
  for (let row = 0; row < n && rows === null; row++) {
    if (kindOf(row) === 1 && bucketsOf(num(packed.index[row])).length !== 1) rows = [];
  }
  let buckets: number[];
  if (rows === null) {
    buckets = new Array<number>(n);
    for (let row = 0; row < n; row++) {
      const at = num(packed.index[row]);
      buckets[row] = kindOf(row) === 0 ? at : (bucketsOf(at)[0] as number);
    }
  } else {
    buckets = [];
    for (let row = 0; row < n; row++) {
      const at = num(packed.index[row]);
      for (const bucket of kindOf(row) === 0 ? [at] : bucketsOf(at)) {
        buckets.push(bucket);
        rows.push(row);
      }
    }
  }
  const column = <T>(from: readonly unknown[], convert: (v: unknown) => T, kept: (v: unknown) => boolean) => {
    if (rows === null && from.every(kept)) return from as T[];
    const count = rows === null ? n : rows.length;
    const out = new Array<T>(count);
    for (let r = 0; r < count; r++) out[r] = convert(from[rows === null ? r : (rows[r] as number)]);
    return out;
  };
  const { groupBy } = query;
  const out: PartRows = {
    buckets,
    keys: column(
      packed.keys,
      (v) => keyOf(v, groupBy),
      (v) => keyOf(v, groupBy) === v,
    ),
    parts: {},
  };
  const zeros = () => new Array<number>(buckets.length).fill(0);
  for (const part of query.parts) {
    const from = packed.values[parts.indexOf(part)];
    out.parts[part] = from === undefined ? zeros() : column(from, num, (v) => typeof v === 'number');
  }
  return out;
}

/**
 * The rows of the query's scope and filters. `byScope`: the org condition
 * is written `+r.org_id` so that SQLite finds a team's or some owners' days
 * through the (team_id, local_day) or (owner_id, local_day) index rather
 * than the org's every row of those days through (org_id, local_day): it
 * took the org's at scale 24, 7 ms for seven reps (PostgreSQL reads the
 * plus as a no-op). Not for the org scope, nor where only the covering
 * (org_id, local_day, ...) index serves (single months, the dimension tables).
 */
function rollupConditions(query: PartQuery, dim: string | undefined, byScope = false): RawBuilder<unknown>[] {
  const org = byScope && dim === undefined && query.scope.type !== 'org';
  const conditions: RawBuilder<unknown>[] = [
    org ? sql`+r.org_id = ${query.orgId}` : sql`r.org_id = ${query.orgId}`,
  ];
  const { scope } = query;
  if (scope.type === 'rep') conditions.push(sql`r.owner_id = ${scope.userId}`);
  if (scope.type === 'reps') conditions.push(inList(sql.ref('r.owner_id'), scope.userIds));
  if (scope.type === 'team') conditions.push(inList(sql.ref('r.team_id'), scope.teamIds));
  if (dim !== undefined) {
    conditions.push(sql`r.dim = ${dim}`);
    const value = query.filters[dim as keyof typeof query.filters];
    if (value !== undefined) conditions.push(sql`r.value = ${value}`);
  }
  return conditions;
}

function rollupKey(query: PartQuery): RawBuilder<unknown> {
  if (query.groupBy === null) return sql`0`;
  if (query.groupBy === 'owner') return sql.ref('r.owner_id');
  if (query.groupBy === 'team') return sql.ref('r.team_id');
  return sql.ref('r.value');
}

/**
 * Stocks as running sums: the flow of (starts − ends) over the intervals
 * between consecutive read days, added up from the beginning. One query
 * however many days are read.
 */
export async function rollupStocks(db: Db, query: StockQuery): Promise<PartRows> {
  const out: PartRows = partRows(query.stocks);
  const days = [...new Set(query.at)].sort((a, b) => a - b);
  if (days.length === 0) return out;
  const buckets = days.map((day, j) => ({ first: j === 0 ? null : (days[j - 1] as number), last: day - 1 }));
  const deltas = [...new Set(query.stocks.flatMap((s) => STOCK_SPECS[s].delta))];
  const flows = await rollupFlows(db, { ...query, parts: deltas, buckets });

  const perKey = new Map<GroupKey, Array<Partial<Record<FlowPart, number>>>>();
  flows.keys.forEach((key, row) => {
    const series = perKey.get(key) ?? days.map(() => ({}));
    const into = series[flows.buckets[row] as number] as Partial<Record<FlowPart, number>>;
    for (const part of deltas) into[part] = (into[part] ?? 0) + (flows.parts[part]?.[row] ?? 0);
    perKey.set(key, series);
  });
  for (const [key, series] of perKey) {
    const running = new Map<string, number>();
    const atDay = new Map<number, Partial<Record<StockPart, number>>>();
    days.forEach((day, j) => {
      const parts: Partial<Record<StockPart, number>> = {};
      for (const stock of query.stocks) {
        const [plus, minus] = STOCK_SPECS[stock].delta;
        const delta = (series[j]?.[plus] ?? 0) - (series[j]?.[minus] ?? 0);
        const total = (running.get(stock) ?? 0) + delta;
        running.set(stock, total);
        parts[stock] = total;
      }
      atDay.set(day, parts);
    });
    query.at.forEach((day, bucket) => {
      pushRow(out, bucket, key, atDay.get(day) ?? {});
    });
  }
  return out;
}

/** Every part names its rollup column; kept here so the tables can be checked against the sources. */
export function rollupColumns(source: RollupSource): readonly string[] {
  return sourceSpecs('sqlite')[source].parts;
}

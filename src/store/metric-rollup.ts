import { type RawBuilder, sql } from 'kysely';
import type { FlowPart } from '../core/metrics/index.ts';
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
  type PartRow,
  packedRows,
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
  return dims.length === 1 && query.scope.type !== 'rep' && query.groupBy !== 'owner';
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
 * Each source is one query of up to three branches: the daily edges and the
 * multi-month runs join their ranges (grouped by bucket), while single whole
 * months (a monthly series) are grouped by the month itself, which the
 * covering index (org, month, owner, team, parts) hands over already in
 * order: no sort, no join, and no table lookups (migration 0009). Rows come
 * back packed (`packedRows`); app code maps months to buckets and adds up
 * the branches.
 */
export async function rollupFlows(db: Db, query: FlowQuery): Promise<PartRow[]> {
  if (query.buckets.length === 0 || query.parts.length === 0) return [];
  const bySource = new Map<RollupSource, FlowPart[]>();
  for (const part of query.parts)
    bySource.set(sourceOf(part), [...(bySource.get(sourceOf(part)) ?? []), part]);
  const pieces = cutBuckets(query.buckets);
  const singleMonth = (p: { s: number; e: number }) =>
    p.s !== BEGINNING_DAY && nextMonthStart(p.s) === p.e + 1;
  const multiMonth = pieces.monthly.filter((p) => !singleMonth(p));
  // The buckets each single whole month belongs to (one, unless buckets overlap).
  const monthBuckets = new Map<number, number[]>();
  for (const p of pieces.monthly.filter(singleMonth))
    monthBuckets.set(p.s, [...(monthBuckets.get(p.s) ?? []), p.i]);
  const [dim] = dimsOf(query);
  const out: PartRow[] = [];
  for (const [source, parts] of bySource) {
    const keyed = dim === undefined ? 'owner' : 'dim';
    const conditions = rollupConditions(query, dim);
    const key = rollupKey(query);
    const sums = sql.join(parts.map((p) => sql`sum(${sql.ref(`r.${p}`)}) as ${sql.ref(p)}`));
    const joined = (grain: 'day' | 'month', cte: string) =>
      sql`select 0 as g, ${sql.ref(`${cte}.i`)} as i, ${key} as k, ${sums}
        from ${sql.table(rollupTable(source, keyed, grain))} r
        join ${sql.table(cte)} on r.local_day >= ${sql.ref(`${cte}.s`)} and r.local_day <= ${sql.ref(`${cte}.e`)}
        where ${and(conditions)}
        group by 2, 3`;
    const ctes: RawBuilder<unknown>[] = [];
    const branches: RawBuilder<unknown>[] = [];
    if (pieces.daily.length > 0) {
      ctes.push(sql`d (i, s, e) as (${ranges(pieces.daily)})`);
      branches.push(joined('day', 'd'));
    }
    if (multiMonth.length > 0) {
      ctes.push(sql`m (i, s, e) as (${ranges(multiMonth)})`);
      branches.push(joined('month', 'm'));
    }
    if (monthBuckets.size > 0) {
      const months = sql.join([...monthBuckets.keys()].map((m) => sql.lit(m)));
      branches.push(sql`select 1 as g, r.local_day as i, ${key} as k, ${sums}
        from ${sql.table(rollupTable(source, keyed, 'month'))} r
        where ${and([...conditions, sql`r.local_day in (${months})`])}
        group by 2, 3`);
    }
    const body =
      branches.length === 1 ? (branches[0] as RawBuilder<unknown>) : sql.join(branches, sql` union all `);
    const rows = await packedRows(db, ctes, body, ['g', 'i', 'k', ...parts]);
    const partsOf = (row: unknown[]) => {
      const values: PartRow['parts'] = {};
      for (let j = 0; j < parts.length; j++) values[parts[j] as FlowPart] = num(row[j + 3]);
      return values;
    };
    // Within a branch, a bucket and key is one row; two branches (a quarter's edges and its months) are added up.
    const merged = branches.length > 1 ? new Map<number, Map<GroupKey, PartRow>>() : null;
    const emit = (bucket: number, key: GroupKey, row: unknown[]) => {
      if (merged === null) {
        out.push({ bucket, key, parts: partsOf(row) });
        return;
      }
      let perKey = merged.get(bucket);
      if (perKey === undefined) {
        perKey = new Map();
        merged.set(bucket, perKey);
      }
      const into = perKey.get(key);
      if (into === undefined) {
        const cell = { bucket, key, parts: partsOf(row) };
        perKey.set(key, cell);
        out.push(cell);
      } else {
        for (let j = 0; j < parts.length; j++) {
          const p = parts[j] as FlowPart;
          into.parts[p] = (into.parts[p] ?? 0) + num(row[j + 3]);
        }
      }
    };
    for (const row of rows) {
      const key = keyOf(row[2], query.groupBy);
      if (row[0] === 1) for (const bucket of monthBuckets.get(num(row[1])) ?? []) emit(bucket, key, row);
      else emit(num(row[1]), key, row);
    }
  }
  return out;
}

function rollupConditions(query: PartQuery, dim: string | undefined): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [sql`r.org_id = ${query.orgId}`];
  const { scope } = query;
  if (scope.type === 'rep') conditions.push(sql`r.owner_id = ${scope.userId}`);
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
export async function rollupStocks(db: Db, query: StockQuery): Promise<PartRow[]> {
  const days = [...new Set(query.at)].sort((a, b) => a - b);
  if (days.length === 0) return [];
  const buckets = days.map((day, j) => ({ first: j === 0 ? null : (days[j - 1] as number), last: day - 1 }));
  const deltas = query.stocks.flatMap((s) => STOCK_SPECS[s].delta);
  const flows = await rollupFlows(db, { ...query, parts: deltas, buckets });

  const perKey = new Map<GroupKey, Array<Partial<Record<FlowPart, number>>>>();
  for (const row of flows) {
    const series = perKey.get(row.key) ?? days.map(() => ({}));
    Object.assign(series[row.bucket] as object, row.parts);
    perKey.set(row.key, series);
  }
  const out: PartRow[] = [];
  for (const [key, series] of perKey) {
    const running = new Map<string, number>();
    const atDay = new Map<number, Partial<Record<string, number>>>();
    days.forEach((day, j) => {
      const parts: Partial<Record<string, number>> = {};
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
      out.push({ bucket, key, parts: { ...atDay.get(day) } });
    });
  }
  return out;
}

/** Every part names its rollup column; kept here so the tables can be checked against the sources. */
export function rollupColumns(source: RollupSource): readonly string[] {
  return sourceSpecs('sqlite')[source].parts;
}

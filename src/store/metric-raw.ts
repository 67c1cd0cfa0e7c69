import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { FlowPart } from '../core/metrics/index.ts';
import { startOfDayMs } from '../core/periods/index.ts';
import type { Db } from './db.ts';
import { dialectOf } from './dialect.ts';
import { dayFromNumber } from './metric-local-day.ts';
import { type RollupSource, STOCK_SPECS, sourceOf, sourceSpecs } from './metric-sources.ts';
import {
  and,
  type FlowQuery,
  factConditions,
  groupKeyOf,
  keyOf,
  num,
  orgIs,
  type PartRows,
  partRows,
  pushRow,
  type StockQuery,
  valuesOf,
} from './metric-sql.ts';

/**
 * Metric parts straight from the facts, bucketed by instant bounds that app
 * code computed from local days (DST-exact). This is the reference the
 * rollups are tested against, and the path for questions the rollups cannot
 * answer (a rep's figure under a filter, two filters at once).
 */

/** The oldest instant JavaScript dates reach: "since the beginning". */
const BEGINNING_MS = -8_640_000_000_000_000;

const startOf = (day: number, timeZone: string) => startOfDayMs(dayFromNumber(day), timeZone);

/** Buckets as half-open instant ranges (i, s, e). */
function bucketRows(query: FlowQuery): RawBuilder<unknown> {
  return valuesOf(
    query.buckets.map((b, i) => [
      i,
      b.first === null ? BEGINNING_MS : startOf(b.first, query.timeZone),
      startOf(b.last + 1, query.timeZone),
    ]),
  );
}

export async function rawFlows(db: Db, query: FlowQuery): Promise<PartRows> {
  const out: PartRows = partRows(query.parts);
  if (query.buckets.length === 0 || query.parts.length === 0) return out;
  const specs = sourceSpecs(dialectOf(db as unknown as Kysely<unknown>));
  const bySource = new Map<RollupSource, FlowPart[]>();
  for (const part of query.parts)
    bySource.set(sourceOf(part), [...(bySource.get(sourceOf(part)) ?? []), part]);

  for (const [source, parts] of bySource) {
    const spec = specs[source];
    const events = spec.events.filter((e) => parts.some((p) => e.parts[p] !== undefined));
    const key = groupKeyOf(spec, query.groupBy);
    const selects = events.map(
      (event) => sql`select b.i as i, ${key} as k,
          ${sql.join(parts.map((p) => sql`${sql.raw(event.parts[p] ?? '0')} as ${sql.ref(p)}`))}
        from ${sql.raw(event.from)} join b on ${sql.raw(event.time)} >= b.s and ${sql.raw(event.time)} < b.e
        where ${and([
          orgIs(event.org, query.orgId),
          ...(event.where ? [sql.raw(event.where)] : []),
          ...factConditions(spec, query),
        ])}`,
    );
    const { rows } = await sql<Record<string, unknown>>`
      with b (i, s, e) as (${bucketRows(query)})
      select x.i as i, x.k as k, ${sql.join(parts.map((p) => sql`sum(${sql.ref(`x.${p}`)}) as ${sql.ref(p)}`))}
      from (${sql.join(selects, sql` union all `)}) x
      group by x.i, x.k`.execute(db);
    for (const row of rows) {
      const values = Object.fromEntries(parts.map((p) => [p, num(row[p])]));
      pushRow(out, num(row.i), keyOf(row.k, query.groupBy), values);
    }
  }
  return out;
}

/** Stocks at the first instant of each local day in `at`, by their definition: began before, not ended before. */
export async function rawStocks(db: Db, query: StockQuery): Promise<PartRows> {
  const out: PartRows = partRows(query.stocks);
  if (query.at.length === 0) return out;
  const specs = sourceSpecs(dialectOf(db as unknown as Kysely<unknown>));
  const bounds = valuesOf(query.at.map((day, i) => [i, startOf(day, query.timeZone)]));
  for (const stock of query.stocks) {
    const def = STOCK_SPECS[stock];
    const spec = specs[def.source];
    const { rows } = await sql<{ i: unknown; k: unknown; v: unknown }>`
      with b (i, t) as (${bounds})
      select b.i as i, ${groupKeyOf(spec, query.groupBy)} as k, sum(${sql.raw(def.amount)}) as v
      from ${sql.raw(def.from)} join b on ${def.activeAt(sql.ref('b.t'))}
      where ${and([orgIs(def.org, query.orgId), ...factConditions(spec, query)])}
      group by 1, 2`.execute(db);
    for (const row of rows) pushRow(out, num(row.i), keyOf(row.k, query.groupBy), { [stock]: num(row.v) });
  }
  return out;
}

import { type Kysely, type RawBuilder, sql } from 'kysely';
import { invalid, notFound } from '../core/errors.ts';
import type { FilterName, FlowPart } from '../core/metrics/index.ts';
import { dayOf } from '../core/periods/index.ts';
import { type Db, inTransaction } from './db.ts';
import { dialectOf } from './dialect.ts';
import {
  dayNumber,
  localDayPieces,
  localDaySql,
  monthStartOf,
  monthStartSql,
  nextMonthStart,
} from './metric-local-day.ts';
import {
  type EventSpec,
  hasDims,
  ROLLUP_SOURCES,
  type RollupSource,
  rollupTable,
  type SourceSpec,
  sourceSpecs,
} from './metric-sources.ts';
import { orgIs } from './metric-sql.ts';

/**
 * The pre-aggregated layer that metrics read: per org, local day, owner and
 * team (and per filter dimension without the owner), daily and monthly.
 *
 * Whoever writes facts calls `refreshRollups` afterwards, in the same
 * transaction when they have one, with a range that covers every event
 * instant of every row they inserted, changed or deleted, before and after
 * the change (a deal's created_at and closed_at, a subscription's
 * started_at and ended_at, an account's acquired_at and churned_at). A
 * change of a non-time attribute (owner, team, amount, channel) is a change
 * of the rows of each of its event days. Without a range, everything is
 * rebuilt: do that after changing the org's time zone.
 */
export interface InstantRange {
  fromMs: number;
  toMs: number;
}

/** PostgreSQL advisory lock namespace ('HADF') for rollup refreshes, taken per org. */
const LOCK_NAMESPACE = 0x48414446 & 0x7fffffff;

/**
 * Recomputes the rollup rows of the org's local days touched by `range`
 * (inclusive at both ends), or of all days when there is no range, in one
 * transaction. Idempotent. A range refresh of an org whose rollups were
 * never built (or were built in another time zone) rebuilds everything.
 */
export async function refreshRollups(db: Db, orgId: number, range?: InstantRange): Promise<void> {
  if (range && !(Number.isFinite(range.fromMs) && Number.isFinite(range.toMs))) {
    throw invalid('A rollup refresh range needs finite fromMs and toMs (epoch milliseconds).', 'range');
  }
  await inTransaction(db, async (tx) => {
    const dialect = dialectOf(tx as unknown as Kysely<unknown>);
    if (dialect === 'postgres') {
      // Two refreshes of one org would each delete, then each insert: serialize them.
      await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_NAMESPACE)}, ${sql.lit(orgId)})`.execute(tx);
    }
    const org = await tx.selectFrom('org').select('time_zone').where('id', '=', orgId).executeTakeFirst();
    if (!org) throw notFound(`Org ${orgId} does not exist.`);
    const timeZone = org.time_zone;
    const state = await sql<{ time_zone: string }>`
      select time_zone from rollup_state where org_id = ${orgId}`.execute(tx);
    const built = state.rows[0]?.time_zone === timeZone;
    const specs = sourceSpecs(dialect);

    if (range && built) {
      const [from, to] = range.fromMs <= range.toMs ? [range.fromMs, range.toMs] : [range.toMs, range.fromMs];
      const days = { first: dayNumber(dayOf(from, timeZone)), last: dayNumber(dayOf(to, timeZone)) };
      const pieces = localDayPieces(days.first, days.last, timeZone);
      const bounds = { startMs: pieces[0]?.fromMs ?? from, endMs: pieces.at(-1)?.toMs ?? to };
      for (const source of ROLLUP_SOURCES) {
        await rebuildDays(tx, orgId, specs[source], days, localDay(pieces), bounds);
      }
    } else {
      await clearOrg(tx, orgId);
      const span = await eventSpan(tx, orgId, specs);
      if (span) {
        const days = {
          first: dayNumber(dayOf(span.lo, timeZone)),
          last: dayNumber(dayOf(span.hi, timeZone)),
        };
        const pieces = localDayPieces(days.first, days.last, timeZone);
        for (const source of ROLLUP_SOURCES) {
          await rebuildDays(tx, orgId, specs[source], days, localDay(pieces), null);
        }
      }
    }
    await sql`delete from rollup_state where org_id = ${orgId}`.execute(tx);
    await sql`insert into rollup_state (org_id, time_zone, refreshed_at)
      values (${orgId}, ${timeZone}, ${Date.now()})`.execute(tx);
  });
}

/** Whether reads may use the org's rollups: they were built, in the org's current time zone. */
export async function rollupsUsable(db: Db, orgId: number, timeZone: string): Promise<boolean> {
  const state = await sql<{ time_zone: string }>`
    select time_zone from rollup_state where org_id = ${orgId}`.execute(db);
  return state.rows[0]?.time_zone === timeZone;
}

type LocalDay = (time: RawBuilder<unknown>) => RawBuilder<number>;
const localDay =
  (pieces: ReturnType<typeof localDayPieces>): LocalDay =>
  (time) =>
    localDaySql(time, pieces);

async function clearOrg(tx: Db, orgId: number) {
  for (const source of ROLLUP_SOURCES) {
    for (const table of tablesOf(source)) {
      await sql`delete from ${sql.table(table)} where org_id = ${orgId}`.execute(tx);
    }
  }
}

function tablesOf(source: RollupSource): string[] {
  const keyed: Array<'owner' | 'dim'> = hasDims(source) ? ['owner', 'dim'] : ['owner'];
  return keyed.flatMap((k) => [rollupTable(source, k, 'day'), rollupTable(source, k, 'month')]);
}

/**
 * The first and last event instants of the org's facts, or null when it has
 * none: two index lookups per time column (every one has an index).
 */
async function eventSpan(
  tx: Db,
  orgId: number,
  specs: Record<RollupSource, SourceSpec>,
): Promise<{ lo: number; hi: number } | null> {
  let [lo, hi] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  const columns = new Map<string, { table: string; column: string }>();
  for (const spec of Object.values(specs)) {
    for (const event of spec.events) {
      for (const column of event.timeColumns)
        columns.set(`${event.timeTable}:${column}`, { table: event.timeTable, column });
    }
  }
  for (const { table, column } of columns.values()) {
    const org = `${column.split('.')[0]}.org_id`;
    const edge = (direction: 'asc' | 'desc') =>
      sql<{ t: number }>`select ${sql.raw(column)} as t from ${sql.raw(table)}
        where ${orgIs(org, orgId)} and ${sql.raw(column)} is not null
        order by ${sql.raw(column)} ${sql.raw(direction)} limit 1`.execute(tx);
    const [first, last] = [(await edge('asc')).rows[0], (await edge('desc')).rows[0]];
    if (first) lo = Math.min(lo, Number(first.t));
    if (last) hi = Math.max(hi, Number(last.t));
  }
  return lo <= hi ? { lo, hi } : null;
}

/**
 * Replaces the daily rows of days first..last and the monthly rows of the
 * months holding them. `bounds` restricts the facts read to those days'
 * instants; null reads all of the org's facts (a full rebuild).
 */
async function rebuildDays(
  tx: Db,
  orgId: number,
  spec: SourceSpec,
  days: { first: number; last: number },
  localDayOf: LocalDay,
  bounds: { startMs: number; endMs: number } | null,
) {
  const org = sql.lit(orgId);
  const months = { first: monthStartOf(days.first), last: nextMonthStart(days.last) - 1 };
  const keyed: Array<'owner' | 'dim'> = hasDims(spec.source) ? ['owner', 'dim'] : ['owner'];
  for (const k of keyed) {
    const daily = rollupTable(spec.source, k, 'day');
    // Dimension tables are indexed (org, dim, day): naming the dimensions lets a few days be found directly.
    const dims =
      k === 'dim' ? sql` and dim in (${sql.join(Object.keys(spec.dims).map((d) => sql.lit(d)))})` : sql``;
    if (bounds) {
      await sql`delete from ${sql.table(daily)} where org_id = ${org}${dims}
        and local_day >= ${sql.lit(days.first)} and local_day <= ${sql.lit(days.last)}`.execute(tx);
    }
    const keys = k === 'owner' ? ['owner_id', 'team_id'] : ['dim', 'value', 'team_id'];
    const keyAliases = k === 'owner' ? ['e.o', 'e.tm'] : ['e.dim', 'e.v', 'e.tm'];
    const groupBy = keys.map((_, i) => sql.lit(i + 3));
    // One statement per dimension: four sorts of n rows cost less than one of 4n.
    const batches =
      k === 'owner'
        ? [ownerRows(spec, orgId, bounds)]
        : Object.keys(spec.dims).map((dim) => dimRows(spec, orgId, bounds, dim as FilterName));
    for (const rows of batches) {
      await sql`
        insert into ${sql.table(daily)} (org_id, local_day, ${sql.join(keys.map((c) => sql.ref(c)))}, ${partColumns(spec)})
        select ${org}, ${localDayOf(sql.ref('e.t'))}, ${sql.join(keyAliases.map((c) => sql.raw(c)))},
          ${sql.join(spec.parts.map((p) => sql`sum(${sql.ref(`e.${p}`)})`))}
        from (${rows}) e
        group by 2, ${sql.join(groupBy)}`.execute(tx);
    }

    // Months are rebuilt from the (now current) daily rows of every day they hold.
    const monthly = rollupTable(spec.source, k, 'month');
    await sql`delete from ${sql.table(monthly)} where org_id = ${org}${dims}
      and local_day >= ${sql.lit(months.first)} and local_day <= ${sql.lit(months.last)}`.execute(tx);
    await sql`
      insert into ${sql.table(monthly)} (org_id, local_day, ${sql.join(keys.map((c) => sql.ref(c)))}, ${partColumns(spec)})
      select ${org}, ${monthStartSql(sql.ref('r.local_day'), months.first, months.last)},
        ${sql.join(keys.map((c) => sql.ref(`r.${c}`)))},
        ${sql.join(spec.parts.map((p) => sql`sum(${sql.ref(`r.${p}`)})`))}
      from ${sql.table(daily)} r
      where r.org_id = ${org}${dims} and r.local_day >= ${sql.lit(months.first)} and r.local_day <= ${sql.lit(months.last)}
      group by 2, ${sql.join(groupBy)}`.execute(tx);
  }
}

const partColumns = (spec: SourceSpec) => sql.join(spec.parts.map((p) => sql.ref(p)));

/** One row per fact event: its instant, owner, team and the parts it adds. */
function ownerRows(spec: SourceSpec, orgId: number, bounds: { startMs: number; endMs: number } | null) {
  return sql.join(
    spec.events.map(
      (
        event,
      ) => sql`select ${sql.raw(event.time)} as t, ${sql.raw(spec.owner)} as o, ${sql.raw(spec.team)} as tm,
        ${eventParts(spec, event)}
        from ${sql.raw(event.from)} where ${eventWhere(event, orgId, bounds)}`,
    ),
    sql` union all `,
  );
}

/** One row per fact event for one filter dimension, without the owner. */
function dimRows(
  spec: SourceSpec,
  orgId: number,
  bounds: { startMs: number; endMs: number } | null,
  dim: FilterName,
) {
  const selects = spec.events.map(
    (
      event,
    ) => sql`select ${sql.raw(event.time)} as t, ${sql.lit(dim)} as dim, ${sql.raw(spec.dims[dim] as string)} as v,
      ${sql.raw(spec.team)} as tm, ${eventParts(spec, event)}
      from ${sql.raw(event.from)} where ${eventWhere(event, orgId, bounds)}`,
  );
  return sql.join(selects, sql` union all `);
}

function eventParts(spec: SourceSpec, event: EventSpec) {
  return sql.join(spec.parts.map((p: FlowPart) => sql`${sql.raw(event.parts[p] ?? '0')} as ${sql.ref(p)}`));
}

function eventWhere(event: EventSpec, orgId: number, bounds: { startMs: number; endMs: number } | null) {
  const conditions = [orgIs(event.org, orgId)];
  if (event.where) conditions.push(sql.raw(event.where));
  if (bounds) {
    const inRange = (column: string) =>
      sql`(${sql.raw(column)} >= ${bounds.startMs} and ${sql.raw(column)} < ${bounds.endMs})`;
    conditions.push(sql`(${sql.join(event.timeColumns.map(inRange), sql` or `)})`);
    if (event.timeColumns.length > 1 || event.timeColumns[0] !== event.time)
      conditions.push(inRange(event.time));
  }
  return sql.join(conditions, sql` and `);
}

import { CompiledQuery, type Kysely, type RawBuilder, sql } from 'kysely';
import { invalid, notFound } from '../core/errors.ts';
import type { FilterName, FlowPart } from '../core/metrics/index.ts';
import { dayOf } from '../core/periods/index.ts';
import { detach } from './bulk-insert.ts';
import { type Db, inTransaction } from './db.ts';
import { dialectOf } from './dialect.ts';
import {
  DAY_MS,
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
  sourcesOfTable,
  tableAlias,
} from './metric-sources.ts';
import { orgIs } from './metric-sql.ts';
import { refreshStageOutcomes, StageSums } from './stage-rollup.ts';

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

export interface RefreshOptions {
  /** The sources whose facts changed (default: all); the others are left as they are. */
  sources?: readonly RollupSource[];
  /**
   * Changes the writer already summed while it wrote (see `DealRollupDelta`):
   * their days are updated from the rollup rows and the deltas, without
   * reading the facts back. Used only when the rollups are built in the
   * delta's time zone; otherwise, and if a sum would leave the exact integer
   * range of a double, the days are rebuilt from the facts as usual.
   */
  deltas?: readonly DealRollupDelta[];
  /**
   * The events of the rows a write changed, read before and after it
   * (`rowEvents`): their sources are updated by the difference, row by row,
   * without reading the day's other facts. Used when the rollups are built
   * in their time zone; otherwise the days are rebuilt as usual.
   */
  rows?: { before: RowEvents; after: RowEvents };
}

/** PostgreSQL advisory lock namespace ('HADF') for rollup refreshes, taken per org. */
const LOCK_NAMESPACE = 0x48414446 & 0x7fffffff;

/**
 * Recomputes the rollup rows of the org's local days touched by `range`
 * (inclusive at both ends), or of all days when there is no range, in one
 * transaction. Idempotent. A range refresh of an org whose rollups were
 * never built (or were built in another time zone) rebuilds everything.
 */
export async function refreshRollups(
  db: Db,
  orgId: number,
  range?: InstantRange,
  options: RefreshOptions = {},
): Promise<void> {
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
      // The day pieces cost a few Intl calls per day: only sources rebuilt from their facts need them.
      let pieces: ReturnType<typeof localDayPieces> | undefined;
      for (const source of options.sources ?? ROLLUP_SOURCES) {
        const delta = options.deltas?.find((d) => d.source === source && d.timeZone === timeZone);
        if (delta && (await applyDelta(tx, orgId, specs[source], delta))) continue;
        const rows = options.rows;
        if (rows && rows.before.timeZone === timeZone && rows.after.timeZone === timeZone) {
          const [before, after] = [rows.before.bySource.get(source), rows.after.bySource.get(source)];
          if (before || after) {
            await applyRowEvents(tx, orgId, specs[source], timeZone, before ?? new Map(), after ?? new Map());
            continue;
          }
        }
        pieces ??= localDayPieces(days.first, days.last, timeZone);
        const bounds = { startMs: pieces[0]?.fromMs ?? from, endMs: pieces.at(-1)?.toMs ?? to };
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
    // The stage tables take the sums of a delta in this time zone; they are exact (small counts).
    const stageSums = options.deltas?.find((d) => d.timeZone === timeZone)?.stages;
    await refreshStageOutcomes(
      tx,
      orgId,
      timeZone,
      range && built ? range : undefined,
      options.sources,
      range && built ? stageSums : undefined,
    );
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
 * Replaces the daily rows of days first..last and brings the monthly rows of
 * the months holding them up to date. `bounds` restricts the facts read to
 * those days' instants; null reads all of the org's facts (a full rebuild).
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
  const keyed: Array<'owner' | 'dim'> = hasDims(spec.source) ? ['owner', 'dim'] : ['owner'];
  for (const k of keyed) {
    const daily = rollupTable(spec.source, k, 'day');
    // Dimension tables are indexed (org, dim, day): naming the dimensions lets a few days be found directly.
    const dims = dimsOf(spec, k);
    // A short range changes the months by what it changes in its days: their sums before, then after.
    const before =
      bounds && days.last - days.first < DIFFERENTIAL_DAYS
        ? await readDaySums(tx, orgId, spec, k, days)
        : null;
    if (bounds) {
      await sql`delete from ${sql.table(daily)} where org_id = ${org}${dims}
        and local_day >= ${sql.lit(days.first)} and local_day <= ${sql.lit(days.last)}`.execute(tx);
    }
    const keys = keyColumnsOf(k);
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

    if (before) await updateMonths(tx, orgId, spec, k, before, await readDaySums(tx, orgId, spec, k, days));
    else await rebuildMonths(tx, orgId, spec, k, days);
  }
}

/**
 * Up to this many days, a range refresh updates the months by the change of
 * its days (at scale 240, one day of every source: 11 s rebuilding the
 * months, 2 s this way); beyond, it rebuilds them in SQL, which reads each
 * daily row once instead of twice into memory (a year of activities and
 * deals at scale 24: 7.2 s and 531 MB against 7.9 s and 588 MB).
 */
const DIFFERENTIAL_DAYS = 31;

/** The columns that key a rollup row besides its org and day. */
const keyColumnsOf = (k: 'owner' | 'dim') =>
  k === 'owner' ? ['owner_id', 'team_id'] : ['dim', 'value', 'team_id'];

/** The dimension condition of a dimension table's statements (nothing for an owner table). */
const dimsOf = (spec: SourceSpec, k: 'owner' | 'dim') =>
  k === 'dim' ? sql` and dim in (${sql.join(Object.keys(spec.dims).map((d) => sql.lit(d)))})` : sql``;

/** Rebuilds the monthly rows of the months holding days first..last from the (now current) daily rows. */
async function rebuildMonths(
  tx: Db,
  orgId: number,
  spec: SourceSpec,
  k: 'owner' | 'dim',
  days: { first: number; last: number },
) {
  const org = sql.lit(orgId);
  const months = { first: monthStartOf(days.first), last: nextMonthStart(days.last) - 1 };
  const daily = rollupTable(spec.source, k, 'day');
  const monthly = rollupTable(spec.source, k, 'month');
  const dims = dimsOf(spec, k);
  const keys = keyColumnsOf(k);
  const groupBy = keys.map((_, i) => sql.lit(i + 3));
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

/** A rollup row's key columns (see keyColumnsOf), ids as numbers and texts as strings on either dialect. */
type RowKey = Array<string | number | null>;

/**
 * Exact sums of the part columns of some days' daily rows, per month start
 * and key (as JSON text). Parts are integers, kept as their decimal text
 * (as the databases print them): equal sums compare equal without parsing,
 * and bigint adds the others exactly at any size, where a double would
 * round past 2^53.
 */
type MonthSums = Map<number, Map<string, { key: RowKey; parts: string[] }>>;

function rowKey(columns: readonly string[], values: readonly unknown[]): RowKey {
  return columns.map((column, i) => {
    const value = values[i];
    if (value === null || value === undefined) return null;
    return column === 'dim' || column === 'value' ? String(value) : Number(value);
  });
}

const keyOfRow = (columns: readonly string[], row: Record<string, unknown>) =>
  rowKey(
    columns,
    columns.map((c) => row[c]),
  );

function addSums(sums: MonthSums, month: number, key: RowKey, parts: readonly string[]) {
  let byKey = sums.get(month);
  if (!byKey) {
    byKey = new Map();
    sums.set(month, byKey);
  }
  const id = JSON.stringify(key);
  const found = byKey.get(id);
  if (!found) byKey.set(id, { key, parts: [...parts] });
  else {
    for (const [i, part] of parts.entries())
      found.parts[i] = String(BigInt(found.parts[i] as string) + BigInt(part));
  }
}

/** The daily rows of days first..last summed per month and key, read as text so that no sum is rounded. */
async function readDaySums(
  tx: Db,
  orgId: number,
  spec: SourceSpec,
  k: 'owner' | 'dim',
  days: { first: number; last: number },
): Promise<MonthSums> {
  const keys = keyColumnsOf(k);
  const { rows } = await sql<Record<string, unknown>>`
    select ${monthStartSql(sql.ref('local_day'), days.first, days.last)} as m,
      ${sql.join(keys.map((c) => sql.ref(c)))},
      ${sql.join(spec.parts.map((p) => sql`cast(sum(${sql.ref(p)}) as text) as ${sql.ref(p)}`))}
    from ${sql.table(rollupTable(spec.source, k, 'day'))}
    where org_id = ${sql.lit(orgId)}${dimsOf(spec, k)}
      and local_day >= ${sql.lit(days.first)} and local_day <= ${sql.lit(days.last)}
    group by 1, ${sql.join(keys.map((_, i) => sql.lit(i + 2)))}`.execute(tx);
  const sums: MonthSums = new Map();
  for (const row of rows) {
    const key = keyOfRow(keys, row);
    addSums(
      sums,
      Number(row.m),
      key,
      spec.parts.map((p) => row[p] as string),
    );
  }
  return sums;
}

/** `monthStartOf`, remembered per day: a delta's rows fall on a few days each. */
function monthStarts(): (day: number) => number {
  const known = new Map<number, number>();
  return (day) => {
    let month = known.get(day);
    if (month === undefined) {
      month = monthStartOf(day);
      known.set(day, month);
    }
    return month;
  };
}

/** Past this many keys of a month to look up, reading all of the month's rows costs less than a lookup each. */
const LOOKUPS_PER_MONTH = 32;

/**
 * Brings the monthly rows of the months in `before` and `after` (the sums of
 * the changed days' daily rows before and after the change) up to date.
 * Only keys whose sums differ are touched: each one's row becomes its stored
 * sums minus `before` plus `after`, the same integers a rebuild from the
 * daily rows gives. A row exists while some daily row of its month and key
 * does, as after a rebuild: surely when the changed days have one, or when
 * the rest of the month sums to anything but zeros; otherwise the daily
 * table is asked (rows of zeros exist, e.g. an activity that counts in no
 * part). Changed rows are deleted, then inserted anew, a few statements in all.
 */
async function updateMonths(
  tx: Db,
  orgId: number,
  spec: SourceSpec,
  k: 'owner' | 'dim',
  before: MonthSums,
  after: MonthSums,
) {
  const months = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b);
  const gone: string[] = [];
  const written: unknown[][] = [];
  for (const month of months) {
    const [old, now] = [before.get(month), after.get(month)];
    const changed: Array<{ id: string; key: RowKey; was?: string[]; added?: string[] }> = [];
    for (const id of new Set([...(old?.keys() ?? []), ...(now?.keys() ?? [])])) {
      const [was, added] = [old?.get(id), now?.get(id)];
      if (was && added && was.parts.every((p, i) => p === added.parts[i])) continue;
      changed.push({ id, key: (added ?? was)?.key as RowKey, was: was?.parts, added: added?.parts });
    }
    if (changed.length === 0) continue;
    const stored = await monthRows(
      tx,
      orgId,
      spec,
      k,
      month,
      changed.map((c) => c.key),
    );
    const sums = changed.map(({ id, key, was, added }) => {
      const row = stored.get(id);
      const parts = spec.parts.map(
        (_, i) => (row?.parts[i] ?? 0n) - BigInt(was?.[i] ?? 0) + BigInt(added?.[i] ?? 0),
      );
      return { id, key, row, parts, sure: added !== undefined || parts.some((p) => p !== 0n) };
    });
    const unsure = sums.filter((s) => !s.sure).map((s) => s.key);
    const remaining = unsure.length > 0 ? await keysWithDailyRows(tx, orgId, spec, k, month, unsure) : null;
    for (const { id, key, row, parts, sure } of sums) {
      const keep = sure || remaining?.has(id) === true;
      if (keep && row && parts.every((p, i) => p === row.parts[i])) continue;
      if (row) gone.push(row.rowId);
      if (keep) written.push([orgId, month, ...key, ...parts.map(String)]);
    }
  }
  const monthly = rollupTable(spec.source, k, 'month');
  await deleteByAddress(tx, monthly, gone);
  await insertRows(tx, monthly, ['org_id', 'local_day', ...keyColumnsOf(k), ...spec.parts], written);
}

/** The rows, read with their address (`rowAddress`) in this transaction, deleted by it. */
async function deleteByAddress(tx: Db, table: string, addresses: readonly string[]) {
  const postgres = dialectOf(tx as unknown as Kysely<unknown>) === 'postgres';
  for (let start = 0; start < addresses.length; start += 1000) {
    const chunk = addresses.slice(start, start + 1000);
    await sql`delete from ${sql.table(table)} where ${sql.raw(rowAddress(tx))}
      in (${sql.join(chunk.map((id) => sql.lit(postgres ? id : Number(id))))})`.execute(tx);
  }
}

/** A row's address: rowid on SQLite, ctid on PostgreSQL (stable while the org's refresh lock is held). */
const rowAddress = (tx: Db) =>
  dialectOf(tx as unknown as Kysely<unknown>) === 'postgres' ? 'ctid' : 'rowid';

/** Matches one key: each column as itself, NULL by `is null`, so that the (org, [dim,] day, ...) indexes serve it. */
const keyMatch = (columns: readonly string[], key: RowKey) =>
  sql.join(
    columns.map((c, i) => (key[i] === null ? sql`${sql.ref(c)} is null` : sql`${sql.ref(c)} = ${key[i]}`)),
    sql` and `,
  );

/**
 * The stored monthly rows of month `month` among `candidates`, by key (as
 * JSON text), with their address (rowid, ctid): deleting by it needs no
 * matching of keys, NULLs included. Holding the org's lock, nothing else
 * moves them in between.
 */
async function monthRows(
  tx: Db,
  orgId: number,
  spec: SourceSpec,
  k: 'owner' | 'dim',
  month: number,
  candidates: readonly RowKey[],
): Promise<Map<string, { rowId: string; parts: bigint[] }>> {
  const keys = keyColumnsOf(k);
  const select = sql`select cast(${sql.raw(rowAddress(tx))} as text) as row_id, ${sql.join(keys.map((c) => sql.ref(c)))},
      ${sql.join(spec.parts.map((p) => sql`cast(${sql.ref(p)} as text) as ${sql.ref(p)}`))}
    from ${sql.table(rollupTable(spec.source, k, 'month'))}
    where org_id = ${sql.lit(orgId)} and local_day = ${sql.lit(month)}`;
  const rows: Record<string, unknown>[] = [];
  if (candidates.length > LOOKUPS_PER_MONTH) {
    rows.push(...(await sql<Record<string, unknown>>`${select}${dimsOf(spec, k)}`.execute(tx)).rows);
  } else {
    for (const key of candidates) {
      rows.push(
        ...(await sql<Record<string, unknown>>`${select} and ${keyMatch(keys, key)}`.execute(tx)).rows,
      );
    }
  }
  return new Map(
    rows.map((row) => [
      JSON.stringify(keyOfRow(keys, row)),
      { rowId: String(row.row_id), parts: spec.parts.map((p) => BigInt(row[p] as string)) },
    ]),
  );
}

/** The keys (as JSON texts) with a daily row in month `month`: those of `candidates` at least. */
async function keysWithDailyRows(
  tx: Db,
  orgId: number,
  spec: SourceSpec,
  k: 'owner' | 'dim',
  month: number,
  candidates: readonly RowKey[],
): Promise<Set<string>> {
  const keys = keyColumnsOf(k);
  const daily = sql.table(rollupTable(spec.source, k, 'day'));
  const inMonth = sql`org_id = ${sql.lit(orgId)}
    and local_day >= ${sql.lit(month)} and local_day < ${sql.lit(nextMonthStart(month))}`;
  const found = new Set<string>();
  if (candidates.length > LOOKUPS_PER_MONTH) {
    const { rows } = await sql<Record<string, unknown>>`
      select distinct ${sql.join(keys.map((c) => sql.ref(c)))} from ${daily}
      where ${inMonth}${dimsOf(spec, k)}`.execute(tx);
    for (const row of rows) found.add(JSON.stringify(keyOfRow(keys, row)));
    return found;
  }
  for (const key of candidates) {
    const { rows } = await sql`select 1 as hit from ${daily}
      where ${inMonth} and ${keyMatch(keys, key)} limit 1`.execute(tx);
    if (rows.length > 0) found.add(JSON.stringify(key));
  }
  return found;
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

/** A deal's columns that decide its rollup rows. */
export const DEAL_ROLLUP_COLUMNS = [
  'owner_id',
  'team_id',
  'channel',
  'segment',
  'industry',
  'product',
  'status',
  'amount',
  'units',
  'created_at',
  'closed_at',
  'stage',
  'probability',
] as const;

export type DealRollupFacts = Record<(typeof DEAL_ROLLUP_COLUMNS)[number], string | number | null>;

/** Positions in the deal source's parts (metric-sources.ts): created, won, amount, units, cycle, lost. */
const [CREATED, WON, WON_AMOUNT, WON_UNITS, WON_CYCLE, LOST] = [0, 1, 2, 3, 4, 5];
const DEAL_PARTS = 6;
const DEAL_DIMS = ['channel', 'segment', 'industry', 'product'] as const;
/** Past this, a sum of integers in a double may have been rounded. */
const EXACT_LIMIT = 2 ** 52;

/**
 * The changes an import makes to the deal rollups, summed in memory while it
 * writes, so that its days are updated without reading the facts back (an
 * import of a million deals would re-read them once per rollup table).
 * `add` mirrors the deal source of metric-sources.ts: every deal is created
 * on its created_at day; a won or lost deal with a close date also closes on
 * that day, adding the won amount, units and cycle or one lost deal. A
 * changed deal is added with its old values and sign -1, then with its new
 * ones. The stage tables' sums (stage-rollup.ts) are kept alongside. Memory
 * holds one sum per rollup row touched (the rollups' size, not the file's).
 * test/services/import checks the result against a full rebuild.
 */
export class DealRollupDelta {
  readonly source = 'deal' as const;
  /** Rows keyed (owner_id, team_id). */
  readonly byOwner = new DaySums();
  /** Rows keyed (dim, value, team_id). */
  readonly byDim = new DaySums();
  /** The stage tables' rows (won and lost per closing day, open deals per creation day). */
  readonly stages = new StageSums();
  private readonly localDays: LocalDays;
  /** Interned (dim, value, team) keys of the deal being added, one per dimension. */
  private readonly dimKeys = new Int32Array(DEAL_DIMS.length);

  constructor(readonly timeZone: string) {
    this.localDays = new LocalDays(timeZone);
  }

  add(deal: DealRollupFacts, sign: 1 | -1) {
    const created = deal.created_at as number;
    const team = deal.team_id;
    const ownerKey = this.byOwner.key(deal.owner_id, team, null);
    const dimKeys = this.dimKeys;
    const dims = dimKeys.length;
    for (let i = 0; i < dims; i++) {
      const dim = DEAL_DIMS[i] as (typeof DEAL_DIMS)[number];
      dimKeys[i] = this.byDim.key(dim, deal[dim] ?? null, team);
    }
    const createdDay = this.localDays.of(created);
    plus(this.byOwner.cell(createdDay, ownerKey), CREATED, sign, 1);
    let cells = this.byDim.day(createdDay);
    for (let i = 0; i < dims; i++) plus(this.byDim.cellOf(cells, dimKeys[i] as number), CREATED, sign, 1);

    const { status, closed_at: closed } = deal;
    const closes = (status === 'won' || status === 'lost') && typeof closed === 'number';
    const closedDay = closes ? this.localDays.of(closed) : null;
    this.stages.add(String(deal.stage), status, deal.probability, createdDay, closedDay, sign);
    if (closedDay === null) return;
    if (status === 'lost') {
      plus(this.byOwner.cell(closedDay, ownerKey), LOST, sign, 1);
      cells = this.byDim.day(closedDay);
      for (let i = 0; i < dims; i++) plus(this.byDim.cellOf(cells, dimKeys[i] as number), LOST, sign, 1);
      return;
    }
    const amount = Number(deal.amount);
    const units = Number(deal.units);
    const cycle = (closed as number) - created;
    addWon(this.byOwner.cell(closedDay, ownerKey), sign, amount, units, cycle);
    cells = this.byDim.day(closedDay);
    for (let i = 0; i < dims; i++) {
      addWon(this.byDim.cellOf(cells, dimKeys[i] as number), sign, amount, units, cycle);
    }
  }
}

const at = (sums: Float64Array, i: number) => sums[i] as number;

/** A key column kept for the rest of the import: texts are detached from the file they were read from. */
const own = <T>(value: T): T => (typeof value === 'string' ? (detach(value) as T) : value);

/** Adds `value` to part `i`, and its size to the cell's magnitude (see DaySums). */
function plus(sums: Float64Array, i: number, value: number, magnitude = Math.abs(value)) {
  sums[i] = at(sums, i) + value;
  sums[DEAL_PARTS] = at(sums, DEAL_PARTS) + magnitude;
}

function addWon(sums: Float64Array, sign: number, amount: number, units: number, cycle: number) {
  plus(sums, WON, sign, 1);
  plus(sums, WON_AMOUNT, sign * amount);
  plus(sums, WON_UNITS, sign * units);
  plus(sums, WON_CYCLE, sign * cycle);
}

/**
 * Sums of parts per (local day, key), a key being the rollup row's other
 * columns (owner and team, or dimension, value and team) interned to a small
 * number. Each cell holds the parts, then the sum of the magnitudes added:
 * while that stays under 2^52, every partial sum was an exact integer.
 * A day's cells sit in an array indexed by key: one map lookup per day a
 * deal touches, not one per cell.
 */
class DaySums {
  /** Local day -> key -> sums. */
  readonly days = new Map<number, Array<Float64Array | undefined>>();
  /** The columns of each interned key. */
  readonly keys: (string | number | null)[][] = [];
  private readonly index = new Map<unknown, Map<unknown, Map<unknown, number>>>();

  /** The interned key of up to three columns (null pads the shorter keys). */
  key(a: string | number | null, b: string | number | null, c: string | number | null): number {
    let second = this.index.get(a);
    if (!second) {
      second = new Map();
      this.index.set(own(a), second);
    }
    let third = second.get(b);
    if (!third) {
      third = new Map();
      second.set(own(b), third);
    }
    let found = third.get(c);
    if (found === undefined) {
      found = this.keys.length;
      this.keys.push([own(a), own(b), own(c)]);
      third.set(own(c), found);
    }
    return found;
  }

  day(day: number): Array<Float64Array | undefined> {
    let cells = this.days.get(day);
    if (!cells) {
      cells = [];
      this.days.set(day, cells);
    }
    return cells;
  }

  cellOf(cells: Array<Float64Array | undefined>, key: number): Float64Array {
    let sums = cells[key];
    if (!sums) {
      sums = new Float64Array(DEAL_PARTS + 1);
      cells[key] = sums;
    }
    return sums;
  }

  cell(day: number, key: number): Float64Array {
    return this.cellOf(this.day(day), key);
  }
}

/** Local day numbers of instants, equal to `localDaySql`'s, from pieces of 64-day blocks computed once each. */
class LocalDays {
  private readonly blocks = new Map<number, ReturnType<typeof localDayPieces>>();
  /** The pieces of the last two lookups: a deal's creation and its close alternate. */
  private last: ReturnType<typeof localDayPieces>[number] | undefined;
  private before: ReturnType<typeof localDayPieces>[number] | undefined;

  constructor(private readonly timeZone: string) {}

  of(instant: number): number {
    let piece = this.last;
    if (!piece || instant < piece.fromMs || instant >= piece.toMs) {
      piece = this.before;
      if (!piece || instant < piece.fromMs || instant >= piece.toMs) piece = this.find(instant);
      this.before = this.last;
      this.last = piece;
    }
    return piece.offsetMs === null ? piece.day : Math.floor((instant + piece.offsetMs) / DAY_MS);
  }

  private find(instant: number) {
    const block = Math.floor(instant / (64 * DAY_MS));
    let pieces = this.blocks.get(block);
    if (!pieces) {
      // Local days lie within a day of UTC days: one day of margin on each side covers the block.
      pieces = localDayPieces(block * 64 - 1, block * 64 + 64, this.timeZone);
      this.blocks.set(block, pieces);
    }
    const piece = pieces.find((p) => instant >= p.fromMs && instant < p.toMs);
    return (
      piece ?? {
        fromMs: instant,
        toMs: instant + 1,
        offsetMs: null,
        day: dayNumber(dayOf(instant, this.timeZone)),
      }
    );
  }
}

/**
 * Updates the daily rows of the days `delta` changed (their stored rows plus
 * the delta; rows left without events go) and the monthly rows of their
 * months. Returns false, having written nothing, when a sum may not be exact.
 */
async function applyDelta(tx: Db, orgId: number, spec: SourceSpec, delta: DealRollupDelta): Promise<boolean> {
  const tables = [
    { k: 'owner' as const, sums: delta.byOwner, keys: keyColumnsOf('owner') },
    { k: 'dim' as const, sums: delta.byDim, keys: keyColumnsOf('dim') },
  ];
  for (const { sums } of tables) {
    for (const cells of sums.days.values()) {
      for (const cell of cells) if (cell && at(cell, DEAL_PARTS) >= EXACT_LIMIT) return false;
    }
  }
  for (const { k, sums, keys } of tables) {
    const changed: Array<{ day: number; key: RowKey; cell: Float64Array }> = [];
    for (const [day, cells] of sums.days) {
      cells.forEach((cell, key) => {
        if (cell?.subarray(0, DEAL_PARTS).some((v) => v !== 0)) {
          changed.push({ day, key: rowKey(keys, (sums.keys[key] as RowKey).slice(0, keys.length)), cell });
        }
      });
    }
    if (changed.length === 0) continue;
    if (changed.length <= FEW_CELLS) {
      const cells = changed.map(({ day, key, cell }) => ({
        day,
        key,
        delta: spec.parts.map((_, i) => BigInt(at(cell, i))),
        // A row exists while some deal event falls in it (every deal event counts one of these).
        keep: (now: readonly bigint[]) =>
          (now[CREATED] as bigint) + (now[WON] as bigint) + (now[LOST] as bigint) !== 0n,
      }));
      await applyCells(tx, orgId, spec, k, cells);
      continue;
    }
    const touched = new Set(changed.map((c) => c.day));
    const dayList = [...touched].sort((a, b) => a - b);
    const days = { first: dayList[0] as number, last: dayList.at(-1) as number };
    const table = rollupTable(spec.source, k, 'day');
    const dims = dimsOf(spec, k);
    const columns = [...keys, ...spec.parts];
    // The touched days: one range when they follow each other (an import), else lists of days (a
    // deal written through the API touches two days, perhaps months apart).
    const contiguous = dayList.length === days.last - days.first + 1;
    const which: RawBuilder<unknown>[] = [];
    if (contiguous) which.push(sql`local_day >= ${days.first} and local_day <= ${days.last}`);
    for (let start = 0; !contiguous && start < dayList.length; start += 1000) {
      which.push(sql`local_day in (${sql.join(dayList.slice(start, start + 1000).map((d) => sql.lit(d)))})`);
    }
    const stored: Array<Record<string, string | number | null>> = [];
    for (const days of which) {
      const { rows } = await sql<Record<string, string | number | null>>`
        select local_day, ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)}
        where org_id = ${orgId}${dims} and ${days}`.execute(tx);
      stored.push(...rows);
    }
    const monthOf = monthStarts();
    const before: MonthSums = new Map();
    for (const row of stored) {
      const day = Number(row.local_day);
      if (!touched.has(day)) continue;
      const [a, b, c] = keys.map((column) => row[column] ?? null);
      const cell = sums.cell(day, sums.key(a ?? null, b ?? null, c ?? null));
      spec.parts.forEach((part, i) => {
        plus(cell, i, Number(row[part]));
      });
      if (at(cell, DEAL_PARTS) >= EXACT_LIMIT) return false;
      addSums(
        before,
        monthOf(day),
        keyOfRow(keys, row),
        spec.parts.map((part) => String(row[part])),
      );
    }
    for (const days of which) {
      await sql`delete from ${sql.table(table)} where org_id = ${orgId}${dims} and ${days}`.execute(tx);
    }
    const rows: (string | number | null)[][] = [];
    const after: MonthSums = new Map();
    for (const day of dayList) {
      for (const [key, cell] of (sums.days.get(day) ?? []).entries()) {
        if (!cell) continue;
        // A row exists while some event falls in it (every deal event counts one of these).
        if (at(cell, CREATED) + at(cell, WON) + at(cell, LOST) === 0) continue;
        const columnsOfKey = (sums.keys[key] as (string | number | null)[]).slice(0, keys.length);
        rows.push([orgId, day, ...columnsOfKey, ...cell.subarray(0, DEAL_PARTS)]);
        addSums(
          after,
          monthOf(day),
          rowKey(keys, columnsOfKey),
          Array.from(cell.subarray(0, DEAL_PARTS), (v) => String(v + 0)),
        );
      }
    }
    await insertRows(tx, table, ['org_id', 'local_day', ...columns], rows);
    await updateMonths(tx, orgId, spec, k, before, after);
  }
  return true;
}

/** A change of one daily rollup row: its day and key, what to add to its parts, and whether it stays. */
interface CellChange {
  day: number;
  key: RowKey;
  delta: readonly bigint[];
  /** Whether the row exists after the change, given its new parts and whether it existed before. */
  keep(now: readonly bigint[], existed: boolean): boolean | Promise<boolean>;
}

/** Up to this many changed rows (a deal or two written through the API), each is updated on its own. */
const FEW_CELLS = 64;

/**
 * Applies the changes of a few daily rows (`applyDelta` rewrites whole
 * days, which at scale 240 is thousands of rows for one deal): each row is
 * read by its day and key, replaced by its sum with the change (or gone),
 * and the months are updated from those rows alone.
 */
async function applyCells(
  tx: Db,
  orgId: number,
  spec: SourceSpec,
  k: 'owner' | 'dim',
  changed: readonly CellChange[],
) {
  const keys = keyColumnsOf(k);
  const table = rollupTable(spec.source, k, 'day');
  const monthOf = monthStarts();
  const before: MonthSums = new Map();
  const after: MonthSums = new Map();
  const gone: string[] = [];
  const written: unknown[][] = [];
  for (const { day, key, delta, keep } of changed) {
    const { rows } = await sql<Record<string, string>>`
      select cast(${sql.raw(rowAddress(tx))} as text) as row_id,
        ${sql.join(spec.parts.map((p) => sql`cast(${sql.ref(p)} as text) as ${sql.ref(p)}`))}
      from ${sql.table(table)}
      where org_id = ${sql.lit(orgId)} and local_day = ${sql.lit(day)} and ${keyMatch(keys, key)}`.execute(
      tx,
    );
    const was = spec.parts.map((p) => rows.reduce((sum, row) => sum + BigInt(row[p] as string), 0n));
    const now = was.map((value, i) => value + (delta[i] ?? 0n));
    if (rows.length > 0) {
      gone.push(...rows.map((row) => row.row_id as string));
      addSums(before, monthOf(day), key, was.map(String));
    }
    if (await keep(now, rows.length > 0)) {
      written.push([orgId, day, ...key, ...now.map(String)]);
      addSums(after, monthOf(day), key, now.map(String));
    }
  }
  await deleteByAddress(tx, table, gone);
  await insertRows(tx, table, ['org_id', 'local_day', ...keys, ...spec.parts], written);
  await updateMonths(tx, orgId, spec, k, before, after);
}

/**
 * The rollup events of some rows of one fact table (what they add to each
 * daily rollup row), per source that reads the table: read before and after
 * a write, their difference is the write's change of the rollups
 * (`RefreshOptions.rows`). Local days are of `timeZone`.
 */
export interface RowEvents {
  timeZone: string;
  bySource: Map<RollupSource, Map<string, EventCell>>;
}

/** What some rows' events add to one daily rollup row: its parts, and how many events fall in it. */
interface EventCell {
  k: 'owner' | 'dim';
  day: number;
  key: RowKey;
  parts: bigint[];
  events: number;
}

/** No events: the rows before a create, or after a delete. */
export const noRowEvents = (timeZone: string): RowEvents => ({ timeZone, bySource: new Map() });

/** The events of rows `ids` of `table` in the org, for every rollup source that reads the table. */
export async function rowEvents(
  tx: Db,
  orgId: number,
  timeZone: string,
  table: string,
  ids: readonly number[],
): Promise<RowEvents> {
  const out = noRowEvents(timeZone);
  const specs = sourceSpecs(dialectOf(tx as unknown as Kysely<unknown>));
  const localDays = new LocalDays(timeZone);
  for (const source of sourcesOfTable(table)) {
    const spec = specs[source];
    const dims = Object.keys(spec.dims) as FilterName[];
    const cells = new Map<string, EventCell>();
    const add = (k: 'owner' | 'dim', day: number, key: RowKey, parts: readonly bigint[]) => {
      const id = JSON.stringify([k, day, key]);
      const cell = cells.get(id) ?? { k, day, key, parts: spec.parts.map(() => 0n), events: 0 };
      cell.parts = cell.parts.map((value, i) => value + (parts[i] ?? 0n));
      cell.events += 1;
      cells.set(id, cell);
    };
    for (const event of spec.events) {
      const alias = tableAlias(event.from, table);
      if (!alias) continue;
      const { rows } = await sql<Record<string, unknown>>`
        select ${sql.raw(event.time)} as t, ${sql.raw(spec.owner)} as o, ${sql.raw(spec.team)} as tm,
          ${sql.join([...dims.map((dim, i) => sql`${sql.raw(spec.dims[dim] as string)} as ${sql.ref(`v${i}`)}`), eventParts(spec, event)])}
        from ${sql.raw(event.from)}
        where ${eventWhere(event, orgId, null)} and ${sql.raw(`${alias}.id`)} in (${sql.join(ids.map((id) => sql.lit(id)))})`.execute(
        tx,
      );
      for (const row of rows) {
        if (row.t === null || row.t === undefined) continue;
        const day = localDays.of(Number(row.t));
        const parts = spec.parts.map((p) => BigInt(Number(row[p] ?? 0)));
        add('owner', day, rowKey(keyColumnsOf('owner'), [row.o, row.tm]), parts);
        dims.forEach((dim, i) => {
          add('dim', day, rowKey(keyColumnsOf('dim'), [dim, row[`v${i}`], row.tm]), parts);
        });
      }
    }
    out.bySource.set(source, cells);
  }
  return out;
}

/**
 * Applies the difference of two readings of the same rows' events to one
 * source's daily rows and months. A row stays while some event falls in
 * it: one of the written rows' (counted), a non-zero sum, or, when neither
 * tells, another fact's event of that day and key (asked of the facts).
 */
async function applyRowEvents(
  tx: Db,
  orgId: number,
  spec: SourceSpec,
  timeZone: string,
  before: ReadonlyMap<string, EventCell>,
  after: ReadonlyMap<string, EventCell>,
) {
  // Where every event adds 1 to some part (leads: created, MQL, SQL, converted), a row of zeros has no
  // event left, and the facts need not be asked.
  const counted = spec.events.every((event) => Object.values(event.parts).includes('1'));
  for (const k of hasDims(spec.source) ? (['owner', 'dim'] as const) : (['owner'] as const)) {
    const changed: CellChange[] = [];
    for (const id of new Set([...before.keys(), ...after.keys()])) {
      const [was, now] = [before.get(id), after.get(id)];
      const cell = (now ?? was) as EventCell;
      if (cell.k !== k) continue;
      const delta = spec.parts.map((_, i) => (now?.parts[i] ?? 0n) - (was?.parts[i] ?? 0n));
      const events = now?.events ?? 0;
      if (events === (was?.events ?? 0) && delta.every((d) => d === 0n)) continue;
      changed.push({
        day: cell.day,
        key: cell.key,
        delta,
        keep: async (parts, existed) =>
          events > 0 ||
          parts.some((p) => p !== 0n) ||
          (existed && !counted && (await otherEventIn(tx, orgId, spec, k, cell.day, cell.key, timeZone))),
      });
    }
    if (changed.length > 0) await applyCells(tx, orgId, spec, k, changed);
  }
}

/** Whether any fact has an event of `spec` on local day `day` with rollup key `key`. */
async function otherEventIn(
  tx: Db,
  orgId: number,
  spec: SourceSpec,
  k: 'owner' | 'dim',
  day: number,
  key: RowKey,
  timeZone: string,
): Promise<boolean> {
  const pieces = localDayPieces(day, day, timeZone);
  const bounds = { startMs: pieces[0]?.fromMs ?? 0, endMs: pieces.at(-1)?.toMs ?? 0 };
  const is = (expression: string, value: string | number | null) =>
    value === null ? sql`(${sql.raw(expression)}) is null` : sql`(${sql.raw(expression)}) = ${value}`;
  const [dim, value, dimTeam] = key;
  const match =
    k === 'owner'
      ? sql`${is(spec.owner, key[0] ?? null)} and ${is(spec.team, key[1] ?? null)}`
      : sql`${is(spec.dims[dim as FilterName] as string, value ?? null)} and ${is(spec.team, dimTeam ?? null)}`;
  for (const event of spec.events) {
    const { rows } = await sql`select 1 as hit from ${sql.raw(event.from)}
      where ${eventWhere(event, orgId, bounds)} and ${match} limit 1`.execute(tx);
    if (rows.length > 0) return true;
  }
  return false;
}

/** Multi-row inserts of plain values, a few hundred rows a statement. */
async function insertRows(tx: Db, table: string, columns: readonly string[], rows: readonly unknown[][]) {
  const dialect = dialectOf(tx as unknown as Kysely<unknown>);
  const perStatement = Math.floor(4000 / columns.length);
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const params = chunk.flat();
    let n = 0;
    const tuples = chunk.map(
      () => `(${columns.map(() => (dialect === 'postgres' ? `$${++n}` : '?')).join(',')})`,
    );
    await tx.executeQuery(
      CompiledQuery.raw(
        `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${tuples.join(',')}`,
        params,
      ),
    );
  }
}

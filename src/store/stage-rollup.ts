/**
 * What the pipeline forecast learns its stage win rates from, rolled up:
 * - won and lost deals per org, local day of closing and stage they closed
 *   at (`rollup_deal_stage_day`, migration 0010-stage-outcomes): a year of
 *   them is a few thousand rows at any scale, where the deals are millions;
 * - open deals per org, local day of creation and stage, with the sum and
 *   count of their CRM probabilities (`rollup_deal_open_day`, migration
 *   0011-open-stages): the mean probability that orders the open stages.
 *
 * Kept with the other rollups: `refreshRollups` (rollups.ts) calls
 * `refreshStageOutcomes` in its transaction with the same range, so the
 * table is exactly as fresh as the metric rollups, in the same time zone
 * (`rollup_state`). Readers use it only when `rollupsUsable` says so.
 */
import { sql } from 'kysely';
import { dayOf } from '../core/periods/index.ts';
import type { ClosedAtStage } from '../core/progress/index.ts';
import { detach } from './bulk-insert.ts';
import type { Db } from './db.ts';
import { dayNumber, localDayPieces, localDaySql } from './metric-local-day.ts';
import type { RollupSource } from './metric-sources.ts';
import { orgIs } from './metric-sql.ts';

export const STAGE_OUTCOMES_TABLE = 'rollup_deal_stage_day';
export const OPEN_STAGES_TABLE = 'rollup_deal_open_day';

/** Each rolled-up table: the deals it counts, the instant that dates them, and what it sums. */
const ROLLED = {
  closed: {
    table: STAGE_OUTCOMES_TABLE,
    time: 'closed_at',
    where: sql`status in ('won', 'lost')`,
    columns: sql`won, lost`,
    sums: sql`sum(case when status = 'won' then 1 else 0 end), sum(case when status = 'lost' then 1 else 0 end)`,
  },
  open: {
    table: OPEN_STAGES_TABLE,
    time: 'created_at',
    where: sql`status = 'open'`,
    columns: sql`deals, probability_sum, probability_count`,
    sums: sql`count(*), coalesce(sum(probability), 0), count(probability)`,
  },
} as const;

/**
 * Rebuilds the org's rows for the local days (in `timeZone`) that `range`
 * touches, both ends included, from the deals closed in them; without a
 * range, all of them. Skipped when `sources` leaves deals out. With `sums`
 * (a deals import's changes, summed in `timeZone` as it wrote), the days they
 * change are updated from their stored rows and the sums instead of re-reading
 * the deals over the range.
 */
export async function refreshStageOutcomes(
  tx: Db,
  orgId: number,
  timeZone: string,
  range: { fromMs: number; toMs: number } | undefined,
  sources?: readonly RollupSource[],
  sums?: StageSums,
): Promise<void> {
  if (range && sources && !sources.includes('deal')) return;
  if (range && sums) {
    await applyStageSums(tx, orgId, sums);
    return;
  }
  for (const rolled of Object.values(ROLLED)) await refreshTable(tx, orgId, timeZone, range, rolled);
}

/** The parts each table sums, in column order; the first decide whether a row exists. */
const PARTS = {
  closed: ['won', 'lost'],
  open: ['deals', 'probability_sum', 'probability_count'],
} as const;

/**
 * What a set of deal changes adds to the two tables, per local day and stage:
 * a deal counts, with `sign`, as SQL counts it in `refreshTable` (a won or
 * lost deal with a close date on its closing day, an open deal on its
 * creation day). Memory holds one cell per (day, stage) touched.
 */
export class StageSums {
  /** Local day -> stage -> [won, lost]. */
  readonly closed = new Map<number, Map<string, Float64Array>>();
  /** Local day -> stage -> [deals, probability_sum, probability_count]. */
  readonly open = new Map<number, Map<string, Float64Array>>();

  add(
    stage: string,
    status: unknown,
    probability: unknown,
    createdDay: number,
    closedDay: number | null,
    sign: 1 | -1,
  ) {
    if (status === 'open') {
      const cell = cellOf(this.open, createdDay, stage, PARTS.open.length);
      cell[0] = (cell[0] as number) + sign;
      if (typeof probability === 'number') {
        cell[1] = (cell[1] as number) + sign * probability;
        cell[2] = (cell[2] as number) + sign;
      }
    } else if (closedDay !== null && (status === 'won' || status === 'lost')) {
      const cell = cellOf(this.closed, closedDay, stage, PARTS.closed.length);
      const i = status === 'won' ? 0 : 1;
      cell[i] = (cell[i] as number) + sign;
    }
  }
}

function cellOf(days: Map<number, Map<string, Float64Array>>, day: number, stage: string, width: number) {
  let stages = days.get(day);
  if (!stages) {
    stages = new Map();
    days.set(day, stages);
  }
  let cell = stages.get(stage);
  if (!cell) {
    cell = new Float64Array(width);
    stages.set(detach(stage), cell);
  }
  return cell;
}

/** Rows inserted per statement: 6 values each, far below both dialects' parameter caps. */
const ROWS_PER_INSERT = 500;

/**
 * Updates the rows of the days `sums` changes: each becomes its stored row
 * plus the sums; a row left without deals goes. Counts and probabilities
 * are small integers, so the sums are exact.
 */
async function applyStageSums(tx: Db, orgId: number, sums: StageSums): Promise<void> {
  for (const which of ['closed', 'open'] as const) {
    const days = sums[which];
    const parts = PARTS[which];
    const touched = [...days.keys()]
      .filter((day) => [...(days.get(day)?.values() ?? [])].some((cell) => cell.some((v) => v !== 0)))
      .sort((a, b) => a - b);
    if (touched.length === 0) continue;
    const table = sql.table(ROLLED[which].table);
    const first = touched[0] as number;
    const last = touched.at(-1) as number;
    const wanted = new Set(touched);
    const stored = await sql<Record<string, string | number>>`
      select local_day, stage, ${sql.join(parts.map((p) => sql.ref(p)))} from ${table}
      where org_id = ${orgId} and local_day >= ${first} and local_day <= ${last}`.execute(tx);
    for (const row of stored.rows) {
      const day = Number(row.local_day);
      if (!wanted.has(day)) continue;
      const cell = cellOf(days, day, String(row.stage), parts.length);
      parts.forEach((part, i) => {
        cell[i] = (cell[i] as number) + Number(row[part]);
      });
    }
    const contiguous = touched.length === last - first + 1;
    for (let start = 0; start < touched.length; start += 1000) {
      const inDays = contiguous
        ? sql`local_day >= ${first} and local_day <= ${last}`
        : sql`local_day in (${sql.join(touched.slice(start, start + 1000).map((d) => sql.lit(d)))})`;
      await sql`delete from ${table} where org_id = ${orgId} and ${inDays}`.execute(tx);
      if (contiguous) break;
    }
    const rows: unknown[][] = [];
    for (const day of touched) {
      for (const [stage, cell] of days.get(day) ?? []) {
        // A row exists while it counts some deal: won or lost, or open deals.
        const deals = which === 'closed' ? (cell[0] as number) + (cell[1] as number) : (cell[0] as number);
        if (deals !== 0) rows.push([orgId, day, stage, ...cell]);
      }
    }
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const values = rows.slice(start, start + ROWS_PER_INSERT).map((row) => sql`(${sql.join(row)})`);
      await sql`insert into ${table} (org_id, local_day, stage, ${sql.join(parts.map((p) => sql.ref(p)))})
        values ${sql.join(values)}`.execute(tx);
    }
  }
}

/** Rebuilds one of the two tables for the whole org (the migrations' backfill). */
export function rebuildStageRollup(tx: Db, orgId: number, timeZone: string, which: keyof typeof ROLLED) {
  return refreshTable(tx, orgId, timeZone, undefined, ROLLED[which]);
}

async function refreshTable(
  tx: Db,
  orgId: number,
  timeZone: string,
  range: { fromMs: number; toMs: number } | undefined,
  rolled: (typeof ROLLED)[keyof typeof ROLLED],
): Promise<void> {
  const org = sql.lit(orgId);
  const table = sql.table(rolled.table);
  const time = sql.ref(rolled.time);
  let span: { from: number; to: number } | null;
  if (range) {
    span = { from: Math.min(range.fromMs, range.toMs), to: Math.max(range.fromMs, range.toMs) };
  } else {
    const edges = await sql<{ lo: number | null; hi: number | null }>`
      select min(${time}) as lo, max(${time}) as hi from deal
      where ${orgIs('org_id', orgId)} and ${rolled.where}`.execute(tx);
    const { lo, hi } = edges.rows[0] ?? { lo: null, hi: null };
    span = lo === null || hi === null ? null : { from: Number(lo), to: Number(hi) };
  }
  if (!span) {
    await sql`delete from ${table} where org_id = ${org}`.execute(tx);
    return;
  }
  const first = dayNumber(dayOf(span.from, timeZone));
  const last = dayNumber(dayOf(span.to, timeZone));
  const pieces = localDayPieces(first, last, timeZone);
  const startMs = pieces[0]?.fromMs ?? span.from;
  const endMs = pieces.at(-1)?.toMs ?? span.to + 1;
  if (range) {
    await sql`delete from ${table} where org_id = ${org}
      and local_day >= ${sql.lit(first)} and local_day <= ${sql.lit(last)}`.execute(tx);
  } else {
    await sql`delete from ${table} where org_id = ${org}`.execute(tx);
  }
  await sql`insert into ${table} (org_id, local_day, stage, ${rolled.columns})
    select ${org}, ${localDaySql(time, pieces)} as d, stage, ${rolled.sums}
    from deal
    where ${time} >= ${sql.lit(startMs)} and ${time} < ${sql.lit(endMs)}
      and ${orgIs('org_id', orgId)} and ${rolled.where}
    group by d, stage`.execute(tx);
}

/**
 * Won and lost deals per stage closed on the local days first..last (both
 * included, 'YYYY-MM-DD' in the time zone the rollups were built in), from
 * the rollup: the same counts as `closedDealsByStage` over those days' instants.
 */
export async function closedDealsByStageOnDays(
  db: Db,
  orgId: number,
  days: { first: string; last: string },
): Promise<ClosedAtStage[]> {
  const rows = await sql<{ stage: string; won: number; lost: number }>`
    select stage, sum(won) as won, sum(lost) as lost from ${sql.table(STAGE_OUTCOMES_TABLE)}
    where org_id = ${orgId} and local_day >= ${dayNumber(days.first)} and local_day <= ${dayNumber(days.last)}
    group by stage order by stage`.execute(db);
  return rows.rows.map((r) => ({ stage: r.stage, won: Number(r.won), lost: Number(r.lost) }));
}

/**
 * Each stage of the org's open deals with the mean CRM probability of those
 * that have one (null when none has), from the rollup: the same as
 * `openStageProbabilities` over the deals.
 */
export async function openStagesFromRollup(
  db: Db,
  orgId: number,
): Promise<Array<{ stage: string; meanProbability: number | null }>> {
  const rows = await sql<{ stage: string; total: number; counted: number }>`
    select stage, sum(probability_sum) as total, sum(probability_count) as counted
    from ${sql.table(OPEN_STAGES_TABLE)} where org_id = ${orgId}
    group by stage having sum(deals) > 0 order by stage`.execute(db);
  return rows.rows.map((r) => ({
    stage: r.stage,
    meanProbability: Number(r.counted) > 0 ? Number(r.total) / Number(r.counted) : null,
  }));
}

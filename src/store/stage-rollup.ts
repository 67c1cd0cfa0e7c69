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
 * range, all of them. Skipped when `sources` leaves deals out.
 */
export async function refreshStageOutcomes(
  tx: Db,
  orgId: number,
  timeZone: string,
  range: { fromMs: number; toMs: number } | undefined,
  sources?: readonly RollupSource[],
): Promise<void> {
  if (range && sources && !sources.includes('deal')) return;
  for (const rolled of Object.values(ROLLED)) await refreshTable(tx, orgId, timeZone, range, rolled);
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

/**
 * PostgreSQL figures (issue 10): the dashboard benchmark (dashboard.ts) and
 * one metric for one rep and one quarter, on a demo org generated straight
 * into PostgreSQL (`hadaf demo --scale N --db postgres://...`), each beside
 * a plain full-scan query in the same run (the answers checked equal).
 *
 *   node bin/run-ts.js bench/postgres.ts --db postgres://postgres@127.0.0.1:5432/hadaf_bench24 --scale 24
 */

import { sql } from 'kysely';
import { addDays, dayOf, parsePeriod, periodBounds } from '../src/core/periods/index.ts';
import { type Ctx, systemActor } from '../src/services/context.ts';
import { computeMetric } from '../src/services/metrics/index.ts';
import { openStore } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { listOrgs } from '../src/store/org-queries.ts';
import { benchDashboard } from './dashboard.ts';
import { type BenchRow, median, ms, runAlone, timeRuns } from './types.ts';

export interface PostgresBenchOptions {
  /** A postgres:// URL holding a generated demo org. */
  db: string;
  /** The demo scale it was generated at, for the row names. */
  scale: number | string;
  log?: (line: string) => void;
}

export async function benchPostgres(options: PostgresBenchOptions): Promise<BenchRow[]> {
  const label = `PostgreSQL, scale ${options.scale}`;
  const rows = await benchDashboard({ db: options.db, label, log: options.log });
  rows.push(await oneRepOneQuarter(options.db, label, options.log ?? (() => {})));
  return rows;
}

/** Revenue of the busiest rep over the last whole quarter with won deals, warm median, against a scan. */
async function oneRepOneQuarter(url: string, label: string, log: (line: string) => void): Promise<BenchRow> {
  const store = await openStore(url);
  try {
    if (store.dialect !== 'postgres') throw new Error('bench/postgres.ts measures a postgres:// database.');
    await migrateToLatest(store.db);
    const [org] = await listOrgs(store.db);
    if (!org) throw new Error(`No org in ${url}: generate one with \`hadaf demo --db ${url}\`.`);
    const ctx: Ctx = { db: store.db, dialect: 'postgres', org, actor: systemActor('bench'), now: Date.now() };
    const counts = await sql<{
      deals: string;
    }>`select count(*) as deals from deal where org_id = ${org.id}`.execute(store.db);
    log(`${label}: ${Number(counts.rows[0]?.deals ?? 0).toLocaleString('en')} deals`);
    const last = await sql<{ last: string | null }>`
      select max(closed_at) as last from deal where org_id = ${org.id} and status = 'won'`.execute(store.db);
    const lastDay = dayOf(Number(last.rows[0]?.last ?? 0), org.timeZone);
    const quarterOf = (day: string) =>
      parsePeriod(`${day.slice(0, 4)}-Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`, org);
    const current = quarterOf(lastDay);
    const quarter = lastDay === current.end ? current : quarterOf(addDays(current.start, -1));
    const { startMs, endMs } = periodBounds(quarter, org.timeZone);
    const busiest = await sql<{ owner_id: number }>`
      select owner_id from deal where org_id = ${org.id} and status = 'won'
        and closed_at >= ${startMs} and closed_at < ${endMs} and owner_id is not null
      group by owner_id order by count(*) desc, owner_id limit 1`.execute(store.db);
    const rep = Number(busiest.rows[0]?.owner_id);
    const input = { metric: 'revenue', scope: { type: 'rep' as const, id: rep }, period: quarter.label };
    // the plain reference: the sum over the deal table with index scans turned off
    const scan = () =>
      store.db.transaction().execute(async (tx) => {
        await sql`set local enable_indexscan = off`.execute(tx);
        await sql`set local enable_bitmapscan = off`.execute(tx);
        await sql`set local enable_indexonlyscan = off`.execute(tx);
        const { rows } = await sql<{ v: string | null }>`select sum(amount) as v from deal
          where org_id = ${org.id} and owner_id = ${rep} and status = 'won'
            and closed_at >= ${startMs} and closed_at < ${endMs}`.execute(tx);
        return Number(rows[0]?.v ?? 0);
      });
    const ours = await computeMetric({ ctx, input });
    const scanned = await scan();
    if (ours.value !== scanned)
      throw new Error(`revenue of rep ${rep}: Hadaf ${ours.value}, the scan ${scanned}`);
    const figure = median(await timeRuns(30, () => computeMetric({ ctx, input })));
    const reference = median(await timeRuns(3, scan));
    return {
      name: `revenue, one rep, one quarter (${quarter.label}), ${label}`,
      figure: `${ms(figure)} warm (source: ${ours.source})`,
      target: '≤ 20 ms warm, ≥ 10× the scan',
      reference: `${ms(reference)} full scan (sequential)`,
      ratio: `${(reference / figure).toFixed(1)}× faster than the scan`,
    };
  } finally {
    await store.close();
  }
}

await runAlone(
  import.meta.url,
  'bench/postgres.ts --db <postgres url> --scale <N it was generated at>',
  ({ db, option, log }) => benchPostgres({ db, scale: option('--scale') ?? '?', log }),
);

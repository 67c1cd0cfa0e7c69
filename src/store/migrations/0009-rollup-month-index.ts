import type { Kysely } from 'kysely';

/**
 * Covering indexes for the monthly rollups, so that a breakdown over whole
 * months (all reps × 12 months) reads index entries in (org, month, owner)
 * order: grouped as they come, with no sort and no lookup of the table row
 * (metric-rollup.ts reads single whole months this way). They replace the
 * (org_id, local_day) and (org_id, dim, local_day) indexes of 0002, which
 * are their prefixes. Monthly tables are small (about one row per owner,
 * team and month), so the copy of their parts costs little. An index builds
 * itself from the rows already there: nothing to backfill.
 *
 * The part lists are those of 0002 (a migration does not change with the code).
 */

const PARTS: Record<string, string[]> = {
  deal: ['deals_created', 'deals_won', 'won_amount', 'won_units', 'won_cycle_ms', 'deals_lost'],
  lead: ['leads_created', 'mqls', 'sqls', 'leads_converted', 'converted_ms'],
  account: ['customers_acquired', 'customers_churned', 'mrr_started', 'mrr_ended', 'mrr_churned'],
  activity: ['calls', 'emails', 'meetings', 'discovery_calls', 'qualified_conversations', 'demos_booked'],
  coaching: ['coaching_seconds', 'trainings'],
};
const WITH_DIMS = new Set(['deal', 'lead', 'account']);

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [source, parts] of Object.entries(PARTS)) {
    const owner = `rollup_${source}_month`;
    await db.schema
      .createIndex(`${owner}_cover`)
      .ifNotExists()
      .on(owner)
      .columns(['org_id', 'local_day', 'owner_id', 'team_id', ...parts])
      .execute();
    await db.schema.dropIndex(`${owner}_org_day`).ifExists().execute();
    if (!WITH_DIMS.has(source)) continue;
    const dim = `rollup_${source}_dim_month`;
    await db.schema
      .createIndex(`${dim}_cover`)
      .ifNotExists()
      .on(dim)
      .columns(['org_id', 'dim', 'local_day', 'value', 'team_id', ...parts])
      .execute();
    await db.schema.dropIndex(`${dim}_org_dim_day`).ifExists().execute();
  }
}

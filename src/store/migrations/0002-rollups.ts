import { type CreateTableBuilder, type Kysely, type SqlBool, sql } from 'kysely';

/**
 * The daily and monthly rollups that metrics read (see src/store/rollups.ts),
 * and the fact indexes their refresh and the metric queries need.
 *
 * Why these keys (STACK.md measured the alternatives): a rollup keyed by
 * every filter dimension barely compresses, so each source has
 * - an owner rollup keyed by (local day, owner, team): scopes, reps, teams;
 * - a dimension rollup keyed by (dimension, value, local day, team), without
 *   the owner, which is what would make it as big as the facts;
 * each at a daily grain and a monthly one (whole months inside a period are
 * read from the monthly table, 30× fewer rows). Parts are integer sums, so
 * reading them back in any grouping gives exactly the raw answer.
 * The column lists must match metric-sources.ts (a test checks they do).
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
  const index = (name: string, on: string, columns: string[], where?: string) => {
    const b = db.schema.createIndex(name).ifNotExists().on(on).columns(columns);
    return (where ? b.where(sql.raw<SqlBool>(where)) : b).execute();
  };
  const withParts = <T extends string>(t: CreateTableBuilder<T, never>, source: string) =>
    (PARTS[source] as string[]).reduce(
      (table, part) => table.addColumn(part, 'bigint', (c) => c.notNull().defaultTo(0)),
      t,
    );
  const orgRef = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t.addColumn('org_id', 'integer', (c) => c.notNull().references('org.id').onDelete('cascade'));

  for (const source of Object.keys(PARTS)) {
    for (const grain of ['day', 'month']) {
      // local_day: days since 1970-01-01 on the org's calendar; for a monthly row, the month's first day.
      const owner = `rollup_${source}_${grain}`;
      await withParts(
        orgRef(db.schema.createTable(owner).ifNotExists())
          .addColumn('local_day', 'integer', (c) => c.notNull())
          .addColumn('owner_id', 'integer')
          .addColumn('team_id', 'integer'),
        source,
      ).execute();
      await index(`${owner}_org_day`, owner, ['org_id', 'local_day']);
      await index(`${owner}_owner_day`, owner, ['owner_id', 'local_day']);
      await index(`${owner}_team_day`, owner, ['team_id', 'local_day']);
      if (!WITH_DIMS.has(source)) continue;
      const dim = `rollup_${source}_dim_${grain}`;
      await withParts(
        orgRef(db.schema.createTable(dim).ifNotExists())
          .addColumn('dim', 'text', (c) => c.notNull())
          .addColumn('value', 'text')
          .addColumn('local_day', 'integer', (c) => c.notNull())
          .addColumn('team_id', 'integer'),
        source,
      ).execute();
      await index(`${dim}_org_dim_day`, dim, ['org_id', 'dim', 'local_day']);
    }
  }

  // Which zone an org's rollups were built in: reads fall back to the facts when it is not the org's zone.
  await db.schema
    .createTable('rollup_state')
    .ifNotExists()
    .addColumn('org_id', 'integer', (c) => c.primaryKey().references('org.id').onDelete('cascade'))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('refreshed_at', 'bigint', (c) => c.notNull())
    .execute();

  // Refreshing a few days finds their rows through these; time first, as in 0001 (STACK.md).
  await index('lead_mql', 'lead', ['mql_at', 'org_id'], 'mql_at is not null');
  await index('lead_sql', 'lead', ['sql_at', 'org_id'], 'sql_at is not null');
  await index('lead_converted', 'lead', ['converted_at', 'org_id'], 'converted_at is not null');
  await index('account_churned', 'account', ['churned_at', 'org_id'], 'churned_at is not null');
  await index('subscription_started', 'subscription', ['started_at', 'org_id']);
  await index('subscription_ended', 'subscription', ['ended_at', 'org_id'], 'ended_at is not null');
  await index('activity_booked', 'activity', ['booked_at', 'org_id'], 'booked_at is not null');
  // The new-customer touch rule looks up each new account's activities.
  await index('activity_account_occurred', 'activity', ['account_id', 'occurred_at']);
  // Pipeline coverage reads the open deals expected to close in a period.
  await index('deal_open_expected', 'deal', ['expected_close_at', 'org_id'], "status = 'open'");
}

import { type Kysely, sql } from 'kysely';
import type { Db } from '../db.ts';
import { rebuildStageRollup } from '../stage-rollup.ts';

/**
 * Open deals per org, local day of creation and stage, with the sum and
 * count of their CRM probabilities (stage-rollup.ts): the mean probability
 * that puts open stages in pipeline order, read from a few thousand rows
 * instead of every open deal. Backfilled here, in SQL, for every org whose
 * rollups are built, in the time zone they were built in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rollup_deal_open_day')
    .ifNotExists()
    .addColumn('org_id', 'integer', (c) => c.notNull().references('org.id').onDelete('cascade'))
    .addColumn('local_day', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('deals', 'bigint', (c) => c.notNull())
    .addColumn('probability_sum', 'bigint', (c) => c.notNull())
    .addColumn('probability_count', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_deal_open_day_pk', ['org_id', 'local_day', 'stage'])
    .execute();
  const built = await sql<{ org_id: number; time_zone: string }>`
    select org_id, time_zone from rollup_state order by org_id`.execute(db);
  for (const { org_id, time_zone } of built.rows) {
    await rebuildStageRollup(db as unknown as Db, Number(org_id), time_zone, 'open');
  }
}

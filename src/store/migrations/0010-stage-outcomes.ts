import { type Kysely, sql } from 'kysely';
import type { Db } from '../db.ts';
import { rebuildStageRollup } from '../stage-rollup.ts';

/**
 * Won and lost deals per org, local day of closing and stage
 * (stage-rollup.ts): the pipeline forecast's stage win rates read a year of
 * these instead of a year of deals. Backfilled here, in SQL, for every org
 * whose rollups are built, in the time zone they were built in; an org
 * without rollups gets its rows with its first rollup build.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rollup_deal_stage_day')
    .ifNotExists()
    .addColumn('org_id', 'integer', (c) => c.notNull().references('org.id').onDelete('cascade'))
    .addColumn('local_day', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('won', 'bigint', (c) => c.notNull())
    .addColumn('lost', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollup_deal_stage_day_pk', ['org_id', 'local_day', 'stage'])
    .execute();
  const built = await sql<{ org_id: number; time_zone: string }>`
    select org_id, time_zone from rollup_state order by org_id`.execute(db);
  for (const { org_id, time_zone } of built.rows) {
    await rebuildStageRollup(db as unknown as Db, Number(org_id), time_zone, 'closed');
  }
}

import { type Kysely, type SqlBool, sql } from 'kysely';

/**
 * Indexes on the columns that refer to deals, leads and accounts. Deleting
 * a deal sets the deal_id of its activities to null: without an index the
 * database looks for them through every activity of every org (3.9 s of a
 * deal's deletion at scale 240, 43M activities). Partial: most rows refer
 * to nothing, and `deal_id = ?` implies `deal_id is not null`, so both
 * databases use them for these lookups.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const index = (name: string, on: string, column: string) =>
    db.schema
      .createIndex(name)
      .ifNotExists()
      .on(on)
      .column(column)
      .where(sql.raw<SqlBool>(`${column} is not null`))
      .execute();
  await index('activity_deal', 'activity', 'deal_id');
  await index('activity_lead', 'activity', 'lead_id');
  await index('deal_account', 'deal', 'account_id');
  await index('lead_account', 'lead', 'account_id');
}

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshStore, type TestStore } from '../helpers/stores.ts';

/**
 * Deleting a deal, lead or account sets the references to it to null: the
 * database finds those rows by the reference column, which migration 0012
 * indexes (partially, where it is set). SQLite's plan for that lookup must
 * name the index; without it, a deletion reads every activity of every org.
 */
describe('indexes on references (SQLite)', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore('sqlite');
  });
  afterAll(() => store?.drop());

  it.each([
    ['activity', 'deal_id', 'activity_deal'],
    ['activity', 'lead_id', 'activity_lead'],
    ['deal', 'account_id', 'deal_account'],
    ['lead', 'account_id', 'lead_account'],
  ])('finds the %s rows of a %s through %s', async (table, column, index) => {
    const { rows } = await sql<{ detail: string }>`
      explain query plan select id from ${sql.table(table)} where ${sql.ref(column)} = ${7}`.execute(
      store.db,
    );
    expect(rows.map((r) => r.detail).join('; ')).toContain(`INDEX ${index} (${column}=?)`);
  });
});

import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../../src/store/db.ts';

/** Columns a request may move without changing anything a user owns: a session's sliding expiry. */
const volatileColumns: Record<string, string[]> = { session: ['expires_at'] };

/** The tables of the store, found at run time so new tables are covered. */
export async function tableNames(store: Store): Promise<string[]> {
  const query =
    store.dialect === 'sqlite'
      ? sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`
      : sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`;
  return (await query.execute(store.db)).rows.map((r) => r.name);
}

/**
 * Every table's row count and a hash of its rows (order-independent, volatile
 * columns left out): equal fingerprints mean no row was added, removed or changed.
 */
export async function fingerprint(store: Store): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const table of await tableNames(store)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db);
    const skip = new Set(volatileColumns[table] ?? []);
    const lines = rows
      .map((row) =>
        JSON.stringify(
          Object.entries(row).filter(([column]) => !skip.has(column)),
          (_k, v) => (typeof v === 'bigint' ? String(v) : v instanceof Date ? v.getTime() : v),
        ),
      )
      .sort();
    const hash = createHash('sha256');
    for (const line of lines) hash.update(line).update('\n');
    result[table] = `${rows.length}:${hash.digest('hex').slice(0, 16)}`;
  }
  return result;
}

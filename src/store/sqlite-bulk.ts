import { sql } from 'kysely';
import type { Db } from './db.ts';
import type { Dialect } from './dialect.ts';

/** Page cache for a bulk load, in KiB: sorts of index builds and rollups stay in memory. */
const BULK_CACHE_KIB = 512 * 1024;

/**
 * Runs a load of millions of rows (one transaction inside `work`) on SQLite
 * with a rollback journal instead of the write-ahead log, then returns to WAL.
 *
 * In WAL mode every page the transaction writes goes to the log first, and a
 * read of a page that spilled from the cache looks it up in the log's index,
 * one hash table per 4,096 pages, newest first. At 5M deals the log reaches
 * about 10 GB and 2.5M pages, so each page read searches hundreds of hash
 * tables: the load slows as it grows and its index builds and rollups crawl.
 * With a rollback journal, pages added past the file's old end are written
 * in place and never journaled (a rollback truncates them), so a load into a
 * fresh file writes each page once and is still all or nothing.
 *
 * Leaving WAL needs the only connection to the file; when another one holds
 * it (a running server), the load simply runs in WAL mode. PostgreSQL and
 * in-memory databases run `work` as it is.
 */
export async function withBulkLoadJournal<T>(
  store: { db: Db; dialect: Dialect },
  work: () => Promise<T>,
): Promise<T> {
  if (store.dialect !== 'sqlite' || (await journalMode(store.db)) !== 'wal') return work();
  const { db } = store;
  const cache = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  const before = cache.rows[0]?.cache_size ?? -2000;
  const left = await setJournalMode(db, 'delete');
  await sql.raw(`pragma cache_size = -${BULK_CACHE_KIB}`).execute(db);
  try {
    return await work();
  } finally {
    await sql.raw(`pragma cache_size = ${Number(before)}`).execute(db);
    if (left) await setJournalMode(db, 'wal');
  }
}

async function journalMode(db: Db): Promise<string> {
  const { rows } = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
  return String(rows[0]?.journal_mode ?? '').toLowerCase();
}

/** True when SQLite switched; false when another connection keeps the file in its mode. */
async function setJournalMode(db: Db, mode: 'delete' | 'wal'): Promise<boolean> {
  try {
    const { rows } = await sql.raw<{ journal_mode: string }>(`pragma journal_mode = ${mode}`).execute(db);
    return String(rows[0]?.journal_mode ?? '').toLowerCase() === mode;
  } catch {
    return false; // SQLITE_BUSY: another connection has the file open in WAL mode
  }
}

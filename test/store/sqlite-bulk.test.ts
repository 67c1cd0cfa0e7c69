import { existsSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { withBulkLoadJournal } from '../../src/store/sqlite-bulk.ts';
import { freshStore, type TestStore } from '../helpers/stores.ts';

const journalMode = async (store: TestStore) =>
  (await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db)).rows[0]?.journal_mode;

describe('withBulkLoadJournal (SQLite)', () => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('loads with a rollback journal and returns the file to WAL, keeping the rows', async () => {
    store = await freshStore('sqlite');
    const seen = await withBulkLoadJournal(store, async () => {
      const mode = await journalMode(store);
      await store.db.transaction().execute(async (tx) => {
        await sql`create table t (n integer)`.execute(tx);
        await sql`insert into t values (1), (2), (3)`.execute(tx);
      });
      return mode;
    });
    expect(seen).toBe('delete');
    expect(await journalMode(store)).toBe('wal');
    const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(store.db);
    expect(rows[0]?.n).toBe(3);
  });

  it('rolls the whole load back when the work fails, and still returns to WAL', async () => {
    store = await freshStore('sqlite');
    await sql`create table t (n integer)`.execute(store.db);
    const failing = withBulkLoadJournal(store, () =>
      store.db.transaction().execute(async (tx) => {
        await sql`insert into t values (1), (2)`.execute(tx);
        throw new Error('the load failed halfway');
      }),
    );
    await expect(failing).rejects.toThrow('the load failed halfway');
    expect(await journalMode(store)).toBe('wal');
    expect(existsSync(`${store.location}-journal`)).toBe(false);
    const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(store.db);
    expect(rows[0]?.n).toBe(0);
  });

  it('stays in WAL mode when another connection has the file open', async () => {
    store = await freshStore('sqlite');
    const other = new SQLite(store.location);
    try {
      other.prepare('select count(*) from sqlite_master').get();
      const seen = await withBulkLoadJournal(store, () => journalMode(store));
      expect(seen).toBe('wal');
      expect(await journalMode(store)).toBe('wal');
    } finally {
      other.close();
    }
  });
});

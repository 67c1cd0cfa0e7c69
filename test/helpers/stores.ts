import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/db.ts';
import type { Dialect } from '../../src/store/dialect.ts';
import { migrateToLatest } from '../../src/store/migrate.ts';

/**
 * The dialect matrix, as in Kysely's own tests: SQLite always, PostgreSQL
 * whenever DATABASE_URL points at a server. Use with `describe.each(dialects)`.
 */
export const dialects: Dialect[] = process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

export interface TestStore extends Store {
  /** Closes the connection and deletes the database. */
  drop(): Promise<void>;
}

/** A new, empty, migrated database of the given dialect, private to the caller. */
export async function freshStore(dialect: Dialect, { migrate = true } = {}): Promise<TestStore> {
  const store = dialect === 'sqlite' ? await freshSqlite() : await freshPostgres();
  if (migrate) await migrateToLatest(store.db);
  return store;
}

async function freshSqlite(): Promise<TestStore> {
  const dir = mkdtempSync(join(tmpdir(), 'hadaf-test-'));
  const store = await openStore(join(dir, 'test.db'));
  return {
    ...store,
    async drop() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshPostgres(): Promise<TestStore> {
  const adminUrl = process.env.DATABASE_URL as string;
  const name = `hadaf_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const store = await openStore(url.toString());
  return {
    ...store,
    async drop() {
      await store.close();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminQuery(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

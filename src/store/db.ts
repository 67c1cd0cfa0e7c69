import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { HadafError } from '../core/errors.ts';
import type { Dialect } from './dialect.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

export interface Store {
  db: Db;
  dialect: Dialect;
  /** Where the data lives, with any password removed: safe to print. */
  location: string;
  close(): Promise<void>;
}

export const defaultDbLocation = './data/hadaf.db';

// int8 (epoch ms, money in minor units, COUNT) and numeric (SUM, AVG) come back
// from pg as strings; parse them so both dialects return plain numbers.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** Opens the database named by `location`: a postgres:// URL or a SQLite file path. */
export async function openStore(location: string = defaultDbLocation): Promise<Store> {
  if (/^postgres(ql)?:/i.test(location)) return openPostgres(location);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new HadafError(
      'invalid_input',
      `Unsupported database URL "${redact(location)}": use a postgres:// URL or a SQLite file path.`,
      'db',
    );
  }
  return openSqlite(location);
}

function openSqlite(path: string): Store {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      throw new HadafError(
        'invalid_input',
        `Cannot create the folder for the database "${path}": ${(error as Error).message}`,
        'db',
      );
    }
    if (exists(file) && statSync(file).isDirectory()) {
      throw new HadafError('invalid_input', `"${path}" is a folder, not a database file.`, 'db');
    }
  }
  let connection: SQLite.Database;
  try {
    connection = new SQLite(file);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    connection.pragma('foreign_keys = ON');
    connection.pragma('busy_timeout = 10000');
    connection.pragma('mmap_size = 1073741824');
  } catch (error) {
    throw new HadafError(
      'invalid_input',
      `Cannot open the SQLite database "${path}": ${(error as Error).message}`,
      'db',
    );
  }
  const db = new Kysely<Database>({
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(connection) }),
  });
  return { db, dialect: 'sqlite', location: file, close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew, and better-sqlite3's prepare costs about a
 * fifth of a bulk insert's CPU. Repeated SQL (batched inserts, the metric
 * queries of a dashboard) reuses its prepared statement. A statement still
 * iterating a streamed read is busy, so the same SQL then gets a fresh one.
 */
function withStatementCache(connection: SQLite.Database, size = 256) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => connection.close(),
    prepare(text: string): SQLite.Statement {
      const cached = cache.get(text);
      if (cached?.busy) return connection.prepare(text);
      if (cached) {
        // most recently used last, so the oldest is evicted first
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = connection.prepare(text);
      cache.set(text, statement);
      if (cache.size > size) cache.delete(cache.keys().next().value as string);
      return statement;
    },
  };
}

/**
 * SQLite transactions start with BEGIN IMMEDIATE. A plain (deferred) BEGIN reads
 * from a snapshot first; if another process commits before this transaction
 * writes, SQLite cannot upgrade the snapshot to a write lock and fails at once
 * with "database is locked" (SQLITE_BUSY_SNAPSHOT): busy_timeout never gets to
 * wait. IMMEDIATE takes the write lock up front, so a second writer waits in
 * busy_timeout instead (test/faults/two-sqlite-writers.test.ts).
 * `db.transaction().setAccessMode('read only')` keeps the deferred BEGIN: a
 * consistent snapshot for reading that blocks no writer.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings) {
    const mode = settings?.accessMode === 'read only' ? 'deferred' : 'immediate';
    await connection.executeQuery(CompiledQuery.raw(`begin ${mode}`));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.#config);
  }
}

async function openPostgres(url: string): Promise<Store> {
  try {
    new URL(url);
  } catch {
    throw new HadafError('invalid_input', `"${redact(url)}" is not a valid postgres:// URL.`, 'db');
  }
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client that the server drops must not crash the process.
  pool.on('error', () => {});
  // A terminated backend (pg_terminate_backend, shutdown) sends a FATAL error
  // before closing its socket. Ending the client at once makes the pool discard
  // it on release; otherwise the next request could take it from the pool before
  // the close arrives and fail too (test/faults/postgres-connection-drop.test.ts).
  pool.on('connect', (client) => {
    client.connection.on('errorMessage', (message: { severity?: string }) => {
      if (message.severity === 'FATAL') client.end().catch(() => {});
    });
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new HadafError(
      'unavailable',
      `Cannot reach PostgreSQL at ${redact(url)}: ${(error as Error).message}`,
      'db',
    );
  }
  return { db, dialect: 'postgres', location: redact(url), close: () => db.destroy() };
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Removes the password from a database URL so it can be printed. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

/** Runs `work` in a transaction, joining the caller's when `db` already is one (Kysely cannot nest them). */
export function inTransaction<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, type PostgresPool, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from './db.ts';
import type { Database } from './schema.ts';

/**
 * Fast loading into PostgreSQL: COPY ... FROM STDIN in COPY's text format,
 * one statement per table however many rows it gets, fed in chunks of whole
 * lines. PostgreSQL parses text rows several times faster than a client can
 * send them as parameters of multi-row INSERTs, so the cost left is making
 * the text: `copyText` makes it from rows in memory (a generator, an
 * importer), `sqliteCopyChunks` has SQLite make it from a table, in C,
 * without a JavaScript value per row (bench/copy.ts).
 *
 * COPY runs on a plain pg client, which Kysely does not hand out, so
 * `openPgSession` opens one client and a Kysely over that same client: the
 * caller's transaction, DDL and COPY then share one session.
 */

export interface PgSession {
  /** The session's one connection: pass it to `copyIn`. */
  client: pg.Client;
  /** Kysely over the same connection; a transaction begun here also holds every `copyIn` run meanwhile. */
  db: Db;
  close(): Promise<void>;
}

/** One PostgreSQL connection, for Kysely and COPY alike. */
export async function openPgSession(url: string): Promise<PgSession> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Kysely takes its connection from a pool: this one always lends the same client.
  const lent = Object.assign(client, { release() {} });
  const pool: PostgresPool = { connect: async () => lent, end: async () => {} };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    client,
    db,
    async close() {
      await db.destroy();
      await client.end();
    },
  };
}

/**
 * Streams `chunks` of COPY text (each made of whole lines, see `copyText`)
 * into `columns` of `table` as one COPY statement, and returns the number of
 * rows PostgreSQL stored. Foreign keys of an immediate constraint are checked
 * at the end of the statement, so a row may come before a parent in the same
 * table. A chunk source that throws aborts the COPY (CopyFail): the statement
 * stores nothing, and the caller's transaction can roll back as usual.
 * `freeze` after `emptyForFreeze` only.
 */
export async function copyIn(
  client: pg.ClientBase,
  table: string,
  columns: readonly string[],
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  { freeze = false } = {},
): Promise<number> {
  const statement = `copy ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) from stdin${freeze ? ' with (freeze)' : ''}`;
  const stream = client.query(copyFrom(statement));
  // two chunks read ahead: the next one is made while PostgreSQL parses this one
  await pipeline(Readable.from(chunks, { highWaterMark: 2 }), stream);
  return stream.rowCount;
}

/**
 * Empties `table` in the current transaction so that the next COPY into it
 * may be a COPY ... FREEZE: its rows go in frozen and their pages marked
 * all-visible, so nothing rewrites every page later (hint bits on the first
 * read, the vacuum that freezes) and index-only scans work from the first
 * query instead of after the first vacuum. PostgreSQL allows FREEZE only into
 * a table created or truncated in the same transaction. The table must hold
 * no row, which is checked under an exclusive lock (held until the
 * transaction ends) before the TRUNCATE. Returns false, changing nothing,
 * when a foreign key of another table refers to it, as TRUNCATE refuses then.
 */
export async function emptyForFreeze(trx: Db, table: string): Promise<boolean> {
  const { rows: referrers } = await sql`select 1 from pg_constraint
    where contype = 'f' and confrelid = ${quoteIdent(table)}::regclass and conrelid <> confrelid
    limit 1`.execute(trx);
  if (referrers.length > 0) return false;
  await sql`lock table ${sql.table(table)} in access exclusive mode`.execute(trx);
  const { rows } = await sql`select 1 from ${sql.table(table)} limit 1`.execute(trx);
  if (rows.length > 0) throw new Error(`table ${table} holds rows, which a load that freezes would remove`);
  await sql`truncate ${sql.table(table)}`.execute(trx);
  return true;
}

/**
 * Rows as COPY text: one line each, values separated by tabs, `\N` for null
 * (or undefined), backslash, tab, newline and carriage return escaped.
 * Numbers are written in JavaScript's shortest round-trip form, so a
 * double precision column gets the very same double back; booleans as t/f;
 * bigints exactly; bytes (for bytea) as \x hex; dates as ISO text; any other
 * object as JSON, as pg does with a query parameter.
 */
export function copyText(rows: Iterable<readonly unknown[]>): string {
  let text = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      if (i > 0) text += '\t';
      text += copyValue(row[i]);
    }
    text += '\n';
  }
  return text;
}

const special = /[\\\t\n\r]/;
const specials = /[\\\t\n\r]/g;
const escapes: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One value in COPY's text format (see `copyText`). */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return String(value);
    case 'string':
      return special.test(value) ? value.replace(specials, (c) => escapes[c] as string) : value;
    case 'boolean':
      return value ? 't' : 'f';
  }
  if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value).toString('hex')}`;
  if (value instanceof Date) return value.toISOString();
  return copyValue(JSON.stringify(value));
}

/** A column to load: its name and its PostgreSQL type as information_schema.columns.data_type says it ('bigint', 'text'...). */
export interface CopyColumn {
  name: string;
  type: string;
}

const integerTypes = new Set(['smallint', 'integer', 'bigint']);
const textTypes = new Set(['text', 'character varying', 'character']);

/**
 * SQLite's expression for one row of `columns` as a line of COPY text (the
 * newline included), with `copyValue`'s rules, decided per value since a
 * SQLite column may hold a value of any type: integers exact to 64 bits,
 * reals with 17 significant digits (enough to give the same double back),
 * text escaped, blobs as \x hex. The column's type picks a shortcut for the
 * values it expects, which saves SQLite about a third of its time: an integer
 * column passes numbers as they are (a real there is no integer, and
 * PostgreSQL rejects it as it would anyway), a text column escapes only text
 * that holds a special character.
 */
export function sqliteCopyLine(columns: readonly CopyColumn[]): string {
  const value = ({ name, type }: CopyColumn) => {
    const c = quoteIdent(name);
    const escaped = `replace(replace(replace(replace(${c}, '\\', '\\\\'), char(9), '\\t'), char(10), '\\n'), char(13), '\\r')`;
    const anyType = `case typeof(${c}) when 'integer' then ${c} when 'null' then '\\N' when 'text' then ${escaped} when 'real' then printf('%!.17g', ${c}) else '\\\\x' || hex(${c}) end`;
    // numbers sort before text and blobs in SQLite, so this holds for integers and reals only
    if (integerTypes.has(type)) return `case when ${c} <= 9223372036854775807 then ${c} else ${anyType} end`;
    if (textTypes.has(type)) {
      return `case when ${c} is null then '\\N' when ${c} glob '*[' || char(92, 9, 10, 13) || ']*' then ${escaped} else ${c} end`;
    }
    return anyType;
  };
  return `concat_ws(char(9), ${columns.map(value).join(', ')}) || char(10)`;
}

/**
 * Whether this SQLite can make COPY text (`sqliteCopyChunks`): concat_ws came
 * in 3.44, and exact float-to-text conversion in 3.43 (before, the 17th digit
 * could be off by one). Otherwise, read rows and use `copyText`.
 */
export function sqliteMakesCopyText(connection: SQLite.Database): boolean {
  const version = connection.prepare('select sqlite_version()').pluck().get() as string;
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 3 || (major === 3 && minor >= 44);
}

export interface CopyChunk {
  /** Whole lines of COPY text, as UTF-8 bytes. */
  bytes: Buffer;
  rows: number;
}

/**
 * A SQLite table as chunks of COPY text of up to `rowsPerChunk` rows, in
 * rowid order, each chunk made by one query: SQLite formats and joins the
 * lines, and hands the chunk over as bytes, ready for the socket (as a
 * string it would be decoded and encoded again, a quarter more work). Read
 * inside one transaction on `connection` to see one snapshot across queries
 * and tables.
 */
export function* sqliteCopyChunks(
  connection: SQLite.Database,
  table: string,
  columns: readonly CopyColumn[],
  rowsPerChunk: number,
): Generator<CopyChunk> {
  const chunk = connection
    .prepare(
      `select max(r), count(*), cast(group_concat(line, '') as blob) from (
         select rowid as r, ${sqliteCopyLine(columns)} as line from ${quoteIdent(table)}
          where rowid > ? order by rowid limit ?)`,
    )
    .raw(true)
    // rowids are 64-bit: keep the last one exact to start the next chunk after it
    .safeIntegers(true);
  let after = -(2n ** 63n);
  for (;;) {
    const [last, rows, bytes] = chunk.get(after, rowsPerChunk) as [bigint | null, bigint, Buffer | null];
    if (last === null || bytes === null) return;
    after = last;
    yield { bytes, rows: Number(rows) };
  }
}

/** An identifier quoted for both dialects. */
function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

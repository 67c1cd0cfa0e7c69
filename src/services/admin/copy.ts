import { resolve } from 'node:path';
import type SQLite from 'better-sqlite3';
import { CompiledQuery, sql } from 'kysely';
import type pg from 'pg';
import { HadafError, invalid } from '../../core/errors.ts';
import { syncIdSequences, type TableName, withIndexesDeferred } from '../../store/bulk-insert.ts';
import { type Db, openStore, type Store } from '../../store/db.ts';
import { latestMigration, migrateToLatest } from '../../store/migrate.ts';
import {
  type CopyChunk,
  type CopyColumn,
  copyIn,
  copyText,
  emptyForFreeze,
  openPgSession,
  sqliteCopyChunks,
  sqliteMakesCopyText,
} from '../../store/pg-load.ts';
import {
  describeTables,
  executedMigrations,
  insertOrder,
  type TableShape,
  tablesWithRows,
} from './schema.ts';
import { fileKind, isPostgresUrl, openHadafFile } from './sqlite-files.ts';

export interface CopyInput {
  /** Source: a SQLite file path or a postgres:// URL. */
  from: string;
  /** Target: a SQLite file path or a postgres:// URL; must hold no data. */
  to: string;
  /**
   * Rows read per query. Into PostgreSQL they go on as one chunk of one COPY
   * per table; into SQLite in inserts of at most 250 rows.
   */
  batchSize?: number;
  /** Called after every batch; throwing from it aborts the copy and leaves the target empty. */
  onProgress?: (progress: CopyProgress) => void;
  /** Called once every row is in, before the indexes and foreign keys are rebuilt: on a large copy, minutes more. */
  onRebuild?: () => void;
}

export interface CopyProgress {
  table: string;
  copied: number;
  total: number;
}

export interface CopyResult {
  from: string;
  to: string;
  migration: string;
  /** Every table in the order it was copied, with its row count. */
  tables: Array<{ name: string; rows: number }>;
}

/** Both SQLite (32,766) and PostgreSQL (65,535) cap the parameters of one statement. */
const maxParameters = 30_000;
/** Multi-row inserts into SQLite gain little past a few hundred rows (STACK.md). */
const rowsPerStatement = 250;

/**
 * Copies every table of one Hadaf database into another, across dialects:
 * tables are found in the schema at run time and copied in foreign-key order,
 * ids kept, in batches, all inside one transaction on the target (all or
 * nothing) while the source is read from one consistent snapshot. Into
 * PostgreSQL each table is one COPY statement (src/store/pg-load.ts).
 */
export async function copyDatabase({
  from,
  to,
  batchSize = 10_000,
  onProgress,
  onRebuild,
}: CopyInput): Promise<CopyResult> {
  if (sameLocation(from, to)) throw invalid('--from and --to name the same database.', 'to');
  if (!isPostgresUrl(from) && fileKind(resolve(from)) !== 'file') {
    throw new HadafError('not_found', `No database at "${from}".`, 'from');
  }
  const source = await openStore(from);
  try {
    await checkSource(source);
    const target = await openStore(to);
    try {
      await migrateToLatest(target.db);
      const filled = await tablesWithRows(target.db, target.dialect);
      if (filled.length > 0) {
        throw new HadafError(
          'conflict',
          `The target ${target.location} already holds data (tables ${filled.join(', ')}): copy only into an empty database.`,
          'to',
        );
      }
      const tables = insertOrder(await describeTables(target.db, target.dialect));
      await checkSameTables(source, tables);
      const counts = await copyAll(source, target, to, tables, batchSize, { onProgress, onRebuild });
      return { from: source.location, to: target.location, migration: latestMigration(), tables: counts };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

function sameLocation(a: string, b: string): boolean {
  return isPostgresUrl(a) || isPostgresUrl(b) ? a === b : resolve(a) === resolve(b);
}

async function checkSource(source: Store) {
  const applied = await executedMigrations(source.db);
  const newest = applied.at(-1);
  if (!newest) {
    throw invalid(
      `The source ${source.location} is not a Hadaf database: no migration was ever applied.`,
      'from',
    );
  }
  if (newest !== latestMigration()) {
    const fix =
      newest < latestMigration()
        ? `run \`hadaf migrate --db <from>\` first`
        : 'upgrade Hadaf first, it is older than the database';
    throw invalid(
      `The source ${source.location} is at migration ${newest} but this Hadaf is at ${latestMigration()}: ${fix}.`,
      'from',
    );
  }
}

/** Both ends ran the same migrations, so their tables must match; say so plainly if they do not. */
async function checkSameTables(source: Store, tables: TableShape[]) {
  const sourceTables = new Map((await describeTables(source.db, source.dialect)).map((t) => [t.name, t]));
  for (const table of tables) {
    const missing = table.columns.filter((c) => !sourceTables.get(table.name)?.columns.includes(c));
    if (missing.length > 0) {
      throw invalid(
        `The source ${source.location} has no ${sourceTables.has(table.name) ? `column ${missing.join(', ')} in table` : 'table'} ${table.name}.`,
        'from',
      );
    }
    if (table.primaryKey.length === 0 && table.selfReferences.length > 0) {
      throw invalid(`Table ${table.name} refers to itself but has no primary key to link its rows by.`, 'to');
    }
  }
}

/** The source, read from one snapshot: every table as it was when the first one was read. */
interface SourceReader {
  count(table: TableShape): Promise<number>;
  /** The table's rows as arrays in the order of `table.columns`, in batches of `size`. */
  rows(table: TableShape, size: number): AsyncIterable<unknown[][]> | Iterable<unknown[][]>;
  /** The same rows as COPY text made by the source itself, when it can (SQLite), for columns of these target types. */
  copyText?(table: string, columns: CopyColumn[], size: number): Iterable<CopyChunk>;
}

async function copyAll(
  source: Store,
  target: Store,
  to: string,
  tables: TableShape[],
  batchSize: number,
  { onProgress, onRebuild }: Pick<CopyInput, 'onProgress' | 'onRebuild'>,
): Promise<CopyResult['tables']> {
  const names = tables.map((t) => t.name as TableName);
  const withId = tables.filter((t) => t.columns.includes('id')).map((t) => t.name as TableName);
  return readSnapshot(source, async (read) => {
    const copyTables = (dst: Db, copyTable: (table: TableShape) => Promise<number>) =>
      withIndexesDeferred(dst, target.dialect, names, async () => {
        const counts: CopyResult['tables'] = [];
        for (const table of tables) {
          const rows = await copyTable(table).catch((error: Error) => {
            throw failed(`in table ${table.name}`, error, target);
          });
          counts.push({ name: table.name, rows });
        }
        onRebuild?.();
        if (target.dialect === 'postgres') {
          // Statistics now, not whenever autovacuum (if it is on) gets to it: the
          // foreign-key checks that follow are joins the planner must size, and the
          // first queries on the copy are planned with real row counts.
          await sql`analyze ${sql.join(names.map((t) => sql.table(t)))}`.execute(dst);
          // The index builds that follow sort whole tables: with 1 GB instead of the
          // 256 MB set for loads in general, fewer merge passes (a fifth faster at
          // 4M rows; the leader and its parallel workers share the budget).
          await sql`set local maintenance_work_mem = '1GB'`.execute(dst);
        }
        return counts;
      }).catch((error: Error) => {
        throw failed('while rebuilding the indexes', error, target);
      });
    if (target.dialect === 'sqlite') {
      return target.db
        .transaction()
        .execute((dst) => copyTables(dst, (table) => insertTable(read, dst, table, batchSize, onProgress)));
    }
    // COPY needs the pg client itself: the transaction runs on a session of its own.
    const session = await openPgSession(to);
    try {
      return await session.db.transaction().execute(async (dst) => {
        const types = await columnTypes(dst);
        const counts = await copyTables(dst, (table) =>
          copyIntoPostgres(read, session.client, dst, table, types, batchSize, onProgress),
        );
        // Rows came in with their ids, which does not move PostgreSQL's identity
        // sequences: the next insert would collide with a copied row.
        await syncIdSequences(dst, target.dialect, withId);
        return counts;
      });
    } finally {
      await session.close();
    }
  });
}

/**
 * Runs `work` on one snapshot of the source, so that rows written meanwhile
 * by a running server are either all in the copy or all out of it. SQLite is
 * read on a connection of its own, in a read transaction (which blocks no
 * writer), straight through better-sqlite3: rows come as arrays, or as COPY
 * text made by SQLite itself, with no JavaScript object per row.
 */
async function readSnapshot<T>(source: Store, work: (read: SourceReader) => Promise<T>): Promise<T> {
  if (source.dialect === 'postgres') {
    return source.db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute((src) => work(postgresReader(src)));
  }
  const { connection } = openHadafFile(source.location, 'source database', { readonly: true });
  try {
    connection.exec('begin');
    return await work(sqliteReader(connection));
  } finally {
    connection.close();
  }
}

function sqliteReader(connection: SQLite.Database): SourceReader {
  return {
    count: async (table) =>
      Number(
        connection
          .prepare(`select count(*) from ${quote(table.name)}`)
          .pluck()
          .get(),
      ),
    *rows(table, size) {
      // Every SQLite table is a b-tree on rowid (an INTEGER PRIMARY KEY is the rowid
      // itself): reading in rowid order is reading in key order, which is the order
      // SQLite appends fastest. It needs no primary key: the rollup tables have none.
      const batch = connection
        .prepare(
          `select ${table.columns.map(quote).join(', ')}, rowid from ${quote(table.name)}
            where rowid > ? order by rowid limit ?`,
        )
        .raw(true);
      let after = Number.MIN_SAFE_INTEGER;
      for (;;) {
        const rows = batch.all(after, size) as unknown[][];
        if (rows.length === 0) return;
        for (const row of rows) after = row.pop() as number;
        yield rows;
      }
    },
    copyText: sqliteMakesCopyText(connection)
      ? (table, columns, size) => sqliteCopyChunks(connection, table, columns, size)
      : undefined,
  };
}

function postgresReader(src: Db): SourceReader {
  return {
    async count(table) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table.name)}`.execute(
        src,
      );
      return Number(rows[0]?.n ?? 0);
    },
    async *rows(table, size) {
      // A server-side cursor reads the table in one pass, inside the snapshot transaction.
      const columns = sql.join(table.columns.map((c) => sql.ref(c)));
      const order =
        table.primaryKey.length > 0
          ? sql`order by ${sql.join(table.primaryKey.map((c) => sql.ref(c)))}`
          : sql``;
      await sql`declare hadaf_copy no scroll cursor for
        select ${columns} from ${sql.table(table.name)} ${order}`.execute(src);
      for (;;) {
        const { rows } = await sql<Row>`fetch forward ${sql.lit(size)} from hadaf_copy`.execute(src);
        if (rows.length === 0) break;
        yield rows.map((row) => table.columns.map((c) => row[c]));
      }
      await sql`close hadaf_copy`.execute(src);
    },
  };
}

type Row = Record<string, unknown>;

/**
 * One COPY statement for the whole table, fed chunk by chunk while the next
 * chunk is read: from SQLite as text SQLite made, from PostgreSQL as rows
 * turned into text here. One statement also settles parents in the same
 * table: its foreign keys are checked at its end, whatever the row order.
 * The rows go in frozen where PostgreSQL allows it (pg-load.ts).
 */
async function copyIntoPostgres(
  read: SourceReader,
  client: pg.ClientBase,
  dst: Db,
  table: TableShape,
  types: Map<string, string>,
  batchSize: number,
  onProgress: CopyInput['onProgress'],
): Promise<number> {
  const total = await read.count(table);
  const columns = table.columns.map((name) => ({
    name,
    type: types.get(`${table.name}.${name}`) ?? 'unknown',
  }));
  let copied = 0;
  onProgress?.({ table: table.name, copied, total });
  async function* chunks() {
    const source = read.copyText?.(table.name, columns, batchSize) ?? asCopyText(read.rows(table, batchSize));
    for await (const chunk of source) {
      yield chunk.bytes;
      copied += chunk.rows;
      onProgress?.({ table: table.name, copied, total });
    }
  }
  const freeze = await emptyForFreeze(dst, table.name);
  const stored = await copyIn(client, table.name, table.columns, chunks(), { freeze });
  if (stored !== copied) {
    throw new Error(`PostgreSQL stored ${stored} rows but ${copied} were sent`);
  }
  return copied;
}

/** The PostgreSQL type of every column of the schema, by "table.column". */
async function columnTypes(db: Db): Promise<Map<string, string>> {
  const { rows } = await sql<{ table: string; column: string; type: string }>`
    select table_name as "table", column_name as "column", data_type as type
      from information_schema.columns where table_schema = current_schema()`.execute(db);
  return new Map(rows.map((r) => [`${r.table}.${r.column}`, r.type]));
}

async function* asCopyText(batches: AsyncIterable<unknown[][]> | Iterable<unknown[][]>) {
  for await (const rows of batches) yield { bytes: Buffer.from(copyText(rows)), rows: rows.length };
}

/**
 * Into SQLite: multi-row inserts of flat parameters, the statement text
 * built once per table (db.ts keeps it prepared). SQLite checks foreign keys
 * at the end of each statement, so a row whose parent in the same table is
 * not in yet (a team moved under a newer team) goes in without it and gets
 * it once the whole table is in.
 */
async function insertTable(
  read: SourceReader,
  dst: Db,
  table: TableShape,
  batchSize: number,
  onProgress: CopyInput['onProgress'],
): Promise<number> {
  const total = await read.count(table);
  const width = table.columns.length;
  const rowsPerInsert = Math.max(1, Math.min(rowsPerStatement, Math.floor(maxParameters / width)));
  const position = (column: string) => table.columns.indexOf(column);
  const selfReferences = table.selfReferences.map((r) => ({
    column: position(r.column),
    referenced: position(r.referenced),
  }));
  const copiedKeys = new Map(selfReferences.map((r) => [r.referenced, new Set<unknown>()]));
  const deferred: Array<{ row: unknown[]; column: number; value: unknown }> = [];
  const statements = new Map<number, string>();
  const statement = (rows: number) => {
    let text = statements.get(rows);
    if (!text) {
      const tuple = `(${Array(width).fill('?').join(', ')})`;
      text = `insert into ${quote(table.name)} (${table.columns.map(quote).join(', ')})
        values ${Array(rows).fill(tuple).join(', ')}`;
      statements.set(rows, text);
    }
    return text;
  };

  let copied = 0;
  onProgress?.({ table: table.name, copied, total });
  for await (const batch of read.rows(table, batchSize)) {
    for (let i = 0; i < batch.length; i += rowsPerInsert) {
      const rows = batch.slice(i, i + rowsPerInsert);
      // a parent in the same statement is fine: foreign keys are checked at its end
      for (const [column, keys] of copiedKeys) for (const row of rows) keys.add(row[column]);
      for (const row of rows) {
        for (const { column, referenced } of selfReferences) {
          const value = row[column];
          if (value !== null && !copiedKeys.get(referenced)?.has(value)) {
            deferred.push({ row, column, value });
            row[column] = null;
          }
        }
      }
      await dst.executeQuery(CompiledQuery.raw(statement(rows.length), rows.flat()));
    }
    copied += batch.length;
    onProgress?.({ table: table.name, copied, total });
  }
  for (const { row, column, value } of deferred) {
    const match = sql.join(
      table.primaryKey.map((c) => sql`${sql.ref(c)} = ${row[position(c)]}`),
      sql` and `,
    );
    await sql`update ${sql.table(table.name)} set ${sql.ref(table.columns[column] as string)} = ${value}
      where ${match}`.execute(dst);
  }
  return copied;
}

function failed(where: string, error: Error, target: Store) {
  if (error instanceof HadafError) return error;
  // PostgreSQL says where in a COPY it stopped: "COPY deal, line 3, column created_at: ..."
  const context = (error as { where?: unknown }).where;
  const at = typeof context === 'string' && context.startsWith('COPY ') ? ` (${context})` : '';
  return new HadafError(
    'unavailable',
    `Copy failed ${where}: ${error.message}${at}. The target ${target.location} was left empty.`,
  );
}

/** An identifier quoted for both dialects. */
function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

import { CompiledQuery, sql } from 'kysely';
import type { Db } from './db.ts';
import type { Dialect } from './dialect.ts';
import type { Database } from './schema.ts';

/**
 * Fast loading of many rows (the demo org, benchmarks): multi-row INSERTs of
 * ROWS_PER_STATEMENT rows, built once per shape and fed flat parameter arrays,
 * which is ~5× faster than one row per statement (STACK.md).
 *
 * Rows carry ids chosen by the caller, so that a batch of activities can point
 * at the deals of the batch before it without reading ids back (RETURNING
 * does not promise row order on either dialect). `claimIds` makes that safe:
 * it finds the first unused id of each table and, on PostgreSQL, locks the
 * tables against other writers until the transaction ends; `syncIdSequences`
 * then moves PostgreSQL's identity sequences past the ids written. SQLite's
 * AUTOINCREMENT bookkeeping follows explicit ids by itself.
 */

export type TableName = keyof Database & string;

export interface BulkTable {
  name: TableName;
  /** Column order of the rows handed to `add`. */
  columns: readonly string[];
  /**
   * The columns of a unique index of the table (SQLite): a row whose key is
   * already taken is skipped instead of failing its statement, and `flush`
   * reports the statements that skipped rows (see `SkippedRows`).
   */
  skipTaken?: readonly string[];
}

/** A statement that skipped rows of a `skipTaken` table because their keys were taken. */
export interface SkippedRows {
  table: TableName;
  /** Position of the statement's first row among the rows this flush wrote to the table. */
  first: number;
  /** Rows in the statement. */
  count: number;
  /** Rows it inserted: the others were skipped. */
  inserted: number;
  /**
   * Id of the last row it inserted. The statement's rows got consecutive ids
   * ending here, since SQLite's AUTOINCREMENT ids grow by one per row inserted
   * and this transaction is the only writer.
   */
  lastId: number;
}

/** ~250 rows per statement measured best; also keeps 16 columns well under both dialects' parameter caps. */
export const ROWS_PER_STATEMENT = 250;

/** One table's rows not yet written: the values of whole statements, then those of a started one. */
interface Pending {
  full: unknown[][];
  current: unknown[];
  currentRows: number;
}

export class BulkWriter {
  private readonly buffers = new Map<TableName, Pending>();
  private readonly statements = new Map<TableName, string>();
  private pending = 0;
  /** Rows written so far, per table. */
  readonly written: Partial<Record<TableName, number>> = {};

  /** `tables` in parent-first order: `flush` writes them in this order, so foreign keys always resolve. */
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
    private readonly tables: readonly BulkTable[],
  ) {
    for (const table of tables) this.buffers.set(table.name, { full: [], current: [], currentRows: 0 });
  }

  /**
   * Buffers a row. Its values go straight into the parameters of the
   * statement that will write it, so a flush copies nothing.
   */
  add(table: TableName, row: readonly unknown[]): void {
    const buffer = this.buffers.get(table);
    if (!buffer) throw new Error(`BulkWriter was not given table ${table}`);
    const values = buffer.current;
    for (let k = 0; k < row.length; k++) values.push(row[k]);
    if (++buffer.currentRows === ROWS_PER_STATEMENT) {
      buffer.full.push(values);
      buffer.current = [];
      buffer.currentRows = 0;
    }
    this.pending++;
  }

  /** Rows added and not yet written. */
  get buffered(): number {
    return this.pending;
  }

  /**
   * Writes every buffered row, table by table in the order given to the
   * constructor. Returns the statements that skipped rows (only tables with
   * `skipTaken` skip any).
   */
  async flush(): Promise<SkippedRows[]> {
    const skipped: SkippedRows[] = [];
    for (const table of this.tables) {
      const buffer = this.buffers.get(table.name) as Pending;
      const statements = buffer.full;
      if (buffer.currentRows > 0) statements.push(buffer.current);
      let rows = 0;
      let inserted = 0;
      for (const params of statements) {
        const count = params.length / table.columns.length;
        const result = await this.db.executeQuery(CompiledQuery.raw(this.statement(table, count), params));
        const done = table.skipTaken ? Number(result.numAffectedRows ?? 0) : count;
        if (done < count) {
          skipped.push({
            table: table.name,
            first: rows,
            count,
            inserted: done,
            lastId: Number(result.insertId),
          });
        }
        rows += count;
        inserted += done;
      }
      this.written[table.name] = (this.written[table.name] ?? 0) + inserted;
      buffer.full = [];
      buffer.current = [];
      buffer.currentRows = 0;
    }
    this.pending = 0;
    return skipped;
  }

  /** The text of a `rowCount`-row insert; full-size ones are kept, tails (one per flush) are not worth it. */
  private statement(table: BulkTable, rowCount: number): string {
    const full = rowCount === ROWS_PER_STATEMENT;
    const cached = full ? this.statements.get(table.name) : undefined;
    if (cached) return cached;
    const width = table.columns.length;
    const tuples: string[] = [];
    for (let r = 0; r < rowCount; r++) {
      const marks: string[] = [];
      for (let c = 1; c <= width; c++) marks.push(this.dialect === 'postgres' ? `$${r * width + c}` : '?');
      tuples.push(`(${marks.join(',')})`);
    }
    const columns = table.columns.map((c) => `"${c}"`).join(',');
    const conflict = table.skipTaken
      ? ` on conflict (${table.skipTaken.map((c) => `"${c}"`).join(',')}) do nothing`
      : '';
    const text = `insert into "${table.name}" (${columns}) values ${tuples.join(',')}${conflict}`;
    if (full) this.statements.set(table.name, text);
    return text;
  }
}

/**
 * A copy of `text` that owns its characters. V8 cuts a value out of the CSV
 * text it was read from as a view of that text, so keeping one short value
 * (a map key, a reported problem) would keep the whole chunk alive: whatever
 * an import keeps beyond its current batch is detached first.
 */
export function detach(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/**
 * The first unused id of each table. Call inside the transaction that writes
 * the rows: on PostgreSQL it also locks the tables against concurrent writes
 * (reads go on) until that transaction ends, so the ids stay unused.
 */
export async function claimIds(
  trx: Db,
  dialect: Dialect,
  tables: readonly TableName[],
): Promise<Record<TableName, number>> {
  const first = {} as Record<TableName, number>;
  if (dialect === 'postgres') {
    await sql`lock table ${sql.join(tables.map((t) => sql.table(t)))} in share row exclusive mode`.execute(
      trx,
    );
  }
  for (const table of tables) {
    const { rows } =
      dialect === 'postgres'
        ? await sql<{ used: number }>`select greatest(
              coalesce(max(id), 0),
              coalesce(pg_sequence_last_value(pg_get_serial_sequence(${table}, 'id')::regclass), 0)
            ) as used from ${sql.table(table)}`.execute(trx)
        : await sql<{ used: number }>`select max(
              coalesce((select max(id) from ${sql.table(table)}), 0),
              coalesce((select seq from sqlite_sequence where name = ${table}), 0)
            ) as used`.execute(trx);
    first[table] = Number(rows[0]?.used ?? 0) + 1;
  }
  return first;
}

/** On PostgreSQL, moves each table's identity sequence past its largest id (no-op on SQLite). */
export async function syncIdSequences(
  trx: Db,
  dialect: Dialect,
  tables: readonly TableName[],
): Promise<void> {
  if (dialect !== 'postgres') return;
  for (const table of tables) {
    await sql`select setval(pg_get_serial_sequence(${table}, 'id'), m) from (
        select greatest(
          max(id),
          pg_sequence_last_value(pg_get_serial_sequence(${table}, 'id')::regclass)
        ) as m from ${sql.table(table)}
      ) x where m is not null`.execute(trx);
  }
}

/**
 * Runs `load` with the secondary indexes of `tables` dropped (and, on
 * PostgreSQL, their foreign keys, which it checks row by row with a query
 * each), then rebuilds them from their own stored definitions: one index
 * build over sorted keys, or one join to validate a key, is far cheaper than
 * millions of single-row updates. Only when every table is still empty (a
 * fresh database), so nobody else's rows go unindexed or unchecked; otherwise
 * `load` runs with everything in place. Call it inside the loading
 * transaction: DDL is transactional on both dialects, so a failure, or a
 * crash, rolls the indexes and keys back with the rows.
 */
export async function withIndexesDeferred<T>(
  trx: Db,
  dialect: Dialect,
  tables: readonly TableName[],
  load: () => Promise<T>,
): Promise<T> {
  for (const table of tables) {
    const { rows } = await sql`select 1 as one from ${sql.table(table)} limit 1`.execute(trx);
    if (rows.length > 0) return load();
  }
  const indexes: { name: string; definition: string }[] = [];
  const keys: { table: string; name: string; definition: string }[] = [];
  for (const table of tables) {
    if (dialect === 'postgres') {
      const found = await sql<{
        name: string;
        definition: string;
      }>`select indexname as name, indexdef as definition
          from pg_indexes where schemaname = current_schema() and tablename = ${table}
          and indexname not in (select conname from pg_constraint where conrelid = ${table}::regclass)`.execute(
        trx,
      );
      indexes.push(...found.rows);
      const foreign = await sql<{ name: string; definition: string }>`select conname as name,
          pg_get_constraintdef(oid) as definition
          from pg_constraint where conrelid = ${table}::regclass and contype = 'f'`.execute(trx);
      keys.push(...foreign.rows.map((k) => ({ table, ...k })));
    } else {
      const found = await sql<{ name: string; definition: string }>`select name, sql as definition
          from sqlite_master where type = 'index' and tbl_name = ${table} and sql is not null`.execute(trx);
      indexes.push(...found.rows);
    }
  }
  for (const key of keys) {
    await sql`alter table ${sql.table(key.table)} drop constraint ${sql.id(key.name)}`.execute(trx);
  }
  for (const index of indexes) await sql`drop index ${sql.id(index.name)}`.execute(trx);
  const restore = await roomToWork(trx, dialect);
  try {
    const result = await load();
    for (const index of indexes) await sql.raw(index.definition).execute(trx);
    for (const key of keys) {
      await sql`alter table ${sql.table(key.table)} add constraint ${sql.id(key.name)} ${sql.raw(key.definition)}`.execute(
        trx,
      );
    }
    return result;
  } finally {
    await restore();
  }
}

/** Memory for the load and the index builds, in KiB: bounded, and enough to sort millions of keys in few passes. */
const SORT_MEMORY_KIB = 256 * 1024;

/**
 * Gives the load and the index builds room in memory: SQLite's sorter spills to
 * temporary files once it holds `cache_size` worth of keys (2 MB by default),
 * and its page cache spills fresh pages to the WAL mid-transaction;
 * PostgreSQL sorts within `maintenance_work_mem`. Returns the undo
 * (PostgreSQL's SET LOCAL undoes itself when the transaction ends).
 */
async function roomToWork(trx: Db, dialect: Dialect): Promise<() => Promise<void>> {
  if (dialect === 'postgres') {
    await sql.raw(`set local maintenance_work_mem = '${SORT_MEMORY_KIB}kB'`).execute(trx);
    await sql.raw(`set local work_mem = '${SORT_MEMORY_KIB}kB'`).execute(trx);
    return async () => {};
  }
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(trx);
  const previous = Number(rows[0]?.cache_size);
  await sql.raw(`pragma cache_size = -${SORT_MEMORY_KIB}`).execute(trx);
  return async () => {
    await sql.raw(`pragma cache_size = ${previous}`).execute(trx);
  };
}

/**
 * A SQLite table's non-unique indexes, dropped in the middle of a large load
 * into a table that already has rows (an import), and built again from their
 * stored definitions before the load's transaction ends. Each index then
 * costs one sort of the whole table instead of a B-tree insert per row
 * (measured in bench/import.ts: ~3× cheaper per row). The caller decides when
 * the trade pays: the rebuild covers every org's rows, so only once the load
 * has written at least as many rows as the table held before.
 *
 * Why this is safe on SQLite, and only there: the DDL is part of the
 * transaction, so a failure, a rollback (a dry run) or a crash brings the
 * indexes back with the rows; the transaction holds the write lock (BEGIN
 * IMMEDIATE), so no other writer runs unindexed; readers on other
 * connections read their WAL snapshot, indexes included, until the commit;
 * and the unique indexes, which keep the data valid and find existing rows
 * by external id, stay in place. On PostgreSQL, DROP INDEX would lock every
 * reader of the table out until the commit.
 */
export class DeferredIndexes {
  private constructor(
    private readonly trx: Db,
    private readonly definitions: readonly string[],
  ) {}

  /** Drops the table's non-unique indexes (SQLite only; null on PostgreSQL or when it has none). */
  static async drop(trx: Db, dialect: Dialect, table: TableName): Promise<DeferredIndexes | null> {
    if (dialect !== 'sqlite') return null;
    const { rows } = await sql<{ name: string; definition: string }>`
      select m.name as name, m.sql as definition
      from pragma_index_list(${table}) i join sqlite_master m on m.type = 'index' and m.name = i.name
      where i."unique" = 0 and i.origin = 'c' and m.sql is not null`.execute(trx);
    if (rows.length === 0) return null;
    for (const index of rows) await sql`drop index ${sql.id(index.name)}`.execute(trx);
    return new DeferredIndexes(
      trx,
      rows.map((r) => r.definition),
    );
  }

  /**
   * Builds the dropped indexes again, with the default sort memory: SQLite
   * spills the sort to a temporary file, which cost no more CPU than a 32 MB
   * sort in memory (bench/import.ts sizes).
   */
  async rebuild(): Promise<void> {
    for (const definition of this.definitions) await sql.raw(definition).execute(this.trx);
  }
}

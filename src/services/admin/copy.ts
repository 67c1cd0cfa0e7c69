import { resolve } from 'node:path';
import { type RawBuilder, sql } from 'kysely';
import { HadafError, invalid } from '../../core/errors.ts';
import { syncIdSequences, type TableName, withIndexesDeferred } from '../../store/bulk-insert.ts';
import { type Db, openStore, type Store } from '../../store/db.ts';
import type { Dialect } from '../../store/dialect.ts';
import { latestMigration, migrateToLatest } from '../../store/migrate.ts';
import {
  describeTables,
  executedMigrations,
  insertOrder,
  type TableShape,
  tablesWithRows,
} from './schema.ts';
import { fileKind, isPostgresUrl } from './sqlite-files.ts';

export interface CopyInput {
  /** Source: a SQLite file path or a postgres:// URL. */
  from: string;
  /** Target: a SQLite file path or a postgres:// URL; must hold no data. */
  to: string;
  /** Rows read per query; inserts go in statements of at most 250 rows. */
  batchSize?: number;
  /** Called after every batch; throwing from it aborts the copy and leaves the target empty. */
  onProgress?: (progress: CopyProgress) => void;
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
/** Multi-row inserts gain little past a few hundred rows, and each statement is prepared anew (STACK.md). */
const rowsPerStatement = 250;

/**
 * Copies every table of one Hadaf database into another, across dialects:
 * tables are found in the schema at run time and copied in foreign-key order,
 * ids kept, in batches, all inside one transaction on the target (all or
 * nothing) while the source is read from one consistent snapshot.
 */
export async function copyDatabase({
  from,
  to,
  batchSize = 5000,
  onProgress,
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
      const counts = await copyAll(source, target, tables, batchSize, onProgress);
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

async function copyAll(
  source: Store,
  target: Store,
  tables: TableShape[],
  batchSize: number,
  onProgress: CopyInput['onProgress'],
) {
  const names = tables.map((t) => t.name as TableName);
  // One snapshot of the source: rows written meanwhile by a running server are
  // either all in the copy or all out of it. SQLite gets a deferred BEGIN here (db.ts).
  return source.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((src) =>
      target.db.transaction().execute(async (dst) => {
        const counts = await withIndexesDeferred(dst, target.dialect, names, async () => {
          const counts: CopyResult['tables'] = [];
          for (const table of tables) {
            const rows = await copyTable(src, source.dialect, dst, table, batchSize, onProgress).catch(
              (error: Error) => {
                throw failed(`in table ${table.name}`, error, target);
              },
            );
            counts.push({ name: table.name, rows });
          }
          return counts;
        }).catch((error: Error) => {
          throw failed('while rebuilding the indexes', error, target);
        });
        // Rows came in with their ids, which does not move PostgreSQL's identity
        // sequences: the next insert would collide with a copied row.
        const withId = tables.filter((t) => t.columns.includes('id')).map((t) => t.name as TableName);
        await syncIdSequences(dst, target.dialect, withId);
        return counts;
      }),
    );
}

function failed(where: string, error: Error, target: Store) {
  if (error instanceof HadafError) return error;
  return new HadafError(
    'unavailable',
    `Copy failed ${where}: ${error.message}. The target ${target.location} was left empty.`,
  );
}

type Row = Record<string, unknown>;

async function copyTable(
  src: Db,
  srcDialect: Dialect,
  dst: Db,
  table: TableShape,
  batchSize: number,
  onProgress: CopyInput['onProgress'],
): Promise<number> {
  const { rows: countRows } = await sql<{ n: number }>`
    select count(*) as n from ${sql.table(table.name)}`.execute(src);
  const total = Number(countRows[0]?.n ?? 0);
  // A row may point at a parent of the same table that is not copied yet: it
  // goes in with null there and gets its parent once the whole table is in.
  const copiedKeys = new Map(table.selfReferences.map((r) => [r.referenced, new Set<unknown>()]));
  const deferred: Array<{ row: Row; column: string; value: unknown }> = [];
  const rowsPerInsert = Math.max(
    1,
    Math.min(rowsPerStatement, Math.floor(maxParameters / table.columns.length)),
  );

  let copied = 0;
  onProgress?.({ table: table.name, copied, total });
  for await (const batch of readBatches(src, srcDialect, table, batchSize)) {
    for (let i = 0; i < batch.length; i += rowsPerInsert) {
      const rows = batch.slice(i, i + rowsPerInsert);
      // a parent in the same statement is fine: foreign keys are checked at its end
      for (const [column, keys] of copiedKeys) for (const row of rows) keys.add(row[column]);
      for (const row of rows) {
        for (const { column, referenced } of table.selfReferences) {
          const value = row[column];
          if (value !== null && !copiedKeys.get(referenced)?.has(value)) {
            deferred.push({ row, column, value });
            row[column] = null;
          }
        }
      }
      await insert(dst, table, rows);
    }
    copied += batch.length;
    onProgress?.({ table: table.name, copied, total });
  }
  for (const { row, column, value } of deferred) {
    const match = sql.join(
      table.primaryKey.map((c) => sql`${sql.ref(c)} = ${row[c]}`),
      sql` and `,
    );
    await sql`update ${sql.table(table.name)} set ${sql.ref(column)} = ${value} where ${match}`.execute(dst);
  }
  return copied;
}

/**
 * The rows of a table in batches, in key order when it has a key (appending
 * in key order is what SQLite inserts fastest). Neither way needs a primary
 * key: the rollup tables have none.
 */
async function* readBatches(src: Db, dialect: Dialect, table: TableShape, size: number) {
  const columns = sql.join(table.columns.map((c) => sql.ref(c)));
  if (dialect === 'sqlite') {
    // Every SQLite table is a b-tree on rowid (an INTEGER PRIMARY KEY is the rowid itself).
    let after = Number.MIN_SAFE_INTEGER;
    for (;;) {
      const { rows } = await sql<Row & { __rowid: number }>`
        select rowid as __rowid, ${columns} from ${sql.table(table.name)}
         where rowid > ${after} order by rowid limit ${size}`.execute(src);
      if (rows.length === 0) return;
      after = (rows.at(-1) as { __rowid: number }).__rowid;
      yield rows.map(({ __rowid, ...row }) => row);
    }
  }
  // A server-side cursor reads the table in one pass, inside the snapshot transaction.
  const order =
    table.primaryKey.length > 0 ? sql`order by ${sql.join(table.primaryKey.map((c) => sql.ref(c)))}` : sql``;
  await sql`declare hadaf_copy no scroll cursor for
    select ${columns} from ${sql.table(table.name)} ${order}`.execute(src);
  for (;;) {
    const { rows } = await sql<Row>`fetch forward ${sql.lit(size)} from hadaf_copy`.execute(src);
    if (rows.length === 0) break;
    yield rows;
  }
  await sql`close hadaf_copy`.execute(src);
}

function insert(dst: Db, table: TableShape, rows: Row[]) {
  const values = rows.map((row): RawBuilder<unknown> => sql`(${sql.join(table.columns.map((c) => row[c]))})`);
  return sql`insert into ${sql.table(table.name)} (${sql.join(table.columns.map((c) => sql.ref(c)))})
    values ${sql.join(values)}`.execute(dst);
}

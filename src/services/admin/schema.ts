import { sql } from 'kysely';
import { HadafError } from '../../core/errors.ts';
import type { Db } from '../../store/db.ts';
import type { Dialect } from '../../store/dialect.ts';

/**
 * The schema as the database itself reports it. Backup, restore and copy read
 * it at run time instead of keeping a list of tables, so a table added by a
 * new migration is carried along without touching this code.
 */

export interface TableShape {
  name: string;
  /** In table order. */
  columns: string[];
  primaryKey: string[];
  /** Foreign keys to other tables: they decide the copy order. */
  references: string[];
  /** Foreign keys to the same table (a parent goal, a parent team). */
  selfReferences: Array<{ column: string; referenced: string }>;
}

const migrationTable = 'kysely_migration';

/**
 * Tables that the database's own triggers keep: the org's data version
 * (migration 0008), a counter that only has to change on every write. A copy
 * leaves them out (the target's triggers fill them as rows arrive), and their
 * rows do not make a database "hold data".
 */
const keptByTriggers = new Set(['org_data_version']);

/** Every table of the Hadaf schema, Kysely's migration bookkeeping and the trigger-kept tables left out. */
export async function listTables(db: Db, dialect: Dialect): Promise<string[]> {
  return (await schemaTables(db, dialect)).map((t) => t.name);
}

async function schemaTables(db: Db, dialect: Dialect) {
  const schema = dialect === 'postgres' ? await currentSchema(db) : undefined;
  const tables = await db.introspection.getTables();
  return tables
    .filter((t) => !t.isView && !keptByTriggers.has(t.name) && (schema === undefined || t.schema === schema))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The tables that hold at least one row; empty means the database holds no data. */
export async function tablesWithRows(db: Db, dialect: Dialect): Promise<string[]> {
  const found: string[] = [];
  for (const table of await listTables(db, dialect)) {
    const { rows } = await sql`select 1 from ${sql.table(table)} limit 1`.execute(db);
    if (rows.length > 0) found.push(table);
  }
  return found;
}

/** Names of the migrations applied to this database, in order; empty when it has none. */
export async function executedMigrations(db: Db): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === migrationTable)) return [];
  const { rows } = await sql<{ name: string }>`select name from ${sql.table(migrationTable)}`.execute(db);
  return rows.map((r) => r.name).sort();
}

/** Columns, primary key and foreign keys of every table. */
export async function describeTables(db: Db, dialect: Dialect): Promise<TableShape[]> {
  const tables = await schemaTables(db, dialect);
  const keys = dialect === 'postgres' ? await postgresKeys(db) : await sqliteKeys(db);
  return tables.map(({ name, columns }) => {
    const own = keys.filter((k) => k.table === name);
    return {
      name,
      columns: columns.map((c) => c.name),
      primaryKey: own
        .filter((k) => k.kind === 'primary')
        .sort((a, b) => a.position - b.position)
        .map((k) => k.column),
      references: [
        ...new Set(own.filter((k) => k.kind === 'foreign' && k.referencedTable !== name).map(referenced)),
      ],
      selfReferences: own
        .filter((k) => k.kind === 'foreign' && k.referencedTable === name)
        .map((k) => ({ column: k.column, referenced: k.referencedColumn as string })),
    };
  });
}

const referenced = (k: KeyColumn) => k.referencedTable as string;

/**
 * Tables ordered so that every table comes after the tables it references.
 * References within one table are left to the caller; a cycle between tables
 * cannot be ordered and is reported.
 */
export function insertOrder(tables: TableShape[]): TableShape[] {
  const pending = new Map(tables.map((t) => [t.name, t]));
  const ordered: TableShape[] = [];
  while (pending.size > 0) {
    const ready = [...pending.values()].filter((t) => t.references.every((r) => !pending.has(r)));
    if (ready.length === 0) {
      throw new HadafError(
        'invalid_input',
        `Tables ${[...pending.keys()].join(', ')} reference each other in a cycle: they cannot be copied in order.`,
      );
    }
    for (const t of ready) {
      ordered.push(t);
      pending.delete(t.name);
    }
  }
  return ordered;
}

interface KeyColumn {
  table: string;
  kind: 'primary' | 'foreign';
  column: string;
  position: number;
  referencedTable: string | null;
  referencedColumn: string | null;
}

async function sqliteKeys(db: Db): Promise<KeyColumn[]> {
  const { rows } = await sql<KeyColumn>`
    select m.name as "table", 'primary' as kind, c.name as "column", c.pk as position,
           null as "referencedTable", null as "referencedColumn"
      from sqlite_master m join pragma_table_info(m.name) c
     where m.type = 'table' and c.pk > 0
    union all
    select m.name, 'foreign', f."from", f.seq, f."table", f."to"
      from sqlite_master m join pragma_foreign_key_list(m.name) f
     where m.type = 'table'`.execute(db);
  return rows;
}

async function postgresKeys(db: Db): Promise<KeyColumn[]> {
  const { rows } = await sql<KeyColumn>`
    select t.relname as "table",
           case c.contype when 'p' then 'primary' else 'foreign' end as kind,
           a.attname as "column", k.position::int as position,
           r.relname as "referencedTable", ra.attname as "referencedColumn"
      from pg_constraint c
      join pg_class t on t.oid = c.conrelid
      join pg_namespace n on n.oid = t.relnamespace
      cross join lateral unnest(c.conkey) with ordinality as k(attnum, position)
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum
      left join pg_class r on r.oid = c.confrelid
      left join pg_attribute ra on ra.attrelid = c.confrelid and ra.attnum = c.confkey[k.position]
     where c.contype in ('p', 'f') and n.nspname = current_schema()`.execute(db);
  return rows;
}

async function currentSchema(db: Db): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return (rows[0] as { schema: string }).schema;
}

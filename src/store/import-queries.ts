/**
 * What the CSV import reads and writes: existing rows looked up by external
 * id (a batch at a time), new rows written with multi-row INSERTs, changed
 * rows updated by id. Every function takes the org id and filters by it;
 * every function works inside the caller's transaction.
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { invalid } from '../core/errors.ts';
import type { Db } from './db.ts';
import { type Dialect, dialectOf } from './dialect.ts';
import type { FactTable } from './schema.ts';

export type ImportRow = Record<string, string | number | null>;

/** A user as the import resolves owners, managers, coaches and reps. */
export interface PersonRow {
  id: number;
  name: string;
  email: string;
  external_id: string | null;
  role: 'admin' | 'manager' | 'rep';
  team_id: number | null;
  segment: string | null;
  hired_at: number | null;
  left_at: number | null;
}

export interface MembershipRow {
  user_id: number;
  team_id: number;
  from_at: number;
  to_at: number | null;
}

export interface ImportTeamRow {
  id: number;
  name: string;
  external_id: string | null;
  parent_id: number | null;
  manager_id: number | null;
  path: string;
}

export interface AccountRef {
  id: number;
  name: string;
  external_id: string | null;
}

/** Both dialects cap bound parameters (SQLite 32766, PostgreSQL 65535); lists are cut well below. */
const LIST_CHUNK = 5000;

function placeholders(dialect: Dialect, count: number, offset: number): string {
  const marks: string[] = [];
  for (let k = 1; k <= count; k++) marks.push(dialect === 'postgres' ? `$${offset + k}` : '?');
  return marks.join(',');
}

async function selectIn<T>(
  db: Db,
  text: (marks: string) => string,
  fixed: readonly unknown[],
  list: readonly unknown[],
): Promise<T[]> {
  const dialect = dialectOfDb(db);
  const rows: T[] = [];
  for (let start = 0; start < list.length; start += LIST_CHUNK) {
    const chunk = list.slice(start, start + LIST_CHUNK);
    const query = CompiledQuery.raw(text(placeholders(dialect, chunk.length, fixed.length)), [
      ...fixed,
      ...chunk,
    ]);
    rows.push(...((await db.executeQuery(query)).rows as T[]));
  }
  return rows;
}

const dialectOfDb = (db: Db) => dialectOf(db as unknown as Kysely<unknown>);

const mark = (dialect: Dialect, n: number) => (dialect === 'postgres' ? `$${n}` : '?');

export async function loadPeople(
  db: Db,
  orgId: number,
): Promise<{ people: PersonRow[]; memberships: MembershipRow[] }> {
  const people = await db
    .selectFrom('app_user')
    .select(['id', 'name', 'email', 'external_id', 'role', 'team_id', 'segment', 'hired_at', 'left_at'])
    .where('org_id', '=', orgId)
    .execute();
  const memberships = await db
    .selectFrom('team_membership')
    .select(['user_id', 'team_id', 'from_at', 'to_at'])
    .where('org_id', '=', orgId)
    .orderBy('from_at')
    .execute();
  return { people, memberships };
}

export async function loadTeams(db: Db, orgId: number): Promise<ImportTeamRow[]> {
  return db
    .selectFrom('team')
    .select(['id', 'name', 'external_id', 'parent_id', 'manager_id', 'path'])
    .where('org_id', '=', orgId)
    .orderBy('path')
    .execute();
}

/** Rows of `table` with these external ids: id, external_id and the named columns. */
export async function findByExternalIds(
  db: Db,
  orgId: number,
  table: FactTable,
  columns: readonly string[],
  externalIds: readonly string[],
): Promise<ImportRow[]> {
  if (externalIds.length === 0) return [];
  const dialect = dialectOfDb(db);
  const list = ['id', 'external_id', ...columns.filter((c) => c !== 'external_id')]
    .map((c) => `"${c}"`)
    .join(', ');
  return selectIn<ImportRow>(
    db,
    (marks) =>
      `select ${list} from "${table}" where org_id = ${mark(dialect, 1)} and external_id in (${marks})`,
    [orgId],
    externalIds,
  );
}

/** Rows of `table` with these ids: id, external_id and the named columns. */
export async function findByIds(
  db: Db,
  orgId: number,
  table: FactTable,
  columns: readonly string[],
  ids: readonly number[],
): Promise<ImportRow[]> {
  if (ids.length === 0) return [];
  const dialect = dialectOfDb(db);
  const list = ['id', 'external_id', ...columns.filter((c) => c !== 'external_id')]
    .map((c) => `"${c}"`)
    .join(', ');
  return selectIn<ImportRow>(
    db,
    (marks) => `select ${list} from "${table}" where org_id = ${mark(dialect, 1)} and id in (${marks})`,
    [orgId],
    ids,
  );
}

/**
 * Every account of the org, for matching account names the way people write
 * them (any case, extra blanks, any alphabet), which SQL cannot do the same way
 * on both dialects. An org's accounts, not the file, decide the size.
 */
export async function loadAccounts(db: Db, orgId: number): Promise<AccountRef[]> {
  return db.selectFrom('account').select(['id', 'name', 'external_id']).where('org_id', '=', orgId).execute();
}

/** Ids of a table's rows by external id. */
export async function findIdsByExternalId(
  db: Db,
  orgId: number,
  table: FactTable,
  externalIds: readonly string[],
): Promise<Map<string, number>> {
  const rows = await findByExternalIds(db, orgId, table, [], externalIds);
  return new Map(rows.map((r) => [String(r.external_id), Number(r.id)]));
}

/** Whether the org has no row in `table` (one probe of its (org_id, external_id) index). */
export async function orgHasNoRows(db: Db, orgId: number, table: FactTable): Promise<boolean> {
  const { rows } =
    await sql`select 1 as one from ${sql.table(table)} where org_id = ${orgId} limit 1`.execute(db);
  return rows.length === 0;
}

/** Whether the org exists (inside a transaction: still exists when it commits, as writers wait on its lock). */
export async function orgExists(db: Db, orgId: number): Promise<boolean> {
  const found = await db.selectFrom('org').select('id').where('id', '=', orgId).executeTakeFirst();
  return found !== undefined;
}

/**
 * Runs `work` on SQLite's one connection with foreign-key enforcement off,
 * and turns it back on afterwards, whatever happens. For a large import
 * that resolves every reference it writes from rows it read in the same
 * transaction (so they exist, and no other writer can remove them before
 * it commits): SQLite's check costs a B-tree probe per reference per row,
 * a fifth of the bare insert (bench/import.ts). SQLite ignores the pragma
 * inside a transaction, so `work` must begin its own. PostgreSQL keeps its
 * checks: call this on SQLite only.
 */
export async function withoutForeignKeys<T>(db: Db, work: (db: Db) => Promise<T>): Promise<T> {
  return db.connection().execute(async (connection) => {
    const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(connection);
    const before = Number(rows[0]?.foreign_keys ?? 1);
    await sql`pragma foreign_keys = off`.execute(connection);
    try {
      return await work(connection);
    } finally {
      await sql.raw(`pragma foreign_keys = ${before ? 'on' : 'off'}`).execute(connection);
    }
  });
}

/**
 * The largest id in the table, across orgs (ids are global): rows above it
 * were written after this call. Reveals a number, no org's rows.
 */
export async function maxRowId(db: Db, table: FactTable): Promise<number> {
  const { rows } = await sql<{ m: number | null }>`select max(id) as m from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.m ?? 0);
}

export async function updateRow(db: Db, orgId: number, table: FactTable, id: number, values: ImportRow) {
  const entries = Object.entries(values);
  if (entries.length === 0) return;
  const dialect = dialectOfDb(db);
  const sets = entries.map(([column], k) => `"${column}" = ${mark(dialect, k + 1)}`).join(', ');
  const n = entries.length;
  await db.executeQuery(
    CompiledQuery.raw(
      `update "${table}" set ${sets} where org_id = ${mark(dialect, n + 1)} and id = ${mark(dialect, n + 2)}`,
      [...entries.map(([, value]) => value), orgId, id],
    ),
  );
}

export async function insertAccount(
  db: Db,
  orgId: number,
  account: { name: string; externalId: string | null },
  now: number,
): Promise<AccountRef> {
  return db
    .insertInto('account')
    .values({ org_id: orgId, name: account.name, external_id: account.externalId, created_at: now })
    .returning(['id', 'name', 'external_id'])
    .executeTakeFirstOrThrow();
}

/**
 * Re-parents a team: its path and every descendant's path get the new prefix.
 * The caller has checked that the new parent is not inside the team's subtree.
 */
export async function moveTeam(db: Db, orgId: number, team: ImportTeamRow, parent: ImportTeamRow | null) {
  await assertTeamsInOrg(db, orgId, parent ? [team.id, parent.id] : [team.id]);
  const newPath = `${parent?.path ?? '/'}${team.id}/`;
  await db
    .updateTable('team')
    .set({ parent_id: parent?.id ?? null })
    .where('org_id', '=', orgId)
    .where('id', '=', team.id)
    .execute();
  await sql`update team set path = ${newPath} || substr(path, ${team.path.length + 1})
    where org_id = ${orgId} and path like ${`${team.path}%`}`.execute(db);
}

export async function renameTeam(
  db: Db,
  orgId: number,
  teamId: number,
  values: { name?: string; external_id?: string | null },
) {
  await db.updateTable('team').set(values).where('org_id', '=', orgId).where('id', '=', teamId).execute();
}

/**
 * Creates a team and records its materialized path, inside the caller's
 * transaction (team-queries' createTeam opens its own, which Kysely cannot
 * nest in the import's).
 */
export async function insertTeam(
  db: Db,
  orgId: number,
  team: { name: string; parent: ImportTeamRow | null; managerId: number | null; externalId: string | null },
  now: number,
): Promise<ImportTeamRow> {
  if (team.parent) await assertTeamsInOrg(db, orgId, [team.parent.id]);
  const { id } = await db
    .insertInto('team')
    .values({
      org_id: orgId,
      name: team.name,
      parent_id: team.parent?.id ?? null,
      manager_id: team.managerId,
      external_id: team.externalId,
      path: '/',
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const path = `${team.parent?.path ?? '/'}${id}/`;
  await db.updateTable('team').set({ path }).where('org_id', '=', orgId).where('id', '=', id).execute();
  return {
    id,
    name: team.name,
    external_id: team.externalId,
    parent_id: team.parent?.id ?? null,
    manager_id: team.managerId,
    path,
  };
}

async function assertTeamsInOrg(db: Db, orgId: number, ids: number[]) {
  const found = await db
    .selectFrom('team')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', 'in', ids)
    .execute();
  if (found.length !== new Set(ids).size)
    throw invalid(`Team ${ids.join(' or ')} does not exist in this org.`, 'team');
}

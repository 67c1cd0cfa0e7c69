import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { type Dialect, dialectOf } from '../dialect.ts';

/**
 * The goal-setting flow's steps 4 and 5: when each owner was told of a goal
 * and acknowledged it, the extra people a goal's alerts go to, and a new
 * kind of in-app notification, 'goal_assigned', for the owners of a goal
 * that is communicated (0005-tracking allowed only the alert kinds).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = dialectOf(db);
  const table = (name: string) => withId(db.schema.createTable(name).ifNotExists(), dialect);
  const refs = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t
      .addColumn('org_id', 'integer', (c) => c.notNull().references('org.id').onDelete('cascade'))
      .addColumn('goal_id', 'integer', (c) => c.notNull().references('goal.id').onDelete('cascade'))
      .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'));

  // One row per goal and owner: told (notified_at), then acknowledged (acknowledged_at, kept once set).
  await refs(table('goal_acknowledgement'))
    .addColumn('notified_at', 'bigint')
    .addColumn('acknowledged_at', 'bigint')
    .execute();

  // People a goal's status and milestone alerts reach besides its owner and their managers.
  await refs(table('goal_alert_recipient'))
    .addColumn('added_by', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .execute();

  const index = (name: string, on: string, columns: string[]) =>
    db.schema.createIndex(name).ifNotExists().unique().on(on).columns(columns).execute();
  await index('goal_acknowledgement_goal_user', 'goal_acknowledgement', ['goal_id', 'user_id']);
  await index('goal_alert_recipient_goal_user', 'goal_alert_recipient', ['goal_id', 'user_id']);

  await allowNotificationKind(db, dialect, 'goal_assigned');
}

/**
 * Widens the CHECK on notification.kind. PostgreSQL swaps the constraint;
 * SQLite cannot alter a CHECK, so the table is rebuilt from its own CREATE
 * statement with the list widened, rows and indexes kept, in one
 * transaction. The kinds already allowed are read from the database, so a
 * kind another migration added is never dropped.
 */
export async function allowNotificationKind(db: Kysely<unknown>, dialect: Dialect, kind: string) {
  const widen = (kinds: string[]) => (kinds.includes(kind) ? null : [...kinds, kind]);
  const listSql = (kinds: string[]) => kinds.map((k) => `'${k.replaceAll("'", "''")}'`).join(', ');

  if (dialect === 'postgres') {
    const { rows } = await sql<{ name: string; def: string }>`
      select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
      where conrelid = 'notification'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%kind%'`.execute(
      db,
    );
    const found = rows[0];
    if (!found) throw new Error('notification.kind has no CHECK constraint to widen.');
    const kinds = widen([...found.def.matchAll(/'([^']+)'/g)].map((m) => m[1] as string));
    if (!kinds) return;
    await sql`alter table notification drop constraint ${sql.ref(found.name)}`.execute(db);
    await sql`alter table notification add constraint notification_kind_check check (kind in (${sql.raw(listSql(kinds))}))`.execute(
      db,
    );
    return;
  }

  const { rows } = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'table' and name = 'notification'`.execute(db);
  const create = rows[0]?.sql;
  const check = create ? /kind in \(([^)]*)\)/i.exec(create) : null;
  if (!create || !check) throw new Error('notification.kind has no CHECK constraint to widen.');
  const kinds = widen([...(check[1] as string).matchAll(/'([^']+)'/g)].map((m) => m[1] as string));
  if (!kinds) return;
  const widened = create
    .replace(check[0], `kind in (${listSql(kinds)})`)
    .replace(/^create table (if not exists )?"?notification"?/i, 'create table "notification_rebuilt"');
  const indexes = await sql<{ sql: string }>`
    select sql from sqlite_master where type = 'index' and tbl_name = 'notification' and sql is not null`.execute(
    db,
  );
  await db.transaction().execute(async (tx) => {
    await sql.raw(widened).execute(tx);
    await sql`insert into notification_rebuilt select * from notification`.execute(tx);
    await sql`drop table notification`.execute(tx);
    await sql`alter table notification_rebuilt rename to notification`.execute(tx);
    for (const { sql: createIndex } of indexes.rows) await sql.raw(createIndex).execute(tx);
  });
}

function withId<T extends string>(t: CreateTableBuilder<T, never>, dialect: Dialect) {
  return dialect === 'sqlite'
    ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

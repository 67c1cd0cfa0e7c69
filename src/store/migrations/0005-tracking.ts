import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { type Dialect, dialectOf } from '../dialect.ts';

/**
 * Tracking: daily progress snapshots, the in-app notification inbox, what
 * was last alerted per goal, webhook endpoints, and the scheduler's lease
 * and run log. Alert e-mails and webhook calls go through the outbox of
 * 0003-accounts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = dialectOf(db);
  const table = (name: string) => withId(db.schema.createTable(name).ifNotExists(), dialect);
  const orgRef = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t.addColumn('org_id', 'integer', (c) => c.notNull().references('org.id').onDelete('cascade'));
  const goalRef = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t.addColumn('goal_id', 'integer', (c) => c.notNull().references('goal.id').onDelete('cascade'));

  // One row per goal per day, frozen at the end of that day: burn-up charts read history, not recomputations.
  await goalRef(orgRef(table('progress_snapshot')))
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('actual', 'double precision')
    .addColumn('target', 'double precision', (c) => c.notNull())
    .addColumn('expected', 'double precision')
    .addColumn('pace_ratio', 'double precision')
    .addColumn('attainment', 'double precision')
    .addColumn('forecast', 'double precision')
    .addColumn('forecast_low', 'double precision')
    .addColumn('forecast_high', 'double precision')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(inList('status', ['achieved', 'on_track', 'at_risk', 'off_track', 'no_data'])),
    )
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await orgRef(table('notification'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('goal_id', 'integer', (c) => c.references('goal.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(inList('kind', ['status_changed', 'milestone', 'checkin_due', 'checkin_overdue'])),
    )
    // The alert it belongs to: the same alert reaches a user's inbox once.
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // JSON: the event and figures behind it, for the UI to render in either language.
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('read_at', 'bigint')
    .execute();

  await goalRef(orgRef(table('goal_alert_state')))
    .addColumn('last_status', 'text')
    // Comma-separated milestones already alerted, e.g. 'half,target'.
    .addColumn('milestones', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await orgRef(table('webhook'))
    .addColumn('url', 'text', (c) => c.notNull())
    // Signs each delivery (HMAC-SHA256); shown once at creation, like an API token.
    .addColumn('secret', 'text', (c) => c.notNull())
    // Comma-separated alert kinds, or '*' for all.
    .addColumn('events', 'text', (c) => c.notNull().defaultTo('*'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  // Server-level: one scheduler for every org. A lease row per job name keeps two processes from ticking at once.
  await table('scheduler_lease')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();

  await table('scheduler_run')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('finished_at', 'bigint')
    // JSON summary of what the run did, or the error that stopped it.
    .addColumn('result', 'text')
    .addColumn('error', 'text')
    .execute();

  const index = (name: string, on: string, columns: string[], unique = false) => {
    const b = db.schema.createIndex(name).ifNotExists().on(on).columns(columns);
    return (unique ? b.unique() : b).execute();
  };
  await index('progress_snapshot_goal_day', 'progress_snapshot', ['goal_id', 'day'], true);
  await index('notification_user_key', 'notification', ['user_id', 'dedupe_key'], true);
  await index('notification_user_created', 'notification', ['user_id', 'created_at']);
  await index('goal_alert_state_goal', 'goal_alert_state', ['goal_id'], true);
  await index('webhook_org', 'webhook', ['org_id']);
  await index('scheduler_lease_name', 'scheduler_lease', ['name'], true);
  await index('scheduler_run_started', 'scheduler_run', ['started_at']);
}

function withId<T extends string>(t: CreateTableBuilder<T, never>, dialect: Dialect) {
  return dialect === 'sqlite'
    ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

function inList(column: string, values: string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}

import { type Kysely, type SqlBool, sql } from 'kysely';
import { dialectOf } from '../dialect.ts';

/**
 * A per-org data version for caches that must never serve stale figures
 * (the dashboard's, src/services/tracking/dashboard-cache.ts): a counter that
 * every write a dashboard could show bumps, read in one indexed query per
 * request, so several server processes stay correct without any time-based
 * expiry.
 *
 * The bumps are triggers, so no write path can forget one:
 * - facts: every fact write ends with a rollup refresh (rollups.ts), which
 *   rewrites `rollup_state`; the big fact tables themselves get no trigger,
 *   which would slow bulk loads row by row;
 * - goals and their target history, check-ins, progress snapshots;
 * - the people and team tree behind scopes and access, and the org's settings.
 *
 * The triggers upsert the org's row (unless the org itself is being deleted), so a read never writes (a dashboard can
 * read from a replica) and an org without a row yet reads as version 0.
 * `hadaf copy` leaves the table out: the triggers rebuild it as rows arrive.
 *
 * Also indexes for the dashboard's pipeline forecast: two covering ones for
 * the stage win rates learnt from a year of closed deals and the mean
 * probability of each open stage (each read from the index alone), and the
 * open deals by owner and by team, for a team's own pipeline.
 */

/** Child tables whose rows carry the org id. */
const BUMPED_BY_ROW = ['goal', 'goal_target_change', 'goal_checkin', 'progress_snapshot', 'team', 'app_user'];
/** Tables keyed by the org id itself (the org row, the rollups' state). */
const BUMPED_BY_KEY: Record<string, string> = { org: 'id', rollup_state: 'org_id' };

export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = dialectOf(db);
  await db.schema
    .createTable('org_data_version')
    .ifNotExists()
    .addColumn('org_id', 'integer', (c) => c.primaryKey().references('org.id').onDelete('cascade'))
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();

  const tables: Array<[string, string]> = [
    ...BUMPED_BY_ROW.map((t): [string, string] => [t, 'org_id']),
    ...Object.entries(BUMPED_BY_KEY),
  ];
  if (dialect === 'postgres') {
    await sql`
      create or replace function hadaf_bump_org_data_version(bigint) returns void language sql as $$
        insert into org_data_version (org_id, version)
        select $1, 1 where exists (select 1 from org where org.id = $1)
        on conflict (org_id) do update set version = org_data_version.version + 1
      $$`.execute(db);
    await sql`
      create or replace function hadaf_bump_data_version() returns trigger language plpgsql as $$
      declare
        org bigint;
      begin
        if tg_op = 'DELETE' then
          execute format('select ($1).%I', tg_argv[0]) into org using old;
        else
          execute format('select ($1).%I', tg_argv[0]) into org using new;
        end if;
        perform hadaf_bump_org_data_version(org);
        if tg_op = 'UPDATE' then
          execute format('select ($1).%I', tg_argv[0]) into org using old;
          perform hadaf_bump_org_data_version(org);
        end if;
        return null;
      end $$`.execute(db);
    for (const [table, column] of tables) {
      await sql`
        drop trigger if exists ${sql.raw(`${table}_data_version`)} on ${sql.table(table)}`.execute(db);
      await sql`
        create trigger ${sql.raw(`${table}_data_version`)} after insert or update or delete on ${sql.table(table)}
        for each row execute function hadaf_bump_data_version(${sql.lit(column)})`.execute(db);
    }
  } else {
    for (const [table, column] of tables) {
      for (const event of ['insert', 'update', 'delete'] as const) {
        const rows = event === 'insert' ? ['new'] : event === 'delete' ? ['old'] : ['new', 'old'];
        const bumps = rows
          .map(
            (row) =>
              `insert into org_data_version (org_id, version) select ${row}.${column}, 1 ` +
              `where exists (select 1 from org where org.id = ${row}.${column}) ` +
              'on conflict (org_id) do update set version = version + 1;',
          )
          .join(' ');
        await sql`
          create trigger if not exists ${sql.raw(`${table}_data_version_${event}`)}
          after ${sql.raw(event)} on ${sql.table(table)} for each row begin ${sql.raw(bumps)} end`.execute(
          db,
        );
      }
    }
  }

  const index = (name: string, on: string, columns: string[], where: string) =>
    db.schema
      .createIndex(name)
      .ifNotExists()
      .on(on)
      .columns(columns)
      .where(sql.raw<SqlBool>(where))
      .execute();
  // Time first, as in 0001 (STACK.md); status and stage make the scan index-only.
  await index(
    'deal_closed_stage',
    'deal',
    ['closed_at', 'org_id', 'status', 'stage'],
    "status in ('won', 'lost')",
  );
  await index('deal_open_stage', 'deal', ['stage', 'probability', 'org_id'], "status = 'open'");
  // A team's dashboard reads the open pipeline of its own reps and teams only.
  await index('deal_open_owner', 'deal', ['owner_id', 'expected_close_at'], "status = 'open'");
  await index('deal_open_team', 'deal', ['team_id', 'expected_close_at'], "status = 'open'");
}

import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { type Dialect, dialectOf } from '../dialect.ts';

/**
 * Every entity of SPEC §1 plus goals and the audit log.
 * Types are chosen so both dialects return the same JS values:
 * bigint (epoch ms, minor units) is parsed to number on PostgreSQL (see db.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = dialectOf(db);
  const table = (name: string) => withId(db.schema.createTable(name).ifNotExists(), dialect);
  const orgRef = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t.addColumn('org_id', 'integer', (c) => c.notNull().references('org.id').onDelete('cascade'));
  const external = <T extends string>(t: CreateTableBuilder<T, never>) => t.addColumn('external_id', 'text');

  await table('org')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('fiscal_year_start_month', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('week_start', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('working_days', 'text', (c) => c.notNull().defaultTo('1,2,3,4,5'))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await external(orgRef(table('team')))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.references('team.id').onDelete('restrict'))
    // No foreign key: team and user reference each other; the store keeps it consistent.
    .addColumn('manager_id', 'integer')
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await external(orgRef(table('app_user')))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(inList('role', ['admin', 'manager', 'rep'])))
    .addColumn('team_id', 'integer', (c) => c.references('team.id').onDelete('set null'))
    .addColumn('segment', 'text')
    .addColumn('hired_at', 'bigint')
    .addColumn('left_at', 'bigint')
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('en'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await orgRef(table('team_membership'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('team_id', 'integer', (c) => c.notNull().references('team.id').onDelete('cascade'))
    .addColumn('from_at', 'bigint', (c) => c.notNull())
    .addColumn('to_at', 'bigint')
    .execute();

  const owner = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t
      .addColumn('owner_id', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
      .addColumn('team_id', 'integer', (c) => c.references('team.id').onDelete('set null'));

  await owner(external(orgRef(table('account'))))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('industry', 'text')
    .addColumn('segment', 'text')
    .addColumn('channel', 'text')
    .addColumn('acquired_at', 'bigint')
    .addColumn('churned_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await external(orgRef(table('subscription')))
    .addColumn('account_id', 'integer', (c) => c.notNull().references('account.id').onDelete('cascade'))
    .addColumn('mrr', 'bigint', (c) => c.notNull().check(nonNegative('mrr')))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('started_at', 'bigint', (c) => c.notNull())
    .addColumn('ended_at', 'bigint')
    .execute();

  await owner(external(orgRef(table('lead'))))
    .addColumn('name', 'text')
    .addColumn('account_id', 'integer', (c) => c.references('account.id').onDelete('set null'))
    .addColumn('channel', 'text')
    .addColumn('industry', 'text')
    .addColumn('segment', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('mql_at', 'bigint')
    .addColumn('sql_at', 'bigint')
    .addColumn('converted_at', 'bigint')
    .addColumn('disqualified_at', 'bigint')
    .execute();

  await owner(external(orgRef(table('deal'))))
    .addColumn('name', 'text')
    .addColumn('account_id', 'integer', (c) => c.references('account.id').onDelete('set null'))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(nonNegative('amount')))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('units', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('product', 'text')
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(inList('status', ['open', 'won', 'lost'])))
    .addColumn('probability', 'integer')
    .addColumn('channel', 'text')
    .addColumn('industry', 'text')
    .addColumn('segment', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('closed_at', 'bigint')
    .addColumn('expected_close_at', 'bigint')
    .execute();

  await owner(external(orgRef(table('activity'))))
    .addColumn('type', 'text', (c) =>
      c.notNull().check(inList('type', ['call', 'email', 'meeting', 'demo', 'discovery_call'])),
    )
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .addColumn('booked_at', 'bigint')
    .addColumn('qualified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('deal_id', 'integer', (c) => c.references('deal.id').onDelete('set null'))
    .addColumn('lead_id', 'integer', (c) => c.references('lead.id').onDelete('set null'))
    .addColumn('account_id', 'integer', (c) => c.references('account.id').onDelete('set null'))
    .execute();

  await external(orgRef(table('spend')))
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('period_end', 'text', (c) => c.notNull())
    .addColumn('channel', 'text')
    .addColumn('category', 'text', (c) => c.notNull().check(inList('category', ['sales', 'marketing'])))
    .addColumn('amount', 'bigint', (c) => c.notNull().check(nonNegative('amount')))
    .addColumn('currency', 'text', (c) => c.notNull())
    .execute();

  await external(orgRef(table('coaching')))
    .addColumn('coach_id', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('rep_id', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('team_id', 'integer', (c) => c.references('team.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', ['coaching', 'training'])))
    .addColumn('hours', 'double precision', (c) => c.notNull().check(nonNegative('hours')))
    .addColumn('occurred_at', 'bigint', (c) => c.notNull())
    .execute();

  await orgRef(table('goal'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('scope_type', 'text', (c) => c.notNull().check(inList('scope_type', ['org', 'team', 'rep'])))
    .addColumn('scope_id', 'integer')
    .addColumn('filters', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('target', 'double precision', (c) => c.notNull())
    .addColumn('target_mode', 'text', (c) =>
      c.notNull().check(inList('target_mode', ['absolute', 'relative'])),
    )
    .addColumn('target_change', 'double precision')
    .addColumn('baseline', 'double precision')
    .addColumn('baseline_start', 'text')
    .addColumn('baseline_end', 'text')
    .addColumn('baseline_overridden', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('direction', 'text', (c) =>
      c.notNull().check(inList('direction', ['increase', 'decrease', 'reach', 'stay_below'])),
    )
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('period_end', 'text', (c) => c.notNull())
    .addColumn('recurrence', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('kind', 'text', (c) => c.notNull().check(inList('kind', ['outcome', 'activity'])))
    .addColumn('layer', 'text', (c) =>
      c.notNull().check(inList('layer', ['annual', 'team', 'individual', 'activity', 'stretch'])),
    )
    .addColumn('stretch_target', 'double precision')
    .addColumn('pace_model', 'text', (c) => c.notNull().defaultTo('linear'))
    .addColumn('checkin_interval', 'text', (c) => c.notNull().defaultTo('weekly'))
    .addColumn('owner_id', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('parent_id', 'integer', (c) => c.references('goal.id').onDelete('set null'))
    .addColumn('split_rule', 'text')
    .addColumn('status', 'text', (c) =>
      c.notNull().check(inList('status', ['draft', 'active', 'achieved', 'missed', 'archived'])),
    )
    .addColumn('reason', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await orgRef(table('goal_target_change'))
    .addColumn('goal_id', 'integer', (c) => c.notNull().references('goal.id').onDelete('cascade'))
    .addColumn('target', 'double precision', (c) => c.notNull())
    .addColumn('effective_from', 'text', (c) => c.notNull())
    .addColumn('changed_by', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('changed_at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();

  await orgRef(table('goal_bonus_tier'))
    .addColumn('goal_id', 'integer', (c) => c.notNull().references('goal.id').onDelete('cascade'))
    .addColumn('attainment', 'double precision', (c) => c.notNull())
    .addColumn('payout', 'bigint', (c) => c.notNull().check(nonNegative('payout')))
    .execute();

  await orgRef(table('goal_checkin'))
    .addColumn('goal_id', 'integer', (c) => c.notNull().references('goal.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('value', 'double precision')
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('confidence', 'integer')
    .addColumn('private', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await orgRef(table('audit_log'))
    .addColumn('actor_id', 'integer')
    .addColumn('actor_label', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'integer')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .execute();

  const index = (name: string, on: string, columns: string[], unique = false) => {
    const b = db.schema.createIndex(name).ifNotExists().on(on).columns(columns);
    return (unique ? b.unique() : b).execute();
  };
  for (const t of [
    'team',
    'app_user',
    'account',
    'subscription',
    'lead',
    'deal',
    'activity',
    'spend',
    'coaching',
  ]) {
    await index(`${t}_external_id`, t, ['org_id', 'external_id'], true);
  }
  await index('app_user_email', 'app_user', ['org_id', 'email'], true);
  await index('team_org_path', 'team', ['org_id', 'path']);
  await index('team_membership_user', 'team_membership', ['user_id', 'from_at']);
  // Fact indexes lead with the time column: with one big org, an index that leads
  // with org_id turns range scans into millions of random lookups (STACK.md).
  await index('deal_closed', 'deal', ['closed_at', 'org_id']);
  await index('deal_created', 'deal', ['created_at', 'org_id']);
  await index('deal_owner_closed', 'deal', ['owner_id', 'closed_at']);
  await index('activity_occurred', 'activity', ['occurred_at', 'org_id']);
  await index('activity_owner_occurred', 'activity', ['owner_id', 'occurred_at']);
  await index('lead_created', 'lead', ['created_at', 'org_id']);
  await index('lead_owner_created', 'lead', ['owner_id', 'created_at']);
  await index('account_acquired', 'account', ['acquired_at', 'org_id']);
  await index('subscription_account', 'subscription', ['account_id']);
  await index('coaching_occurred', 'coaching', ['occurred_at', 'org_id']);
  await index('spend_period', 'spend', ['org_id', 'period_start']);
  await index('goal_org_status', 'goal', ['org_id', 'status']);
  await index('goal_parent', 'goal', ['parent_id']);
  await index('goal_target_change_goal', 'goal_target_change', ['goal_id', 'effective_from']);
  await index('goal_checkin_goal', 'goal_checkin', ['goal_id', 'at']);
  await index('audit_log_org_at', 'audit_log', ['org_id', 'at']);
}

function withId<T extends string>(t: CreateTableBuilder<T, never>, dialect: Dialect) {
  // SQLite: INTEGER PRIMARY KEY is the rowid itself (fast); PostgreSQL: an identity column.
  return dialect === 'sqlite'
    ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

function inList(column: string, values: string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}

function nonNegative(column: string) {
  return sql.raw(`${column} >= 0`);
}

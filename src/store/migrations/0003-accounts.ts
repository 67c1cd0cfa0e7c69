import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { type Dialect, dialectOf } from '../dialect.ts';

/**
 * Sign-in and delivery: password credentials, sessions, invitations,
 * password resets, API tokens, the login throttle and the generic outbox.
 * Every token column holds a sha256 hex digest, never the token itself.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const dialect = dialectOf(db);
  const table = (name: string) => withId(db.schema.createTable(name).ifNotExists(), dialect);
  const orgRef = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t.addColumn('org_id', 'integer', (c) => c.notNull().references('org.id').onDelete('cascade'));
  const userRef = <T extends string>(t: CreateTableBuilder<T, never>) =>
    t.addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'));

  await userRef(orgRef(table('credential')))
    // 'scrypt$N$r$p$salt$hash' (base64): the parameters travel with the hash
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await userRef(orgRef(table('session')))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();

  await orgRef(table('invitation'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('role', 'text', (c) => c.notNull().check(inList('role', ['admin', 'manager', 'rep'])))
    .addColumn('team_id', 'integer', (c) => c.references('team.id').onDelete('set null'))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('invited_by', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('accepted_at', 'bigint')
    .addColumn('accepted_user_id', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('revoked_at', 'bigint')
    .execute();

  await userRef(orgRef(table('password_reset')))
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_at', 'bigint')
    .execute();

  await userRef(orgRef(table('api_token')))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    // comma-separated, e.g. 'read,write'
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  // Server-level, not per org: sign-in happens before the org is known.
  // Keys are 'email:<address>' and 'ip:<address>'.
  await table('login_throttle')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('window_started_at', 'bigint', (c) => c.notNull())
    .addColumn('locked_until', 'bigint')
    .execute();

  await orgRef(table('outbox'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('sensitive', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('status', 'text', (c) =>
      c.notNull().check(inList('status', ['pending', 'sending', 'sent', 'failed', 'unconfirmed'])),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .execute();

  const index = (name: string, on: string, columns: string[], unique = false) => {
    const b = db.schema.createIndex(name).ifNotExists().on(on).columns(columns);
    return (unique ? b.unique() : b).execute();
  };
  await index('credential_user', 'credential', ['user_id'], true);
  await index('session_token', 'session', ['token_hash'], true);
  await index('session_user', 'session', ['user_id']);
  await index('invitation_token', 'invitation', ['token_hash'], true);
  await index('invitation_org_email', 'invitation', ['org_id', 'email']);
  await index('password_reset_token', 'password_reset', ['token_hash'], true);
  await index('password_reset_user', 'password_reset', ['user_id', 'created_at']);
  await index('api_token_token', 'api_token', ['token_hash'], true);
  await index('api_token_user', 'api_token', ['user_id']);
  await index('login_throttle_key', 'login_throttle', ['key'], true);
  await index('outbox_dedupe', 'outbox', ['org_id', 'dedupe_key'], true);
  await index('outbox_due', 'outbox', ['status', 'next_attempt_at']);
  await index('audit_log_org_entity', 'audit_log', ['org_id', 'entity', 'entity_id']);
}

function withId<T extends string>(t: CreateTableBuilder<T, never>, dialect: Dialect) {
  return dialect === 'sqlite'
    ? t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    : t.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity());
}

function inList(column: string, values: string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}

import type { Generated, Selectable } from 'kysely';
import { invalid } from '../core/errors.ts';
import type { Org, Role } from '../core/org.ts';
import type { Db } from './db.ts';
import { toOrg } from './org-queries.ts';
import { prepared } from './prepared.ts';
import type { Instant, UserRow } from './schema.ts';

/**
 * Rows of migration 0003-accounts. Kept here (joined to the shared schema
 * with `withTables`) so the accounts tables travel with their only queries.
 * Every `token_hash` is the sha256 hex digest of a token shown once.
 */
export interface CredentialTable {
  id: Generated<number>;
  org_id: number;
  user_id: number;
  password_hash: string;
  updated_at: Instant;
}

export interface SessionTable {
  id: Generated<number>;
  org_id: number;
  user_id: number;
  token_hash: string;
  /** Per-session synchronizer token the client echoes in `x-csrf-token`. */
  csrf_token: string;
  created_at: Instant;
  expires_at: Instant;
  revoked_at: Instant | null;
}

export interface InvitationTable {
  id: Generated<number>;
  org_id: number;
  email: string;
  name: string | null;
  role: Role;
  team_id: number | null;
  token_hash: string;
  invited_by: number | null;
  created_at: Instant;
  expires_at: Instant;
  accepted_at: Instant | null;
  accepted_user_id: number | null;
  revoked_at: Instant | null;
}

export interface PasswordResetTable {
  id: Generated<number>;
  org_id: number;
  user_id: number;
  token_hash: string;
  created_at: Instant;
  expires_at: Instant;
  used_at: Instant | null;
}

export interface ApiTokenTable {
  id: Generated<number>;
  org_id: number;
  user_id: number;
  name: string;
  token_hash: string;
  /** Comma-separated scopes, e.g. 'read,write'. */
  scopes: string;
  created_at: Instant;
  expires_at: Instant | null;
  revoked_at: Instant | null;
}

export interface LoginThrottleTable {
  id: Generated<number>;
  key: string;
  failures: number;
  window_started_at: Instant;
  locked_until: Instant | null;
}

export type AccountTables = {
  credential: CredentialTable;
  session: SessionTable;
  invitation: InvitationTable;
  password_reset: PasswordResetTable;
  api_token: ApiTokenTable;
  login_throttle: LoginThrottleTable;
};

export type InvitationRow = Selectable<InvitationTable>;
export type PasswordResetRow = Selectable<PasswordResetTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
export type LoginThrottleRow = Selectable<LoginThrottleTable>;

const tables = (db: Db) => db.withTables<AccountTables>();

/** A user with the materialized path of their team (null without a team). */
export type Member = UserRow & { team_path: string | null };

/** Who a session or API token speaks for, loaded in one query. */
export interface Principal {
  org: Org;
  user: Member;
}

async function assertUserInOrg(db: Db, orgId: number, userId: number) {
  const row = await db
    .selectFrom('app_user')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!row) throw invalid(`User ${userId} does not exist in this org.`, 'userId');
}

// ---- members ------------------------------------------------------------

function membersQuery(db: Db, orgId: number) {
  return db
    .selectFrom('app_user')
    .leftJoin('team', (j) =>
      j.onRef('team.id', '=', 'app_user.team_id').onRef('team.org_id', '=', 'app_user.org_id'),
    )
    .selectAll('app_user')
    .select('team.path as team_path')
    .where('app_user.org_id', '=', orgId);
}

export async function findMember(db: Db, orgId: number, userId: number): Promise<Member | undefined> {
  return membersQuery(db, orgId).where('app_user.id', '=', userId).executeTakeFirst();
}

/** The org's members on the given teams, by name (a team's dashboard reads its own people, not the org's). */
export async function listMembersOfTeams(
  db: Db,
  orgId: number,
  teamIds: readonly number[],
): Promise<Member[]> {
  if (teamIds.length === 0) return [];
  return membersQuery(db, orgId)
    .where('app_user.team_id', 'in', teamIds)
    .orderBy('app_user.name')
    .orderBy('app_user.id')
    .execute();
}

export async function listMembers(db: Db, orgId: number): Promise<Member[]> {
  return membersQuery(db, orgId).orderBy('app_user.name').orderBy('app_user.id').execute();
}

export async function setUserRole(db: Db, orgId: number, userId: number, role: Role): Promise<void> {
  await db
    .updateTable('app_user')
    .set({ role })
    .where('org_id', '=', orgId)
    .where('id', '=', userId)
    .execute();
}

/** Admins who can still act: not left. */
export async function countActiveAdmins(db: Db, orgId: number, now: Instant): Promise<number> {
  const { n } = await db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('role', '=', 'admin')
    .where((eb) => eb.or([eb('left_at', 'is', null), eb('left_at', '>', now)]))
    .executeTakeFirstOrThrow();
  return Number(n);
}

// ---- credentials --------------------------------------------------------

export async function setPasswordHash(
  db: Db,
  orgId: number,
  userId: number,
  passwordHash: string,
  now: Instant,
): Promise<void> {
  await assertUserInOrg(db, orgId, userId);
  await tables(db)
    .insertInto('credential')
    .values({ org_id: orgId, user_id: userId, password_hash: passwordHash, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ password_hash: passwordHash, updated_at: now }))
    .execute();
}

export async function findPasswordHash(db: Db, orgId: number, userId: number): Promise<string | undefined> {
  const row = await tables(db)
    .selectFrom('credential')
    .select('password_hash')
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.password_hash;
}

export interface LoginCandidate {
  orgId: number;
  userId: number;
  passwordHash: string | null;
  leftAt: Instant | null;
}

/**
 * Users with this e-mail in any org (or in the org with `orgSlug`): sign-in
 * is the one place where the org is not known yet.
 */
export async function findLoginCandidates(
  db: Db,
  email: string,
  orgSlug?: string,
): Promise<LoginCandidate[]> {
  let query = tables(db)
    .selectFrom('app_user')
    .innerJoin('org', 'org.id', 'app_user.org_id')
    .leftJoin('credential', 'credential.user_id', 'app_user.id')
    .select([
      'app_user.org_id as orgId',
      'app_user.id as userId',
      'credential.password_hash as passwordHash',
      'app_user.left_at as leftAt',
    ])
    .where('app_user.email', '=', email.toLowerCase());
  if (orgSlug !== undefined) query = query.where('org.slug', '=', orgSlug);
  return query.orderBy('app_user.org_id').execute();
}

/** How many users on this server can sign in with a password (0 means first run). */
export async function countPasswords(db: Db): Promise<number> {
  const { n } = await tables(db)
    .selectFrom('credential')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

// ---- principals (session and API token lookups) -------------------------

const principalColumns = [
  'app_user.id',
  'app_user.org_id',
  'app_user.external_id',
  'app_user.name',
  'app_user.email',
  'app_user.role',
  'app_user.team_id',
  'app_user.segment',
  'app_user.hired_at',
  'app_user.left_at',
  'app_user.locale',
  'app_user.created_at',
  'team.path as team_path',
  'org.name as org_name',
  'org.slug as org_slug',
  'org.currency as org_currency',
  'org.time_zone as org_time_zone',
  'org.fiscal_year_start_month as org_fiscal_year_start_month',
  'org.week_start as org_week_start',
  'org.working_days as org_working_days',
  'org.settings as org_settings',
  'org.created_at as org_created_at',
] as const;

type PrincipalRow = Member & {
  org_name: string;
  org_slug: string;
  org_currency: string;
  org_time_zone: string;
  org_fiscal_year_start_month: number;
  org_week_start: number;
  org_working_days: string;
  org_settings: string;
  org_created_at: number;
};

function toPrincipal(row: PrincipalRow): Principal {
  const {
    org_name,
    org_slug,
    org_currency,
    org_time_zone,
    org_fiscal_year_start_month,
    org_week_start,
    org_working_days,
    org_settings,
    org_created_at,
    ...user
  } = row;
  const org = toOrg({
    id: user.org_id,
    name: org_name,
    slug: org_slug,
    currency: org_currency,
    time_zone: org_time_zone,
    fiscal_year_start_month: org_fiscal_year_start_month,
    week_start: org_week_start,
    working_days: org_working_days,
    settings: org_settings,
    created_at: org_created_at,
  });
  return { org, user };
}

export interface SessionPrincipal extends Principal {
  session: { id: number; csrfToken: string; expiresAt: Instant };
}

/** The live session with this token hash (not expired, not revoked), its user and org. The hash names the org. */
export async function findActiveSession(
  db: Db,
  tokenHash: string,
  now: Instant,
): Promise<SessionPrincipal | undefined> {
  const [row] = await activeSession(db, tokenHash, now);
  if (!row) return undefined;
  const { session_id, csrf_token, expires_at, ...rest } = row;
  return { ...toPrincipal(rest), session: { id: session_id, csrfToken: csrf_token, expiresAt: expires_at } };
}

/** Every signed-in request runs this: compiled once (prepared.ts). */
const activeSession = prepared((db: Db, tokenHash: string, now: Instant) =>
  tables(db)
    .selectFrom('session')
    .innerJoin('app_user', (j) =>
      j.onRef('app_user.id', '=', 'session.user_id').onRef('app_user.org_id', '=', 'session.org_id'),
    )
    .innerJoin('org', 'org.id', 'session.org_id')
    .leftJoin('team', (j) =>
      j.onRef('team.id', '=', 'app_user.team_id').onRef('team.org_id', '=', 'app_user.org_id'),
    )
    .select(principalColumns)
    .select(['session.id as session_id', 'session.csrf_token', 'session.expires_at'])
    .where('session.token_hash', '=', tokenHash)
    .where('session.revoked_at', 'is', null)
    .where('session.expires_at', '>', now),
);

export async function insertSession(
  db: Db,
  orgId: number,
  session: { userId: number; tokenHash: string; csrfToken: string; createdAt: Instant; expiresAt: Instant },
): Promise<number> {
  await assertUserInOrg(db, orgId, session.userId);
  const row = await tables(db)
    .insertInto('session')
    .values({
      org_id: orgId,
      user_id: session.userId,
      token_hash: session.tokenHash,
      csrf_token: session.csrfToken,
      created_at: session.createdAt,
      expires_at: session.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function revokeSession(db: Db, orgId: number, sessionId: number, now: Instant): Promise<void> {
  await tables(db)
    .updateTable('session')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Signs a user out everywhere, except optionally the session making the change. */
export async function revokeUserSessions(
  db: Db,
  orgId: number,
  userId: number,
  now: Instant,
  keepSessionId?: number,
): Promise<number> {
  let query = tables(db)
    .updateTable('session')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null);
  if (keepSessionId !== undefined) query = query.where('id', '!=', keepSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

// ---- API tokens ---------------------------------------------------------

export interface TokenPrincipal extends Principal {
  token: { id: number; scopes: string[] };
}

/** The live API token with this hash, its user and org. The hash names the org. */
export async function findActiveApiToken(
  db: Db,
  tokenHash: string,
  now: Instant,
): Promise<TokenPrincipal | undefined> {
  const row = await tables(db)
    .selectFrom('api_token')
    .innerJoin('app_user', (j) =>
      j.onRef('app_user.id', '=', 'api_token.user_id').onRef('app_user.org_id', '=', 'api_token.org_id'),
    )
    .innerJoin('org', 'org.id', 'api_token.org_id')
    .leftJoin('team', (j) =>
      j.onRef('team.id', '=', 'app_user.team_id').onRef('team.org_id', '=', 'app_user.org_id'),
    )
    .select(principalColumns)
    .select(['api_token.id as token_id', 'api_token.scopes'])
    .where('api_token.token_hash', '=', tokenHash)
    .where('api_token.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_token.expires_at', 'is', null), eb('api_token.expires_at', '>', now)]))
    .executeTakeFirst();
  if (!row) return undefined;
  const { token_id, scopes, ...rest } = row;
  return { ...toPrincipal(rest), token: { id: token_id, scopes: scopes.split(',') } };
}

export async function insertApiToken(
  db: Db,
  orgId: number,
  token: {
    userId: number;
    name: string;
    tokenHash: string;
    scopes: string[];
    createdAt: Instant;
    expiresAt: Instant | null;
  },
): Promise<ApiTokenRow> {
  await assertUserInOrg(db, orgId, token.userId);
  return tables(db)
    .insertInto('api_token')
    .values({
      org_id: orgId,
      user_id: token.userId,
      name: token.name,
      token_hash: token.tokenHash,
      scopes: token.scopes.join(','),
      created_at: token.createdAt,
      expires_at: token.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Tokens of one user, or of the whole org when `userId` is null. */
export async function listApiTokens(db: Db, orgId: number, userId: number | null): Promise<ApiTokenRow[]> {
  let query = tables(db).selectFrom('api_token').selectAll().where('org_id', '=', orgId);
  if (userId !== null) query = query.where('user_id', '=', userId);
  return query.orderBy('id').execute();
}

export async function findApiToken(db: Db, orgId: number, tokenId: number): Promise<ApiTokenRow | undefined> {
  return tables(db)
    .selectFrom('api_token')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', tokenId)
    .executeTakeFirst();
}

export async function revokeApiToken(db: Db, orgId: number, tokenId: number, now: Instant): Promise<void> {
  await tables(db)
    .updateTable('api_token')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .execute();
}

// ---- invitations --------------------------------------------------------

export type InvitationWithTeam = InvitationRow & { team_path: string | null };

function invitationsQuery(db: Db, orgId: number) {
  return tables(db)
    .selectFrom('invitation')
    .leftJoin('team', (j) =>
      j.onRef('team.id', '=', 'invitation.team_id').onRef('team.org_id', '=', 'invitation.org_id'),
    )
    .selectAll('invitation')
    .select('team.path as team_path')
    .where('invitation.org_id', '=', orgId);
}

export async function insertInvitation(
  db: Db,
  orgId: number,
  invitation: {
    email: string;
    name: string | null;
    role: Role;
    teamId: number | null;
    tokenHash: string;
    invitedBy: number | null;
    createdAt: Instant;
    expiresAt: Instant;
  },
): Promise<InvitationRow> {
  if (invitation.invitedBy !== null) await assertUserInOrg(db, orgId, invitation.invitedBy);
  if (invitation.teamId !== null) {
    const team = await db
      .selectFrom('team')
      .select('id')
      .where('org_id', '=', orgId)
      .where('id', '=', invitation.teamId)
      .executeTakeFirst();
    if (!team) throw invalid(`Team ${invitation.teamId} does not exist in this org.`, 'teamId');
  }
  return tables(db)
    .insertInto('invitation')
    .values({
      org_id: orgId,
      email: invitation.email.toLowerCase(),
      name: invitation.name,
      role: invitation.role,
      team_id: invitation.teamId,
      token_hash: invitation.tokenHash,
      invited_by: invitation.invitedBy,
      created_at: invitation.createdAt,
      expires_at: invitation.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findInvitation(
  db: Db,
  orgId: number,
  invitationId: number,
): Promise<InvitationWithTeam | undefined> {
  return invitationsQuery(db, orgId).where('invitation.id', '=', invitationId).executeTakeFirst();
}

/** The invitation with this token hash, whatever its state; the hash names the org. */
export async function findInvitationByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<InvitationRow | undefined> {
  return tables(db)
    .selectFrom('invitation')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Invitations not yet accepted, revoked or expired. */
export async function listPendingInvitations(
  db: Db,
  orgId: number,
  now: Instant,
): Promise<InvitationWithTeam[]> {
  return invitationsQuery(db, orgId)
    .where('invitation.accepted_at', 'is', null)
    .where('invitation.revoked_at', 'is', null)
    .where('invitation.expires_at', '>', now)
    .orderBy('invitation.id')
    .execute();
}

/** Revokes one open invitation, or every open one for an e-mail; returns how many. */
export async function revokeInvitations(
  db: Db,
  orgId: number,
  target: { invitationId: number } | { email: string },
  now: Instant,
): Promise<number> {
  let query = tables(db)
    .updateTable('invitation')
    .set({ revoked_at: now })
    .where('org_id', '=', orgId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null);
  query =
    'invitationId' in target
      ? query.where('id', '=', target.invitationId)
      : query.where('email', '=', target.email.toLowerCase());
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Marks an open invitation accepted by `userId`; false when someone else got there first or it closed. */
export async function acceptInvitationRow(
  db: Db,
  orgId: number,
  invitationId: number,
  userId: number,
  now: Instant,
): Promise<boolean> {
  const result = await tables(db)
    .updateTable('invitation')
    .set({ accepted_at: now, accepted_user_id: userId })
    .where('org_id', '=', orgId)
    .where('id', '=', invitationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- password resets ----------------------------------------------------

export async function insertPasswordReset(
  db: Db,
  orgId: number,
  reset: { userId: number; tokenHash: string; createdAt: Instant; expiresAt: Instant },
): Promise<PasswordResetRow> {
  await assertUserInOrg(db, orgId, reset.userId);
  return tables(db)
    .insertInto('password_reset')
    .values({
      org_id: orgId,
      user_id: reset.userId,
      token_hash: reset.tokenHash,
      created_at: reset.createdAt,
      expires_at: reset.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The reset with this token hash, whatever its state; the hash names the org. */
export async function findPasswordResetByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<PasswordResetRow | undefined> {
  return tables(db)
    .selectFrom('password_reset')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Reset links created strictly after `after`. */
export async function countPasswordResetsAfter(
  db: Db,
  orgId: number,
  userId: number,
  after: Instant,
): Promise<number> {
  const { n } = await tables(db)
    .selectFrom('password_reset')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('created_at', '>', after)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Closes every unused reset link of a user (a new link, or a password just set, makes them moot). */
export async function closePasswordResets(
  db: Db,
  orgId: number,
  userId: number,
  now: Instant,
): Promise<number> {
  const result = await tables(db)
    .updateTable('password_reset')
    .set({ used_at: now })
    .where('org_id', '=', orgId)
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Spends a reset link once; false when it was already used, closed or expired. */
export async function usePasswordReset(
  db: Db,
  orgId: number,
  resetId: number,
  now: Instant,
): Promise<boolean> {
  const result = await tables(db)
    .updateTable('password_reset')
    .set({ used_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', resetId)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- login throttle (server-level) --------------------------------------

export async function findLoginThrottle(db: Db, key: string): Promise<LoginThrottleRow | undefined> {
  return tables(db).selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst();
}

/**
 * Counts one failed sign-in for `key` in a fixed window that restarts after
 * `windowMs`; reaching `maxFailures` locks the key for `lockMs`. One upsert,
 * so concurrent failures are all counted.
 */
export async function recordLoginFailure(
  db: Db,
  key: string,
  now: Instant,
  rule: { windowMs: number; maxFailures: number; lockMs: number },
): Promise<LoginThrottleRow> {
  const windowOpenedAfter = now - rule.windowMs;
  const row = await tables(db)
    .insertInto('login_throttle')
    .values({ key, failures: 1, window_started_at: now, locked_until: null })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        failures: eb
          .case()
          .when('login_throttle.window_started_at', '<=', windowOpenedAfter)
          .then(1)
          .else(eb('login_throttle.failures', '+', 1))
          .end(),
        window_started_at: eb
          .case()
          .when('login_throttle.window_started_at', '<=', windowOpenedAfter)
          .then(now)
          .else(eb.ref('login_throttle.window_started_at'))
          .end(),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
  if (row.failures < rule.maxFailures) return row;
  const lockedUntil = now + rule.lockMs;
  // the lock starts a fresh window: the next failure after it lifts counts from 1
  return tables(db)
    .updateTable('login_throttle')
    .set({ locked_until: lockedUntil, failures: 0, window_started_at: now })
    .where('key', '=', key)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function clearLoginThrottle(db: Db, key: string): Promise<void> {
  await tables(db).deleteFrom('login_throttle').where('key', '=', key).execute();
}

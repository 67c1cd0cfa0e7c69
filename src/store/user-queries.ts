import { invalid, notFound } from '../core/errors.ts';
import type { Role } from '../core/org.ts';
import { type Db, inTransaction } from './db.ts';
import type { UserRow } from './schema.ts';
import { findTeam } from './team-queries.ts';

export interface NewUser {
  name: string;
  email: string;
  role: Role;
  teamId?: number | null;
  segment?: string | null;
  hiredAt?: number | null;
  leftAt?: number | null;
  externalId?: string | null;
  locale?: string;
}

/** Creates a user and opens their team membership from the hire date (or now). */
export async function createUser(db: Db, orgId: number, user: NewUser, now: number): Promise<UserRow> {
  return inTransaction(db, async (tx) => {
    if (user.teamId != null && !(await findTeam(tx, orgId, user.teamId))) {
      throw invalid(`Team ${user.teamId} does not exist in this org.`, 'teamId');
    }
    const row = await tx
      .insertInto('app_user')
      .values({
        org_id: orgId,
        name: user.name,
        email: user.email.toLowerCase(),
        role: user.role,
        team_id: user.teamId ?? null,
        segment: user.segment ?? null,
        hired_at: user.hiredAt ?? null,
        left_at: user.leftAt ?? null,
        external_id: user.externalId ?? null,
        locale: user.locale ?? 'en',
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (row.team_id != null) {
      await tx
        .insertInto('team_membership')
        .values({
          org_id: orgId,
          user_id: row.id,
          team_id: row.team_id,
          from_at: user.hiredAt ?? now,
          to_at: user.leftAt ?? null,
        })
        .execute();
    }
    return row;
  });
}

export async function findUser(db: Db, orgId: number, userId: number): Promise<UserRow | undefined> {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', userId)
    .executeTakeFirst();
}

export async function findUserByEmail(db: Db, orgId: number, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('app_user')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('email', '=', email.toLowerCase())
    .executeTakeFirst();
}

export async function listUsers(db: Db, orgId: number): Promise<UserRow[]> {
  return db.selectFrom('app_user').selectAll().where('org_id', '=', orgId).orderBy('name').execute();
}

/** Moves a user to another team from `at`, closing the previous membership. */
export async function moveUserToTeam(db: Db, orgId: number, userId: number, teamId: number, at: number) {
  await inTransaction(db, async (tx) => {
    if (!(await findUser(tx, orgId, userId))) throw notFound(`User ${userId} does not exist.`);
    if (!(await findTeam(tx, orgId, teamId))) throw notFound(`Team ${teamId} does not exist.`);
    await tx
      .updateTable('team_membership')
      .set({ to_at: at })
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .where('to_at', 'is', null)
      .execute();
    await tx
      .insertInto('team_membership')
      .values({ org_id: orgId, user_id: userId, team_id: teamId, from_at: at, to_at: null })
      .execute();
    await tx
      .updateTable('app_user')
      .set({ team_id: teamId })
      .where('org_id', '=', orgId)
      .where('id', '=', userId)
      .execute();
  });
}

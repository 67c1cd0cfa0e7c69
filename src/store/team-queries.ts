import { sql } from 'kysely';
import { invalid, notFound } from '../core/errors.ts';
import type { AccountTables } from './account-queries.ts';
import { type Db, inTransaction } from './db.ts';
import type { TeamRow } from './schema.ts';

export interface NewTeam {
  name: string;
  parentId?: number | null;
  managerId?: number | null;
  externalId?: string | null;
}

/** Creates a team under `parentId` (same org) and records its materialized path. */
export async function createTeam(db: Db, orgId: number, team: NewTeam, now: number): Promise<TeamRow> {
  return inTransaction(db, async (tx) => {
    const parent = team.parentId == null ? undefined : await findTeam(tx, orgId, team.parentId);
    if (team.parentId != null && !parent) {
      throw invalid(`Parent team ${team.parentId} does not exist in this org.`, 'parentId');
    }
    if (team.managerId != null) await assertUserInOrg(tx, orgId, team.managerId);
    const inserted = await tx
      .insertInto('team')
      .values({
        org_id: orgId,
        name: team.name,
        parent_id: parent?.id ?? null,
        manager_id: team.managerId ?? null,
        external_id: team.externalId ?? null,
        path: '/',
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const path = `${parent?.path ?? '/'}${inserted.id}/`;
    return tx
      .updateTable('team')
      .set({ path })
      .where('id', '=', inserted.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  });
}

export async function findTeam(db: Db, orgId: number, teamId: number): Promise<TeamRow | undefined> {
  return db
    .selectFrom('team')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', teamId)
    .executeTakeFirst();
}

export async function findTeamByName(db: Db, orgId: number, name: string): Promise<TeamRow | undefined> {
  return db
    .selectFrom('team')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function listTeams(db: Db, orgId: number): Promise<TeamRow[]> {
  return db.selectFrom('team').selectAll().where('org_id', '=', orgId).orderBy('path').execute();
}

/** Ids of a team and every team below it. */
export async function teamSubtreeIds(db: Db, orgId: number, teamId: number): Promise<number[]> {
  const team = await findTeam(db, orgId, teamId);
  if (!team) throw notFound(`Team ${teamId} does not exist.`);
  const rows = await db
    .selectFrom('team')
    .select('id')
    .where('org_id', '=', orgId)
    .where('path', 'like', `${team.path}%`)
    .execute();
  return rows.map((r) => r.id);
}

export async function setTeamManager(db: Db, orgId: number, teamId: number, managerId: number | null) {
  if (managerId != null) await assertUserInOrg(db, orgId, managerId);
  await db
    .updateTable('team')
    .set({ manager_id: managerId })
    .where('org_id', '=', orgId)
    .where('id', '=', teamId)
    .execute();
}

async function assertUserInOrg(db: Db, orgId: number, userId: number) {
  const user = await db
    .selectFrom('app_user')
    .select('id')
    .where('org_id', '=', orgId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw invalid(`Manager ${userId} does not exist in this org.`, 'managerId');
}

export async function setTeamName(db: Db, orgId: number, teamId: number, name: string): Promise<void> {
  await db.updateTable('team').set({ name }).where('org_id', '=', orgId).where('id', '=', teamId).execute();
}

/**
 * Puts `team` under `parent` (null: the top level) and rewrites the path of
 * the team and of every team below it, in one statement: '/1/4/9/' moved
 * under '/2/' becomes '/2/4/9/'. The caller rules out moving a team below itself.
 */
export async function reparentTeam(
  db: Db,
  orgId: number,
  team: Pick<TeamRow, 'id' | 'path'>,
  parent: Pick<TeamRow, 'id' | 'path'> | null,
): Promise<void> {
  const newPath = `${parent?.path ?? '/'}${team.id}/`;
  await inTransaction(db, async (tx) => {
    await tx
      .updateTable('team')
      .set({ parent_id: parent?.id ?? null })
      .where('org_id', '=', orgId)
      .where('id', '=', team.id)
      .execute();
    await tx
      .updateTable('team')
      .set({ path: sql<string>`${newPath} || substr(path, ${team.path.length + 1})` })
      .where('org_id', '=', orgId)
      .where('path', 'like', `${team.path}%`)
      .execute();
  });
}

/** What still points at a team: it can be deleted only when every count is 0. */
export interface TeamUsage {
  subTeams: number;
  /** Users whose team it is now (current or left). */
  users: number;
  /** Membership history: facts were attributed to the team while these lasted. */
  memberships: number;
  goals: number;
  openInvitations: number;
}

export async function teamUsage(db: Db, orgId: number, teamId: number, now: number): Promise<TeamUsage> {
  const count = async (query: { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> }) =>
    Number((await query.executeTakeFirstOrThrow()).n);
  const n = sql<number>`count(*)`.as('n');
  const [subTeams, users, memberships, goals, openInvitations] = await Promise.all([
    count(db.selectFrom('team').select(n).where('org_id', '=', orgId).where('parent_id', '=', teamId)),
    count(db.selectFrom('app_user').select(n).where('org_id', '=', orgId).where('team_id', '=', teamId)),
    count(
      db.selectFrom('team_membership').select(n).where('org_id', '=', orgId).where('team_id', '=', teamId),
    ),
    count(
      db
        .selectFrom('goal')
        .select(n)
        .where('org_id', '=', orgId)
        .where('scope_type', '=', 'team')
        .where('scope_id', '=', teamId),
    ),
    count(
      db
        .withTables<Pick<AccountTables, 'invitation'>>()
        .selectFrom('invitation')
        .select(n)
        .where('org_id', '=', orgId)
        .where('team_id', '=', teamId)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now),
    ),
  ]);
  return { subTeams, users, memberships, goals, openInvitations };
}

/** Deletes a team of the org; returns whether there was one. The caller checks `teamUsage` first. */
export async function deleteTeam(db: Db, orgId: number, teamId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('team')
    .where('org_id', '=', orgId)
    .where('id', '=', teamId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

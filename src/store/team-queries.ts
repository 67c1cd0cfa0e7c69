import { invalid, notFound } from '../core/errors.ts';
import type { Db } from './db.ts';
import type { TeamRow } from './schema.ts';

export interface NewTeam {
  name: string;
  parentId?: number | null;
  managerId?: number | null;
  externalId?: string | null;
}

/** Creates a team under `parentId` (same org) and records its materialized path. */
export async function createTeam(db: Db, orgId: number, team: NewTeam, now: number): Promise<TeamRow> {
  return db.transaction().execute(async (tx) => {
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

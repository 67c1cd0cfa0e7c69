import { assertAllowed, inSubtree, isAdmin } from '../../core/access.ts';
import { HadafError, invalid, notFound } from '../../core/errors.ts';
import { inTransaction } from '../../store/db.ts';
import type { TeamRow } from '../../store/schema.ts';
import {
  createTeam,
  deleteTeam,
  findTeam,
  listTeams,
  reparentTeam,
  setTeamManager,
  setTeamName,
  type TeamUsage,
  teamUsage,
} from '../../store/team-queries.ts';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { normalName } from './validate.ts';

/**
 * The team tree is the admins' to shape: create, rename, move, set the
 * manager, delete. Managers and reps read it through GET /api/teams.
 */

export interface TeamView {
  id: number;
  name: string;
  parentId: number | null;
  managerId: number | null;
  path: string;
}

const view = (row: TeamRow): TeamView => ({
  id: row.id,
  name: row.name,
  parentId: row.parent_id,
  managerId: row.manager_id,
  path: row.path,
});

const assertAdmin = (ctx: Ctx) => assertAllowed(isAdmin(ctx.actor), 'Only admins can change the team tree.');

async function teamOf(ctx: Ctx, teamId: number, field?: string): Promise<TeamRow> {
  const team = await findTeam(ctx.db, ctx.org.id, teamId);
  if (!team) {
    throw field
      ? invalid(`Team ${teamId} does not exist in this org.`, field)
      : notFound(`Team ${teamId} does not exist.`);
  }
  return team;
}

/** Team names name scopes (`team:East`), so two teams of one org never share one, whatever the case. */
async function assertNameFree(ctx: Ctx, name: string, exceptId?: number) {
  const clash = (await listTeams(ctx.db, ctx.org.id)).find(
    (t) => t.id !== exceptId && t.name.toLocaleLowerCase() === name.toLocaleLowerCase(),
  );
  if (clash) throw new HadafError('conflict', `There is already a team named "${clash.name}".`, 'name');
}

export interface TeamInput {
  name: string;
  parentId?: number | null;
  managerId?: number | null;
}

export async function addTeam({ ctx, input }: { ctx: Ctx; input: TeamInput }): Promise<TeamView> {
  assertAdmin(ctx);
  const name = normalName(input.name);
  if (input.parentId != null) await teamOf(ctx, input.parentId, 'parentId');
  await assertNameFree(ctx, name);
  return inTransaction(ctx.db, async (tx) => {
    const row = await createTeam(
      tx,
      ctx.org.id,
      { name, parentId: input.parentId ?? null, managerId: input.managerId ?? null },
      ctx.now,
    );
    await audit(
      { ...ctx, db: tx },
      {
        entity: 'team',
        entityId: row.id,
        action: 'create',
        after: { name, parentId: row.parent_id, managerId: row.manager_id },
      },
    );
    return view(row);
  });
}

export interface TeamChange {
  name?: string;
  /** null: to the top level. */
  parentId?: number | null;
  /** null: no manager. */
  managerId?: number | null;
}

/** Renames, moves (never below itself) and sets the manager of a team; one audit row per kind of change. */
export async function updateTeam({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { id: number; change: TeamChange };
}): Promise<TeamView> {
  assertAdmin(ctx);
  const team = await teamOf(ctx, input.id);
  const { change } = input;
  const name = change.name === undefined ? team.name : normalName(change.name);
  if (name !== team.name) await assertNameFree(ctx, name, team.id);

  let parent: TeamRow | null | undefined;
  if (change.parentId !== undefined && change.parentId !== team.parent_id) {
    parent = change.parentId === null ? null : await teamOf(ctx, change.parentId, 'parentId');
    if (parent && inSubtree(parent.path, team.path)) {
      throw invalid(
        parent.id === team.id
          ? `${team.name} cannot be its own parent.`
          : `${team.name} cannot move under ${parent.name}: ${parent.name} is one of its own sub-teams.`,
        'parentId',
      );
    }
  }
  const managerId = change.managerId === undefined ? team.manager_id : change.managerId;

  return inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    if (name !== team.name) {
      await setTeamName(tx, ctx.org.id, team.id, name);
      await audit(txCtx, {
        entity: 'team',
        entityId: team.id,
        action: 'rename',
        before: { name: team.name },
        after: { name },
      });
    }
    if (parent !== undefined) {
      await reparentTeam(tx, ctx.org.id, team, parent);
      await audit(txCtx, {
        entity: 'team',
        entityId: team.id,
        action: 'move',
        before: { parentId: team.parent_id, path: team.path },
        after: { parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${team.id}/` },
      });
    }
    if (managerId !== team.manager_id) {
      await setTeamManager(tx, ctx.org.id, team.id, managerId);
      await audit(txCtx, {
        entity: 'team',
        entityId: team.id,
        action: 'set_manager',
        before: { managerId: team.manager_id },
        after: { managerId },
      });
    }
    const updated = await findTeam(tx, ctx.org.id, team.id);
    if (!updated) throw new Error('the team being changed is missing');
    return view(updated);
  });
}

/** Why a team cannot go yet, in words; null when nothing points at it. */
function stillUsed(name: string, usage: TeamUsage): string | null {
  const reasons = [
    usage.subTeams && `${usage.subTeams} sub-team(s)`,
    usage.users && `${usage.users} member(s)`,
    usage.memberships && !usage.users && `the history of ${usage.memberships} past membership(s)`,
    usage.goals && `${usage.goals} goal(s)`,
    usage.openInvitations && `${usage.openInvitations} open invitation(s)`,
  ].filter(Boolean);
  if (reasons.length === 0) return null;
  return `${name} is not empty: it still has ${reasons.join(', ')}. Move or remove them first.`;
}

/** Deletes an empty team: no sub-teams, members (now or ever), goals or open invitations. */
export async function removeTeam({ ctx, input }: { ctx: Ctx; input: { id: number } }): Promise<void> {
  assertAdmin(ctx);
  const team = await teamOf(ctx, input.id);
  await inTransaction(ctx.db, async (tx) => {
    const reason = stillUsed(team.name, await teamUsage(tx, ctx.org.id, team.id, ctx.now));
    if (reason) throw new HadafError('conflict', reason);
    await deleteTeam(tx, ctx.org.id, team.id);
    await audit(
      { ...ctx, db: tx },
      { entity: 'team', entityId: team.id, action: 'delete', before: view(team), after: null },
    );
  });
}

import { assertAllowed, canChangeRole, canMoveUser, canReadUser } from '../../core/access.ts';
import { HadafError, notFound } from '../../core/errors.ts';
import type { Role } from '../../core/org.ts';
import { countActiveAdmins, findMember, listMembers, setUserRole } from '../../store/account-queries.ts';
import { inTransaction } from '../../store/db.ts';
import { findLockedUsers } from '../../store/people-queries.ts';
import { findTeam } from '../../store/team-queries.ts';
import { moveUserToTeam } from '../../store/user-queries.ts';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { type UserView, userView } from './sessions.ts';

const memberRef = (m: { id: number; team_path: string | null; role: Role }) => ({
  userId: m.id,
  teamPath: m.team_path,
  role: m.role,
});

/** active; left (left_at passed); locked: too many wrong passwords, sign-in refused until `lockedUntil`. */
export type UserStatus = 'active' | 'left' | 'locked';

export interface ListedUser extends UserView {
  status: UserStatus;
  lockedUntil: number | null;
}

/** The org's people the actor may see: everyone for admins, their subtree for managers, their team for reps. */
export async function listUsers({ ctx }: { ctx: Ctx }): Promise<ListedUser[]> {
  const [members, locked] = await Promise.all([
    listMembers(ctx.db, ctx.org.id),
    findLockedUsers(ctx.db, ctx.org.id, ctx.now),
  ]);
  const lockedUntil = new Map(locked.map((l) => [l.userId, l.lockedUntil]));
  return members
    .filter((m) => canReadUser(ctx.actor, memberRef(m)))
    .map((m) => {
      const until = lockedUntil.get(m.id) ?? null;
      const left = m.left_at !== null && m.left_at <= ctx.now;
      const status: UserStatus = left ? 'left' : until !== null ? 'locked' : 'active';
      return { ...userView(m), status, lockedUntil: until };
    });
}

async function member(ctx: Ctx, userId: number) {
  const found = await findMember(ctx.db, ctx.org.id, userId);
  if (!found || !canReadUser(ctx.actor, memberRef(found))) throw notFound(`User ${userId} does not exist.`);
  return found;
}

/** Admins change roles; the org always keeps at least one admin. Takes effect on the user's next request. */
export async function changeRole({ ctx, input }: { ctx: Ctx; input: { userId: number; role: Role } }) {
  assertAllowed(canChangeRole(ctx.actor), 'Only admins can change roles.');
  const target = await member(ctx, input.userId);
  if (target.role === input.role) return userView(target);
  return inTransaction(ctx.db, async (tx) => {
    if (target.role === 'admin' && (await countActiveAdmins(tx, ctx.org.id, ctx.now)) <= 1) {
      throw new HadafError(
        'conflict',
        'The org needs at least one admin: make someone else admin first.',
        'role',
      );
    }
    await setUserRole(tx, ctx.org.id, target.id, input.role);
    await audit(
      { ...ctx, db: tx },
      {
        entity: 'user',
        entityId: target.id,
        action: 'change_role',
        before: { role: target.role },
        after: { role: input.role },
      },
    );
    return userView({ ...target, role: input.role });
  });
}

/** Moves a user to another team from now on; their past facts stay with the old team. */
export async function moveUserTeam({ ctx, input }: { ctx: Ctx; input: { userId: number; teamId: number } }) {
  const target = await member(ctx, input.userId);
  const team = await findTeam(ctx.db, ctx.org.id, input.teamId);
  if (!team) throw notFound(`Team ${input.teamId} does not exist.`);
  assertAllowed(
    canMoveUser(ctx.actor, memberRef(target), team.path),
    'Managers can move reps between teams of their own subtree only.',
  );
  if (target.team_id === team.id) return userView(target);
  return inTransaction(ctx.db, async (tx) => {
    await moveUserToTeam(tx, ctx.org.id, target.id, team.id, ctx.now);
    await audit(
      { ...ctx, db: tx },
      {
        entity: 'user',
        entityId: target.id,
        action: 'move_team',
        before: { teamId: target.team_id },
        after: { teamId: team.id },
      },
    );
    return userView({ ...target, team_id: team.id });
  });
}

import { forbidden } from './errors.ts';
import type { Actor, Role } from './org.ts';

/**
 * Who may read and change what inside one org. Pure rules: the caller loads
 * the target's team path and passes it in; every function answers false
 * unless a rule below says yes (deny by default).
 *
 * - admin: the whole org.
 * - manager: their own team's subtree (every team whose path starts with
 *   theirs) and the reps in it, plus themselves.
 * - rep: their own goals and data; the aggregates and leaderboard of their
 *   own team; never another rep's payout or private check-in comments.
 * - system (CLI, scheduler, demo loader): trusted in-process code acting
 *   for the org; no HTTP request ever gets a system actor.
 *
 * Org isolation is not decided here: the org always comes from the session
 * and every store function filters by it.
 */

/** What a metric, goal, dashboard or leaderboard is about. */
export type Scope =
  | { type: 'org' }
  | { type: 'team'; teamId: number; teamPath: string }
  | { type: 'rep'; userId: number; teamPath: string | null };

/** A user as a target of a rule: who, and where in the team tree. */
export interface Member {
  userId: number;
  teamPath: string | null;
  role?: Role;
}

type UserActor = Extract<Actor, { kind: 'user' }>;

const isSystem = (actor: Actor) => actor.kind === 'system';
const asUser = (actor: Actor): UserActor | undefined => (actor.kind === 'user' ? actor : undefined);

export function isAdmin(actor: Actor): boolean {
  return isSystem(actor) || asUser(actor)?.role === 'admin';
}

/** True when `path` is `root` or a team below it. Paths are '/1/4/' so a prefix never matches a sibling like '/1/40/'. */
export function inSubtree(path: string | null | undefined, root: string | null | undefined): boolean {
  return !!path && !!root && path.startsWith(root);
}

/** The subtree a manager answers for, or null (not a manager, or a manager without a team). */
function managedRoot(actor: Actor): string | null {
  const user = asUser(actor);
  return user?.role === 'manager' ? (user.teamPath ?? null) : null;
}

const isSelf = (actor: Actor, userId: number) => asUser(actor)?.userId === userId;

/** Managers above a member: the member's team lies in the manager's subtree. */
function manages(actor: Actor, member: Member): boolean {
  return !isSelf(actor, member.userId) && inSubtree(member.teamPath, managedRoot(actor));
}

/** Aggregates of a scope: metric values, goal progress, dashboards. */
export function canReadScope(actor: Actor, scope: Scope): boolean {
  if (isAdmin(actor)) return true;
  const user = asUser(actor);
  if (!user) return false;
  switch (scope.type) {
    case 'org':
      return false;
    case 'team':
      if (user.role === 'manager') return inSubtree(scope.teamPath, managedRoot(actor));
      // a rep sees the aggregates of the team they are in, not of its sub-teams or siblings
      return user.role === 'rep' && !!user.teamPath && scope.teamPath === user.teamPath;
    case 'rep':
      return (
        isSelf(actor, scope.userId) || manages(actor, { userId: scope.userId, teamPath: scope.teamPath })
      );
  }
}

/** Row-level facts behind a number (deals, activities, leads): a rep's team aggregate does not open its rows. */
export function canReadScopeDetails(actor: Actor, scope: Scope): boolean {
  if (isAdmin(actor)) return true;
  const user = asUser(actor);
  if (!user || scope.type === 'org') return false;
  if (scope.type === 'team') return inSubtree(scope.teamPath, managedRoot(actor));
  return isSelf(actor, scope.userId) || manages(actor, { userId: scope.userId, teamPath: scope.teamPath });
}

/** Ranking of the reps of a scope by attainment (never with payouts). */
export function canSeeLeaderboard(actor: Actor, scope: Scope): boolean {
  return scope.type !== 'rep' && canReadScope(actor, scope);
}

/** Goals are readable exactly where their scope's aggregates are. */
export function canReadGoal(actor: Actor, goalScope: Scope): boolean {
  return canReadScope(actor, goalScope);
}

/**
 * Creating, editing, splitting or archiving a goal: admins anywhere; managers
 * for teams in their subtree and the reps in it (not their own personal goal:
 * that is set from above). Reps do not set goals.
 */
export function canWriteGoal(actor: Actor, goalScope: Scope): boolean {
  if (isAdmin(actor)) return true;
  if (goalScope.type === 'org') return false;
  if (goalScope.type === 'team') return inSubtree(goalScope.teamPath, managedRoot(actor));
  return manages(actor, { userId: goalScope.userId, teamPath: goalScope.teamPath });
}

/** A check-in on a goal: its rep owner, or whoever may write the goal. */
export function canCheckIn(actor: Actor, goalScope: Scope): boolean {
  if (goalScope.type === 'rep' && isSelf(actor, goalScope.userId)) return true;
  return canWriteGoal(actor, goalScope);
}

/** Bonus tiers, attainment money and payouts of a rep: that rep, the managers above them, admins. */
export function canSeePayout(actor: Actor, owner: Member): boolean {
  return isAdmin(actor) || isSelf(actor, owner.userId) || manages(actor, owner);
}

/** A check-in comment; a private one is for its author and the managers above them only. */
export function canReadCheckinComment(
  actor: Actor,
  comment: { authorId: number | null; authorTeamPath: string | null; private: boolean },
): boolean {
  if (!comment.private) return true;
  if (isAdmin(actor)) return true;
  if (comment.authorId == null) return false;
  return (
    isSelf(actor, comment.authorId) ||
    manages(actor, { userId: comment.authorId, teamPath: comment.authorTeamPath })
  );
}

/** Name, e-mail, role and team of another user: admins, managers for their subtree, reps for their own team. */
export function canReadUser(actor: Actor, target: Member): boolean {
  if (isAdmin(actor) || isSelf(actor, target.userId) || manages(actor, target)) return true;
  const user = asUser(actor);
  return user?.role === 'rep' && !!user.teamPath && target.teamPath === user.teamPath;
}

/** Inviting someone: admins any role anywhere; managers only reps into their own subtree. */
export function canInvite(actor: Actor, invitee: { role: Role; teamPath: string | null }): boolean {
  if (isAdmin(actor)) return true;
  return invitee.role === 'rep' && inSubtree(invitee.teamPath, managedRoot(actor));
}

/** Pending invitations: admins all; managers those into their subtree. */
export function canSeeInvitation(actor: Actor, invitation: { teamPath: string | null }): boolean {
  return isAdmin(actor) || inSubtree(invitation.teamPath, managedRoot(actor));
}

/** Changing anyone's role is an admin's act (the service also keeps one admin in the org). */
export function canChangeRole(actor: Actor): boolean {
  return isAdmin(actor);
}

/** Moving a user between teams: admins; managers may move a rep from one team of their subtree to another. */
export function canMoveUser(actor: Actor, target: Member & { role: Role }, toTeamPath: string): boolean {
  if (isAdmin(actor)) return true;
  return target.role === 'rep' && manages(actor, target) && inSubtree(toTeamPath, managedRoot(actor));
}

/** The audit log and org-wide administration (settings, imports): admins only. */
export function canReadAudit(actor: Actor): boolean {
  return isAdmin(actor);
}

/** Throws the standard 403 error unless `allowed`. */
export function assertAllowed(allowed: boolean, message?: string): void {
  if (!allowed) throw forbidden(message);
}

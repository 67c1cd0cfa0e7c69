/**
 * What every goal verb shares: the catalog lookup, the goal's scope as the
 * access rules see it, loading a goal for reading or writing (deny by
 * default), the reach of a reader for lists, and the audit entry.
 */
import {
  assertAllowed,
  canReadGoal,
  canSeePayout,
  canWriteGoal,
  isAdmin,
  type Scope,
} from '../../core/access.ts';
import { invalid, notFound } from '../../core/errors.ts';
import type { Goal, GoalScope } from '../../core/goals/types.ts';
import { isMetricId, METRICS, type MetricDef, metricDef } from '../../core/metrics/index.ts';
import { findGoal, type GoalReach, toGoal } from '../../store/goal-queries.ts';
import type { GoalRow, TeamRow, UserRow } from '../../store/schema.ts';
import { findTeam, listTeams } from '../../store/team-queries.ts';
import { findUser, listUsers } from '../../store/user-queries.ts';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';

export const knownMetricIds: ReadonlySet<string> = new Set(METRICS.map((m) => m.id));

/** The catalog entry of a metric named in input; an unknown id is the caller's mistake. */
export function requireMetric(id: string, field = 'metric'): MetricDef {
  if (!isMetricId(id)) {
    throw invalid(`"${id}" is not a metric. Known metrics: ${METRICS.map((m) => m.id).join(', ')}.`, field);
  }
  return metricDef(id);
}

export function metricOrUndefined(id: string | null | undefined): MetricDef | undefined {
  return id && isMetricId(id) ? metricDef(id) : undefined;
}

/** A goal's scope with the rows it names: the team (and its manager) or the rep. */
export interface ScopeInfo {
  scope: GoalScope;
  access: Scope;
  label: string;
  team: TeamRow | null;
  rep: UserRow | null;
}

/** Looks the scope up in this org; a team or person of another org is simply not there. */
export async function scopeInfo(ctx: Ctx, scope: GoalScope, field = 'scope'): Promise<ScopeInfo> {
  if (scope.type === 'org')
    return { scope, access: { type: 'org' }, label: ctx.org.name, team: null, rep: null };
  if (scope.id === null) throw invalid(`A ${scope.type} scope needs the ${scope.type}'s id.`, `${field}.id`);
  if (scope.type === 'team') {
    const team = await findTeam(ctx.db, ctx.org.id, scope.id);
    if (!team) throw invalid(`There is no team ${scope.id} in this org.`, `${field}.id`);
    return {
      scope,
      access: { type: 'team', teamId: team.id, teamPath: team.path },
      label: team.name,
      team,
      rep: null,
    };
  }
  const rep = await findUser(ctx.db, ctx.org.id, scope.id);
  if (!rep) throw invalid(`There is no person ${scope.id} in this org.`, `${field}.id`);
  const team = rep.team_id === null ? undefined : await findTeam(ctx.db, ctx.org.id, rep.team_id);
  return {
    scope,
    access: { type: 'rep', userId: rep.id, teamPath: team?.path ?? null },
    label: rep.name,
    team: team ?? null,
    rep,
  };
}

export interface LoadedGoal {
  row: GoalRow;
  goal: Goal;
  info: ScopeInfo;
}

/** A goal the actor may read (or write); anything else is refused (403), as metric scopes are. */
export async function loadGoal(ctx: Ctx, goalId: number, mode: 'read' | 'write'): Promise<LoadedGoal> {
  const row = await findGoal(ctx.db, ctx.org.id, goalId);
  if (!row) throw notFound(`Goal ${goalId} does not exist.`);
  const { goal, info } = await withScope(ctx, row);
  assertAllowed(canReadGoal(ctx.actor, info.access), `You may not see goals of ${info.label}.`);
  if (mode === 'write') {
    assertAllowed(canWriteGoal(ctx.actor, info.access), `You may not change goals of ${info.label}.`);
  }
  return { row, goal, info };
}

/** A stored goal with its scope looked up, before any access decision. */
export async function withScope(ctx: Ctx, row: GoalRow): Promise<LoadedGoal> {
  const goal = toGoal(row);
  return { row, goal, info: await scopeInfo(ctx, goal.scope) };
}

/** The teams and reps whose goals the actor may read (SPEC roles; core/access.ts decides each one). */
export async function goalReach(ctx: Ctx): Promise<GoalReach> {
  if (isAdmin(ctx.actor)) return { all: true };
  const [teams, users] = await Promise.all([listTeams(ctx.db, ctx.org.id), listUsers(ctx.db, ctx.org.id)]);
  const pathOf = new Map(teams.map((t) => [t.id, t.path]));
  return {
    all: false,
    teamIds: teams
      .filter((t) => canReadGoal(ctx.actor, { type: 'team', teamId: t.id, teamPath: t.path }))
      .map((t) => t.id),
    userIds: users
      .filter((u) =>
        canReadGoal(ctx.actor, {
          type: 'rep',
          userId: u.id,
          teamPath: u.team_id === null ? null : (pathOf.get(u.team_id) ?? null),
        }),
      )
      .map((u) => u.id),
  };
}

/** Who owns a goal unless told: the rep, the team's manager, or whoever created an org goal. */
export function defaultOwner(ctx: Ctx, info: ScopeInfo): number | null {
  if (info.rep) return info.rep.id;
  if (info.team) return info.team.manager_id;
  return ctx.actor.kind === 'user' ? ctx.actor.userId : null;
}

export async function auditGoal(ctx: Ctx, goalId: number, action: string, before?: unknown, after?: unknown) {
  await audit(ctx, { entity: 'goal', entityId: goalId, action, before, after });
}

/** The person a user id names, in this org, for owner fields. */
export async function requireUser(ctx: Ctx, userId: number, field: string): Promise<UserRow> {
  const user = await findUser(ctx.db, ctx.org.id, userId);
  if (!user) throw invalid(`There is no person ${userId} in this org.`, field);
  return user;
}

/**
 * Whether the actor may see a goal's bonus tiers and payout: they are the
 * owner's pay, so the owner, the managers above them and admins; a goal
 * without an owner is pay of nobody in particular and follows write access.
 */
export async function canSeeGoalPay(ctx: Ctx, loaded: LoadedGoal): Promise<boolean> {
  const ownerId = loaded.goal.ownerId;
  if (ownerId === null) return canWriteGoal(ctx.actor, loaded.info.access);
  const owner = await findUser(ctx.db, ctx.org.id, ownerId);
  const team = owner?.team_id == null ? undefined : await findTeam(ctx.db, ctx.org.id, owner.team_id);
  return canSeePayout(ctx.actor, { userId: ownerId, teamPath: team?.path ?? null });
}

/** The goals of a list the actor may read, in the same order. */
export async function readableGoals(ctx: Ctx, rows: readonly GoalRow[]): Promise<LoadedGoal[]> {
  const out: LoadedGoal[] = [];
  for (const row of rows) {
    const loaded = await withScope(ctx, row);
    if (canReadGoal(ctx.actor, loaded.info.access)) out.push(loaded);
  }
  return out;
}

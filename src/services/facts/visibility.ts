import { canReadScopeDetails, inSubtree, isAdmin } from '../../core/access.ts';
import { forbidden, invalid } from '../../core/errors.ts';
import type { Actor } from '../../core/org.ts';
import type { FactReach, FactScope } from '../../store/fact-queries.ts';
import type { Ctx } from '../context.ts';
import { resolveScope } from '../metrics/scope.ts';
import type { EntityDef, ScopeKind } from './entity.ts';

/**
 * Who sees and changes which fact rows, from the rules of src/core/access.ts:
 * admins the whole org; managers their team subtree (rows attributed to a
 * team in it, or about a person in it) and their own rows; reps their own
 * rows, and for teams and people, their own team. Anything else is denied.
 */

type UserActor = Extract<Actor, { kind: 'user' }>;

const nothing: FactReach = { type: 'some', userId: null, teamPrefix: null, teamExact: null };

/** The rows of `def` the actor may read at all. Spend (org-wide money, no owner) is for admins only. */
export function reachOf(actor: Actor, def: EntityDef): FactReach {
  if (isAdmin(actor)) return { type: 'all' };
  if (actor.kind !== 'user') return nothing;
  if (def.table === 'spend') throw forbidden('Spend is visible to admins only.');
  const path = actor.teamPath ?? null;
  const manager = actor.role === 'manager';
  if (def.table === 'team') {
    return {
      type: 'some',
      userId: null,
      teamPrefix: manager ? path : null,
      teamExact: manager ? null : path,
    };
  }
  if (def.table === 'app_user') {
    return {
      type: 'some',
      userId: actor.userId,
      teamPrefix: manager ? path : null,
      teamExact: manager ? null : path,
    };
  }
  return { type: 'some', userId: actor.userId, teamPrefix: manager ? path : null, teamExact: null };
}

/**
 * Reads `scope` exactly as the metric API does (`org`, `team:<id or name>`,
 * `rep:<id, e-mail, external id or name>`), so a drill-down passes the same
 * text as the number it came from. Unknown teams and people (of this org or
 * any other) are not found; a scope the actor may not read is refused, and
 * fact rows need the stricter rule: a rep's own team opens its aggregates,
 * not its rows.
 */
export async function resolveFactScope(ctx: Ctx, def: EntityDef, text: string): Promise<FactScope> {
  const kind = (/^\s*(org|team|rep)\b/i.exec(text)?.[1]?.toLowerCase() ?? 'org') as ScopeKind;
  if (!def.scopes.includes(kind)) {
    throw invalid(`${def.name} cannot be scoped by ${kind}: use ${def.scopes.join(' or ')}.`, 'scope');
  }
  const byId = /^\s*(team|rep):(\d{1,15})\s*$/i.exec(text);
  const resolved = await resolveScope(ctx, byId ? { type: kind, id: Number(byId[2]) } : text);
  const rows = def.table !== 'team' && def.table !== 'app_user';
  if (rows && !canReadScopeDetails(ctx.actor, resolved.scope)) {
    throw forbidden(`You may see the totals of ${resolved.label}, not the ${def.name} behind them.`);
  }
  const scope = resolved.scope;
  if (scope.type === 'team') return { type: 'team', path: scope.teamPath };
  if (scope.type === 'rep') return { type: 'rep', userId: scope.userId };
  return { type: 'org' };
}

/** A person a row is about, with where they sit in the team tree now. */
export interface Person {
  id: number;
  team_path: string | null;
}

/**
 * Writes: admins anything; managers rows all of whose people are themselves
 * or currently in their subtree; reps their own activities. A row about
 * nobody (no owner) and spend are admins' only.
 */
export function assertCanWrite(actor: Actor, def: EntityDef, people: readonly Person[]): void {
  if (isAdmin(actor)) return;
  if (actor.kind !== 'user') throw forbidden();
  if (def.table === 'spend') throw forbidden('Only admins can change spend.');
  if (actor.role === 'rep') {
    if (def.table !== 'activity') {
      throw forbidden(`Reps can log their own activities only; ask a manager to change ${def.name}.`);
    }
    if (people.length === 0 || people.some((p) => p.id !== actor.userId)) {
      throw forbidden('Reps can log and change their own activities only.');
    }
    return;
  }
  if (actor.role === 'manager' && people.length > 0 && people.every((p) => isMine(actor, p))) return;
  throw forbidden(
    people.length === 0
      ? `Only admins can write a ${def.noun} without an owner: set the owner to you or one of your reps.`
      : `Managers can write the ${def.name} of themselves and of the people in their team subtree only.`,
  );
}

const isMine = (actor: UserActor, person: Person) =>
  person.id === actor.userId || inSubtree(person.team_path, actor.teamPath ?? null);

import { assertAllowed, canReadScope, type Scope } from '../../core/access.ts';
import { invalid, notFound } from '../../core/errors.ts';
import type { ScopeType } from '../../core/metrics/index.ts';
import type { ScopeFilter } from '../../store/metric-sql.ts';
import type { TeamRow, UserRow } from '../../store/schema.ts';
import type { Ctx } from '../context.ts';
import { type RequestReads, requestReads } from './request-reads.ts';

/**
 * Scopes as people write them (`org`, `team:EMEA`, `team:4`,
 * `rep:sara@acme.com`, `rep:crm-0042`, `rep:Sara Ali`) or as goals store
 * them (`{ type: 'team', id: 4 }`), resolved against the org and checked
 * against the actor here, in the service, so that every interface gets the
 * same answer and the same refusal.
 */
export type ScopeInput = string | { type: ScopeType; id?: number | null };

export interface ResolvedScope {
  /** The scope as access rules see it. */
  scope: Scope;
  /** The canonical text: `org`, `team:<id>`, `rep:<id>`. */
  text: string;
  type: ScopeType;
  id: number | null;
  label: string;
  /** The facts it covers. */
  filter: ScopeFilter;
  /** For a team: the teams of its subtree; for the org: every team. */
  teams: TeamRow[];
}

const FORMS = 'org, team:<name or id> or rep:<email, external id or name>';

/**
 * The scope named by `input`, refused when the actor may not read it. The
 * org's teams come from `reads` (a request that resolves many scopes reads
 * them once).
 */
export async function resolveScope(
  ctx: Ctx,
  input: ScopeInput | undefined,
  reads: RequestReads = requestReads(ctx),
): Promise<ResolvedScope> {
  const resolved = await resolve(ctx, input ?? 'org', reads);
  assertAllowed(canReadScope(ctx.actor, resolved.scope), `You may not see the figures of ${resolved.label}.`);
  return resolved;
}

/**
 * Several reps at once, for measuring their goals together broken down by
 * owner (each rep's row is what `rep:<id>` would give). Only for the
 * system: it is not checked against an actor, and no one can ask for it.
 */
export function repsScope(userIds: readonly number[]): ResolvedScope {
  return {
    scope: { type: 'org' },
    text: `reps:${userIds.join(',')}`,
    type: 'rep',
    id: null,
    label: `${userIds.length} reps`,
    filter: { type: 'reps', userIds },
    teams: [],
  };
}

async function resolve(ctx: Ctx, input: ScopeInput, reads: RequestReads): Promise<ResolvedScope> {
  if (typeof input !== 'string') {
    if (input.type === 'org') return orgScope(ctx, reads);
    if (input.id == null || !Number.isInteger(input.id)) {
      throw invalid(`A ${input.type} scope needs the ${input.type}'s id.`, 'scope');
    }
    return input.type === 'team'
      ? teamScope(await teamById(reads, input.id), reads)
      : repScope(await userById(ctx, input.id), reads);
  }
  const text = input.trim();
  if (text.toLowerCase() === 'org') return orgScope(ctx, reads);
  const match = /^(team|rep):(.*)$/i.exec(text);
  const kind = match?.[1]?.toLowerCase();
  const name = match?.[2]?.trim() ?? '';
  if (!kind || name === '') throw invalid(`"${input}" is not a scope: use ${FORMS}.`, 'scope');
  return kind === 'team'
    ? teamScope(await findTeam(reads, name), reads)
    : repScope(await findRep(ctx, name), reads);
}

async function orgScope(ctx: Ctx, reads: RequestReads): Promise<ResolvedScope> {
  return {
    scope: { type: 'org' },
    text: 'org',
    type: 'org',
    id: null,
    label: ctx.org.name,
    filter: { type: 'org' },
    teams: await reads.teams(),
  };
}

async function teamScope(team: TeamRow, reads: RequestReads): Promise<ResolvedScope> {
  const teams = (await reads.teams()).filter((t) => t.path.startsWith(team.path));
  return {
    scope: { type: 'team', teamId: team.id, teamPath: team.path },
    text: `team:${team.id}`,
    type: 'team',
    id: team.id,
    label: team.name,
    filter: { type: 'team', teamIds: teams.map((t) => t.id) },
    teams,
  };
}

async function repScope(user: UserRow, reads: RequestReads): Promise<ResolvedScope> {
  const team = user.team_id === null ? undefined : (await reads.teams()).find((t) => t.id === user.team_id);
  return {
    scope: { type: 'rep', userId: user.id, teamPath: team?.path ?? null },
    text: `rep:${user.id}`,
    type: 'rep',
    id: user.id,
    label: user.name,
    filter: { type: 'rep', userId: user.id },
    teams: [],
  };
}

async function teamById(reads: RequestReads, id: number): Promise<TeamRow> {
  const team = (await reads.teams()).find((t) => t.id === id);
  if (!team) throw notFound(`There is no team ${id} in this org.`);
  return team;
}

async function findTeam(reads: RequestReads, name: string): Promise<TeamRow> {
  const teams = await reads.teams();
  if (/^\d+$/.test(name)) {
    const byId = teams.find((t) => t.id === Number(name));
    if (byId) return byId;
  }
  const matches = teams.filter((t) => t.name.toLowerCase() === name.toLowerCase());
  if (matches.length === 1) return matches[0] as TeamRow;
  if (matches.length > 1) {
    throw invalid(
      `${matches.length} teams are named "${name}": use an id (${matches.map((t) => `team:${t.id}`).join(', ')}).`,
      'scope',
    );
  }
  throw notFound(`There is no team "${name}" in this org: use a team's name or id.`);
}

async function userById(ctx: Ctx, id: number): Promise<UserRow> {
  const user = await ctx.db
    .selectFrom('app_user')
    .selectAll()
    .where('org_id', '=', ctx.org.id)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!user) throw notFound(`There is no person ${id} in this org.`);
  return user;
}

/** By e-mail when it has an @, else by id, else by external id, else by full name (case-insensitive, must be unique). */
async function findRep(ctx: Ctx, text: string): Promise<UserRow> {
  const users = () => ctx.db.selectFrom('app_user').selectAll().where('org_id', '=', ctx.org.id);
  if (text.includes('@')) {
    const user = await users().where('email', '=', text.toLowerCase()).executeTakeFirst();
    if (user) return user;
    throw notFound(`Nobody in this org has the e-mail "${text}".`);
  }
  // A bare number is first a Hadaf id, so the canonical text `rep:<id>` reads back.
  if (/^\d+$/.test(text)) {
    const byId = await users().where('id', '=', Number(text)).executeTakeFirst();
    if (byId) return byId;
  }
  const external = await users().where('external_id', '=', text).executeTakeFirst();
  if (external) return external;
  const named = (await users().orderBy('id').execute()).filter(
    (u) => u.name.toLowerCase() === text.toLowerCase(),
  );
  if (named.length === 1) return named[0] as UserRow;
  if (named.length > 1) {
    throw invalid(`${named.length} people are named "${text}": use their e-mail instead.`, 'scope');
  }
  throw notFound(`There is no rep "${text}" in this org: use an e-mail, an external id or a full name.`);
}

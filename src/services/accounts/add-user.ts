import { randomBytes } from 'node:crypto';
import { HadafError, invalid } from '../../core/errors.ts';
import type { Org, Role } from '../../core/org.ts';
import { setPasswordHash } from '../../store/account-queries.ts';
import { inTransaction } from '../../store/db.ts';
import { createOrg, findOrgBySlug } from '../../store/org-queries.ts';
import { findTeam, findTeamByName } from '../../store/team-queries.ts';
import { createUser, findUserByEmail } from '../../store/user-queries.ts';
import { audit } from '../audit.ts';
import { systemActor } from '../context.ts';
import { assertGoodPassword, hashPassword } from './passwords.ts';
import type { BaseCtx } from './policy.ts';
import { type UserView, userView } from './sessions.ts';
import { assertCurrency, assertSlug, assertTimeZone, normalEmail, normalName } from './validate.ts';

export interface AddUserInput {
  orgSlug: string;
  /** Creates the org when it does not exist yet (with `currency` and `timeZone`). */
  orgName?: string;
  currency?: string;
  timeZone?: string;
  email: string;
  name: string;
  role: Role;
  /** Team id or exact team name. */
  team?: string;
  /** Generated (and returned once) when absent. */
  password?: string;
}

export interface AddedUser {
  org: Org;
  orgCreated: boolean;
  user: UserView;
  /** Set when the password was generated: show it once. */
  generatedPassword?: string;
}

/**
 * The operator's way in (`hadaf user add`): creates a user with a password
 * in an org, creating the org too when asked. Acts as the system, audited.
 */
export async function addUser({ ctx, input }: { ctx: BaseCtx; input: AddUserInput }): Promise<AddedUser> {
  const slug = assertSlug(input.orgSlug.trim(), 'org');
  const email = normalEmail(input.email);
  const name = normalName(input.name);
  const generatedPassword = input.password === undefined ? randomBytes(15).toString('base64url') : undefined;
  const password = input.password ?? (generatedPassword as string);
  assertGoodPassword(password, { email, name });
  const passwordHash = await hashPassword(password);

  return inTransaction(ctx.db, async (tx) => {
    let org = await findOrgBySlug(tx, slug);
    const orgCreated = !org;
    if (!org) {
      if (input.orgName === undefined) {
        throw invalid(`There is no org "${slug}": give --org-name to create it.`, 'org');
      }
      org = await createOrg(
        tx,
        {
          name: normalName(input.orgName, 'org-name'),
          slug,
          currency: assertCurrency(input.currency ?? 'USD', 'currency'),
          timeZone: assertTimeZone(input.timeZone ?? 'UTC', 'time-zone'),
        },
        ctx.now,
      );
    }
    const teamId = input.team === undefined ? null : await resolveTeam(tx, org.id, input.team);
    if (await findUserByEmail(tx, org.id, email)) {
      throw new HadafError('conflict', `${email} is already a member of ${org.name}.`, 'email');
    }
    const row = await createUser(tx, org.id, { name, email, role: input.role, teamId }, ctx.now);
    await setPasswordHash(tx, org.id, row.id, passwordHash, ctx.now);
    const actorCtx = { ...ctx, db: tx, org, actor: systemActor('cli') };
    if (orgCreated) {
      await audit(actorCtx, {
        entity: 'org',
        entityId: org.id,
        action: 'create',
        after: { name: org.name, slug },
      });
    }
    await audit(actorCtx, {
      entity: 'user',
      entityId: row.id,
      action: 'create',
      after: { name, email, role: input.role, teamId },
    });
    return { org, orgCreated, user: userView(row), ...(generatedPassword ? { generatedPassword } : {}) };
  });
}

async function resolveTeam(db: BaseCtx['db'], orgId: number, team: string): Promise<number> {
  const found = /^\d+$/.test(team)
    ? await findTeam(db, orgId, Number(team))
    : await findTeamByName(db, orgId, team);
  if (!found) throw invalid(`There is no team "${team.slice(0, 80)}" in this org.`, 'team');
  return found.id;
}

import type { Actor, Org, Role } from '../../core/org.ts';
import {
  findActiveApiToken,
  findActiveSession,
  insertSession,
  type Member,
  type Principal,
  revokeSession,
} from '../../store/account-queries.ts';
import type { Db } from '../../store/db.ts';
import { type BaseCtx, sessionTtlMs } from './policy.ts';
import { hashSecret, newSecret } from './secrets.ts';

/** A user as the API shows them (no secrets, no internal paths). */
export interface UserView {
  id: number;
  name: string;
  email: string;
  role: Role;
  teamId: number | null;
  leftAt: number | null;
}

export interface OrgView {
  id: number;
  name: string;
  slug: string;
}

export function userView(
  user: Pick<Member, 'id' | 'name' | 'email' | 'role' | 'team_id' | 'left_at'>,
): UserView {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    teamId: user.team_id,
    leftAt: user.left_at,
  };
}

export const orgView = (org: Org): OrgView => ({ id: org.id, name: org.name, slug: org.slug });

export function actorOf(user: Member): Actor {
  return { kind: 'user', userId: user.id, role: user.role, teamId: user.team_id, teamPath: user.team_path };
}

/** Who a request speaks for, from its session cookie or its API token. */
export type Authenticated =
  | (Principal & { via: 'session'; sessionId: number; csrfToken: string; expiresAt: number })
  | (Principal & { via: 'token'; tokenId: number; scopes: string[] });

/** A new session: the token goes in the cookie and is never stored; the CSRF token goes to the page. */
export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: number;
  sessionId: number;
}

export async function startSession(db: Db, now: number, orgId: number, userId: number): Promise<NewSession> {
  const { token, hash } = newSecret();
  const csrfToken = newSecret().token;
  const expiresAt = now + sessionTtlMs;
  const sessionId = await insertSession(db, orgId, {
    userId,
    tokenHash: hash,
    csrfToken,
    createdAt: now,
    expiresAt,
  });
  return { token, csrfToken, expiresAt, sessionId };
}

const stillHere = (user: Member, now: number) => user.left_at === null || user.left_at > now;

/** The signed-in user of a session cookie; null when unknown, expired, revoked or the user has left. */
export async function authenticateSession(ctx: BaseCtx, token: string): Promise<Authenticated | null> {
  const found = await findActiveSession(ctx.db, hashSecret(token), ctx.now);
  if (!found || !stillHere(found.user, ctx.now)) return null;
  return {
    org: found.org,
    user: found.user,
    via: 'session',
    sessionId: found.session.id,
    csrfToken: found.session.csrfToken,
    expiresAt: found.session.expiresAt,
  };
}

/** The user an API token acts for; null when unknown, expired, revoked or the user has left. */
export async function authenticateApiToken(ctx: BaseCtx, token: string): Promise<Authenticated | null> {
  const found = await findActiveApiToken(ctx.db, hashSecret(token), ctx.now);
  if (!found || !stillHere(found.user, ctx.now)) return null;
  return {
    org: found.org,
    user: found.user,
    via: 'token',
    tokenId: found.token.id,
    scopes: found.token.scopes,
  };
}

export async function endSession(ctx: BaseCtx, auth: Authenticated): Promise<void> {
  if (auth.via === 'session') await revokeSession(ctx.db, auth.org.id, auth.sessionId, ctx.now);
}

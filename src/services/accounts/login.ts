import { HadafError, invalid } from '../../core/errors.ts';
import type { Org } from '../../core/org.ts';
import {
  clearLoginThrottle,
  findLoginCandidates,
  findLoginThrottle,
  findMember,
  type Member,
  recordLoginFailure,
} from '../../store/account-queries.ts';
import { findOrg } from '../../store/org-queries.ts';
import { verifyAgainstDecoy, verifyPassword } from './passwords.ts';
import { type BaseCtx, loginThrottle } from './policy.ts';
import { type NewSession, startSession } from './sessions.ts';

/** Sign-in refused because of too many failures; `retryAt` is when the lock lifts (epoch ms). */
export class SignInLocked extends HadafError {
  constructor(
    readonly retryAt: number,
    now: number,
  ) {
    const minutes = Math.max(1, Math.ceil((retryAt - now) / 60_000));
    super(
      'rate_limited',
      `Too many failed sign-ins. Try again after ${new Date(retryAt).toISOString()} (in about ${minutes} minute${minutes === 1 ? '' : 's'}).`,
    );
  }
}

/** The one answer to every wrong e-mail/password combination: it does not say which part was wrong. */
export const wrongCredentials = () => new HadafError('unauthenticated', 'Wrong e-mail or password.');

export interface LoginInput {
  email: string;
  password: string;
  /** Org slug; needed only when the same e-mail and password sign in to several orgs. */
  org?: string;
  /** The client's address, for the per-address limit. */
  clientIp: string;
}

export interface SignedIn {
  org: Org;
  user: Member;
  session: NewSession;
}

export const emailThrottleKey = (email: string) => `email:${email.trim().toLowerCase()}`;

/**
 * Checks the password, counting failures per e-mail and per address (see
 * policy.ts), and opens a session. Unknown e-mails cost the same hashing
 * time as known ones.
 */
export async function login({ ctx, input }: { ctx: BaseCtx; input: LoginInput }): Promise<SignedIn> {
  const keys = [
    { key: emailThrottleKey(input.email), rule: loginThrottle.email },
    { key: `ip:${input.clientIp}`, rule: loginThrottle.ip },
  ];
  await assertNotLocked(
    ctx,
    keys.map((k) => k.key),
  );

  const candidates = (await findLoginCandidates(ctx.db, input.email.trim(), input.org)).filter(
    (c) => c.passwordHash !== null && (c.leftAt === null || c.leftAt > ctx.now),
  );
  const matches = [];
  if (candidates.length === 0) await verifyAgainstDecoy(input.password);
  for (const candidate of candidates) {
    if (await verifyPassword(input.password, candidate.passwordHash as string)) matches.push(candidate);
  }

  if (matches.length === 0) {
    let lockedUntil = 0;
    for (const { key, rule } of keys) {
      const row = await recordLoginFailure(ctx.db, key, ctx.now, rule);
      lockedUntil = Math.max(lockedUntil, row.locked_until ?? 0);
    }
    if (lockedUntil > ctx.now) throw new SignInLocked(lockedUntil, ctx.now);
    throw wrongCredentials();
  }
  if (matches.length > 1) {
    throw invalid('This e-mail and password sign in to several orgs: choose the org.', 'org');
  }
  const match = matches[0] as (typeof matches)[number];
  await clearLoginThrottle(ctx.db, keys[0]?.key as string);
  const [org, user] = await Promise.all([
    findOrg(ctx.db, match.orgId),
    findMember(ctx.db, match.orgId, match.userId),
  ]);
  if (!org || !user) throw wrongCredentials();
  const session = await startSession(ctx.db, ctx.now, org.id, user.id);
  return { org, user, session };
}

async function assertNotLocked(ctx: BaseCtx, keys: string[]) {
  let lockedUntil = 0;
  for (const key of keys) {
    const row = await findLoginThrottle(ctx.db, key);
    lockedUntil = Math.max(lockedUntil, row?.locked_until ?? 0);
  }
  if (lockedUntil > ctx.now) throw new SignInLocked(lockedUntil, ctx.now);
}

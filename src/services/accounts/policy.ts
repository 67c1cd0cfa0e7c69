import type { Ctx } from '../context.ts';

/** A service context before anyone is signed in: no org, no actor yet. */
export type BaseCtx = Pick<Ctx, 'db' | 'dialect' | 'now'>;

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** Sessions end 7 days after sign-in (absolute, no sliding renewal) or at sign-out. */
export const sessionTtlMs = 7 * day;
export const invitationTtlMs = 7 * day;
export const passwordResetTtlMs = hour;
/** Reset e-mails per user per hour; more requests are accepted and silently dropped. */
export const passwordResetsPerHour = 3;

/**
 * Failed sign-ins counted per e-mail and per client address in a 15-minute
 * window; reaching the limit locks that key for 15 minutes. The address
 * limit is higher because offices share one address.
 */
export const loginThrottle = {
  email: { windowMs: 15 * minute, maxFailures: 5, lockMs: 15 * minute },
  ip: { windowMs: 15 * minute, maxFailures: 50, lockMs: 15 * minute },
} as const;

export const apiTokenScopes = ['read', 'write'] as const;
export type ApiTokenScope = (typeof apiTokenScopes)[number];

/** Where the links in e-mails point (the web app). */
export function publicUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.HADAF_PUBLIC_URL?.trim() || 'http://localhost:3000').replace(/\/+$/, '');
}

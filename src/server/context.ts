import type { FastifyRequest } from 'fastify';
import { HadafError } from '../core/errors.ts';
import {
  type Authenticated,
  actorOf,
  authenticateApiToken,
  authenticateSession,
} from '../services/accounts/sessions.ts';
import type { Ctx } from '../services/context.ts';
import type { ServerDeps } from './app.ts';

export const sessionCookie = 'hadaf_session';

const resolved = new WeakMap<FastifyRequest, Promise<Authenticated | null>>();

/**
 * Who the request speaks for, looked up once per request: an
 * `Authorization: Bearer` API token when the header is there (a bad one is
 * not rescued by a cookie), else the `hadaf_session` cookie.
 */
export function authenticate(deps: ServerDeps, request: FastifyRequest): Promise<Authenticated | null> {
  let auth = resolved.get(request);
  if (!auth) {
    auth = lookUp(deps, request);
    resolved.set(request, auth);
  }
  return auth;
}

async function lookUp(deps: ServerDeps, request: FastifyRequest): Promise<Authenticated | null> {
  const base = { db: deps.store.db, dialect: deps.store.dialect, now: deps.now() };
  const header = request.headers.authorization;
  if (header !== undefined) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    return bearer ? authenticateApiToken(base, bearer) : null;
  }
  const cookie = request.cookies?.[sessionCookie];
  return cookie ? authenticateSession(base, cookie) : null;
}

export const signInFirst = () =>
  new HadafError('unauthenticated', 'Sign in first: this needs a session or an API token.');

/**
 * The service context of a request: its org and actor come from the session
 * or API token only, never from the request body or URL. No sign-in → 401.
 */
export async function resolveCtx(deps: ServerDeps, request: FastifyRequest): Promise<Ctx> {
  const ctx = await resolveOptionalCtx(deps, request);
  if (!ctx) throw signInFirst();
  return ctx;
}

/** Like resolveCtx, but null for an anonymous request (for routes that answer both). */
export async function resolveOptionalCtx(deps: ServerDeps, request: FastifyRequest): Promise<Ctx | null> {
  const auth = await authenticate(deps, request);
  if (!auth) return null;
  return {
    db: deps.store.db,
    dialect: deps.store.dialect,
    org: auth.org,
    actor: actorOf(auth.user),
    now: deps.now(),
  };
}

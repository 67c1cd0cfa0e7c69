import type { FastifyInstance, InjectOptions } from 'fastify';
import { startSession } from '../../src/services/accounts/sessions.ts';
import type { Member } from '../../src/store/account-queries.ts';
import type { Store } from '../../src/store/db.ts';

/** What a browser sends for a signed-in user: the session cookie, and the CSRF header on writes. */
export interface Credentials {
  cookie: string;
  csrfToken: string;
}

/** A fresh session for `user`, made in the store (no password hashing: the sign-in flow has its own tests). */
export async function sessionOf(store: Store, user: Member, now: number): Promise<Credentials> {
  const session = await startSession(store.db, now, user.org_id, user.id);
  return { cookie: session.token, csrfToken: session.csrfToken };
}

/** Sends `request` as a browser of `who` would (null: anonymous). */
export function injectAs(app: FastifyInstance, who: Credentials | null, request: InjectOptions) {
  const method = (request.method ?? 'GET').toUpperCase();
  const headers = { ...(request.headers ?? {}) } as Record<string, string>;
  if (who && !['GET', 'HEAD', 'OPTIONS'].includes(method)) headers['x-csrf-token'] = who.csrfToken;
  return app.inject({
    ...request,
    headers,
    ...(who ? { cookies: { ...(request.cookies ?? {}), hadaf_session: who.cookie } } : {}),
  });
}

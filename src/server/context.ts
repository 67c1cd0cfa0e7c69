import type { FastifyRequest } from 'fastify';
import { HadafError } from '../core/errors.ts';
import { type Ctx, systemActor } from '../services/context.ts';
import { listOrgs } from '../store/org-queries.ts';
import type { ServerDeps } from './app.ts';

/**
 * The service context of a request: its org and actor come from the server
 * side only, never from the request body.
 * Until sign-in lands (Accounts issue) every request acts in the first org.
 */
export async function resolveCtx(deps: ServerDeps, _request: FastifyRequest): Promise<Ctx> {
  const [org] = await listOrgs(deps.store.db);
  if (!org) throw new HadafError('not_found', 'No org yet: run `hadaf demo` or sign up.');
  return {
    db: deps.store.db,
    dialect: deps.store.dialect,
    org,
    actor: systemActor('anonymous'),
    now: deps.now(),
  };
}

import { isAdmin } from '../../core/access.ts';
import { invalid, notFound } from '../../core/errors.ts';
import {
  type ApiTokenRow,
  findApiToken,
  insertApiToken,
  listApiTokens,
  revokeApiToken,
} from '../../store/account-queries.ts';
import { inTransaction } from '../../store/db.ts';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { type ApiTokenScope, apiTokenScopes } from './policy.ts';
import { apiTokenPrefix, newSecret } from './secrets.ts';
import { normalName } from './validate.ts';

export interface ApiTokenView {
  id: number;
  userId: number;
  name: string;
  scopes: ApiTokenScope[];
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

const view = (row: ApiTokenRow): ApiTokenView => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  scopes: row.scopes.split(',') as ApiTokenScope[],
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  revokedAt: row.revoked_at,
});

function signedInUser(ctx: Ctx): number {
  if (ctx.actor.kind !== 'user') throw invalid('API tokens belong to a signed-in user.');
  return ctx.actor.userId;
}

/**
 * A token for scripts, acting as its user with at most these scopes:
 * 'read' for GET requests, 'write' for the rest. The token is in the
 * result once and never again.
 */
export async function createApiToken({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { name: string; scopes: ApiTokenScope[]; expiresInDays?: number };
}): Promise<{ token: string; apiToken: ApiTokenView }> {
  const userId = signedInUser(ctx);
  const name = normalName(input.name);
  const scopes = apiTokenScopes.filter((s) => input.scopes.includes(s));
  if (scopes.length === 0 || scopes.length !== new Set(input.scopes).size) {
    throw invalid(`scopes must be a non-empty list of ${apiTokenScopes.join(', ')}.`, 'scopes');
  }
  const days = input.expiresInDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
    throw invalid('expiresInDays must be a whole number from 1 to 3650.', 'expiresInDays');
  }
  const { token, hash } = newSecret(apiTokenPrefix);
  return inTransaction(ctx.db, async (tx) => {
    const row = await insertApiToken(tx, ctx.org.id, {
      userId,
      name,
      tokenHash: hash,
      scopes: [...scopes],
      createdAt: ctx.now,
      expiresAt: days === undefined ? null : ctx.now + days * 86_400_000,
    });
    const apiToken = view(row);
    await audit(
      { ...ctx, db: tx },
      { entity: 'api_token', entityId: row.id, action: 'create', after: apiToken },
    );
    return { token, apiToken };
  });
}

/** Your own tokens; an admin sees every token of the org (to revoke a leaked one). */
export async function listApiTokensFor({ ctx }: { ctx: Ctx }): Promise<ApiTokenView[]> {
  const userId = signedInUser(ctx);
  const rows = await listApiTokens(ctx.db, ctx.org.id, isAdmin(ctx.actor) ? null : userId);
  return rows.map(view);
}

/** Revokes a token of your own, or any token of the org as an admin. Others' tokens do not exist for you. */
export async function revokeApiTokenById({ ctx, input }: { ctx: Ctx; input: { id: number } }): Promise<void> {
  const userId = signedInUser(ctx);
  const row = await findApiToken(ctx.db, ctx.org.id, input.id);
  if (!row || (row.user_id !== userId && !isAdmin(ctx.actor)))
    throw notFound(`API token ${input.id} does not exist.`);
  if (row.revoked_at !== null) return;
  await inTransaction(ctx.db, async (tx) => {
    await revokeApiToken(tx, ctx.org.id, row.id, ctx.now);
    await audit(
      { ...ctx, db: tx },
      {
        entity: 'api_token',
        entityId: row.id,
        action: 'revoke',
        before: view(row),
        after: { ...view(row), revokedAt: ctx.now },
      },
    );
  });
}

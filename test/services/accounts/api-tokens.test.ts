import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiToken,
  listApiTokensFor,
  revokeApiTokenById,
} from '../../../src/services/accounts/api-tokens.ts';
import { hashSecret } from '../../../src/services/accounts/secrets.ts';
import { authenticateApiToken } from '../../../src/services/accounts/sessions.ts';
import { listAudit } from '../../../src/services/audit.ts';
import { listApiTokens } from '../../../src/store/account-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { baseOf, buildWorld, ctxOf, type World } from './world.ts';

const t0 = Date.UTC(2026, 3, 5, 8, 0, 0);
const day = 86_400_000;

describe.each(dialects)('API tokens on %s', (dialect) => {
  let store: TestStore;
  let w: World;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildWorld(store, t0);
  });
  afterAll(() => store?.drop());

  it('shows a token once, stores only its hash, and authenticates it as its user with its scopes', async () => {
    const { token, apiToken } = await createApiToken({
      ctx: ctxOf(w, w.users.eastRep, t0),
      input: { name: 'nightly export', scopes: ['read'] },
    });
    expect(token).toMatch(/^hadaf_[\w-]{43}$/);
    expect(apiToken).toMatchObject({
      userId: w.users.eastRep.id,
      name: 'nightly export',
      scopes: ['read'],
      expiresAt: null,
    });
    const [row] = (await listApiTokens(store.db, w.org.id, w.users.eastRep.id)).filter(
      (r) => r.id === apiToken.id,
    );
    expect(row?.token_hash).toBe(hashSecret(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(6));

    const auth = await authenticateApiToken(baseOf(w, t0 + 1), token);
    expect(auth).toMatchObject({
      via: 'token',
      scopes: ['read'],
      org: { id: w.org.id },
      user: { id: w.users.eastRep.id },
    });
    expect(await authenticateApiToken(baseOf(w, t0 + 1), `${token}x`)).toBeNull();
  });

  it('expires a token after its days and stops a revoked one at once', async () => {
    const ctx = ctxOf(w, w.users.westRep, t0);
    const expiring = await createApiToken({
      ctx,
      input: { name: 'week', scopes: ['read', 'write'], expiresInDays: 7 },
    });
    expect(expiring.apiToken.expiresAt).toBe(t0 + 7 * day);
    expect(await authenticateApiToken(baseOf(w, t0 + 7 * day - 1), expiring.token)).not.toBeNull();
    expect(await authenticateApiToken(baseOf(w, t0 + 7 * day), expiring.token)).toBeNull();

    const revoked = await createApiToken({ ctx, input: { name: 'leaked', scopes: ['write'] } });
    await revokeApiTokenById({ ctx: ctxOf(w, w.users.westRep, t0 + 5), input: { id: revoked.apiToken.id } });
    expect(await authenticateApiToken(baseOf(w, t0 + 6), revoked.token)).toBeNull();
    const audit = await listAudit({
      ctx: ctxOf(w, w.users.admin, t0 + 7),
      input: { entity: 'api_token', entityId: revoked.apiToken.id },
    });
    expect(audit.map((a) => a.action)).toEqual(['revoke', 'create']);
    expect(audit[0]?.before).toMatchObject({ revokedAt: null });
    expect(audit[0]?.after).toMatchObject({ revokedAt: t0 + 5 });
  });

  it('lets only the owner or an admin of the same org revoke a token', async () => {
    const { token, apiToken } = await createApiToken({
      ctx: ctxOf(w, w.users.smbRep, t0),
      input: { name: 'mine', scopes: ['read'] },
    });
    for (const other of [w.users.eastRep, w.users.eastManager, w.users.otherAdmin]) {
      await expect(
        revokeApiTokenById({ ctx: ctxOf(w, other, t0), input: { id: apiToken.id } }),
      ).rejects.toMatchObject({
        code: 'not_found',
      });
    }
    expect(await authenticateApiToken(baseOf(w, t0), token)).not.toBeNull();
    await revokeApiTokenById({ ctx: ctxOf(w, w.users.admin, t0), input: { id: apiToken.id } });
    expect(await authenticateApiToken(baseOf(w, t0 + 1), token)).toBeNull();
  });

  it('lists your own tokens, and every token of the org for an admin', async () => {
    const own = await listApiTokensFor({ ctx: ctxOf(w, w.users.eastRep, t0) });
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((t) => t.userId === w.users.eastRep.id)).toBe(true);
    const all = await listApiTokensFor({ ctx: ctxOf(w, w.users.admin, t0) });
    expect(new Set(all.map((t) => t.userId)).size).toBeGreaterThan(1);
    expect(await listApiTokensFor({ ctx: ctxOf(w, w.users.otherAdmin, t0) })).toEqual([]);
  });

  it('refuses empty or unknown scopes and silly expiries', async () => {
    const ctx = ctxOf(w, w.users.eastRep, t0);
    await expect(createApiToken({ ctx, input: { name: 'x', scopes: [] } })).rejects.toMatchObject({
      field: 'scopes',
    });
    await expect(
      createApiToken({ ctx, input: { name: 'x', scopes: ['admin' as 'read'] } }),
    ).rejects.toMatchObject({ field: 'scopes' });
    await expect(
      createApiToken({ ctx, input: { name: 'x', scopes: ['read'], expiresInDays: 0 } }),
    ).rejects.toMatchObject({ field: 'expiresInDays' });
    await expect(createApiToken({ ctx, input: { name: '  ', scopes: ['read'] } })).rejects.toMatchObject({
      field: 'name',
    });
  });
});

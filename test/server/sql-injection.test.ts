import type { FastifyInstance, InjectOptions } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { listPendingInvitations } from '../../src/store/account-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { buildWorld, type World, worldPassword } from '../services/accounts/world.ts';
import { type Credentials, injectAs, sessionOf } from './signed-in.ts';

const payloads = [
  "' OR '1'='1",
  "'; DROP TABLE app_user; --",
  '" OR ""="',
  "admin'--",
  '1; SELECT pg_sleep(2)',
  "') UNION SELECT password_hash, 1, 1 FROM credential --",
  "%' OR 1=1 --",
  '%',
  '_',
  '\\',
];

/** Row counts of every table but the sign-in throttle (a failed sign-in is counted there on purpose). */
async function fingerprint(store: TestStore): Promise<Record<string, number>> {
  const tables = (await store.db.introspection.getTables())
    .map((t) => t.name)
    .filter((n) => n !== 'login_throttle');
  const counts: Record<string, number> = {};
  for (const table of tables.sort()) {
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(
      store.db,
    );
    counts[table] = Number(rows[0]?.n);
  }
  return counts;
}

describe.each(dialects)('SQL-injection strings on %s', (dialect) => {
  let store: TestStore;
  let w: World;
  let app: FastifyInstance;
  let admin: Credentials;
  const now = Date.UTC(2026, 4, 10, 9, 0, 0);

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildWorld(store, now - 86_400_000, 'q');
    app = await buildServer({ store, now: () => now, mailer: null });
    admin = await sessionOf(store, w.users.admin, now);
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  /** Requests that put `p` in a lookup or filter: each must fail with a 4xx or find nothing. */
  const lookups = (
    p: string,
  ): Array<{ as: Credentials | null; request: InjectOptions; empty?: (body: unknown) => unknown }> => {
    const q = encodeURIComponent(p);
    return [
      { as: null, request: { method: 'POST', url: '/api/auth/login', payload: { email: p, password: p } } },
      {
        as: null,
        request: {
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: w.users.admin.email, password: worldPassword, org: p },
        },
      },
      {
        as: null,
        request: { method: 'POST', url: '/api/auth/password-reset', payload: { email: p, org: p } },
      },
      {
        as: null,
        request: {
          method: 'POST',
          url: '/api/auth/password-reset/confirm',
          payload: { token: p, password: 'a-long-enough-phrase' },
        },
      },
      { as: null, request: { method: 'POST', url: '/api/auth/invitation', payload: { token: p } } },
      {
        as: null,
        request: {
          method: 'POST',
          url: '/api/auth/invitation/accept',
          payload: { token: p, password: 'a-long-enough-phrase' },
        },
      },
      {
        as: null,
        request: {
          method: 'POST',
          url: '/api/auth/signup',
          payload: { orgName: p, orgSlug: p, name: p, email: p, password: p },
        },
      },
      {
        as: admin,
        request: { method: 'GET', url: `/api/audit?entity=${q}` },
        empty: (b) => (b as { entries: unknown[] }).entries,
      },
      { as: admin, request: { method: 'GET', url: `/api/audit?entityId=${q}` } },
      { as: admin, request: { method: 'PATCH', url: `/api/users/${q}/role`, payload: { role: 'admin' } } },
      {
        as: admin,
        request: { method: 'PATCH', url: `/api/users/${w.users.eastRep.id}/role`, payload: { role: p } },
      },
      {
        as: admin,
        request: { method: 'PATCH', url: `/api/users/${w.users.eastRep.id}/team`, payload: { teamId: p } },
      },
      { as: admin, request: { method: 'DELETE', url: `/api/auth/tokens/${q}` } },
      { as: admin, request: { method: 'DELETE', url: `/api/users/invitations/${q}` } },
      {
        as: admin,
        request: { method: 'POST', url: '/api/auth/tokens', payload: { name: 'x', scopes: [p] } },
      },
      {
        as: admin,
        request: { method: 'POST', url: '/api/users/invitations', payload: { email: p, role: 'rep' } },
      },
      { as: admin, request: { method: 'GET', url: `/api/dashboard?scope=${q}` } },
      { as: admin, request: { method: 'GET', url: `/api/metrics/${q}?scope=${q}` } },
      {
        as: admin,
        request: { method: 'GET', url: `/api/deals?q=${q}` },
        empty: (b) => (b as { items: unknown[] }).items,
      },
      { as: admin, request: { method: 'GET', url: `/api/deals?scope=${q}` } },
      {
        as: admin,
        request: { method: 'GET', url: `/api/goals?metric=${q}` },
        empty: (b) => (b as { goals: unknown[] }).goals,
      },
    ];
  };

  it('in every lookup and filter: a 4xx or nothing found, and no table changes', async () => {
    const before = await fingerprint(store);
    const problems: string[] = [];
    for (const p of payloads) {
      for (const { as, request, empty } of lookups(p)) {
        const res = await injectAs(app, as, request);
        const where = `${request.method} ${request.url} with ${JSON.stringify(p)}`;
        if (res.statusCode >= 500) problems.push(`${where}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        else if (res.statusCode < 300) {
          // a public route that answers the same to everyone (a reset request: 202) or an empty result
          const found = empty ? empty(res.json()) : undefined;
          if (empty && (found as unknown[]).length !== 0)
            problems.push(`${where}: found ${JSON.stringify(found).slice(0, 120)}`);
          if (!empty && res.statusCode !== 202)
            problems.push(`${where}: ${res.statusCode} ${res.body.slice(0, 120)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await fingerprint(store)).toEqual(before);
  });

  it('in free text it is stored as typed and nothing else changes', async () => {
    const before = await fingerprint(store);
    for (const [i, p] of payloads.entries()) {
      const res = await injectAs(app, admin, {
        method: 'POST',
        url: '/api/users/invitations',
        payload: { email: `text${i}@example.test`, name: `${p} ${i}`, role: 'rep' },
      });
      expect(res.statusCode).toBe(201);
      expect(res.json().invitation.name).toBe(`${p} ${i}`);
    }
    const stored = (await listPendingInvitations(store.db, w.org.id, now)).filter((r) =>
      r.email.startsWith('text'),
    );
    expect(stored.map((r) => r.name).sort()).toEqual(payloads.map((p, i) => `${p} ${i}`).sort());
    const after = await fingerprint(store);
    // each invitation: one invitation row, one queued e-mail, one audit row
    expect(after).toEqual({
      ...before,
      invitation: (before.invitation ?? 0) + payloads.length,
      outbox: (before.outbox ?? 0) + payloads.length,
      audit_log: (before.audit_log ?? 0) + payloads.length,
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { startSession } from '../../src/services/accounts/sessions.ts';
import { revokeSession } from '../../src/store/account-queries.ts';
import { refreshRollups } from '../../src/store/rollups.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { HALFWAY, insertGoal, salesOrg, utc, wonDeal } from '../services/tracking/fixtures.ts';

/**
 * GET /api/dashboard sends a body rendered once per reader, data version and
 * second (dashboardBody): a write, a new second, another reader and a
 * revoked session must each still be seen on the very next request.
 */
describe.each(dialects)('the rendered dashboard body on %s', (dialect) => {
  let store: TestStore;
  let app: Awaited<ReturnType<typeof buildServer>>;
  let clock = HALFWAY;
  beforeAll(async () => {
    store = await freshStore(dialect);
    app = await buildServer({ store, now: () => clock });
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  it('shows a write, a new second and only to its reader, and honours a revoked session', async () => {
    clock = HALFWAY + 250; // a quarter of a second into the second
    const o = await salesOrg(store);
    const goalId = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 1_000_000,
      scope_type: 'team',
      scope_id: o.riyadh.id,
    });
    await wonDeal(store.db, o.org.id, {
      ownerId: o.sara.id,
      teamId: o.riyadh.id,
      amount: 300_000,
      closedAt: utc('2027-01-20T10:00:00'),
    });
    await refreshRollups(store.db, o.org.id);
    const omar = await startSession(store.db, HALFWAY, o.org.id, o.omar.id);
    const get = (token: string) =>
      app.inject({
        method: 'GET',
        url: `/api/dashboard?scope=team:${o.riyadh.id}`,
        headers: { cookie: `hadaf_session=${token}` },
      });

    const first = await get(omar.token);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = first.json();
    // as of the start of the second, and the figures are those of that instant
    expect(body.asOf).toBe(HALFWAY);
    expect(body.goals).toHaveLength(1);
    expect(body.goals[0].goal.id).toBe(goalId);
    expect(body.goals[0].progress.actual).toBe(300_000);
    // Q1 2027 is 90 days, HALFWAY the start of Feb 15: 45 days elapsed, half the target expected
    expect(body.goals[0].progress.expected).toBeCloseTo(500_000, 6);
    // Zod's response schema shaped it: the goal's internal fields are not sent
    expect(Object.keys(body).sort()).toEqual(['asOf', 'goals', 'scope']);

    // the same second: the same text
    clock = HALFWAY + 900;
    expect((await get(omar.token)).body).toBe(first.body);

    // a write within the same second shows on the next request
    await wonDeal(store.db, o.org.id, {
      ownerId: o.rami.id,
      teamId: o.riyadh.id,
      amount: 50_000,
      closedAt: utc('2027-01-21T10:00:00'),
    });
    await refreshRollups(store.db, o.org.id, {
      fromMs: utc('2027-01-21T10:00:00'),
      toMs: utc('2027-01-21T10:00:00'),
    });
    const afterWrite = (await get(omar.token)).json();
    expect(afterWrite.goals[0].progress.actual).toBe(350_000);
    expect(afterWrite.asOf).toBe(HALFWAY);

    // the next second: a new rendering with the time of day moved on
    clock = HALFWAY + 1_000;
    const later = (await get(omar.token)).json();
    expect(later.asOf).toBe(HALFWAY + 1_000);
    expect(later.goals[0].progress.expected).toBeGreaterThan(afterWrite.goals[0].progress.expected);

    // another org's admin gets none of it: that team is not in their org
    const other = await salesOrg(store);
    const outsider = await startSession(store.db, HALFWAY, other.org.id, other.admin.id);
    const refused = await get(outsider.token);
    expect(refused.statusCode).toBe(404);
    expect(refused.body).not.toContain('"goals"');

    // a revoked session is refused on the next request, cached body or not
    await revokeSession(store.db, o.org.id, omar.sessionId, HALFWAY);
    expect((await get(omar.token)).statusCode).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { startSession } from '../../src/services/accounts/sessions.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { HALFWAY, insertGoal, salesOrg, utc, wonDeal } from '../services/tracking/fixtures.ts';

describe.each(dialects)('tracking API on %s', (dialect) => {
  let store: TestStore;
  let app: Awaited<ReturnType<typeof buildServer>>;
  beforeAll(async () => {
    store = await freshStore(dialect);
    app = await buildServer({ store, now: () => HALFWAY });
  });
  afterAll(async () => {
    await app.close();
    await store.drop();
  });

  async function signedIn(orgId: number, userId: number) {
    const session = await startSession(store.db, HALFWAY, orgId, userId);
    return { cookie: `hadaf_session=${session.token}`, 'x-csrf-token': session.csrfToken };
  }

  it('returns every active goal of a scope with its progress in one call', async () => {
    const o = await salesOrg(store);
    await wonDeal(store.db, o.org.id, {
      ownerId: o.sara.id,
      teamId: o.riyadh.id,
      amount: 450_000,
      closedAt: utc('2027-01-20T10:00:00'),
    });
    const team = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 1_000_000,
      scope_type: 'team',
      scope_id: o.riyadh.id,
    });
    const sara = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 500_000,
      scope_type: 'rep',
      scope_id: o.sara.id,
      parent_id: team,
    });
    const rami = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 500_000,
      scope_type: 'rep',
      scope_id: o.rami.id,
      parent_id: team,
    });

    const response = await app.inject({
      method: 'GET',
      url: `/api/dashboard?scope=team:${o.riyadh.id}`,
      headers: await signedIn(o.org.id, o.omar.id),
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.scope).toMatchObject({ type: 'team', id: o.riyadh.id, label: 'Riyadh' });
    const byId = new Map(body.goals.map((g: { goal: { id: number } }) => [g.goal.id, g]));
    expect([...byId.keys()]).toEqual([team, sara, rami]);
    // 450,000 of 1,000,000 halfway: pace 0.9, at risk; Sara 450,000 of 500,000: ahead; Rami 0: off track
    expect(byId.get(team)).toMatchObject({ progress: { actual: 450_000, status: 'at_risk' } });
    expect(byId.get(sara)).toMatchObject({
      progress: { actual: 450_000, status: 'on_track' },
      goal: { parentId: team },
    });
    expect(byId.get(rami)).toMatchObject({ progress: { actual: 0, status: 'off_track' } });
  });

  it("serves one goal's progress and refuses it to a rep of another goal", async () => {
    const o = await salesOrg(store);
    const goalId = await insertGoal(store.db, o.org.id, {
      metric: 'calls',
      target: 100,
      scope_type: 'rep',
      scope_id: o.sara.id,
    });
    const own = await app.inject({
      method: 'GET',
      url: `/api/goals/${goalId}/progress`,
      headers: await signedIn(o.org.id, o.sara.id),
    });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      goal: { id: goalId, metric: 'calls' },
      progress: { target: 100, phase: 'running' },
    });
    const other = await app.inject({
      method: 'GET',
      url: `/api/goals/${goalId}/progress`,
      headers: await signedIn(o.org.id, o.rami.id),
    });
    expect(other.statusCode).toBe(403);
    const missing = await app.inject({
      method: 'GET',
      url: '/api/goals/999999/progress',
      headers: await signedIn(o.org.id, o.sara.id),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('creates and lists check-ins, refusing a bad confidence with the field named', async () => {
    const o = await salesOrg(store);
    const goalId = await insertGoal(store.db, o.org.id, {
      metric: 'calls',
      target: 100,
      scope_type: 'rep',
      scope_id: o.sara.id,
    });
    const headers = await signedIn(o.org.id, o.sara.id);
    const bad = await app.inject({
      method: 'POST',
      url: `/api/goals/${goalId}/checkins`,
      headers,
      payload: { confidence: 9 },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'invalid_input', field: 'confidence' });
    const created = await app.inject({
      method: 'POST',
      url: `/api/goals/${goalId}/checkins`,
      headers,
      payload: { confidence: 4, comment: 'On it' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ goalId, confidence: 4, comment: 'On it', value: 0 });
    const list = await app.inject({ method: 'GET', url: `/api/goals/${goalId}/checkins`, headers });
    expect(list.json()).toHaveLength(1);
  });

  it('rejects a malformed dashboard scope with a clear error', async () => {
    const o = await salesOrg(store);
    const response = await app.inject({
      method: 'GET',
      url: '/api/dashboard?scope=planet:mars',
      headers: await signedIn(o.org.id, o.admin.id),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.field).toBe('scope');
  });

  it("lists only the signed-in user's notifications and needs sign-in", async () => {
    const o = await salesOrg(store);
    const anonymous = await app.inject({ method: 'GET', url: '/api/notifications' });
    expect(anonymous.statusCode).toBe(401);
    const mine = await app.inject({
      method: 'GET',
      url: '/api/notifications',
      headers: await signedIn(o.org.id, o.sara.id),
    });
    expect(mine.json()).toEqual({ unread: 0, notifications: [] });
    const read = await app.inject({
      method: 'POST',
      url: '/api/notifications/read',
      headers: await signedIn(o.org.id, o.sara.id),
      payload: { all: true },
    });
    expect(read.json()).toEqual({ marked: 0 });
  });

  it('lets only admins add webhooks, and shows the secret once', async () => {
    const o = await salesOrg(store);
    const asRep = await app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: await signedIn(o.org.id, o.sara.id),
      payload: { url: 'https://hooks.example.test/x' },
    });
    expect(asRep.statusCode).toBe(403);
    const admin = await signedIn(o.org.id, o.admin.id);
    const created = await app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: admin,
      payload: { url: 'https://hooks.example.test/x' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().secret).toMatch(/^whsec_/);
    const list = await app.inject({ method: 'GET', url: '/api/webhooks', headers: admin });
    expect(list.json()).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/webhooks',
      headers: admin,
      payload: { url: 'ftp://x' },
    });
    expect(bad.statusCode).toBe(400);
  });
});

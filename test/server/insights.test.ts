import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import type { Member } from '../../src/store/account-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { buildInsightWorld, type InsightWorld, NOW } from '../services/insights/world.ts';
import { type Credentials, injectAs, sessionOf } from './signed-in.ts';

/** The five-step flow's backend over HTTP: growth area → draft goal → live goal told to its owner → acknowledged. */
describe.each(dialects)('goal-setting flow over HTTP on %s', (dialect) => {
  let store: TestStore;
  let app: FastifyInstance;
  let w: InsightWorld;
  const as = async (user: Member) => sessionOf(store, user, NOW);
  let maha: Credentials;
  let dana: Credentials;
  let ali: Credentials;

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildInsightWorld(store);
    app = await buildServer({ store, now: () => NOW, mailer: null });
    [maha, dana, ali] = await Promise.all([as(w.users.maha), as(w.users.dana), as(w.users.ali)]);
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  it('walks from a growth area to an acknowledged goal', async () => {
    const east = `team:${w.teams.east.id}`;
    const areas = await injectAs(app, maha, { url: `/api/insights/growth-areas?scope=${east}&limit=5` });
    expect(areas.statusCode).toBe(200);
    const report = areas.json();
    expect(report.total).toBe(8);
    expect(report.areas).toHaveLength(5);
    const winRate = report.areas.find((a: { id: string }) => a.id === `rep:win_rate:${w.users.dana.id}`);
    expect(winRate.impact).toMatchObject({ perPeriod: 800_000, annual: 3_200_000, kind: 'revenue' });

    const proposals = await injectAs(app, maha, { url: `/api/flow/proposals?scope=${east}&period=2027-Q1` });
    expect(proposals.statusCode).toBe(200);
    expect(proposals.json().proposals.map((p: { id: string }) => p.id)).toContain(winRate.id);

    const drafts = await injectAs(app, maha, {
      method: 'POST',
      url: '/api/flow/drafts',
      payload: { scope: east, period: '2027-Q1', areaIds: [winRate.id] },
    });
    expect(drafts.statusCode).toBe(201);
    const [goal] = drafts.json().goals;
    expect(goal).toMatchObject({
      status: 'draft',
      metric: 'win_rate',
      scope: { type: 'rep', id: w.users.dana.id },
    });
    expect(goal.reason).toContain('Growth area');

    const settings = await injectAs(app, maha, {
      method: 'PUT',
      url: `/api/goals/${goal.id}/tracking-settings`,
      payload: { checkinInterval: 'monthly', recipients: [w.users.admin.id] },
    });
    expect(settings.statusCode).toBe(200);
    expect(settings.json()).toMatchObject({
      checkinInterval: 'monthly',
      extraRecipients: [{ name: 'Amal' }],
    });

    const told = await injectAs(app, maha, {
      method: 'POST',
      url: `/api/goals/${goal.id}/communicate`,
      payload: { message: 'You can do it' },
    });
    expect(told.statusCode).toBe(200);
    expect(told.json()).toMatchObject({
      activated: [goal.id],
      notified: [{ userId: w.users.dana.id }],
      emails: 0,
    });

    // Dana's inbox shows the assignment next to any alerts
    const inbox = await injectAs(app, dana, { url: '/api/notifications' });
    expect(inbox.statusCode).toBe(200);
    expect(JSON.stringify(inbox.json())).toContain('goal_assigned');

    // another rep cannot acknowledge Dana's goal; Dana can
    const byAli = await injectAs(app, ali, { method: 'POST', url: `/api/goals/${goal.id}/acknowledge` });
    expect(byAli.statusCode).toBe(403);
    const byDana = await injectAs(app, dana, { method: 'POST', url: `/api/goals/${goal.id}/acknowledge` });
    expect(byDana.statusCode).toBe(200);
    expect(byDana.json()).toEqual({ goalId: goal.id, userId: w.users.dana.id, acknowledgedAt: NOW });

    const acks = await injectAs(app, maha, { url: `/api/goals/${goal.id}/acknowledgements` });
    expect(acks.json()).toMatchObject({
      acknowledged: 1,
      pending: 0,
      owners: [{ owner: { id: w.users.dana.id, name: 'Dana' }, notifiedAt: NOW, acknowledgedAt: NOW }],
    });
  });

  it('answers bad input with what and where, and changes nothing', async () => {
    const goals = async () =>
      (await store.db.selectFrom('goal').select('id').where('org_id', '=', w.org.id).execute()).length;
    const before = await goals();
    const grain = await injectAs(app, maha, { url: '/api/insights/growth-areas?grain=year' });
    expect(grain.statusCode).toBe(400);
    const noPick = await injectAs(app, maha, {
      method: 'POST',
      url: '/api/flow/drafts',
      payload: { areaIds: [] },
    });
    expect(noPick.statusCode).toBe(400);
    const stale = await injectAs(app, maha, {
      method: 'POST',
      url: '/api/flow/drafts',
      payload: { scope: `team:${w.teams.east.id}`, areaIds: ['trend:calls'] },
    });
    expect(stale.statusCode).toBe(400);
    expect(stale.json().error).toMatchObject({ code: 'invalid_input', field: 'areaIds.0' });
    const weights = await injectAs(app, maha, {
      url: `/api/flow/proposals?scope=team:${w.teams.east.id}&impact=0&speed=0&resources=0`,
    });
    expect(weights.statusCode).toBe(400);
    expect(weights.json().error.field).toBe('weights');
    expect(await goals()).toBe(before);
  });

  it('keeps another rep’s areas from a rep', async () => {
    const own = await injectAs(app, ali, { url: `/api/insights/growth-areas?scope=team:${w.teams.east.id}` });
    expect(own.statusCode).toBe(200);
    expect(own.json().areas.some((a: { kind: string }) => a.kind === 'rep_gap')).toBe(false);
    const peer = await injectAs(app, ali, {
      url: `/api/insights/growth-areas?scope=rep:${encodeURIComponent(w.users.dana.email)}`,
    });
    expect(peer.statusCode).toBe(403);
  });
});

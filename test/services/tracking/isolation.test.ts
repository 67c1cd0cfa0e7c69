import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as q from '../../../src/store/progress-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { HALFWAY, insertGoal, salesOrg, utc, wonDeal } from './fixtures.ts';

/** Each tracking store function, called with org B's id and org A's row ids, reaches nothing of A. */
describe.each(dialects)('tracking store isolation on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store.drop());

  it('never reads or changes another org’s snapshots, check-ins, notifications, alert state, webhooks or deals', async () => {
    const a = await salesOrg(store);
    const b = await salesOrg(store);
    const goal = await insertGoal(store.db, a.org.id, { metric: 'revenue', target: 10 });
    await wonDeal(store.db, a.org.id, {
      ownerId: a.sara.id,
      teamId: a.riyadh.id,
      amount: 5,
      closedAt: utc('2027-01-05T00:00:00'),
    });
    await q.insertSnapshot(
      store.db,
      a.org.id,
      {
        goal_id: goal,
        day: '2027-01-05',
        actual: 5,
        target: 10,
        expected: 1,
        pace_ratio: 5,
        attainment: 0.5,
        forecast: null,
        forecast_low: null,
        forecast_high: null,
        status: 'on_track',
      },
      HALFWAY,
    );
    await q.insertCheckin(store.db, a.org.id, {
      goalId: goal,
      userId: a.sara.id,
      at: HALFWAY,
      value: 5,
      comment: 'secret',
      confidence: 3,
      private: true,
    });
    await q.insertNotification(
      store.db,
      a.org.id,
      { userId: a.sara.id, goalId: goal, kind: 'milestone', dedupeKey: 'k', title: 't', body: 'b', data: {} },
      HALFWAY,
    );
    await q.saveAlertState(
      store.db,
      a.org.id,
      goal,
      { lastStatus: 'at_risk', milestones: ['half'] },
      HALFWAY,
    );
    const hook = await q.insertWebhook(
      store.db,
      a.org.id,
      { url: 'https://a.test', secret: 's', events: '*', createdBy: null },
      0,
    );

    expect(await q.listSnapshots(store.db, b.org.id, [goal])).toEqual([]);
    expect(await q.listCheckins(store.db, b.org.id, goal)).toEqual([]);
    expect((await q.lastCheckinAt(store.db, b.org.id, [goal])).size).toBe(0);
    expect(await q.listNotifications(store.db, b.org.id, a.sara.id)).toEqual([]);
    expect(await q.countUnreadNotifications(store.db, b.org.id, a.sara.id)).toBe(0);
    expect(await q.markNotificationsRead(store.db, b.org.id, a.sara.id, 'all', HALFWAY)).toBe(0);
    expect((await q.getAlertStates(store.db, b.org.id, [goal])).size).toBe(0);
    await q.saveAlertState(store.db, b.org.id, goal, { lastStatus: 'off_track', milestones: [] }, HALFWAY);
    expect((await q.getAlertStates(store.db, a.org.id, [goal])).get(goal)).toEqual({
      lastStatus: 'at_risk',
      milestones: ['half'],
    });
    expect(await q.findWebhook(store.db, b.org.id, hook.id)).toBeUndefined();
    expect(await q.listWebhooks(store.db, b.org.id)).toEqual([]);
    expect(await q.deleteWebhook(store.db, b.org.id, hook.id)).toBe(false);
    expect(await q.findWebhook(store.db, a.org.id, hook.id)).toBeDefined();
    expect(await q.closedDealsByStage(store.db, b.org.id, { fromMs: 0, toMs: HALFWAY })).toEqual([]);
    expect(await q.openStageProbabilities(store.db, b.org.id)).toEqual([]);
    expect(await q.openPipelinePieces(store.db, b.org.id, HALFWAY * 2)).toEqual([]);
    // A's own rows are all still there
    expect(await q.listSnapshots(store.db, a.org.id, [goal])).toHaveLength(1);
    expect(await q.countUnreadNotifications(store.db, a.org.id, a.sara.id)).toBe(1);
  });

  it('gives a lease to one holder at a time until it lapses or is released', async () => {
    const name = `job-${Math.random()}`;
    expect(await q.acquireLease(store.db, name, 'a', 1_000, 2_000)).toBe(true);
    expect(await q.acquireLease(store.db, name, 'b', 1_500, 2_500)).toBe(false);
    expect(await q.acquireLease(store.db, name, 'a', 1_500, 2_500)).toBe(true);
    expect(await q.acquireLease(store.db, name, 'b', 2_600, 3_000)).toBe(true);
    await q.releaseLease(store.db, name, 'b');
    expect(await q.acquireLease(store.db, name, 'c', 2_700, 3_000)).toBe(true);
  });
});

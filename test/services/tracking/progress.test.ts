import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCheckin, listCheckins } from '../../../src/services/tracking/checkins.ts';
import { dashboard, goalProgress } from '../../../src/services/tracking/progress.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import {
  HALFWAY,
  insertGoal,
  QUARTER,
  type SalesOrg,
  salesOrg,
  systemCtx,
  userCtx,
  utc,
  wonDeal,
} from './fixtures.ts';

describe.each(dialects)('tracking progress on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store.drop());

  /** Won deals of Sara and Rami (both in Riyadh, under Sales) summing to `total`, all before halfway. */
  async function sell(o: SalesOrg, amounts: number[]) {
    for (const [i, amount] of amounts.entries()) {
      const rep = i % 2 === 0 ? o.sara : o.rami;
      await wonDeal(store.db, o.org.id, {
        ownerId: rep.id,
        teamId: o.riyadh.id,
        amount,
        closedAt: utc(`2027-01-${String(10 + i).padStart(2, '0')}T10:00:00`),
      });
    }
  }

  it.each([
    [500_000, 'on_track'],
    [450_000, 'at_risk'],
    [300_000, 'off_track'],
  ])('a team revenue goal halfway through the quarter at %i of 1,000,000 is %s', async (sold, status) => {
    const o = await salesOrg(store);
    await sell(o, [sold / 2, sold / 2]);
    const goalId = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 1_000_000,
      scope_type: 'team',
      scope_id: o.sales.id,
    });
    const { progress } = await goalProgress({ ctx: systemCtx(store, o.org, HALFWAY), input: { goalId } });
    // The Sales team's revenue includes its sub-team Riyadh: the metric over the team, not an average.
    expect(progress.actual).toBe(sold);
    expect(progress.expected).toBe(500_000);
    expect(progress.status).toBe(status);
  });

  it('reads the target in force today from effective-dated changes', async () => {
    const o = await salesOrg(store);
    await sell(o, [250_000, 250_000]);
    const goalId = await insertGoal(store.db, o.org.id, { metric: 'revenue', target: 1_250_000 });
    await store.db
      .insertInto('goal_target_change')
      .values([
        {
          org_id: o.org.id,
          goal_id: goalId,
          target: 1_000_000,
          effective_from: QUARTER.start,
          changed_at: 0,
          reason: 'set',
        },
        // raised from March: not in force at halfway (Feb 15)
        {
          org_id: o.org.id,
          goal_id: goalId,
          target: 1_250_000,
          effective_from: '2027-03-01',
          changed_at: 1,
          reason: 'raise',
        },
      ])
      .execute();
    const { progress } = await goalProgress({ ctx: systemCtx(store, o.org, HALFWAY), input: { goalId } });
    expect(progress.target).toBe(1_000_000);
    expect(progress.status).toBe('on_track');
  });

  it('forecasts revenue from won deals plus open pipeline weighted by learned stage probabilities', async () => {
    const o = await salesOrg(store);
    const deal = (values: Record<string, unknown>) =>
      store.db
        .insertInto('deal')
        .values({
          org_id: o.org.id,
          owner_id: o.sara.id,
          team_id: o.riyadh.id,
          currency: 'USD',
          created_at: utc('2026-10-01T00:00:00'),
          amount: 1_000,
          stage: 'Closed Won',
          status: 'won',
          ...values,
        } as never)
        .execute();
    // History (closed in the last year): 2 won; lost at Discovery 2, at Proposal 1 (none at Negotiation).
    // Pipeline order from CRM probabilities: Discovery 10 < Proposal 40 < Negotiation 70.
    // p(Discovery) = 2 / (2 + 2 + 1) = 0.4, p(Proposal) = 2 / (2 + 1) = 2/3, p(Negotiation) = 2 / 2 = 1.
    for (const closedAt of ['2026-11-01', '2027-01-20']) {
      await deal({ amount: 10_000, closed_at: utc(`${closedAt}T10:00:00`) });
    }
    await deal({ status: 'lost', stage: 'Discovery', closed_at: utc('2026-11-02T10:00:00') });
    await deal({ status: 'lost', stage: 'Discovery', closed_at: utc('2026-11-03T10:00:00') });
    await deal({ status: 'lost', stage: 'Proposal', closed_at: utc('2026-11-04T10:00:00') });
    const open = (stage: string, probability: number, amount: number, expected: string) =>
      deal({ status: 'open', stage, probability, amount, expected_close_at: utc(`${expected}T00:00:00`) });
    await open('Discovery', 10, 5_000, '2027-03-10');
    await open('Proposal', 40, 3_000, '2027-03-20');
    await open('Negotiation', 70, 2_000, '2027-02-28');
    // Expected after the quarter: not in the forecast.
    await open('Negotiation', 70, 50_000, '2027-04-15');
    const goalId = await insertGoal(store.db, o.org.id, { metric: 'revenue', target: 40_000 });

    const { progress } = await goalProgress({ ctx: systemCtx(store, o.org, HALFWAY), input: { goalId } });
    // won in the quarter: 10,000 (Jan 20); weighted = 5,000 × 0.4 + 3,000 × 2/3 + 2,000 × 1 = 2,000 + 2,000 + 2,000
    expect(progress.actual).toBe(10_000);
    expect(progress.pipeline?.weightedPipeline).toBeCloseTo(6_000, 9);
    expect(progress.pipeline?.value).toBeCloseTo(16_000, 9);
    expect(progress.pipeline?.openAmount).toBe(10_000);
    // variance = 5,000² × 0.4 × 0.6 + 3,000² × 2/3 × 1/3 + 0 = 6,000,000 + 2,000,000
    expect(progress.pipeline?.low).toBeCloseTo(16_000 - 1.2816 * Math.sqrt(8_000_000), 6);
  });

  it("shows a team's goals with its sub-teams' and reps' goals on the dashboard, in one call", async () => {
    const o = await salesOrg(store);
    await sell(o, [100_000, 50_000]);
    const team = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 300_000,
      scope_type: 'team',
      scope_id: o.sales.id,
    });
    const sara = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 150_000,
      scope_type: 'rep',
      scope_id: o.sara.id,
      parent_id: team,
    });
    const calls = await insertGoal(store.db, o.org.id, {
      metric: 'calls',
      target: 100,
      scope_type: 'rep',
      scope_id: o.rami.id,
    });
    await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 1,
      status: 'draft',
      scope_type: 'team',
      scope_id: o.sales.id,
    });
    const orgGoal = await insertGoal(store.db, o.org.id, { metric: 'revenue', target: 1_000_000 });

    const view = await dashboard({
      ctx: systemCtx(store, o.org, HALFWAY),
      input: { scope: `team:${o.sales.id}` },
    });
    expect(view.scope).toMatchObject({ type: 'team', id: o.sales.id, label: 'Sales' });
    expect(view.goals.map((g) => g.goal.id)).toEqual([team, sara, calls]);
    const byId = new Map(view.goals.map((g) => [g.goal.id, g]));
    expect(byId.get(team)?.progress.actual).toBe(150_000);
    expect(byId.get(sara)?.progress.actual).toBe(100_000);
    expect(byId.get(sara)?.goal.parentId).toBe(team);
    // no calls logged at all: a flow with no data has accumulated nothing
    expect(byId.get(calls)?.progress.actual).toBe(0);

    const org = await dashboard({ ctx: systemCtx(store, o.org, HALFWAY), input: { scope: 'org' } });
    expect(org.goals.map((g) => g.goal.id)).toEqual([team, sara, calls, orgGoal]);
  });

  it('measures rep goals sharing a metric and period in one query with the same values as one by one', async () => {
    const o = await salesOrg(store);
    await sell(o, [70_000, 20_000, 5_000]);
    const goalOf = (rep: { id: number }) =>
      insertGoal(store.db, o.org.id, {
        metric: 'revenue',
        target: 100_000,
        scope_type: 'rep',
        scope_id: rep.id,
      });
    const [sara, rami, omar] = [await goalOf(o.sara), await goalOf(o.rami), await goalOf(o.omar)];
    const view = await dashboard({ ctx: systemCtx(store, o.org, HALFWAY), input: { scope: 'org' } });
    const actual = new Map(view.goals.map((g) => [g.goal.id, g.progress.actual]));
    // Sara sold the 1st and 3rd deals, Rami the 2nd, Omar none
    expect([actual.get(sara), actual.get(rami), actual.get(omar)]).toEqual([75_000, 20_000, 0]);
    for (const goalId of [sara, rami, omar]) {
      const single = await goalProgress({ ctx: systemCtx(store, o.org, HALFWAY), input: { goalId } });
      expect(single.progress.actual).toBe(actual.get(goalId));
    }
  });

  it('refuses a rep the dashboard of another rep and shows them their own', async () => {
    const o = await salesOrg(store);
    const own = await insertGoal(store.db, o.org.id, {
      metric: 'calls',
      target: 10,
      scope_type: 'rep',
      scope_id: o.sara.id,
    });
    const asSara = userCtx(store, o.org, HALFWAY, o.sara, o.riyadh.path);
    await expect(dashboard({ ctx: asSara, input: { scope: `rep:${o.rami.id}` } })).rejects.toMatchObject({
      code: 'forbidden',
    });
    const mine = await dashboard({ ctx: asSara, input: {} });
    expect(mine.goals.map((g) => g.goal.id)).toEqual([own]);
  });

  it('records a check-in with the value computed from the data and hides private comments from other reps', async () => {
    const o = await salesOrg(store);
    await sell(o, [40_000]);
    const goalId = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 100_000,
      scope_type: 'rep',
      scope_id: o.sara.id,
    });
    const asSara = userCtx(store, o.org, HALFWAY, o.sara, o.riyadh.path);
    const created = await createCheckin({
      ctx: asSara,
      input: { goalId, comment: 'Two renewals slipped', confidence: 3, private: true },
    });
    expect(created).toMatchObject({ value: 40_000, confidence: 3, private: true, userId: o.sara.id });

    const asOmar = userCtx(store, o.org, HALFWAY, o.omar, o.riyadh.path);
    expect((await listCheckins({ ctx: asOmar, input: { goalId } }))[0]?.comment).toBe('Two renewals slipped');
    const asRami = userCtx(store, o.org, HALFWAY, o.rami, o.riyadh.path);
    await expect(listCheckins({ ctx: asRami, input: { goalId } })).rejects.toMatchObject({
      code: 'forbidden',
    });
    // Rami cannot check in on Sara's goal either
    await expect(createCheckin({ ctx: asRami, input: { goalId, confidence: 5 } })).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('refuses a confidence outside 1..5 and writes nothing', async () => {
    const o = await salesOrg(store);
    const goalId = await insertGoal(store.db, o.org.id, { metric: 'calls', target: 10 });
    await expect(
      createCheckin({ ctx: systemCtx(store, o.org, HALFWAY), input: { goalId, confidence: 6 } }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'confidence' });
    expect(await listCheckins({ ctx: systemCtx(store, o.org, HALFWAY), input: { goalId } })).toEqual([]);
  });
});

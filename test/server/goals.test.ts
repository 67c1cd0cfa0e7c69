import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOAL_TEMPLATES } from '../../src/core/goals/index.ts';
import { buildServer } from '../../src/server/app.ts';
import { createApiToken } from '../../src/services/accounts/api-tokens.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { buildGoalWorld, type GoalWorld, NOW } from '../services/goals/world.ts';

const fy2027 = { start: '2027-01-01', end: '2027-12-31' };
const how = 'Use consultative selling to grow revenue of our core product with existing enterprise accounts.';

describe.each(dialects)('goal API on %s', (dialect) => {
  let store: TestStore;
  let w: GoalWorld;
  let app: Awaited<ReturnType<typeof buildServer>>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildGoalWorld(store);
    app = await buildServer({ store, now: () => NOW, mailer: null });
    for (const name of ['admin', 'manager', 'ali', 'badr'] as const) {
      const { token } = await createApiToken({
        ctx: w.ctx(w.users[name]),
        input: { name: 'test', scopes: ['read', 'write'] },
      });
      tokens[name] = token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  const call = (who: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      ...(who ? { headers: { authorization: `Bearer ${tokens[who]}` } } : {}),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  it('creates, lists and shows a goal', async () => {
    const created = await call('admin', 'POST', '/api/goals', {
      title: 'Revenue 2027 +10%',
      description: how,
      metric: 'revenue',
      scope: { type: 'org' },
      targetChange: 0.1,
      period: fy2027,
    });
    expect(created.statusCode).toBe(201);
    const goal = created.json().goal;
    // $700,000 in 2026 → +10% = 77,000,000 cents
    expect(goal).toMatchObject({ target: 77_000_000, baseline: 70_000_000, status: 'draft' });
    const list = await call('admin', 'GET', '/api/goals?metric=revenue&scope=org');
    expect(list.json().goals.map((g: { id: number }) => g.id)).toContain(goal.id);
    const shown = await call('admin', 'GET', `/api/goals/${goal.id}`);
    expect(shown.json()).toMatchObject({
      goal: { id: goal.id },
      scopeLabel: 'Acme',
      allowedTransitions: ['active', 'archived'],
    });
  });

  it('coaches an unsaved draft and a saved goal', async () => {
    const draft = {
      title: 'Revenue 2027',
      description: how,
      metric: 'revenue',
      scope: { type: 'org', id: null },
      target: 500_000_000,
      period: fy2027,
    };
    const res = await call('admin', 'POST', '/api/goals/check', draft);
    expect(res.statusCode).toBe(200);
    const achievable = res.json().verdicts.find((v: { criterion: string }) => v.criterion === 'achievable');
    expect(achievable).toMatchObject({
      verdict: 'fail',
      data: { label: 'unrealistic', suggestedTarget: 77_000_000 },
    });
    expect(achievable.reason.ar).toMatch(/غير واقعي/);
    const vague = await call('admin', 'POST', '/api/goals/check', { title: 'Sell more this quarter' });
    expect(vague.json().overall).toBe('fail');

    const saved = (await call('admin', 'POST', '/api/goals', { ...draft, scope: { type: 'org' } })).json()
      .goal;
    const check = await call('admin', 'GET', `/api/goals/${saved.id}/check`);
    expect(
      check.json().verdicts.find((v: { criterion: string }) => v.criterion === 'achievable').verdict,
    ).toBe('fail');
  });

  it('previews and applies a split, then reports the effective-dated target', async () => {
    const goal = (
      await call('admin', 'POST', '/api/goals', {
        title: 'Quota',
        description: how,
        metric: 'revenue',
        scope: { type: 'org' },
        target: 120_000_000,
        period: fy2027,
        status: 'active',
      })
    ).json().goal;
    const preview = await call('admin', 'GET', `/api/goals/${goal.id}/split?by=period&grain=fiscal_quarter`);
    expect(preview.json().children.map((c: { target: number }) => c.target)).toEqual(
      Array(4).fill(30_000_000),
    );
    const applied = await call('admin', 'POST', `/api/goals/${goal.id}/split`, {
      rule: { by: 'period', grain: 'month' },
    });
    expect(applied.statusCode).toBe(201);
    expect(applied.json().children).toHaveLength(12);
    const patched = await call('admin', 'PATCH', `/api/goals/${goal.id}`, {
      target: 132_000_000,
      effectiveFrom: '2027-07-01',
      changeReason: 'Second product line',
    });
    expect(patched.statusCode).toBe(200);
    // 1,320,000 over 12 equal months → 110,000 each (from 100,000)
    expect(patched.json().rebalance).toHaveLength(12);
    expect(patched.json().rebalance[0]).toMatchObject({ from: 10_000_000, to: 11_000_000 });
    const asOf = await call('admin', 'GET', `/api/goals/${goal.id}?asOf=2027-06-30`);
    expect(asOf.json().targetAsOf).toEqual({ day: '2027-06-30', target: 120_000_000 });
    expect(asOf.json().assignment).toMatchObject({ state: 'under', difference: -12_000_000 });
    const rebalanced = await call('admin', 'POST', `/api/goals/${goal.id}/rebalance`, {
      changeReason: 'Follow the new quota',
    });
    expect(rebalanced.json().rebalance).toHaveLength(12);
    expect((await call('admin', 'GET', `/api/goals/${goal.id}`)).json().assignment.state).toBe('exact');
  });

  it('derives the reverse funnel and accepts steps as activity goals', async () => {
    const goal = (
      await call('admin', 'POST', '/api/goals', {
        title: 'East 2027',
        description: how,
        metric: 'revenue',
        scope: { type: 'team', id: w.teams.east.id },
        target: 77_000_000,
        period: fy2027,
      })
    ).json().goal;
    const funnel = await call('manager', 'GET', `/api/goals/${goal.id}/funnel`);
    expect(funnel.statusCode).toBe(200);
    expect(funnel.json().steps[0]).toMatchObject({ id: 'deals_won', total: 27 });
    const accepted = await call('manager', 'POST', `/api/goals/${goal.id}/funnel`, { steps: ['calls'] });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json().goals[0]).toMatchObject({ metric: 'calls', target: 810, parentId: goal.id });
  });

  it('refuses rep A’s request for rep B’s payout', async () => {
    const goal = (
      await call('manager', 'POST', '/api/goals', {
        title: 'Ali Q1',
        description: how,
        metric: 'revenue',
        scope: { type: 'rep', id: w.users.ali.id },
        target: 20_000_000,
        period: { start: '2027-01-01', end: '2027-03-31' },
        bonusTiers: [{ attainment: 1, payout: 100_000 }],
      })
    ).json().goal;
    const own = await call('ali', 'GET', `/api/goals/${goal.id}/payout`);
    expect(own.statusCode).toBe(200);
    expect(own.json().own).toMatchObject({ ownerId: w.users.ali.id, attainment: 0.25, earned: 0 });
    const peer = await call('badr', 'GET', `/api/goals/${goal.id}/payout`);
    expect(peer.statusCode).toBe(403);
    expect(peer.json().error.code).toBe('forbidden');
  });

  it('lists the templates', async () => {
    const res = await call('ali', 'GET', '/api/templates');
    expect(res.json().templates).toHaveLength(GOAL_TEMPLATES.length);
    const fromTemplate = await call('admin', 'POST', '/api/goals', {
      templateId: 'general-13',
      scope: { type: 'team', id: w.teams.east.id },
    });
    // leads: 480 in 2026 (Jan-Mar: 120) ... the template's quarter is 2027-Q1 against 2026-Q1: 120 × 1.2 = 144
    expect(fromTemplate.json().goal).toMatchObject({
      metric: 'leads',
      target: 144,
      period: { start: '2027-01-01', end: '2027-03-31' },
    });
  });

  it('answers bad input with a clear error and changes nothing', async () => {
    const count = async () => (await store.db.selectFrom('goal').select('id').execute()).length;
    const before = await count();
    const unknownFilter = await call('admin', 'POST', '/api/goals', {
      title: 'x',
      metric: 'revenue',
      scope: { type: 'org' },
      target: 1,
      period: fy2027,
      filters: { colour: 'red' },
    });
    expect(unknownFilter.statusCode).toBe(400);
    expect(unknownFilter.json().error.code).toBe('invalid_input');
    const badDay = await call('admin', 'POST', '/api/goals', {
      title: 'x',
      metric: 'revenue',
      scope: { type: 'org' },
      target: 1,
      period: { start: '2027-02-30', end: '2027-12-31' },
    });
    expect(badDay.json().error).toMatchObject({ code: 'invalid_input', field: 'period.start' });
    const cents = await call('admin', 'POST', '/api/goals', {
      title: 'x',
      metric: 'revenue',
      scope: { type: 'org' },
      target: 100.5,
      period: fy2027,
    });
    expect(cents.json().error.message).toMatch(/whole minor units/);
    const badSplit = await call('admin', 'GET', '/api/goals/1/split?by=member&members=rep:x');
    expect(badSplit.json().error).toMatchObject({ code: 'invalid_input', field: 'members' });
    expect((await call(null, 'GET', '/api/goals')).statusCode).toBe(401);
    expect(await count()).toBe(before);
  });
});

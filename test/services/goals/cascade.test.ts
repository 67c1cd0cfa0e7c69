import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGoal } from '../../../src/services/goals/create.ts';
import { acceptFunnel, previewFunnel } from '../../../src/services/goals/funnel.ts';
import { goalPayout } from '../../../src/services/goals/payout.ts';
import { showGoal } from '../../../src/services/goals/show.ts';
import { applySplit, previewSplit } from '../../../src/services/goals/split.ts';
import { transitionGoal } from '../../../src/services/goals/transition.ts';
import { applyRebalance, updateGoal } from '../../../src/services/goals/update.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildGoalWorld, type GoalWorld } from './world.ts';

const fy2027 = { start: '2027-01-01', end: '2027-12-31' };
const q1 = { start: '2027-01-01', end: '2027-03-31' };
const how = 'Use consultative selling to grow revenue of our core product with existing enterprise accounts.';

describe.each(dialects)('cascades, funnel and payouts on %s', (dialect) => {
  let store: TestStore;
  let w: GoalWorld;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildGoalWorld(store);
  });
  afterAll(() => store?.drop());

  const annual = (target: number, metric = 'revenue') =>
    createGoal({
      ctx: w.ctx(w.users.admin),
      input: {
        title: `Annual ${metric}`,
        description: how,
        metric,
        scope: { type: 'org' },
        target,
        period: fy2027,
      },
    });

  it('splits an annual 1,200,000 into 4 quarters of 300,000 and 12 months of 100,000', async () => {
    const admin = w.ctx(w.users.admin);
    const goal = await annual(120_000_000);
    const quarters = await previewSplit({
      ctx: admin,
      input: { goalId: goal.id, rule: { by: 'period', grain: 'fiscal_quarter' } },
    });
    expect(quarters.children.map((c) => [c.name, c.target])).toEqual([
      ['FY2027-Q1', 30_000_000],
      ['FY2027-Q2', 30_000_000],
      ['FY2027-Q3', 30_000_000],
      ['FY2027-Q4', 30_000_000],
    ]);
    const months = await previewSplit({
      ctx: admin,
      input: { goalId: goal.id, rule: { by: 'period', grain: 'month' } },
    });
    expect(months.children.map((c) => c.target)).toEqual(Array(12).fill(10_000_000));
    // a preview stores nothing
    expect((await showGoal({ ctx: admin, input: { goalId: goal.id } })).children).toEqual([]);
  });

  it('applies a split: children sum exactly, the tree reports it, and a second split is refused', async () => {
    const admin = w.ctx(w.users.admin);
    const goal = await annual(100_000_001);
    const { parent, children } = await applySplit({
      ctx: admin,
      input: {
        goalId: goal.id,
        rule: {
          by: 'member',
          members: [
            { type: 'team', id: w.teams.east.id },
            { type: 'team', id: w.teams.west.id },
            { type: 'rep', id: w.users.wafa.id },
          ],
        },
      },
    });
    // 1,000,000.01 three ways: 333,333.34 + 333,333.34 + 333,333.33
    expect(children.map((c) => c.target)).toEqual([33_333_334, 33_333_334, 33_333_333]);
    expect(children.map((c) => c.title)).toEqual([
      'Annual revenue · East',
      'Annual revenue · West',
      'Annual revenue · Wafa',
    ]);
    expect(children.map((c) => c.ownerId)).toEqual([w.users.manager.id, null, w.users.wafa.id]);
    expect(parent.splitRule).toMatchObject({ by: 'member', method: 'equal' });
    const shown = await showGoal({ ctx: admin, input: { goalId: goal.id } });
    expect(shown.assignment).toMatchObject({ mode: 'sum', state: 'exact', assigned: 100_000_001 });
    await expect(
      applySplit({ ctx: admin, input: { goalId: goal.id, rule: { by: 'period', grain: 'quarter' } } }),
    ).rejects.toThrow(/already split into 3 goals/);
  });

  it('reports under-assignment and offers a rebalance when the parent changes, applied only on request', async () => {
    const admin = w.ctx(w.users.admin);
    const goal = await annual(120_000_000);
    await applySplit({
      ctx: admin,
      input: { goalId: goal.id, rule: { by: 'period', grain: 'fiscal_quarter' } },
    });
    const { rebalance } = await updateGoal({ ctx: admin, input: { goalId: goal.id, target: 150_000_000 } });
    // 1,500,000 in the same 1:1:1:1 proportions
    expect(rebalance?.map((r) => [r.from, r.to])).toEqual(Array(4).fill([30_000_000, 37_500_000]));
    const before = await showGoal({ ctx: admin, input: { goalId: goal.id } });
    expect(before.assignment).toMatchObject({ state: 'under', difference: -30_000_000 });
    await applyRebalance({ ctx: admin, input: { goalId: goal.id } });
    const after = await showGoal({ ctx: admin, input: { goalId: goal.id } });
    expect(after.assignment.state).toBe('exact');
    expect(after.children.map((c) => c.target)).toEqual(Array(4).fill(37_500_000));
  });

  it('follows last year’s seasonal shape', async () => {
    const admin = w.ctx(w.users.admin);
    const goal = await annual(120_000_000);
    const plan = await previewSplit({
      ctx: admin,
      input: { goalId: goal.id, rule: { by: 'period', grain: 'fiscal_quarter', method: 'seasonal' } },
    });
    // 2026 quarters 135k : 170k : 185k : 210k of 700k → 23,142,857.14, 29,142,857.14, 31,714,285.71, 36,000,000;
    // floors leave 1 cent, which goes to Q3's .71
    expect(plan.children.map((c) => c.target)).toEqual([23_142_857, 29_142_857, 31_714_286, 36_000_000]);
  });

  it('inherits a win-rate goal in every child', async () => {
    const admin = w.ctx(w.users.admin);
    const goal = await annual(0.55, 'win_rate');
    const plan = await previewSplit({
      ctx: admin,
      input: { goalId: goal.id, rule: { by: 'period', grain: 'fiscal_quarter' } },
    });
    expect(plan.inherited).toBe(true);
    expect(plan.children.map((c) => c.target)).toEqual([0.55, 0.55, 0.55, 0.55]);
  });

  it('splits a team goal between its reps by last year’s share', async () => {
    const manager = w.ctx(w.users.manager);
    const goal = await createGoal({
      ctx: manager,
      input: {
        title: 'East Q1',
        description: how,
        metric: 'revenue',
        scope: { type: 'team', id: w.teams.east.id },
        target: 20_000_000,
        period: q1,
      },
    });
    const plan = await previewSplit({
      ctx: manager,
      input: { goalId: goal.id, rule: { by: 'member', method: 'last_year_share' } },
    });
    // Ali won 60% of Q1 2026, Badr 40% (of $135,000, rounded per deal): 12,000,000 and 8,000,000
    expect(plan.children.map((c) => [c.name, c.target])).toEqual([
      ['Ali', 12_000_000],
      ['Badr', 8_000_000],
    ]);
    await expect(
      previewSplit({
        ctx: manager,
        input: { goalId: goal.id, rule: { by: 'member', members: [{ type: 'rep', id: w.users.wafa.id }] } },
      }),
    ).rejects.toThrow(/not inside East/);
  });

  it('derives the reverse funnel from the org’s own rates and accepts steps as activity goals', async () => {
    const admin = w.ctx(w.users.admin);
    const goal = await createGoal({
      ctx: admin,
      input: {
        title: 'East revenue 2027',
        description: how,
        metric: 'revenue',
        scope: { type: 'team', id: w.teams.east.id },
        target: 77_000_000,
        period: fy2027,
      },
    });
    const funnel = await previewFunnel({ ctx: admin, input: { goalId: goal.id } });
    const totals = Object.fromEntries(funnel.steps.map((s) => [s.id, s.total]));
    // 2026: $700,000 over 24 won deals = $29,166.67 a deal → 77,000,000 / 2,916,666.67 = 26.4 → 27 deals;
    // win rate 24 / 48 = 50% → 54 opportunities; 48 created / 144 SQLs → 162 SQLs; 144 / 240 MQLs → 270 MQLs;
    // 240 / 480 leads → 540 leads; 720 calls / 24 = 30 a deal → 810; 480 e-mails → 20 a deal → 540;
    // 96 demos → 4 a deal → 108; 48 discovery calls → 2 a deal → 54
    expect(totals).toEqual({
      deals_won: 27,
      opportunities: 54,
      sqls: 162,
      mqls: 270,
      leads: 540,
      calls: 810,
      emails: 540,
      demos_booked: 108,
      discovery_calls: 54,
    });
    // two reps (Ali, Badr), 365 days = 52.1 weeks: 810 / 2 / 52.14 = 7.8 calls per rep per week
    expect(funnel.reps).toBe(2);
    expect(funnel.steps.find((s) => s.id === 'calls')?.perRepPerWeek).toBe(7.8);
    expect(funnel.missing.map((m) => m.id)).toEqual(['meetings']);

    const children = await acceptFunnel({
      ctx: admin,
      input: { goalId: goal.id, steps: ['calls', 'sqls'], perRep: true },
    });
    // 810 calls and 162 SQLs, each split between the two reps
    expect(children.map((c) => [c.metric, c.scope.id, c.target, c.kind, c.layer, c.direction])).toEqual([
      ['calls', w.users.ali.id, 405, 'activity', 'activity', 'reach'],
      ['calls', w.users.badr.id, 405, 'activity', 'activity', 'reach'],
      ['sqls', w.users.ali.id, 81, 'activity', 'activity', 'reach'],
      ['sqls', w.users.badr.id, 81, 'activity', 'activity', 'reach'],
    ]);
    expect(children[0]?.parentId).toBe(goal.id);
    expect(children[0]?.description).toMatch(/27 won deals × 30 calls per won deal = 810 calls/);
    await expect(
      acceptFunnel({ ctx: admin, input: { goalId: goal.id, steps: ['opportunities'] } }),
    ).rejects.toThrow(/no metric/);
    // funnel children measure other metrics: the parent still reads as not split
    expect((await showGoal({ ctx: admin, input: { goalId: goal.id } })).assignment.state).toBe('unsplit');
  });

  it('shows a rep their own payout and refuses it to another rep', async () => {
    const manager = w.ctx(w.users.manager);
    const goal = await createGoal({
      ctx: manager,
      input: {
        title: 'Ali Q1 revenue',
        description: how,
        metric: 'revenue',
        scope: { type: 'rep', id: w.users.ali.id },
        target: 20_000_000,
        period: q1,
        bonusTiers: [
          { attainment: 1, payout: 200_000 },
          { attainment: 1.1, payout: 300_000 },
        ],
      },
    });
    await transitionGoal({ ctx: manager, input: { goalId: goal.id, to: 'active' } });
    const own = await goalPayout({ ctx: w.ctx(w.users.ali), input: { goalId: goal.id } });
    // Ali won $50,000 of $200,000 by 2027-01-15: 25% attained, below the first tier
    expect(own.own).toMatchObject({
      actual: 5_000_000,
      attainment: 0.25,
      earned: 0,
      next: { attainment: 1, payout: 200_000 },
    });
    await expect(goalPayout({ ctx: w.ctx(w.users.badr), input: { goalId: goal.id } })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await goalPayout({ ctx: manager, input: { goalId: goal.id } })).own?.ownerId).toBe(
      w.users.ali.id,
    );
    // the bonus tiers are pay too: hidden from anyone who may read the goal but not the pay
    expect((await showGoal({ ctx: w.ctx(w.users.ali), input: { goalId: goal.id } })).bonusTiers).toHaveLength(
      2,
    );
  });

  it('lets a rep see their own pay under a team goal but not their teammate’s', async () => {
    const manager = w.ctx(w.users.manager);
    const team = await createGoal({
      ctx: manager,
      input: {
        title: 'East Q1 with bonus',
        description: how,
        metric: 'revenue',
        scope: { type: 'team', id: w.teams.east.id },
        target: 20_000_000,
        period: q1,
      },
    });
    const { children } = await applySplit({
      ctx: manager,
      input: { goalId: team.id, rule: { by: 'member', method: 'equal' } },
    });
    for (const child of children) {
      await updateGoal({
        ctx: manager,
        input: { goalId: child.id, stretchTarget: 12_000_000, bonus: 100_000 },
      });
    }
    const seen = await goalPayout({ ctx: w.ctx(w.users.ali), input: { goalId: team.id } });
    expect(seen.own).toBeNull();
    expect(seen.children.map((c) => c.ownerId)).toEqual([w.users.ali.id]);
    // the seed's plan on a 10,000,000 target with a 12,000,000 stretch: 100% → B, 110% → 1.5 B, 120% → 2 B
    expect(seen.children[0]?.tiers).toEqual([
      { attainment: 1, payout: 100_000 },
      { attainment: 1.1, payout: 150_000 },
      { attainment: 1.2, payout: 200_000 },
    ]);
    expect((await goalPayout({ ctx: manager, input: { goalId: team.id } })).children).toHaveLength(2);
    const teamView = await showGoal({ ctx: w.ctx(w.users.ali), input: { goalId: team.id } });
    expect(teamView.bonusTiers).toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDraft, checkGoal } from '../../../src/services/goals/check.ts';
import { createGoal } from '../../../src/services/goals/create.ts';
import { listGoals } from '../../../src/services/goals/list.ts';
import { showGoal } from '../../../src/services/goals/show.ts';
import { transitionGoal } from '../../../src/services/goals/transition.ts';
import { updateGoal } from '../../../src/services/goals/update.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildGoalWorld, type GoalWorld, NOW } from './world.ts';

const fy2027 = { start: '2027-01-01', end: '2027-12-31' };
const how = 'Use consultative selling to grow revenue of our core product with existing enterprise accounts.';

describe.each(dialects)('goal services on %s', (dialect) => {
  let store: TestStore;
  let w: GoalWorld;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildGoalWorld(store);
  });
  afterAll(() => store?.drop());

  const auditOf = (goalId: number) =>
    store.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id', 'before', 'after'])
      .where('entity', '=', 'goal')
      .where('entity_id', '=', goalId)
      .orderBy('id')
      .execute();

  it('creates a +10% goal against the same period last year, with the baseline shown', async () => {
    const goal = await createGoal({
      ctx: w.ctx(w.users.admin),
      input: {
        title: 'Revenue 2027 +10%',
        description: how,
        metric: 'revenue',
        scope: { type: 'org' },
        targetChange: 0.1,
        period: fy2027,
      },
    });
    // 2026 revenue is $700,000 → 70,000,000 cents; +10% = 77,000,000
    expect(goal).toMatchObject({
      baseline: 70_000_000,
      baselinePeriod: { start: '2026-01-01', end: '2026-12-31' },
      baselineOverridden: false,
      target: 77_000_000,
      targetMode: 'relative',
      targetChange: 0.1,
      direction: 'increase',
      kind: 'outcome',
      layer: 'annual',
      status: 'draft',
      ownerId: w.users.admin.id,
    });
    const audit = await auditOf(goal.id);
    expect(audit.map((a) => a.action)).toEqual(['create']);
    expect(audit[0]?.actor_id).toBe(w.users.admin.id);
    expect(JSON.parse(audit[0]?.after ?? '{}').target).toBe(77_000_000);
  });

  it('refuses a relative target without baseline data, and stores nothing', async () => {
    const before = await store.db.selectFrom('goal').select('id').execute();
    await expect(
      createGoal({
        ctx: w.ctx(w.users.admin),
        input: {
          title: 'West revenue',
          metric: 'revenue',
          scope: { type: 'team', id: w.teams.west.id },
          targetChange: 0.1,
          period: fy2027,
        },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'baseline' });
    await expect(
      createGoal({
        ctx: w.ctx(w.users.admin),
        input: { title: 'x', metric: 'sales', scope: { type: 'org' }, target: 1, period: fy2027 },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'metric' });
    await expect(
      createGoal({
        ctx: w.ctx(w.users.admin),
        input: {
          title: 'x',
          metric: 'calls',
          scope: { type: 'org' },
          target: 1,
          filters: { channel: 'web' },
          period: fy2027,
        },
      }),
    ).rejects.toMatchObject({ field: 'filters.channel' });
    expect(await store.db.selectFrom('goal').select('id').execute()).toEqual(before);
  });

  it('lets a manager set goals in their team but not elsewhere, and reps not at all', async () => {
    const input = (teamId: number) => ({
      title: 'Team Q1',
      description: how,
      metric: 'revenue',
      scope: { type: 'team' as const, id: teamId },
      target: 10_000_000,
      period: { start: '2027-01-01', end: '2027-03-31' },
    });
    const east = await createGoal({ ctx: w.ctx(w.users.manager), input: input(w.teams.east.id) });
    expect(east.ownerId).toBe(w.users.manager.id);
    await expect(
      createGoal({ ctx: w.ctx(w.users.manager), input: input(w.teams.west.id) }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      createGoal({ ctx: w.ctx(w.users.ali), input: input(w.teams.east.id) }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('coaches the seed’s case: $5,000,000 after $700,000 is unrealistic, +10% passes', async () => {
    const draft = {
      title: 'Revenue 2027',
      description: how,
      metric: 'revenue',
      scope: { type: 'org' as const, id: null },
      direction: 'increase' as const,
      period: fy2027,
    };
    const bold = await checkDraft({ ctx: w.ctx(w.users.admin), input: { ...draft, target: 500_000_000 } });
    const achievable = bold.verdicts.find((v) => v.criterion === 'achievable');
    expect(bold.baseline).toBe(70_000_000);
    expect(bold.baselinePeriod).toEqual({ start: '2026-01-01', end: '2026-12-31' });
    // 12 rolling year-on-year windows, each +10% (up to the cent rounding of the fixture)
    expect(bold.history).toHaveLength(12);
    for (const change of bold.history) expect(change).toBeCloseTo(0.1, 4);
    expect(achievable?.verdict).toBe('fail');
    expect(achievable?.data.label).toBe('unrealistic');
    // a suggestion near last year's +10%: $770,000
    expect(achievable?.data.suggestedTarget).toBe(77_000_000);

    const modest = await checkDraft({
      ctx: w.ctx(w.users.admin),
      input: { ...draft, targetMode: 'relative', targetChange: 0.1 },
    });
    expect(modest.target).toBe(77_000_000);
    expect(modest.verdicts.find((v) => v.criterion === 'achievable')?.verdict).toBe('pass');
  });

  it('warns that 100 new customers from Instagram has no history', async () => {
    const report = await checkDraft({
      ctx: w.ctx(w.users.admin),
      input: {
        title: '100 new customers through Instagram selling',
        description: 'Run paid Instagram campaigns with a dedicated rep answering direct messages.',
        metric: 'new_customers',
        scope: { type: 'org', id: null },
        filters: { channel: 'instagram' },
        target: 100,
        period: { start: '2027-01-01', end: '2027-06-30' },
      },
    });
    const realistic = report.verdicts.find((v) => v.criterion === 'realistic');
    expect(realistic?.verdict).toBe('warn');
    expect(realistic?.reason.en).toContain('no history with channel "instagram"');
  });

  it('fails a vague draft on Specific, Measurable and Time-bound', async () => {
    const report = await checkDraft({
      ctx: w.ctx(w.users.admin),
      input: { title: 'Sell more this quarter' },
    });
    expect(report.verdicts.map((v) => `${v.criterion}:${v.verdict}`)).toEqual([
      'specific:fail',
      'measurable:fail',
      'achievable:warn',
      'realistic:pass',
      'time_bound:fail',
    ]);
  });

  it('refuses to coach figures the actor may not see', async () => {
    await expect(
      checkDraft({
        ctx: w.ctx(w.users.ali),
        input: { metric: 'revenue', scope: { type: 'rep', id: w.users.badr.id }, target: 1, period: fy2027 },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('checks a saved goal with the current data', async () => {
    const goal = await createGoal({
      ctx: w.ctx(w.users.admin),
      input: {
        title: 'Revenue 2027 bold',
        description: how,
        metric: 'revenue',
        scope: { type: 'org' },
        target: 500_000_000,
        period: fy2027,
      },
    });
    const report = await checkGoal({ ctx: w.ctx(w.users.admin), input: { goalId: goal.id } });
    expect(report.overall).toBe('fail');
    expect(report.verdicts.find((v) => v.criterion === 'achievable')?.data.label).toBe('unrealistic');
  });

  it('reads back an effective-dated target before and after a mid-year change, with the trail', async () => {
    const admin = w.ctx(w.users.admin);
    const goal = await createGoal({
      ctx: admin,
      input: {
        title: 'Quota 2027',
        description: how,
        metric: 'revenue',
        scope: { type: 'org' },
        target: 120_000_000,
        period: fy2027,
        status: 'active',
      },
    });
    await expect(
      updateGoal({
        ctx: admin,
        input: { goalId: goal.id, target: 150_000_000, effectiveFrom: '2027-07-01' },
      }),
    ).rejects.toMatchObject({ field: 'changeReason' });
    await expect(
      updateGoal({
        ctx: admin,
        input: { goalId: goal.id, target: 150_000_000, effectiveFrom: '2028-01-01', changeReason: 'x' },
      }),
    ).rejects.toMatchObject({ field: 'effectiveFrom' });
    const later = { ...admin, now: NOW + 86_400_000 };
    const { goal: after } = await updateGoal({
      ctx: later,
      input: {
        goalId: goal.id,
        target: 150_000_000,
        effectiveFrom: '2027-07-01',
        changeReason: 'New product line from July',
      },
    });
    expect(after.target).toBe(150_000_000);
    const before = await showGoal({ ctx: admin, input: { goalId: goal.id, asOf: '2027-03-01' } });
    expect(before.targetAsOf).toEqual({ day: '2027-03-01', target: 120_000_000 });
    const afterJuly = await showGoal({ ctx: admin, input: { goalId: goal.id, asOf: '2027-08-01' } });
    expect(afterJuly.targetAsOf?.target).toBe(150_000_000);
    // as the system knew it before the change was typed
    const known = await showGoal({
      ctx: admin,
      input: { goalId: goal.id, asOf: '2027-08-01', knownAt: NOW },
    });
    expect(known.targetAsOf?.target).toBe(120_000_000);
    expect(afterJuly.targetHistory.map((c) => [c.target, c.effectiveFrom, c.changedBy, c.reason])).toEqual([
      [120_000_000, '2027-01-01', w.users.admin.id, 'Target set when the goal was created'],
      [150_000_000, '2027-07-01', w.users.admin.id, 'New product line from July'],
    ]);
    const audit = await auditOf(goal.id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'change_target']);
    expect(JSON.parse(audit[1]?.before ?? '{}')).toEqual({ target: 120_000_000 });
  });

  it('freezes what an active goal measures but lets a draft change freely', async () => {
    const admin = w.ctx(w.users.admin);
    const goal = await createGoal({
      ctx: admin,
      input: {
        title: 'Deals 2027',
        description: how,
        metric: 'deals_won',
        scope: { type: 'org' },
        target: 30,
        period: fy2027,
      },
    });
    const edited = await updateGoal({
      ctx: admin,
      input: { goalId: goal.id, metric: 'revenue', targetMode: 'relative', targetChange: 0.2 },
    });
    // a draft: the metric changed and the relative target was recomputed: 70,000,000 × 1.2
    expect(edited.goal).toMatchObject({ metric: 'revenue', target: 84_000_000 });
    const history = await showGoal({ ctx: admin, input: { goalId: goal.id } });
    expect(history.targetHistory.map((c) => c.target)).toEqual([84_000_000]);
    await transitionGoal({ ctx: admin, input: { goalId: goal.id, to: 'active' } });
    await expect(updateGoal({ ctx: admin, input: { goalId: goal.id, metric: 'deals_won' } })).rejects.toThrow(
      /metric of a active goal cannot change/,
    );
    const renamed = await updateGoal({ ctx: admin, input: { goalId: goal.id, title: 'Revenue 2027 +20%' } });
    expect(renamed.goal.title).toBe('Revenue 2027 +20%');
    expect((await auditOf(goal.id)).map((a) => a.action)).toEqual([
      'create',
      'update',
      'transition',
      'update',
    ]);
  });

  it('audits every change, a draft’s retyped target and its bonus tiers too', async () => {
    const manager = w.ctx(w.users.manager);
    const goal = await createGoal({
      ctx: manager,
      input: {
        title: 'Badr Q1',
        description: how,
        metric: 'revenue',
        scope: { type: 'rep', id: w.users.badr.id },
        target: 8_000_000,
        period: { start: '2027-01-01', end: '2027-03-31' },
      },
    });
    await updateGoal({ ctx: manager, input: { goalId: goal.id, target: 9_000_000 } });
    await updateGoal({
      ctx: manager,
      input: { goalId: goal.id, bonusTiers: [{ attainment: 1, payout: 50_000 }] },
    });
    const audit = await auditOf(goal.id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'set_bonus_tiers']);
    expect([JSON.parse(audit[1]?.before ?? '{}').target, JSON.parse(audit[1]?.after ?? '{}').target]).toEqual(
      [8_000_000, 9_000_000],
    );
    expect(JSON.parse(audit[2]?.after ?? '{}')).toEqual({ bonusTiers: [{ attainment: 1, payout: 50_000 }] });
    expect(audit.every((a) => a.actor_id === w.users.manager.id)).toBe(true);
  });

  it('moves through the lifecycle and refuses moves that do not exist', async () => {
    const admin = w.ctx(w.users.admin);
    const goal = await createGoal({
      ctx: admin,
      input: {
        title: 'Calls',
        description: how,
        metric: 'calls',
        scope: { type: 'rep', id: w.users.ali.id },
        target: 300,
        period: { start: '2027-01-01', end: '2027-03-31' },
      },
    });
    expect(goal).toMatchObject({ kind: 'activity', layer: 'activity', ownerId: w.users.ali.id });
    await expect(transitionGoal({ ctx: admin, input: { goalId: goal.id, to: 'achieved' } })).rejects.toThrow(
      /cannot become achieved/,
    );
    for (const to of ['active', 'missed', 'archived'] as const) {
      expect((await transitionGoal({ ctx: admin, input: { goalId: goal.id, to } })).status).toBe(to);
    }
    await expect(updateGoal({ ctx: admin, input: { goalId: goal.id, title: 'x' } })).rejects.toThrow(
      /archived/,
    );
  });

  it('lists only the goals a reader may see', async () => {
    const admin = w.ctx(w.users.admin);
    const q1 = { start: '2027-01-01', end: '2027-03-31' };
    const make = (title: string, scope: { type: 'team' | 'rep'; id: number }) =>
      createGoal({
        ctx: admin,
        input: { title, description: how, metric: 'calls', scope, target: 100, period: q1 },
      });
    const west = await make('West calls', { type: 'team', id: w.teams.west.id });
    const east = await make('East calls', { type: 'team', id: w.teams.east.id });
    const ali = await make('Ali calls', { type: 'rep', id: w.users.ali.id });
    const badr = await make('Badr calls', { type: 'rep', id: w.users.badr.id });
    const ids = async (user: keyof GoalWorld['users']) =>
      new Set((await listGoals({ ctx: w.ctx(w.users[user]), input: { metric: 'calls' } })).map((g) => g.id));
    const aliSees = await ids('ali');
    expect(aliSees.has(ali.id) && aliSees.has(east.id)).toBe(true);
    expect(aliSees.has(badr.id) || aliSees.has(west.id)).toBe(false);
    const managerSees = await ids('manager');
    expect([ali.id, badr.id, east.id].every((id) => managerSees.has(id))).toBe(true);
    expect(managerSees.has(west.id)).toBe(false);
    expect((await ids('admin')).has(west.id)).toBe(true);
    await expect(showGoal({ ctx: w.ctx(w.users.ali), input: { goalId: badr.id } })).rejects.toMatchObject({
      code: 'forbidden',
    });
    // another org cannot reach the goal at all
    const outsider = { ...admin, org: w.other };
    await expect(showGoal({ ctx: outsider, input: { goalId: ali.id } })).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDraftGoals, proposeGoals } from '../../../src/services/flow/prioritize.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildInsightWorld, type InsightWorld } from '../insights/world.ts';

describe.each(dialects)('prioritizing growth areas on %s', (dialect) => {
  let store: TestStore;
  let w: InsightWorld;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildInsightWorld(store);
  });
  afterAll(() => store?.drop());

  const east = () => ({ type: 'team' as const, id: w.teams.east.id });
  const goalCount = async () =>
    Number(
      (
        await store.db
          .selectFrom('goal')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('org_id', '=', w.org.id)
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('scores each area’s draft goal for the running quarter and sorts by the score', async () => {
    const report = await proposeGoals({ ctx: w.ctx(w.users.maha), input: { scope: east() } });
    expect(report.period).toEqual({ label: '2027-Q1', start: '2027-01-01', end: '2027-03-31' });
    const scores = report.proposals.map((p) => p.score.total);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const byId = Object.fromEntries(report.proposals.map((p) => [p.id, p]));
    // the largest impact, a flow over a quarter, and East's reps can produce it
    expect(byId['funnel:lead_to_mql']?.score).toMatchObject({ impact: 1, speed: 0.56 });
    // $8,000 of $32,000 a quarter = 0.25; a ratio goal (0.5 × 0.8) needing coaching time (0.8)
    expect(byId['funnel:win_rate']?.score).toEqual({
      total: 0.425,
      impact: 0.25,
      speed: 0.4,
      resources: 0.8,
    });
    // 2027-Q1 has 90 days against 2026-Q4's 92: $40,000 × 90 / 92 = $39,130.43
    expect(byId['trend:revenue']?.goal).toMatchObject({ metric: 'revenue', target: 3_913_043 });
    expect(report.proposals.every((p) => p.canCreate)).toBe(true);
  });

  it('asks for more reps when one rep at her best observed rate cannot reach the target', async () => {
    // Dana sold $32,000 in 2026 (365 days): $87.67 a day × 90 days = $7,890.41 against $9,782.61 (her
    // $10,000 quarter last year × 90 / 92): ceil(9,782.61 / 7,890.41) − 1 = 1 more rep
    const report = await proposeGoals({
      ctx: w.ctx(w.users.maha),
      input: { scope: { type: 'rep', id: w.users.dana.id } },
    });
    const revenue = report.proposals.find((p) => p.id === 'trend:revenue');
    expect(revenue?.goal.target).toBe(978_261);
    expect(revenue?.needs).toEqual([expect.objectContaining({ kind: 'reps', amount: 1 })]);
    // 789,041.1 / 978,261 = 0.8066, kept to three places
    expect(revenue?.score.resources).toBe(0.807);
  });

  it('tells a rep which proposals they could not create', async () => {
    const report = await proposeGoals({ ctx: w.ctx(w.users.ali), input: { scope: east() } });
    expect(report.proposals.length).toBeGreaterThan(0);
    expect(report.proposals.some((p) => p.canCreate)).toBe(false);
  });

  it('creates the picked proposals as drafts with their reason kept on the goal', async () => {
    const before = await goalCount();
    const goals = await createDraftGoals({
      ctx: w.ctx(w.users.maha),
      input: { scope: east(), areaIds: [`rep:win_rate:${w.users.dana.id}`, 'trend:revenue'] },
    });
    expect(await goalCount()).toBe(before + 2);
    expect(goals.map((g) => [g.metric, g.scope, g.target, g.status, g.kind])).toEqual([
      ['win_rate', { type: 'rep', id: w.users.dana.id }, 0.5, 'draft', 'outcome'],
      ['revenue', { type: 'team', id: w.teams.east.id }, 3_913_043, 'draft', 'outcome'],
    ]);
    expect(goals[0]?.period).toEqual({ start: '2027-01-01', end: '2027-03-31' });
    expect(goals[0]?.title).toBe('Dana: win rate to the team median of 50% (2027-Q1)');
    expect(goals[0]?.reason).toMatch(/^Growth area 5: Dana: win rate 10% in 2026-Q4/);
    expect(goals[0]?.reason).toContain('$32,000 a year');
    expect(goals[0]?.description).toContain('Review every lost deal');
  });

  it('writes the goal in Arabic when asked', async () => {
    const [goal] = await createDraftGoals({
      ctx: w.ctx(w.users.maha),
      input: { scope: east(), areaIds: ['funnel:win_rate'], language: 'ar' },
    });
    // Arabic percentages carry left-to-right marks around the sign
    expect(goal?.title).toMatch(/^إعادة معدل الفوز إلى 50\u200e?%\u200e? \(2027-Q1\)$/);
    expect(goal?.reason).toContain('مجال النمو 6');
  });

  it('creates nothing when one pick is not a growth area any more', async () => {
    const before = await goalCount();
    await expect(
      createDraftGoals({
        ctx: w.ctx(w.users.maha),
        input: { scope: east(), areaIds: ['trend:revenue', 'trend:calls'] },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'areaIds.1' });
    await expect(
      createDraftGoals({ ctx: w.ctx(w.users.maha), input: { scope: east(), areaIds: [] } }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'areaIds' });
    expect(await goalCount()).toBe(before);
  });

  it('refuses a rep who would set goals, before reading anything', async () => {
    await expect(
      createDraftGoals({ ctx: w.ctx(w.users.ali), input: { scope: east(), areaIds: ['trend:revenue'] } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

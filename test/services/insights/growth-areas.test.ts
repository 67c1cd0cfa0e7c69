import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findGrowthAreas } from '../../../src/services/insights/growth-areas.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildInsightWorld, type InsightWorld } from './world.ts';

describe.each(dialects)('growth areas on %s', (dialect) => {
  let store: TestStore;
  let w: InsightWorld;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildInsightWorld(store);
  });
  afterAll(() => store?.drop());

  const east = () => ({ type: 'team' as const, id: w.teams.east.id });

  it('ranks a team’s areas by the yearly revenue at stake, with the arithmetic of each', async () => {
    const report = await findGrowthAreas({ ctx: w.ctx(w.users.maha), input: { scope: east() } });
    expect(report.window.judged).toEqual({ label: '2026-Q4', start: '2026-10-01', end: '2026-12-31' });
    expect(report.window.lastYear?.label).toBe('2025-Q4');
    const dana = w.users.dana.id;
    // see the world: lead → MQL 25% against 50%: 100 × 25% = 25 MQLs × 13/25 → SQL × 80/13 → opportunity
    // × 32/80 won × $1,000 = $32,000 a quarter; SQLs 13 against 25: 12 × 80/13 × 0.4 × $1,000 = $29,538.46;
    // Dana's revenue and win rate, the team's win rate, deals and revenue: $8,000 a quarter each
    expect(report.areas.map((a) => [a.id, a.impact.annual])).toEqual([
      ['funnel:lead_to_mql', 12_800_000],
      ['trend:mqls', 12_800_000],
      ['trend:sqls', 11_815_384],
      [`rep:revenue:${dana}`, 3_200_000],
      [`rep:win_rate:${dana}`, 3_200_000],
      ['funnel:win_rate', 3_200_000],
      ['trend:deals_won', 3_200_000],
      ['trend:revenue', 3_200_000],
    ]);
    expect(report.total).toBe(8);
  });

  it('ranks the rep whose win rate is far below the team median, with the numbers behind it', async () => {
    const report = await findGrowthAreas({ ctx: w.ctx(w.users.maha), input: { scope: east() } });
    const area = report.areas.find((a) => a.id === `rep:win_rate:${w.users.dana.id}`);
    expect(area?.rep).toEqual({ id: w.users.dana.id, name: 'Dana' });
    // Dana 2 of 20 against a median of 50% (Ali, Badr, Carla 10 of 20; Eve is new and out of it)
    expect(area?.evidence).toMatchObject({ current: 0.1, median: 0.5, sample: 20, lastYear: 0.5 });
    // (50% − 10%) × 20 closed = 8 more won deals × $1,000 = $8,000 a quarter
    expect(area?.impact.perPeriod).toBe(800_000);
    expect(area?.impact.method.en).toContain('8 more won deals × $1,000 their average deal size = $8,000');
    expect(area?.impact.method.ar).toContain('سنويًا');
    expect(area?.evidence.series.map((p) => p.label)).toHaveLength(9);
    expect(area?.evidence.series.at(-1)).toMatchObject({ value: 0.1, reference: 0.5 });
    expect(area?.goal).toEqual({
      metric: 'win_rate',
      scope: { type: 'rep', id: w.users.dana.id },
      direction: 'increase',
      target: 0.5,
      kind: 'outcome',
    });
    // Eve joined in November: she sold nothing in 2026-Q4 but is not an area
    expect(report.areas.some((a) => a.rep?.id === w.users.eve.id)).toBe(false);
  });

  it('ranks a conversion stage that dropped against the same quarter last year', async () => {
    const report = await findGrowthAreas({ ctx: w.ctx(w.users.maha), input: { scope: east() } });
    const stage = report.areas.find((a) => a.id === 'funnel:lead_to_mql');
    expect(stage?.evidence).toMatchObject({
      current: 0.25,
      reference: 0.5,
      referenceKind: 'last_year',
      history: 0.5,
      sample: 100,
    });
    expect(stage?.goal).toMatchObject({ metric: 'mqls', target: 50 });
    expect(stage?.title.en).toBe('Lead-to-MQL conversion: 25% in 2026-Q4, against 50% in 2025-Q4 (-50%)');
  });

  it('shows a rep only the areas about themselves, and not another rep’s', async () => {
    const report = await findGrowthAreas({ ctx: w.ctx(w.users.ali), input: { scope: east() } });
    expect(report.areas.filter((a) => a.kind === 'rep_gap')).toEqual([]);
    expect(report.areas.map((a) => a.id)).toContain('funnel:lead_to_mql');
    await expect(
      findGrowthAreas({ ctx: w.ctx(w.users.ali), input: { scope: { type: 'rep', id: w.users.dana.id } } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('for one rep, judges that rep against their team’s median and their own history', async () => {
    const report = await findGrowthAreas({
      ctx: w.ctx(w.users.maha),
      input: { scope: `rep:${w.users.dana.email}` },
    });
    const reps = new Set(report.areas.filter((a) => a.rep).map((a) => a.rep?.id));
    expect([...reps]).toEqual([w.users.dana.id]);
    // her own win rate, 2 of 20 against 10 of 20 a year earlier
    expect(report.areas.find((a) => a.id === 'funnel:win_rate')?.evidence).toMatchObject({
      current: 0.1,
      reference: 0.5,
    });
  });

  it('keeps every org to its own data and refuses scopes out of reach', async () => {
    const report = await findGrowthAreas({ ctx: w.ctx(w.users.admin), input: {} });
    // Globex's $1,000,000 in 2026-Q4 is not Acme's revenue
    expect(report.areas.find((a) => a.id === 'trend:revenue')?.evidence.current).toBe(3_200_000);
    await expect(
      findGrowthAreas({ ctx: w.ctx(w.users.omar), input: { scope: east() } }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      findGrowthAreas({ ctx: w.ctx(w.users.walid), input: { scope: east() } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('refuses a window or a limit it cannot use', async () => {
    await expect(
      findGrowthAreas({ ctx: w.ctx(w.users.admin), input: { grain: 'year' as never } }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'grain' });
    await expect(findGrowthAreas({ ctx: w.ctx(w.users.admin), input: { limit: 0 } })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'limit',
    });
  });

  it('judges months when asked, against the same month a year earlier', async () => {
    const report = await findGrowthAreas({
      ctx: w.ctx(w.users.maha),
      input: { scope: east(), grain: 'month' },
    });
    expect(report.window.judged.label).toBe('2026-12');
    expect(report.window.lastYear?.label).toBe('2025-12');
    // deals close only in each quarter's middle month: December has none, so nothing to judge there
    expect(report.areas).toEqual([]);
  });
});

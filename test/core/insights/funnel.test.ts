import { describe, expect, it } from 'vitest';
import { type GrowthArea, rankGrowthAreas, type SeriesSet } from '../../../src/core/insights/index.ts';
import { CURRENT, input, LAST_YEAR, QUARTERS, steady } from './build.ts';

const area = (areas: GrowthArea[], id: string) => areas.find((a) => a.id === id);

/** A funnel that converts the same every quarter: 200 leads, 100 MQLs, 50 SQLs, 25 opportunities, 10 won of 25 closed at $10,000. */
function steadyFunnel(at: Partial<Record<keyof SeriesSet, Record<number, object>>> = {}): SeriesSet {
  return {
    leads: steady('leads', { leads_created: 200 }, at.leads),
    mqls: steady('mqls', { mqls: 100 }, at.mqls),
    sqls: steady('sqls', { sqls: 50 }, at.sqls),
    close_rate: steady('close_rate', { deals_won: 10, deals_created: 25 }, at.close_rate),
    win_rate: steady('win_rate', { deals_won: 10, deals_lost: 15 }, at.win_rate),
    revenue: steady('revenue', { won_amount: 10_000_000 }, at.revenue),
    deals_won: steady('deals_won', { deals_won: 10 }, at.deals_won),
  };
}

describe('funnel stages against their own history', () => {
  it('ranks a win rate that fell against the same quarter last year, priced by the average deal size', () => {
    // 2026-Q4: 20 won of 100 closed = 20%; every other quarter 50 of 100 = 50%; $10,000 a deal.
    const series = steadyFunnel();
    series.win_rate = steady(
      'win_rate',
      { deals_won: 50, deals_lost: 50 },
      { [CURRENT]: { deals_won: 20, deals_lost: 80 } },
    );
    series.revenue = steady('revenue', { won_amount: 50_000_000 }, { [CURRENT]: { won_amount: 20_000_000 } });
    series.deals_won = steady('deals_won', { deals_won: 50 }, { [CURRENT]: { deals_won: 20 } });
    const found = area(rankGrowthAreas(input(series)), 'funnel:win_rate') as GrowthArea;
    expect(found).toBeDefined();
    expect(found.evidence).toMatchObject({
      current: 0.2,
      reference: 0.5,
      referenceKind: 'last_year',
      lastYear: 0.5,
      history: 0.5,
      sample: 100,
    });
    expect(found.evidence.change).toBeCloseTo(-0.6);
    // 100 closed × (50% − 20%) = 30 more won deals × $10,000 (1,000,000 cents) = 30,000,000 a quarter, × 4
    expect(found.impact).toMatchObject({ kind: 'revenue', perPeriod: 30_000_000, annual: 120_000_000 });
    expect(found.impact.method.en).toContain('$300,000');
    expect(found.impact.method.en).toContain('$1,200,000 a year');
    expect(found.impact.method.ar).toContain('سنويًا');
    expect(found.goal).toEqual({
      metric: 'win_rate',
      scope: { type: 'team', id: 7 },
      direction: 'increase',
      target: 0.5,
      kind: 'outcome',
    });
    expect(found.evidence.series).toHaveLength(QUARTERS.length);
    expect(found.evidence.series[CURRENT]).toMatchObject({ label: '2026-Q4', value: 0.2 });
  });

  it('carries a lead-to-MQL drop down the funnel to revenue at today’s rates', () => {
    // 2026-Q4: 200 leads → 60 MQLs (30%) against 100 (50%) last year; then 50% → SQL, 50% → opportunity,
    // win rate 40%, $10,000 a deal.
    const series = steadyFunnel({
      mqls: { [CURRENT]: { mqls: 60 } },
      sqls: { [CURRENT]: { sqls: 30 } },
      close_rate: { [CURRENT]: { deals_won: 6, deals_created: 15 } },
      win_rate: { [CURRENT]: { deals_won: 6, deals_lost: 9 } },
      revenue: { [CURRENT]: { won_amount: 6_000_000 } },
      deals_won: { [CURRENT]: { deals_won: 6 } },
    });
    const areas = rankGrowthAreas(input(series));
    const found = area(areas, 'funnel:lead_to_mql') as GrowthArea;
    expect(found.evidence).toMatchObject({
      current: 0.3,
      reference: 0.5,
      referenceKind: 'last_year',
      sample: 200,
    });
    // 200 × (50% − 30%) = 40 MQLs × 0.5 × 0.5 × 0.4 × 1,000,000 = 4,000,000 a quarter; × 4 = 16,000,000
    expect(found.impact.perPeriod).toBe(4_000_000);
    expect(found.impact.annual).toBe(16_000_000);
    expect(found.goal).toMatchObject({ metric: 'mqls', target: 100, direction: 'increase' });
    // the later stages kept their rates: only lead → MQL is an area of the funnel
    expect(areas.filter((a) => a.kind === 'funnel_stage').map((a) => a.id)).toEqual(['funnel:lead_to_mql']);
  });

  it('ignores a drop of less than 10% of the reference', () => {
    // 92 of 200 = 46% against 50%: 8% lower
    const series = steadyFunnel({ mqls: { [CURRENT]: { mqls: 92 } } });
    expect(area(rankGrowthAreas(input(series)), 'funnel:lead_to_mql')).toBeUndefined();
  });

  it('ignores a rate resting on fewer than 20 entries', () => {
    // 19 leads → 2 MQLs is 11% against 50%, but on 19 leads
    const series = steadyFunnel({
      leads: { [CURRENT]: { leads_created: 19 } },
      mqls: { [CURRENT]: { mqls: 2 } },
    });
    expect(area(rankGrowthAreas(input(series)), 'funnel:lead_to_mql')).toBeUndefined();
  });

  it('compares with the previous year pooled when last year’s quarter shows no drop', () => {
    // last year's quarter was weak (30 MQLs of 200 = 15%); the three quarters after it 100 of 200;
    // pooled 2025-Q4..2026-Q3: (30 + 300) / 800 = 41.25%; now 70 of 200 = 35%, 15% under it
    const series = steadyFunnel({ mqls: { [LAST_YEAR]: { mqls: 30 }, [CURRENT]: { mqls: 70 } } });
    const found = area(rankGrowthAreas(input(series)), 'funnel:lead_to_mql') as GrowthArea;
    expect(found.evidence.referenceKind).toBe('history');
    expect(found.evidence.reference).toBeCloseTo(0.4125);
    expect(found.title.en).toContain('over the previous year');
  });

  it('without a year of history, judges against the quarters there are', () => {
    // four quarters: no same quarter last year; pooled 3 × 100 / 600 = 50%, now 60 / 200
    const buckets = QUARTERS.slice(5);
    const s = (m: Parameters<typeof steady>[0], every: object, now: object) =>
      steady(m, every, { 3: now }, buckets);
    const series: SeriesSet = {
      leads: s('leads', { leads_created: 200 }, { leads_created: 200 }),
      mqls: s('mqls', { mqls: 100 }, { mqls: 60 }),
    };
    const found = area(rankGrowthAreas(input(series, [], { buckets })), 'funnel:lead_to_mql') as GrowthArea;
    expect(found.evidence).toMatchObject({ referenceKind: 'history', reference: 0.5, lastYear: null });
    // no MQL → SQL rate in the data to carry the MQLs to revenue
    expect(found.impact.annual).toBeNull();
    expect(found.impact.method.en).toContain('not priced');
  });
});

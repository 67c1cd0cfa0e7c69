import { describe, expect, it } from 'vitest';
import { type GrowthArea, rankGrowthAreas, type SeriesSet } from '../../../src/core/insights/index.ts';
import { CURRENT, input, LAST_YEAR, QUARTERS, steady } from './build.ts';

const area = (areas: GrowthArea[], id: string) => areas.find((a) => a.id === id);

describe('metrics moving the wrong way', () => {
  it('ranks revenue that fell against the same quarter last year, with the change on the quarter before', () => {
    // $10,000 every quarter; 2026-Q3 $9,000; 2026-Q4 $8,000
    const series: SeriesSet = {
      revenue: steady(
        'revenue',
        { won_amount: 1_000_000 },
        { 7: { won_amount: 900_000 }, [CURRENT]: { won_amount: 800_000 } },
      ),
    };
    const found = area(rankGrowthAreas(input(series)), 'trend:revenue') as GrowthArea;
    expect(found.evidence).toMatchObject({
      current: 800_000,
      reference: 1_000_000,
      referenceKind: 'last_year',
      previous: 900_000,
      lastYear: 1_000_000,
    });
    expect(found.evidence.change).toBeCloseTo(-0.2);
    // (1,000,000 − 800,000) a quarter, × 4 a year
    expect(found.impact).toMatchObject({ perPeriod: 200_000, annual: 800_000, kind: 'revenue' });
    expect(found.goal).toEqual({
      metric: 'revenue',
      scope: { type: 'team', id: 7 },
      direction: 'increase',
      target: 1_000_000,
      kind: 'outcome',
    });
    expect(found.title.en).toBe('Revenue: $8,000 in 2026-Q4, against $10,000 in 2025-Q4 (-20%)');
  });

  it('prices rising churn as the yearly revenue of the extra customers lost', () => {
    // 5 of 100 customers churned (5%) against 2 of 100 (2%) a year earlier; MRR $10,000 over 100
    // customers at the end = $100 each. (5% − 2%) × 100 = 3 customers × 10,000 cents × 12 = 360,000 a quarter
    const series: SeriesSet = {
      churn_rate: steady(
        'churn_rate',
        { customers_churned: 2, customers_start: 100, customers_end: 100 },
        { [CURRENT]: { customers_churned: 5, customers_start: 100, customers_end: 100 } },
      ),
      mrr: steady('mrr', { mrr_start: 1_000_000, mrr_end: 1_000_000 }),
    };
    const found = area(rankGrowthAreas(input(series)), 'trend:churn_rate') as GrowthArea;
    expect(found.evidence).toMatchObject({ current: 0.05, reference: 0.02 });
    expect(found.impact.perPeriod).toBe(360_000);
    expect(found.impact.annual).toBe(1_440_000);
    expect(found.goal).toMatchObject({ metric: 'churn_rate', direction: 'decrease', target: 0.02 });
  });

  it('counts rising CAC as a cost', () => {
    // $500 per new customer against $400 last year, 20 new customers: $100 × 20 = $2,000 a quarter
    const series: SeriesSet = {
      cac: steady(
        'cac',
        { spend: 800_000, customers_acquired: 20 },
        { [CURRENT]: { spend: 1_000_000, customers_acquired: 20 } },
      ),
    };
    const found = area(
      rankGrowthAreas(input(series, [], { scope: { type: 'org', id: null, label: 'Acme' } })),
      'trend:cac',
    ) as GrowthArea;
    expect(found.impact).toMatchObject({ kind: 'cost', perPeriod: 200_000, annual: 800_000 });
    expect(found.goal).toMatchObject({ metric: 'cac', scope: { type: 'org', id: null }, target: 40_000 });
  });

  it('turns fewer leads into revenue through the funnel, and leaves a small count alone', () => {
    // 150 leads against 200; at 50% → MQL, 50% → SQL, 50% → opportunity, 40% win, $10,000:
    // 50 × 0.5 × 0.5 × 0.5 × 0.4 × 1,000,000 = 2,500,000 a quarter. Meetings 6 against 9: below the minimum of 10.
    const series: SeriesSet = {
      leads: steady('leads', { leads_created: 200 }, { [CURRENT]: { leads_created: 150 } }),
      mqls: steady('mqls', { mqls: 75 }),
      sqls: steady('sqls', { sqls: 37.5 }),
      close_rate: steady('close_rate', { deals_won: 7.5, deals_created: 18.75 }),
      win_rate: steady('win_rate', { deals_won: 8, deals_lost: 12 }),
      revenue: steady('revenue', { won_amount: 8_000_000 }),
      deals_won: steady('deals_won', { deals_won: 8 }),
      meetings: steady('meetings', { meetings: 9 }, { [CURRENT]: { meetings: 6 } }),
    };
    const areas = rankGrowthAreas(input(series));
    expect(area(areas, 'trend:leads')?.impact.perPeriod).toBe(2_500_000);
    expect(area(areas, 'trend:meetings')).toBeUndefined();
  });

  it('without last year’s quarter, compares with the quarter before', () => {
    const buckets = QUARTERS.slice(6);
    const series: SeriesSet = {
      revenue: steady('revenue', { won_amount: 1_000_000 }, { 2: { won_amount: 500_000 } }, buckets),
    };
    const found = area(rankGrowthAreas(input(series, [], { buckets })), 'trend:revenue') as GrowthArea;
    expect(found.evidence).toMatchObject({
      referenceKind: 'previous_period',
      reference: 1_000_000,
      lastYear: null,
    });
  });

  it('does not call a rise of a higher-is-better metric a growth area, nor a quarter with no data', () => {
    const series: SeriesSet = {
      revenue: steady('revenue', { won_amount: 1_000_000 }, { [CURRENT]: { won_amount: 1_500_000 } }),
      deals_won: steady('deals_won', { deals_won: 40 }, { [LAST_YEAR]: { deals_won: 80 } }),
    };
    series.deals_won = series.deals_won?.map((p, i) =>
      i === CURRENT ? { value: null, reason: 'no_data' as const, parts: {} } : p,
    );
    expect(rankGrowthAreas(input(series)).filter((a) => a.kind === 'trend')).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Capacity } from '../../../src/core/goals/index.ts';
import {
  type GrowthArea,
  prioritize,
  rankGrowthAreas,
  type SeriesSet,
  speedOf,
} from '../../../src/core/insights/index.ts';
import { CURRENT, input, steady } from './build.ts';

/**
 * One team, four growth areas in 2026-Q4 (a deal is worth $8,000 ÷ 4 = $2,000 = 200,000 cents now):
 * - win rate 20% (4 of 20) against 50% (10 of 20): 20 × 30% = 6 wins × 200,000 = 1,200,000 a quarter;
 * - deals won 4 against 10: 6 × 200,000 = 1,200,000 a quarter (a tie, broken by severity then id);
 * - calls 100 against 200: 100 × revenue per call (800,000 ÷ 100 = 8,000) = 800,000 a quarter;
 * - revenue 800,000 against 1,000,000: 200,000 a quarter.
 */
function team(): SeriesSet {
  return {
    revenue: steady('revenue', { won_amount: 1_000_000 }, { [CURRENT]: { won_amount: 800_000 } }),
    deals_won: steady('deals_won', { deals_won: 10 }, { [CURRENT]: { deals_won: 4 } }),
    win_rate: steady(
      'win_rate',
      { deals_won: 10, deals_lost: 10 },
      { [CURRENT]: { deals_won: 4, deals_lost: 16 } },
    ),
    calls: steady('calls', { calls: 200 }, { [CURRENT]: { calls: 100 } }),
  };
}

const Q1 = { start: '2027-01-01', end: '2027-03-31', label: '2027-Q1' };

describe('ranking', () => {
  it('orders areas by yearly money at stake and numbers them', () => {
    const areas = rankGrowthAreas(input(team()));
    // a quarter's impact × 4
    expect(areas.map((a) => [a.id, a.impact.annual, a.rank])).toEqual([
      ['funnel:win_rate', 4_800_000, 1],
      ['trend:deals_won', 4_800_000, 2],
      ['trend:calls', 3_200_000, 3],
      ['trend:revenue', 800_000, 4],
    ]);
  });

  it('refuses series that do not line up with the buckets', () => {
    const series = team();
    series.revenue = series.revenue?.slice(1);
    expect(() => rankGrowthAreas(input(series))).toThrow(/8 points for 9 buckets/);
  });
});

describe('prioritizing growth areas into draft goals', () => {
  const growth = input(team());
  const areas = rankGrowthAreas(growth);

  it('scores impact, speed and resources and sorts by the weighted score', () => {
    const proposals = prioritize({ growth, areas, period: Q1, capacities: new Map() });
    const byId = Object.fromEntries(proposals.map((p) => [p.id, p]));
    // deals won: the largest impact (1), an outcome flow over a quarter (0.7 × 0.8), nothing missing:
    // 0.5 × 1 + 0.25 × 0.56 + 0.25 × 1 = 0.89
    expect(byId['trend:deals_won']?.score).toEqual({ total: 0.89, impact: 1, speed: 0.56, resources: 1 });
    // win rate: a ratio (0.5 × 0.8) that takes coaching time (0.8): 0.5 + 0.1 + 0.2 = 0.8
    expect(byId['funnel:win_rate']?.score).toEqual({ total: 0.8, impact: 1, speed: 0.4, resources: 0.8 });
    // calls: 3,200,000 / 4,800,000 = 0.667, an activity goal over a quarter (1 × 0.8): 0.333 + 0.2 + 0.25
    expect(byId['trend:calls']?.score).toEqual({ total: 0.783, impact: 0.667, speed: 0.8, resources: 1 });
    // revenue: 800,000 / 4,800,000 = 0.167: 0.083 + 0.14 + 0.25
    expect(byId['trend:revenue']?.score).toEqual({ total: 0.473, impact: 0.167, speed: 0.56, resources: 1 });
    expect(proposals.map((p) => p.id)).toEqual([
      'trend:deals_won',
      'funnel:win_rate',
      'trend:calls',
      'trend:revenue',
    ]);
  });

  it('scales a flow target to the goal’s period and keeps the reason on the goal', () => {
    // a month of 31 days against a quarter of 92: 1,000,000 × 31 / 92 = 336,956.52 → 336,957
    const month = { start: '2027-01-01', end: '2027-01-31', label: '2027-01' };
    const [revenue] = prioritize({
      growth,
      areas: areas.filter((a) => a.id === 'trend:revenue'),
      period: month,
      capacities: new Map(),
    });
    expect(revenue?.goal).toMatchObject({
      metric: 'revenue',
      target: 336_957,
      period: { start: '2027-01-01', end: '2027-01-31' },
      direction: 'increase',
      kind: 'outcome',
    });
    expect(revenue?.goal.reason.en).toMatch(/^Growth area 4: Revenue: \$8,000 in 2026-Q4/);
    expect(revenue?.goal.reason.en).toContain('$8,000 a year');
    expect(revenue?.goal.reason.ar).toContain('مجال النمو 4');
    expect(revenue?.goal.description.en).toContain('Target: $3,369.57 revenue in 2027-01.');
    // a month is faster than a quarter: 0.7 × 1
    expect(revenue?.score.speed).toBe(0.7);
  });

  it('asks for more reps when the coach’s capacity falls short of the target', () => {
    // 2 reps at $50 a day over 90 days reach $9,000; the $10,000 target needs ceil(10,000 / 4,500) − 2 = 1 more
    const capacity: Capacity = { reps: 2, perRepPerDay: 5_000, days: 90 };
    const [revenue] = prioritize({
      growth,
      areas: areas.filter((a) => a.id === 'trend:revenue'),
      period: { start: '2027-01-01', end: '2027-03-31', label: '2027-Q1' },
      capacities: new Map([['trend:revenue', capacity]]),
    });
    // the quarter has 90 days against 2026-Q4's 92: 1,000,000 × 90 / 92 = 978,261
    expect(revenue?.goal.target).toBe(978_261);
    expect(revenue?.needs).toEqual([expect.objectContaining({ kind: 'reps', amount: 1 })]);
    // 900,000 / 978,261
    expect(revenue?.score.resources).toBeCloseTo(0.92, 2);
    expect(revenue?.needs[0]?.text.en).toContain('about 1 more reps (or BDRs');
  });

  it('asks for more leads when a lead-volume goal needs more than come in', () => {
    // leads 150 against 200, all other stages steady: the goal of 200 leads needs 50 more than the 150 coming in
    const series: SeriesSet = {
      leads: steady('leads', { leads_created: 200 }, { [CURRENT]: { leads_created: 150 } }),
    };
    const g = input(series);
    const [leads] = prioritize({
      growth: g,
      areas: rankGrowthAreas(g),
      period: { ...Q1, end: '2027-04-01' },
      capacities: new Map(),
    });
    // 2027-01-01..2027-04-01 is 91 days; 200 × 91 / 92 = 197.8 → 198; 150 × 91 / 92 = 148.4 available
    expect(leads?.goal.target).toBe(198);
    expect(leads?.needs).toEqual([expect.objectContaining({ kind: 'leads', amount: 50 })]);
  });

  it('puts a ratio goal last on speed and asks for coaching time rather than headcount', () => {
    const area = areas.find((a) => a.id === 'funnel:win_rate') as GrowthArea;
    const [proposal] = prioritize({ growth, areas: [area], period: Q1, capacities: new Map() });
    expect(proposal?.goal.target).toBe(0.5);
    expect(proposal?.score.speed).toBe(0.4);
    expect(proposal?.needs.map((n) => n.kind)).toEqual(['coaching']);
    expect(proposal?.score.resources).toBe(0.8);
  });

  it('takes other weights, and refuses weights that cannot be used', () => {
    const bySpeed = prioritize({
      growth,
      areas,
      period: Q1,
      capacities: new Map(),
      weights: { impact: 0, speed: 1, resources: 0 },
    });
    expect(bySpeed.map((p) => [p.id, p.score.total])).toEqual([
      ['trend:calls', 0.8],
      ['trend:deals_won', 0.56],
      ['trend:revenue', 0.56],
      ['funnel:win_rate', 0.4],
    ]);
    expect(() =>
      prioritize({
        growth,
        areas,
        period: Q1,
        capacities: new Map(),
        weights: { impact: 0, speed: 0, resources: 0 },
      }),
    ).toThrow(/At least one weight/);
    expect(() =>
      prioritize({
        growth,
        areas,
        period: Q1,
        capacities: new Map(),
        weights: { impact: -1, speed: 1, resources: 1 },
      }),
    ).toThrow(/impact weight/);
  });

  it('rates speed by kind and length', () => {
    expect(speedOf('activity', 'flow', 31)).toBe(1);
    expect(speedOf('outcome', 'flow', 92)).toBeCloseTo(0.56);
    expect(speedOf('outcome', 'ratio', 365)).toBeCloseTo(0.3);
  });
});

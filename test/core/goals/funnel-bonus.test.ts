import { describe, expect, it } from 'vitest';
import {
  attainmentOf,
  checkTiers,
  type FunnelRates,
  payoutFor,
  reverseFunnel,
  standardTiers,
} from '../../../src/core/goals/index.ts';
import { METRICS } from '../../../src/core/metrics/index.ts';

const known = new Set<string>(METRICS.map((m) => m.id));
const rates: FunnelRates = {
  avgDealSize: 4_000_000, // $40,000
  winRate: 0.25,
  sqlToOpportunity: 0.5,
  mqlToSql: 0.4,
  leadToMql: 0.2,
  activitiesPerWonDeal: { calls: 30, emails: 45.5, demos_booked: 3, discovery_calls: 4, meetings: null },
};
const quarter = { start: '2027-01-01', end: '2027-03-31' };

describe('reverseFunnel', () => {
  it('walks revenue back to deals, opportunities, SQLs, MQLs, leads and activities', () => {
    const funnel = reverseFunnel({
      metric: 'revenue',
      target: 120_000_000, // $1,200,000
      period: quarter,
      reps: 5,
      rates,
      currency: 'USD',
      knownMetrics: known,
    });
    const totals = Object.fromEntries(funnel.steps.map((s) => [s.id, s.total]));
    // 1,200,000 / 40,000 = 30 deals; / 0.25 = 120 opportunities; / 0.5 = 240 SQLs; / 0.4 = 600 MQLs; / 0.2 = 3,000 leads
    // 30 × 30 = 900 calls; 30 × 45.5 = 1,365 emails; 30 × 3 = 90 demos; 30 × 4 = 120 discovery calls
    expect(totals).toEqual({
      deals_won: 30,
      opportunities: 120,
      sqls: 240,
      mqls: 600,
      leads: 3000,
      calls: 900,
      emails: 1365,
      demos_booked: 90,
      discovery_calls: 120,
    });
    const calls = funnel.steps.find((s) => s.id === 'calls');
    // 900 calls / 5 reps = 180 per rep; 90 days = 12.86 weeks → 14 per rep per week
    expect(calls?.perRep).toBe(180);
    expect(calls?.perRepPerWeek).toBe(14);
    expect(funnel.steps.find((s) => s.id === 'deals_won')?.explanation.en).toBe(
      '$1,200,000 ÷ $40,000 average deal size = 30 won deals.',
    );
    // the catalog has no "opportunities created" metric, so that step cannot become a goal
    expect(funnel.steps.find((s) => s.id === 'opportunities')?.metric).toBeNull();
    expect(funnel.steps.find((s) => s.id === 'sqls')?.metric).toBe('sqls');
    expect(funnel.missing.map((m) => m.id)).toEqual(['meetings']);
  });

  it('rounds every step up and stops where a rate is missing', () => {
    const funnel = reverseFunnel({
      metric: 'deals_won',
      target: 10,
      period: quarter,
      reps: 0,
      rates: { ...rates, winRate: 0.3, sqlToOpportunity: null },
      currency: 'USD',
      knownMetrics: known,
    });
    // 10 / 0.3 = 33.3 → 34 opportunities; no SQL rate, so no SQLs, MQLs or leads
    expect(
      funnel.steps.filter((s) => s.id === 'opportunities' || s.id === 'sqls').map((s) => s.total),
    ).toEqual([34]);
    expect(funnel.missing.map((m) => m.id)).toContain('sqls');
    expect(funnel.steps[0]?.perRepPerWeek).toBeNull();
  });

  it('starts mid-funnel from an SQL goal', () => {
    const funnel = reverseFunnel({
      metric: 'sqls',
      target: 100,
      period: quarter,
      reps: 2,
      rates,
      currency: 'USD',
      knownMetrics: known,
    });
    // 100 SQLs / 0.4 = 250 MQLs / 0.2 = 1,250 leads
    expect(funnel.steps.map((s) => `${s.id}=${s.total}`)).toEqual(['sqls=100', 'mqls=250', 'leads=1250']);
  });

  it('refuses metrics that do not start a funnel', () => {
    expect(() =>
      reverseFunnel({
        metric: 'churn_rate',
        target: 1,
        period: quarter,
        reps: 1,
        rates,
        currency: 'USD',
        knownMetrics: known,
      }),
    ).toThrow(/starts from revenue/);
  });
});

describe('bonus tiers', () => {
  const tiers = [
    { attainment: 1, payout: 100_000 },
    { attainment: 1.1, payout: 150_000 },
    { attainment: 1.25, payout: 200_000 },
  ];

  it('pays the highest tier reached', () => {
    expect(payoutFor(tiers, 0.95)).toMatchObject({ earned: 0, tier: null, next: { attainment: 1 } });
    expect(payoutFor(tiers, 1.12)).toMatchObject({ earned: 150_000, tier: { attainment: 1.1 } });
    expect(payoutFor(tiers, 1.3).earned).toBe(200_000);
    expect(payoutFor(tiers, 1.12).next?.gap).toBeCloseTo(0.13, 10);
  });

  it('computes attainment for increase and decrease goals', () => {
    expect(attainmentOf(110, 100, 'increase', 'higher')).toBeCloseTo(1.1, 10);
    // churn target 1%, actual 0.8% → 1 / 0.8 = 125%
    expect(attainmentOf(0.008, 0.01, 'stay_below', 'lower')).toBeCloseTo(1.25, 10);
    expect(attainmentOf(0, 0.01, 'stay_below', 'lower')).toBe(10);
    expect(attainmentOf(null, 100, 'increase', 'higher')).toBeNull();
  });

  it('builds the seed’s plan: 100% → B, 110% → 1.5B, stretch → 2B', () => {
    // stretch 1,400,000 on a 1,000,000 target → 140%
    expect(standardTiers(500_000, 100_000_000, 140_000_000)).toEqual([
      { attainment: 1, payout: 500_000 },
      { attainment: 1.1, payout: 750_000 },
      { attainment: 1.4, payout: 1_000_000 },
    ]);
  });

  it('refuses tiers that pay less for more, or share an attainment', () => {
    expect(() =>
      checkTiers([
        { attainment: 1, payout: 10 },
        { attainment: 1.2, payout: 5 },
      ]),
    ).toThrow(/never pay less/);
    expect(() =>
      checkTiers([
        { attainment: 1, payout: 10 },
        { attainment: 1, payout: 20 },
      ]),
    ).toThrow(/same attainment/);
    expect(() => checkTiers([{ attainment: 1, payout: 10.5 }])).toThrow(/whole/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  assignmentOf,
  capacityFactor,
  rebalance,
  type SplitParent,
  type SplitRule,
  splitBuckets,
  splitGoal,
  wholeMonthsBetween,
} from '../../../src/core/goals/index.ts';
import { metricDef } from '../../../src/core/metrics/index.ts';
import type { Calendar } from '../../../src/core/periods/index.ts';

const calendar: Calendar = { timeZone: 'UTC', fiscalYearStartMonth: 1, weekStart: 1 };
const aprilFy: Calendar = { timeZone: 'Asia/Riyadh', fiscalYearStartMonth: 4, weekStart: 0 };
const revenue = metricDef('revenue');

const annual = (target: number, start = '2027-01-01', end = '2027-12-31'): SplitParent => ({
  target,
  period: { start, end },
  scope: { type: 'org', id: null },
  layer: 'annual',
});
const byPeriod = (
  grain: 'month' | 'fiscal_quarter' | 'quarter',
  method: 'equal' | 'seasonal' = 'equal',
): SplitRule => ({
  by: 'period',
  grain,
  method,
});
const members = (
  method: 'equal' | 'last_year_share' | 'weights',
  ids: number[],
  weights?: number[],
): Extract<SplitRule, { by: 'member' }> => ({
  by: 'member',
  method,
  members: ids.map((id, i) => ({ type: 'rep', id, ...(weights ? { weight: weights[i] } : {}) })),
  rampUp: [0.25, 0.5, 0.75],
  prorate: true,
});

describe('splitGoal by period', () => {
  it('splits an annual 1,200,000 revenue goal into 4 quarters of 300,000', () => {
    const plan = splitGoal(annual(120_000_000), byPeriod('fiscal_quarter'), revenue, calendar);
    expect(plan.inherited).toBe(false);
    expect(plan.children.map((c) => c.target)).toEqual([30_000_000, 30_000_000, 30_000_000, 30_000_000]);
    expect(plan.children.map((c) => c.label)).toEqual(['FY2027-Q1', 'FY2027-Q2', 'FY2027-Q3', 'FY2027-Q4']);
    expect(plan.children.every((c) => c.layer === 'team')).toBe(true);
  });

  it('splits an annual 1,200,000 revenue goal into 12 months of 100,000', () => {
    const plan = splitGoal(annual(120_000_000), byPeriod('month'), revenue, calendar);
    expect(plan.children).toHaveLength(12);
    expect(new Set(plan.children.map((c) => c.target))).toEqual(new Set([10_000_000]));
    expect(plan.children[1]?.period).toEqual({ start: '2027-02-01', end: '2027-02-28' });
  });

  it('cuts a fiscal year that starts in April into its own fiscal quarters', () => {
    const plan = splitGoal(
      annual(120_000_000, '2026-04-01', '2027-03-31'),
      byPeriod('fiscal_quarter'),
      revenue,
      aprilFy,
    );
    expect(plan.children.map((c) => `${c.label} ${c.period.start}`)).toEqual([
      'FY2027-Q1 2026-04-01',
      'FY2027-Q2 2026-07-01',
      'FY2027-Q3 2026-10-01',
      'FY2027-Q4 2027-01-01',
    ]);
  });

  it('makes a 1,000,000.01 goal split three ways sum exactly', () => {
    const quarter3 = annual(100_000_001, '2027-01-01', '2027-03-31');
    const plan = splitGoal(quarter3, byPeriod('month'), revenue, calendar);
    // equal weight per whole month: 33,333,333.67 each; the 2 leftover cents go to January and February
    expect(plan.children.map((c) => c.target)).toEqual([33_333_334, 33_333_334, 33_333_333]);
  });

  it('inherits a win-rate target in every child instead of splitting it', () => {
    const plan = splitGoal(annual(0.3), byPeriod('fiscal_quarter'), metricDef('win_rate'), calendar);
    expect(plan.inherited).toBe(true);
    expect(plan.children.map((c) => c.target)).toEqual([0.3, 0.3, 0.3, 0.3]);
    expect(plan.explanation.en).toMatch(/ratio/);
    expect(plan.explanation.ar).toMatch(/نسبة/);
  });

  it('follows last year’s seasonal shape', () => {
    // last year's quarters 10 : 20 : 30 : 40 of 100 → 12%... of 1,200,000 = 120k, 240k, 360k, 480k
    const plan = splitGoal(annual(120_000_000), byPeriod('fiscal_quarter', 'seasonal'), revenue, calendar, {
      lastYearByBucket: [10, 20, 30, 40],
    });
    expect(plan.children.map((c) => c.target)).toEqual([12_000_000, 24_000_000, 36_000_000, 48_000_000]);
    expect(plan.children.map((c) => c.share)).toEqual([0.1, 0.2, 0.3, 0.4]);
  });

  it('refuses a seasonal split when last year has no data', () => {
    expect(() =>
      splitGoal(annual(1000), byPeriod('fiscal_quarter', 'seasonal'), revenue, calendar, {
        lastYearByBucket: [null, null, 0, null],
      }),
    ).toThrow(/split equally instead/);
  });

  it('weights a partial first month by its days', () => {
    // Jan 16-31 is 16/31 of January; Feb and Mar are whole: weights 16/31, 1, 1 (sum 2.516129)
    // → 2,051.28, 3,974.36, 3,974.36: floors sum to 9,999 and the last unit goes to the first .36 (February)
    const plan = splitGoal(annual(10_000, '2027-01-16', '2027-03-31'), byPeriod('month'), revenue, calendar);
    expect(plan.children.map((c) => c.target)).toEqual([2_051, 3_975, 3_974]);
  });

  it('inherits an MRR target across periods, since MRR is a value at a moment', () => {
    const plan = splitGoal(annual(5_000_000), byPeriod('quarter'), metricDef('mrr'), calendar);
    expect(plan.inherited).toBe(true);
    expect(plan.children.map((c) => c.target)).toEqual([5_000_000, 5_000_000, 5_000_000, 5_000_000]);
  });

  it('refuses a grain that leaves one bucket', () => {
    expect(() =>
      splitGoal(annual(100, '2027-01-01', '2027-01-31'), byPeriod('month'), revenue, calendar),
    ).toThrow(/only one month/);
  });

  it('lists the buckets a split will make', () => {
    expect(
      splitBuckets({ start: '2027-01-01', end: '2027-06-30' }, 'quarter', calendar).map((b) => b.label),
    ).toEqual(['2027-Q1', '2027-Q2']);
  });
});

describe('splitGoal by member', () => {
  const q1 = annual(900_000, '2027-01-01', '2027-03-31');
  const veteran = { hiredOn: '2020-01-01', leftOn: null, memberships: null };

  it('splits equally between reps, summing exactly', () => {
    const plan = splitGoal({ ...q1, target: 100_000_001 }, members('equal', [1, 2, 3]), revenue, calendar);
    expect(plan.children.map((c) => c.target)).toEqual([33_333_334, 33_333_334, 33_333_333]);
    expect(plan.children.map((c) => c.scope)).toEqual([
      { type: 'rep', id: 1 },
      { type: 'rep', id: 2 },
      { type: 'rep', id: 3 },
    ]);
    expect(plan.children.every((c) => c.layer === 'individual')).toBe(true);
  });

  it('splits by last year’s share, a new hire counting as the median and ramping up', () => {
    // new hire on 2027-01-01: Jan at 25%, Feb at 50%, Mar at 75% → (31×.25 + 28×.5 + 31×.75) / 90 = 0.5
    // weights 600, 300 and median(600, 300) × 0.5 = 225 → 900,000 × 600/1125, 300/1125, 225/1125
    const plan = splitGoal(q1, members('last_year_share', [1, 2, 3]), revenue, calendar, {
      members: [
        { member: { type: 'rep', id: 1 }, lastYear: 600, calendar: veteran },
        { member: { type: 'rep', id: 2 }, lastYear: 300, calendar: veteran },
        {
          member: { type: 'rep', id: 3 },
          lastYear: null,
          calendar: { hiredOn: '2027-01-01', leftOn: null, memberships: null },
        },
      ],
    });
    expect(plan.children.map((c) => c.target)).toEqual([480_000, 240_000, 180_000]);
    expect(plan.children.map((c) => c.capacity)).toEqual([null, null, 0.5]);
    expect(plan.explanation.en).toMatch(/ramp-up/);
  });

  it('prorates a rep who leaves halfway through the quarter', () => {
    // leaves 2027-02-15: present Jan 1 – Feb 14 = 45 of 90 days → weights 1 and 0.5 → 600,000 and 300,000
    const plan = splitGoal(q1, members('equal', [1, 2]), revenue, calendar, {
      members: [
        { member: { type: 'rep', id: 1 }, lastYear: null, calendar: veteran },
        {
          member: { type: 'rep', id: 2 },
          lastYear: null,
          calendar: { hiredOn: '2020-01-01', leftOn: '2027-02-15', memberships: null },
        },
      ],
    });
    expect(plan.children.map((c) => c.target)).toEqual([600_000, 300_000]);
  });

  it('splits by segment weights', () => {
    // an enterprise rep weighted 2 against two SMB reps weighted 1: 900,000 × 2/4, 1/4, 1/4
    const plan = splitGoal(q1, members('weights', [1, 2, 3], [2, 1, 1]), revenue, calendar);
    expect(plan.children.map((c) => c.target)).toEqual([450_000, 225_000, 225_000]);
  });

  it('refuses a weights split with a member missing its weight, and a member listed twice', () => {
    expect(() => splitGoal(q1, members('weights', [1, 2]), revenue, calendar)).toThrow(/needs a weight/);
    expect(() => splitGoal(q1, members('equal', [1, 1]), revenue, calendar)).toThrow(/listed twice/);
  });

  it('inherits a win-rate target for every rep', () => {
    const plan = splitGoal(
      { ...q1, target: 0.25 },
      members('equal', [1, 2]),
      metricDef('win_rate'),
      calendar,
    );
    expect(plan.children.map((c) => c.target)).toEqual([0.25, 0.25]);
  });

  it('splits an MRR target between teams, since MRR adds up across scopes', () => {
    const rule: SplitRule = {
      by: 'member',
      method: 'equal',
      members: [
        { type: 'team', id: 7 },
        { type: 'team', id: 8 },
      ],
      rampUp: [],
      prorate: true,
    };
    const plan = splitGoal({ ...q1, target: 1_000_001 }, rule, metricDef('mrr'), calendar);
    expect(plan.children.map((c) => c.target)).toEqual([500_001, 500_000]);
    expect(plan.children.every((c) => c.layer === 'team')).toBe(true);
  });
});

describe('capacityFactor', () => {
  const quarter = { start: '2027-01-01', end: '2027-03-31' };

  it('counts only the days a rep spent on the team after a team move', () => {
    // on the team Jan 1-31: 31 of 90 days
    const factor = capacityFactor(
      quarter,
      { hiredOn: null, leftOn: null, memberships: [{ start: '2027-01-01', end: '2027-01-31' }] },
      [],
      true,
    );
    expect(factor).toBeCloseTo(31 / 90, 10);
  });

  it('ignores absence when proration is off but still ramps', () => {
    // hired Feb 1: without proration January counts as full; Feb at 25%, Mar at 50% → (31 + 28×.25 + 31×.5)/90
    const factor = capacityFactor(
      quarter,
      { hiredOn: '2027-02-01', leftOn: null, memberships: null },
      [0.25, 0.5],
      false,
    );
    expect(factor).toBeCloseTo((31 + 7 + 15.5) / 90, 10);
  });

  it('counts whole months from the hire day', () => {
    expect(wholeMonthsBetween('2027-01-15', '2027-02-14')).toBe(0);
    expect(wholeMonthsBetween('2027-01-15', '2027-02-15')).toBe(1);
    expect(wholeMonthsBetween('2026-11-30', '2027-02-28')).toBe(2);
  });
});

describe('assignmentOf and rebalance', () => {
  const kids = (...targets: number[]) => targets.map((target, i) => ({ id: i + 1, target }));

  it('reports under-, over- and exact assignment of a flow goal', () => {
    expect(assignmentOf(1000, kids(400, 500), revenue, 'member')).toMatchObject({
      state: 'under',
      difference: -100,
    });
    expect(assignmentOf(1000, kids(600, 500), revenue, 'member')).toMatchObject({
      state: 'over',
      assigned: 1100,
    });
    expect(assignmentOf(1000, kids(500, 500), revenue, 'member').state).toBe('exact');
    expect(assignmentOf(1000, [], revenue, null).state).toBe('unsplit');
  });

  it('reports inherited children of a ratio goal whose target drifted', () => {
    const a = assignmentOf(0.3, kids(0.3, 0.25), metricDef('win_rate'), 'member');
    expect(a).toMatchObject({ mode: 'inherited', state: 'mismatched', mismatched: [2] });
  });

  it('rebalances children in proportion to the new parent target, summing exactly', () => {
    // 300 : 700 of a new 1,201 → 360.3, 840.7 → 360, 841
    expect(rebalance(1201, kids(300, 700), revenue, 'member')).toEqual([
      { goalId: 1, from: 300, to: 360 },
      { goalId: 2, from: 700, to: 841 },
    ]);
  });

  it('gives inherited children the new target on rebalance', () => {
    expect(rebalance(0.35, kids(0.3, 0.3), metricDef('win_rate'), 'period').map((r) => r.to)).toEqual([
      0.35, 0.35,
    ]);
  });
});

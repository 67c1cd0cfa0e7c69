import { describe, expect, it } from 'vitest';
import {
  employedAt,
  everyWindowTouched,
  metricDef,
  metricValue,
  monthsIn,
  newCustomerSince,
  ratio,
  spendIn,
  spendRecorded,
  teamAt,
  touchWindowsDue,
  turnoverParts,
} from '../../../src/core/metrics/index.ts';

const q1 = { start: '2027-01-01', end: '2027-03-31' };
const context = { period: q1, grossMargin: 1 };

describe('metric values from parts', () => {
  it('never turns a zero denominator into 0 or Infinity', () => {
    expect(ratio(3, 0)).toEqual({ value: null, reason: 'zero_denominator' });
    expect(ratio(0, 4)).toEqual({ value: 0 });
    expect(metricValue(metricDef('win_rate'), { deals_won: 0, deals_lost: 0 }, context)).toEqual({
      value: null,
      reason: 'zero_denominator',
    });
  });

  it('converts milliseconds to days and seconds to hours', () => {
    // 3 won deals, 4.5 days in all
    expect(
      metricValue(metricDef('sales_cycle_days'), { won_cycle_ms: 4.5 * 86_400_000, deals_won: 3 }, context),
    ).toEqual({
      value: 1.5,
    });
    // 9000 s = 2.5 h
    expect(metricValue(metricDef('coaching_hours'), { coaching_seconds: 9000 }, context)).toEqual({
      value: 2.5,
    });
  });

  it('counts whole months exactly and other spans in mean months', () => {
    expect(monthsIn(q1)).toBe(3);
    expect(monthsIn({ start: '2027-02-01', end: '2027-02-28' })).toBe(1);
    expect(monthsIn({ start: '2026-04-01', end: '2027-03-31' })).toBe(12);
    // 30 days / (365.25 / 12)
    expect(monthsIn({ start: '2027-01-10', end: '2027-02-08' })).toBeCloseTo(30 / 30.4375, 12);
  });

  it('computes LTV from ARPA, margin and monthly churn, and has none without churn', () => {
    const parts = { mrr_end: 1000, customers_end: 2, customers_churned: 1, customers_start: 10 };
    // ARPA 500 × 0.5 margin = 250; churn 1/10 over 3 months = 1/30 a month; 250 × 30
    const ltv = metricValue(metricDef('ltv'), parts, { period: q1, grossMargin: 0.5 });
    expect(ltv.value).toBeCloseTo(7500, 9);
    expect(metricValue(metricDef('ltv'), { ...parts, customers_churned: 0 }, context)).toEqual({
      value: null,
      reason: 'zero_denominator',
    });
  });

  it('needs a target for pipeline coverage, and has nothing to cover once it is met', () => {
    const def = metricDef('pipeline_coverage');
    expect(metricValue(def, { open_pipeline: 50, won_amount: 10 }, context)).toEqual({
      value: null,
      reason: 'no_target',
    });
    // 50 / (110 − 10)
    expect(metricValue(def, { open_pipeline: 50, won_amount: 10, target: 110 }, context)).toEqual({
      value: 0.5,
    });
    expect(metricValue(def, { open_pipeline: 50, won_amount: 110, target: 110 }, context).value).toBeNull();
  });

  it('computes rep turnover over the mean of start and end headcount', () => {
    // 1 leaver over (4 + 2) / 2
    expect(
      metricValue(metricDef('rep_turnover'), { leavers: 1, headcount_start: 4, headcount_end: 2 }, context),
    ).toEqual({
      value: 1 / 3,
    });
  });
});

describe('the new-customer touch rule', () => {
  const rule = { monthlyFor: 3, everyDays: 14 };

  it('judges monthly windows, then 14-day windows, in the period they end in', () => {
    // acquired Jan 10: Jan 10–Feb 9, Feb 10–Mar 9, Mar 10–Apr 9, then Apr 10–23, Apr 24–May 7, ...
    expect(touchWindowsDue('2027-01-10', { start: '2027-03-01', end: '2027-03-31' }, rule)).toEqual([
      { start: '2027-02-10', end: '2027-03-09' },
    ]);
    expect(touchWindowsDue('2027-01-10', { start: '2027-04-01', end: '2027-04-30' }, rule)).toEqual([
      { start: '2027-03-10', end: '2027-04-09' },
      { start: '2027-04-10', end: '2027-04-23' },
    ]);
    // a month-end acquisition keeps month ends: Jan 31 + 1 month = Feb 28
    expect(touchWindowsDue('2027-01-31', { start: '2027-02-01', end: '2027-02-28' }, rule)).toEqual([
      { start: '2027-01-31', end: '2027-02-27' },
    ]);
    // a customer of many months jumps straight to the windows of the period
    const late = touchWindowsDue('2026-06-15', { start: '2027-03-01', end: '2027-03-31' }, rule);
    expect(late).toEqual([
      { start: '2027-02-16', end: '2027-03-01' },
      { start: '2027-03-02', end: '2027-03-15' },
      { start: '2027-03-16', end: '2027-03-29' },
    ]);
  });

  it('needs a touch inside every window', () => {
    const windows = [
      { start: '2027-03-02', end: '2027-03-15' },
      { start: '2027-03-16', end: '2027-03-29' },
    ];
    expect(everyWindowTouched(windows, ['2027-03-15', '2027-03-16'])).toBe(true);
    expect(everyWindowTouched(windows, ['2027-03-01', '2027-03-20'])).toBe(false);
    expect(everyWindowTouched([], [])).toBe(true);
    expect(newCustomerSince('2027-03-31')).toBe('2026-04-01');
  });
});

describe('rep headcount', () => {
  const rep = {
    hiredAt: 100,
    leftAt: 900,
    memberships: [
      { teamId: 1, fromAt: 100, toAt: 500 },
      { teamId: 2, fromAt: 500, toAt: null },
    ],
  };

  it('counts a rep from after the hire instant through the leaving instant, in the team of the moment', () => {
    expect(employedAt(rep, 100)).toBe(false);
    expect(employedAt(rep, 101)).toBe(true);
    expect(employedAt(rep, 900)).toBe(true);
    expect(employedAt(rep, 901)).toBe(false);
    expect(teamAt(rep, 500)).toBe(1);
    expect(teamAt(rep, 501)).toBe(2);
  });

  it('counts leavers for the team they left from', () => {
    const parts = turnoverParts([rep], { startMs: 200, endMs: 1000 }, (team) => team);
    expect(Object.fromEntries(parts)).toEqual({
      1: { leavers: 0, headcount_start: 1, headcount_end: 0 },
      2: { leavers: 1, headcount_start: 0, headcount_end: 0 },
    });
  });
});

describe('spend', () => {
  const rows = [
    { periodStart: '2027-01-01', periodEnd: '2027-01-31', amount: 3100 },
    { periodStart: '2026-12-01', periodEnd: '2027-01-31', amount: 6200 },
  ];

  it('prorates each row by the days of it inside the range', () => {
    // all of the first, and 31 of the second's 62 days
    expect(spendIn(rows, { start: '2027-01-01', end: '2027-03-31' })).toBe(3100 + 3100);
    // 10 days of each: 1000 + 1000
    expect(spendIn(rows, { start: '2027-01-01', end: '2027-01-10' })).toBe(2000);
    expect(spendRecorded(rows, { start: '2027-02-01', end: '2027-02-28' })).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import {
  allowedTransitions,
  assertEditable,
  assertTransition,
  type CompleteGoalFields,
  checkGoalFields,
  latestTarget,
  resolveRelativeTarget,
  type TargetChange,
  targetAsOf,
} from '../../../src/core/goals/index.ts';
import { metricDef } from '../../../src/core/metrics/index.ts';

const change = (target: number, effectiveFrom: string, changedAt: number, reason = 'x'): TargetChange => ({
  target,
  effectiveFrom,
  changedAt,
  changedBy: 1,
  reason,
});

describe('effective-dated targets', () => {
  // set at 1,200,000 for 2027; on 2027-06-20 raised to 1,500,000 effective 2027-07-01
  const history = [
    change(120_000_000, '2027-01-01', 1000, 'created'),
    change(150_000_000, '2027-07-01', 5000, 'new product'),
  ];

  it('reads back the target before and after a mid-year change', () => {
    expect(targetAsOf(history, '2027-03-15')).toBe(120_000_000);
    expect(targetAsOf(history, '2027-06-30')).toBe(120_000_000);
    expect(targetAsOf(history, '2027-07-01')).toBe(150_000_000);
    expect(targetAsOf(history, '2027-12-31')).toBe(150_000_000);
  });

  it('applies the first target before its own effective day', () => {
    expect(targetAsOf(history, '2026-12-01')).toBe(120_000_000);
  });

  it('reads back what the system knew at an earlier moment', () => {
    // at instant 3000 the raise had not been typed yet
    expect(targetAsOf(history, '2027-08-01', 3000)).toBe(120_000_000);
    expect(targetAsOf(history, '2027-08-01', 500)).toBeNull();
  });

  it('lets the later of two changes effective the same day win', () => {
    const corrected = [...history, change(140_000_000, '2027-07-01', 9000, 'typo')];
    expect(targetAsOf(corrected, '2027-07-02')).toBe(140_000_000);
    expect(latestTarget(corrected)).toBe(140_000_000);
  });

  it('refuses a malformed day', () => {
    expect(() => targetAsOf(history, '2027-13-01')).toThrow(/not a day/);
  });

  it('resolves a relative target against its baseline in whole minor units', () => {
    // 700,000.00 × 1.10 = 770,000.00; 333.33 × 1.1 = 366.663 → 366.66
    expect(resolveRelativeTarget(70_000_000, 0.1, 'currency')).toBe(77_000_000);
    expect(resolveRelativeTarget(33_333, 0.1, 'currency')).toBe(36_666);
    expect(resolveRelativeTarget(0.25, 0.08, 'percent')).toBe(0.27);
    expect(() => resolveRelativeTarget(100, -1, 'count')).toThrow(/not possible/);
  });
});

describe('lifecycle', () => {
  it('moves draft → active → achieved / missed → archived and nothing else', () => {
    expect(allowedTransitions('draft')).toEqual(['active', 'archived']);
    expect(() => assertTransition('draft', 'active')).not.toThrow();
    expect(() => assertTransition('active', 'missed')).not.toThrow();
    expect(() => assertTransition('achieved', 'archived')).not.toThrow();
    expect(() => assertTransition('draft', 'achieved')).toThrow(
      /cannot become achieved: it can become active or archived/,
    );
    expect(() => assertTransition('archived', 'active')).toThrow(/can no longer change/);
    expect(() => assertTransition('active', 'active')).toThrow(/already active/);
  });

  it('freezes what an active goal measures but lets its wording change', () => {
    expect(() => assertEditable('active', ['title', 'description'])).not.toThrow();
    expect(() => assertEditable('active', ['metric'])).toThrow(/metric of a active goal cannot change/);
    expect(() => assertEditable('draft', ['metric', 'period'])).not.toThrow();
    expect(() => assertEditable('archived', ['title'])).toThrow(/archived/);
  });
});

describe('checkGoalFields', () => {
  const base: CompleteGoalFields = {
    title: 'Revenue 2027',
    metric: 'revenue',
    scope: { type: 'org', id: null },
    filters: {},
    target: 120_000_000,
    targetMode: 'absolute',
    targetChange: null,
    direction: 'increase',
    period: { start: '2027-01-01', end: '2027-12-31' },
    kind: 'outcome',
    layer: 'annual',
    stretchTarget: null,
  };
  const check = (patch: Partial<CompleteGoalFields>) => () =>
    checkGoalFields({ ...base, ...patch }, metricDef(patch.metric ?? 'revenue'));

  it('accepts a complete goal', () => {
    expect(check({})).not.toThrow();
  });

  it('names the field of each mistake', () => {
    expect(check({ title: ' ' })).toThrow(/needs a title/);
    expect(check({ target: 100_000_000.5 })).toThrow(/whole minor units/);
    expect(check({ scope: { type: 'team', id: null } })).toThrow(/team's id/);
    expect(check({ filters: { colour: 'red' } as never })).toThrow(/"colour" is not a filter/);
    expect(check({ period: { start: '2027-02-01', end: '2027-01-01' } })).toThrow(
      /ends \(2027-01-01\) before it starts/,
    );
    expect(check({ stretchTarget: 100_000_000 })).toThrow(/stretch target must be above/);
    expect(check({ layer: 'activity' })).toThrow(/must be of kind activity/);
    expect(check({ metric: 'calls', target: 10.5 })).toThrow(/whole units/);
    expect(() => checkGoalFields(base, undefined)).toThrow(/not a metric/);
  });
});

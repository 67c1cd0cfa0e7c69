import { describe, expect, it } from 'vitest';
import { computeProgress, type ProgressGoal, type ProgressInput } from '../../../src/core/progress/index.ts';

const SUN_TO_THU = [0, 1, 2, 3, 4];
const MON_TO_FRI = [1, 2, 3, 4, 5];
const utc = (text: string) => Date.parse(`${text}Z`);

const calendar = { timeZone: 'UTC', workingDays: MON_TO_FRI, atRiskBelow: 1, offTrackBelow: 0.8 };

/** Q1 2027 has 31 + 28 + 31 = 90 days; at the start of Feb 15, 45 of them are over: exactly half. */
const quarter = { start: '2027-01-01', end: '2027-03-31' };
const halfway = utc('2027-02-15T00:00:00');

const revenueGoal = (over: Partial<ProgressGoal> = {}): ProgressGoal => ({
  kind: 'flow',
  direction: 'increase',
  target: 1_000_000,
  stretchTarget: null,
  baseline: null,
  period: quarter,
  paceModel: 'linear',
  ...over,
});

const progress = (over: Partial<ProgressInput> & { goal: ProgressGoal }) =>
  computeProgress({ calendar, now: halfway, actual: null, ...over });

describe('flow goals paced linearly', () => {
  it('is on track at 50% halfway through a quarter', () => {
    const p = progress({ goal: revenueGoal(), actual: 500_000 });
    // expected = 1,000,000 × 45/90 = 500,000; pace = 500,000 / 500,000 = 1
    expect(p.elapsedShare).toBe(0.5);
    expect(p.expected).toBe(500_000);
    expect(p.paceRatio).toBe(1);
    expect(p.attainment).toBe(0.5);
    expect(p.status).toBe('on_track');
  });

  it('is at risk at 45% halfway through a quarter', () => {
    const p = progress({ goal: revenueGoal(), actual: 450_000 });
    // pace = 450,000 / 500,000 = 0.9: under 1 (at risk), not under 0.8 (off track)
    expect(p.paceRatio).toBeCloseTo(0.9, 12);
    expect(p.status).toBe('at_risk');
  });

  it('is off track at 30% halfway through a quarter', () => {
    const p = progress({ goal: revenueGoal(), actual: 300_000 });
    // pace = 300,000 / 500,000 = 0.6 < 0.8
    expect(p.paceRatio).toBeCloseTo(0.6, 12);
    expect(p.status).toBe('off_track');
  });

  it('follows the org thresholds instead of the defaults', () => {
    const lenient = { ...calendar, atRiskBelow: 0.85, offTrackBelow: 0.5 };
    expect(
      computeProgress({ goal: revenueGoal(), calendar: lenient, now: halfway, actual: 450_000 }).status,
    ).toBe('on_track');
    expect(
      computeProgress({ goal: revenueGoal(), calendar: lenient, now: halfway, actual: 300_000 }).status,
    ).toBe('at_risk');
  });

  it('reads halfway in the org time zone, not in UTC', () => {
    const riyadh = { ...calendar, timeZone: 'Asia/Riyadh' };
    // Riyadh is UTC+3: its Feb 15 starts at Feb 14 21:00 UTC.
    const p = computeProgress({
      goal: revenueGoal(),
      calendar: riyadh,
      now: utc('2027-02-14T21:00:00'),
      actual: 1,
    });
    expect(p.elapsedShare).toBe(0.5);
    expect(p.daysElapsed).toBe(45);
  });

  it('counts the elapsed part of today so that the expected value grows through the day', () => {
    const p = progress({ goal: revenueGoal(), now: utc('2027-02-15T12:00:00'), actual: 0 });
    // 45.5 of 90 days
    expect(p.elapsedShare).toBeCloseTo(45.5 / 90, 12);
    expect(p.daysElapsed).toBe(45.5);
    expect(p.daysLeft).toBe(45);
  });

  it('is achieved as soon as the target is reached, and shows the half and target milestones', () => {
    const p = progress({ goal: revenueGoal({ stretchTarget: 1_200_000 }), actual: 1_000_000 });
    expect(p.status).toBe('achieved');
    expect(p.milestones).toEqual(['half', 'target']);
    expect(
      progress({ goal: revenueGoal({ stretchTarget: 1_200_000 }), actual: 1_250_000 }).milestones,
    ).toEqual(['half', 'target', 'stretch']);
  });

  it('is off track once the period has ended short of the target, and achieved when it ended on it', () => {
    const after = utc('2027-04-02T00:00:00');
    expect(progress({ goal: revenueGoal(), now: after, actual: 990_000 }).status).toBe('off_track');
    const done = progress({ goal: revenueGoal(), now: after, actual: 1_000_000 });
    expect(done.status).toBe('achieved');
    expect(done.phase).toBe('ended');
    expect(done.neededPerWorkingDay).toBeNull();
    expect(done.forecast).toEqual({ method: 'run_rate', value: 1_000_000, low: 1_000_000, high: 1_000_000 });
  });

  it('is on track with nothing expected before the period starts', () => {
    const p = progress({ goal: revenueGoal(), now: utc('2026-12-20T00:00:00'), actual: null });
    expect(p.phase).toBe('upcoming');
    expect(p.expected).toBe(0);
    expect(p.paceRatio).toBeNull();
    expect(p.status).toBe('on_track');
    expect(p.daysLeft).toBe(90);
    expect(p.forecast).toBeNull();
  });

  it('treats a flow with no data yet as nothing accumulated', () => {
    const p = progress({ goal: revenueGoal(), actual: null });
    expect(p.actual).toBe(0);
    expect(p.status).toBe('off_track');
  });

  it('spreads what is still needed over the working days left, today included', () => {
    const p = progress({ goal: revenueGoal(), actual: 400_000 });
    // Feb 15 (Mon) .. Mar 31 (Wed) holds 33 Mon-Fri days: Feb 15-26 (10), Mar 1-31 (23).
    expect(p.workingDaysLeft).toBe(33);
    // (1,000,000 − 400,000) / 33
    expect(p.neededPerWorkingDay).toBeCloseTo(600_000 / 33, 9);
  });
});

describe('working-day pace', () => {
  // Fri 2027-01-01 .. Thu 2027-01-14; now = the start of Sun 2027-01-10 (Jan 1-9 are over).
  const fortnight = { start: '2027-01-01', end: '2027-01-14' };
  const now = utc('2027-01-10T00:00:00');
  const goal = revenueGoal({ target: 100, period: fortnight, paceModel: 'working_days' });

  it('differs between a Sunday-Thursday and a Monday-Friday week on the same dates', () => {
    const monFri = computeProgress({ goal, calendar, now, actual: 55 });
    const sunThu = computeProgress({
      goal,
      calendar: { ...calendar, workingDays: SUN_TO_THU },
      now,
      actual: 55,
    });
    // Mon-Fri: 10 working days (Jan 1, 4-8, 11-14), 6 over (Jan 1, 4-8): expected 60, pace 55/60
    expect(monFri.expected).toBeCloseTo(60, 9);
    expect(monFri.paceRatio).toBeCloseTo(55 / 60, 12);
    expect(monFri.status).toBe('at_risk');
    expect(monFri.workingDaysLeft).toBe(4);
    expect(monFri.neededPerWorkingDay).toBeCloseTo(45 / 4, 12);
    // Sun-Thu: 10 working days (Jan 3-7, 10-14), 5 over (Jan 3-7): expected 50, pace 55/50
    expect(sunThu.expected).toBeCloseTo(50, 9);
    expect(sunThu.paceRatio).toBeCloseTo(1.1, 12);
    expect(sunThu.status).toBe('on_track');
    expect(sunThu.workingDaysLeft).toBe(5);
    expect(sunThu.neededPerWorkingDay).toBe(9);
  });

  it('expects nothing more on a weekend day while it passes', () => {
    // Sat Jan 2 at noon and Sun Jan 3 at noon (Mon-Fri): only Jan 1 counted either way.
    const sat = computeProgress({ goal, calendar, now: utc('2027-01-02T12:00:00'), actual: 10 });
    const sun = computeProgress({ goal, calendar, now: utc('2027-01-03T12:00:00'), actual: 10 });
    expect(sat.elapsedShare).toBeCloseTo(0.1, 12);
    expect(sun.elapsedShare).toBeCloseTo(0.1, 12);
  });

  it('falls back to calendar days for a period without any working day', () => {
    const weekend = revenueGoal({
      target: 10,
      period: { start: '2027-01-02', end: '2027-01-03' },
      paceModel: 'working_days',
    });
    const p = computeProgress({ goal: weekend, calendar, now: utc('2027-01-03T00:00:00'), actual: 5 });
    expect(p.paceModel).toBe('linear');
    expect(p.elapsedShare).toBe(0.5);
  });
});

describe('seasonal pace', () => {
  const twoMonths = { start: '2027-01-01', end: '2027-02-28' };
  const everyDay = { ...calendar, workingDays: [0, 1, 2, 3, 4, 5, 6] };
  const seasonal = [
    { start: '2027-01-01', end: '2027-01-31', weight: 1 },
    { start: '2027-02-01', end: '2027-02-28', weight: 3 },
  ];
  const goal = revenueGoal({ target: 400, period: twoMonths, paceModel: 'seasonal' });

  it("expects each month's historical share of the target", () => {
    // All of January gone: 1 / (1 + 3) = 25%, against 31/59 ≈ 53% linearly.
    const p = computeProgress({
      goal,
      calendar: everyDay,
      now: utc('2027-02-01T00:00:00'),
      actual: 100,
      seasonal,
    });
    expect(p.paceModel).toBe('seasonal');
    expect(p.elapsedShare).toBeCloseTo(0.25, 12);
    expect(p.expected).toBeCloseTo(100, 9);
    expect(p.status).toBe('on_track');
  });

  it("spreads a month's share over its working days only", () => {
    // Mon-Fri: February 2027 has 20 working days; after Feb 1-7 (5 of them): 1/4 + 3/4 × 5/20.
    const p = computeProgress({ goal, calendar, now: utc('2027-02-08T00:00:00'), actual: 0, seasonal });
    expect(p.elapsedShare).toBeCloseTo(0.25 + 0.75 * (5 / 20), 12);
  });

  it('falls back to working days when the history does not cover the period', () => {
    const p = computeProgress({
      goal,
      calendar,
      now: utc('2027-02-01T00:00:00'),
      actual: 0,
      seasonal: seasonal.slice(0, 1),
    });
    expect(p.paceModel).toBe('working_days');
    // Jan 2027 has 21 Mon-Fri days, Feb 20: 21/41
    expect(p.elapsedShare).toBeCloseTo(21 / 41, 12);
  });

  it('falls back to working days when the history is all zero', () => {
    const zero = seasonal.map((b) => ({ ...b, weight: 0 }));
    const p = computeProgress({ goal, calendar, now: utc('2027-02-01T00:00:00'), actual: 0, seasonal: zero });
    expect(p.paceModel).toBe('working_days');
  });
});

describe('lower-is-better flow goals', () => {
  const ceiling = revenueGoal({ direction: 'stay_below', target: 100 });

  it('is on track while under the pace of its ceiling', () => {
    const p = progress({ goal: ceiling, actual: 40 });
    // expected 50, pace = 50 / 40 = 1.25
    expect(p.paceRatio).toBe(1.25);
    expect(p.status).toBe('on_track');
  });

  it('is at risk when spending faster than the pace', () => {
    // pace = 50 / 55 ≈ 0.909
    expect(progress({ goal: ceiling, actual: 55 }).status).toBe('at_risk');
  });

  it('is off track as soon as the ceiling is passed', () => {
    expect(progress({ goal: ceiling, actual: 101 }).status).toBe('off_track');
  });

  it('is achieved only when the period ends under the ceiling', () => {
    const p = progress({ goal: ceiling, now: utc('2027-04-01T00:00:00'), actual: 90 });
    expect(p.status).toBe('achieved');
    expect(p.milestones).toEqual(['target']);
  });
});

describe('ratio goals', () => {
  const churn = revenueGoal({ kind: 'ratio', direction: 'decrease', target: 0.01, baseline: 0.012 });

  it('is off track when churn goes up past the target', () => {
    const p = progress({ goal: churn, actual: 0.015, previous: 0.012 });
    // not paced: pace = target / current = 0.01 / 0.015 ≈ 0.667 < 0.8
    expect(p.expected).toBe(0.01);
    expect(p.paceRatio).toBeCloseTo(2 / 3, 12);
    expect(p.trend).toBe('worsening');
    expect(p.status).toBe('off_track');
  });

  it('is off track in the at-risk band when it is getting worse, at risk when it is getting better', () => {
    // pace = 0.01 / 0.011 ≈ 0.909 (at-risk band)
    expect(progress({ goal: churn, actual: 0.011, previous: 0.0105 }).status).toBe('off_track');
    const improving = progress({ goal: churn, actual: 0.011, previous: 0.012 });
    expect(improving.trend).toBe('improving');
    expect(improving.status).toBe('at_risk');
  });

  it('is on track when at or under the target, and achieved only once the period is over', () => {
    expect(progress({ goal: churn, actual: 0.008 }).status).toBe('on_track');
    expect(progress({ goal: churn, actual: 0.008, now: utc('2027-04-01T00:00:00') }).status).toBe('achieved');
    expect(progress({ goal: churn, actual: 0.0101, now: utc('2027-04-01T00:00:00') }).status).toBe(
      'off_track',
    );
  });

  it('says there is no data rather than guessing', () => {
    const p = progress({ goal: churn, actual: null });
    expect(p.status).toBe('no_data');
    expect(p.attainment).toBeNull();
    expect(p.forecast).toBeNull();
  });

  it('calls a change under half a percent flat', () => {
    expect(progress({ goal: churn, actual: 0.01002, previous: 0.01 }).trend).toBe('flat');
  });

  it('compares a higher-is-better rate directly with its target', () => {
    const winRate = revenueGoal({ kind: 'ratio', direction: 'increase', target: 0.3 });
    const p = progress({ goal: winRate, actual: 0.27, history: [0.25, 0.29] });
    // pace = 0.27 / 0.3 = 0.9
    expect(p.paceRatio).toBeCloseTo(0.9, 12);
    expect(p.attainment).toBeCloseTo(0.9, 12);
    expect(p.status).toBe('at_risk');
    expect(p.milestones).toEqual(['half']);
    expect(p.forecast).toEqual({ method: 'current_value', value: 0.27, low: 0.25, high: 0.29 });
  });
});

describe('stock goals', () => {
  const mrr = revenueGoal({ kind: 'stock', target: 110_000, baseline: 100_000 });

  it('expects the value to move from the baseline to the target along the pace', () => {
    // 100,000 + (110,000 − 100,000) × 0.5 = 105,000
    const behind = progress({ goal: mrr, actual: 104_000 });
    expect(behind.expected).toBe(105_000);
    expect(behind.paceRatio).toBeCloseTo(104_000 / 105_000, 12);
    expect(behind.status).toBe('at_risk');
    expect(progress({ goal: mrr, actual: 106_000 }).status).toBe('on_track');
  });

  it('is held to the target when there is no baseline', () => {
    expect(progress({ goal: { ...mrr, baseline: null }, actual: 104_000 }).expected).toBe(110_000);
  });
});

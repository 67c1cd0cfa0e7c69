import { describe, expect, test } from 'vitest';
import { type BurnUpInput, burnUpSeries } from '../../web/src/burn-up.ts';

/** A ten-day goal of 100, seen on its fifth day. */
const base: BurnUpInput = {
  period: { start: '2027-01-01', end: '2027-01-10' },
  target: 100,
  cumulative: true,
  today: '2027-01-05',
  actualToday: null,
  expectedToday: null,
  forecast: null,
  snapshots: [],
  measured: [],
};

describe('burnUpSeries', () => {
  test('adds up a flow metric day by day to today and leaves the future empty', () => {
    const series = burnUpSeries({
      ...base,
      measured: [
        { end: '2027-01-01', value: 10 },
        { end: '2027-01-03', value: 5 },
        { end: '2027-01-05', value: null },
      ],
    });
    expect(series.days).toHaveLength(10);
    // 10, 10, 10+5, 15, 15 (a null day adds nothing), then unknown.
    expect(series.actual).toEqual([10, 10, 15, 15, 15, null, null, null, null, null]);
    expect(series.target).toEqual(new Array(10).fill(100));
  });

  test('draws the pace through today’s expected value and on to the target at the end', () => {
    const series = burnUpSeries({ ...base, expectedToday: 40 });
    // Day i of 5 to today: 40 × (i + 1) / 5 → 8, 16, 24, 32, 40; then 40 + 60 × k / 5 → 52, 64, 76, 88, 100.
    expect(series.expected.map((v) => Math.round(v ?? -1))).toEqual([8, 16, 24, 32, 40, 52, 64, 76, 88, 100]);
  });

  test('prefers the recorded snapshots and today’s actual over the measured sums', () => {
    const series = burnUpSeries({
      ...base,
      measured: [{ end: '2027-01-02', value: 7 }],
      snapshots: [{ day: '2027-01-03', actual: 9, expected: 30 }],
      actualToday: 12,
    });
    expect(series.actual.slice(0, 5)).toEqual([0, 7, 9, 7, 12]);
    expect(series.expected[2]).toBe(30);
  });

  test('fans the forecast out from today’s actual to its value, low and high at the end', () => {
    const series = burnUpSeries({ ...base, actualToday: 50, forecast: { value: 90, low: 70, high: 110 } });
    expect(series.forecast.slice(0, 4)).toEqual([null, null, null, null]);
    expect(series.forecast[4]).toBe(50);
    expect(series.forecast[9]).toBe(90);
    expect(series.forecastLow[9]).toBe(70);
    expect(series.forecastHigh[9]).toBe(110);
    // Half way from today (day 5) to the end (day 10) is day 7.5; day 7 is 2/5 of the way: 50 + 40 × 2/5 = 66.
    expect(series.forecast[6]).toBeCloseTo(66);
  });

  test('places a level metric’s weekly values on their last day, without a pace line', () => {
    const series = burnUpSeries({
      ...base,
      cumulative: false,
      measured: [
        { end: '2027-01-03', value: 0.3 },
        { end: '2027-01-09', value: 0.35 },
      ],
    });
    // The week still running ends after today: its value stands at today.
    expect(series.actual).toEqual([null, null, 0.3, null, 0.35, null, null, null, null, null]);
    expect(series.expected.every((v) => v === null)).toBe(true);
  });
});

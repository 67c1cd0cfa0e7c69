/**
 * The series of a goal's burn-up chart, one value per day of its period:
 * actual to date, the target, the pace expected by each day, and the
 * forecast from today to the end with its range. Pure, so it is unit-tested.
 */
import { addDays, daysBetween, minDay } from './periods.ts';

export interface BurnUpInput {
  period: { start: string; end: string };
  target: number;
  /** Flow metrics add up over the period; stocks and ratios are read as they stand. */
  cumulative: boolean;
  today: string;
  actualToday: number | null;
  expectedToday: number | null;
  forecast: { value: number; low: number; high: number } | null;
  /** Daily snapshots (the scheduler's record), oldest first. */
  snapshots: ReadonlyArray<{ day: string; actual: number | null; expected: number | null }>;
  /**
   * The metric per day (flow) or per week (others) from the metric API, to
   * fill days the scheduler has not recorded; `end` is the last day it covers.
   */
  measured: ReadonlyArray<{ end: string; value: number | null }>;
}

export interface BurnUpSeries {
  days: string[];
  actual: Array<number | null>;
  target: number[];
  expected: Array<number | null>;
  forecast: Array<number | null>;
  forecastLow: Array<number | null>;
  forecastHigh: Array<number | null>;
}

export function burnUpSeries(input: BurnUpInput): BurnUpSeries {
  const { period, target, cumulative, today } = input;
  const length = daysBetween(period.start, period.end) + 1;
  const days = Array.from({ length }, (_, i) => addDays(period.start, i));
  const indexOf = (day: string) => daysBetween(period.start, day);
  const todayIndex = Math.min(indexOf(today), length - 1);

  const actual: Array<number | null> = new Array(length).fill(null);
  if (cumulative) {
    let sum = 0;
    const byDay = new Map(input.measured.map((point) => [point.end, point.value ?? 0]));
    for (let i = 0; i <= todayIndex; i++) {
      sum += byDay.get(days[i] as string) ?? 0;
      actual[i] = sum;
    }
  } else {
    for (const point of input.measured) {
      const i = indexOf(minDay(point.end, today));
      if (i >= 0 && i < length) actual[i] = point.value;
    }
  }
  const expected: Array<number | null> = new Array(length).fill(null);
  for (const snapshot of input.snapshots) {
    const i = indexOf(snapshot.day);
    if (i < 0 || i >= length || i > todayIndex) continue;
    if (snapshot.actual !== null) actual[i] = snapshot.actual;
    expected[i] = snapshot.expected;
  }
  if (todayIndex >= 0 && input.actualToday !== null) actual[todayIndex] = input.actualToday;

  // Pace through today's expected value where no snapshot says otherwise: 0 at the start for
  // sums, the target throughout for levels.
  if (cumulative && todayIndex >= 0) {
    const midValue = input.expectedToday ?? (target * (todayIndex + 1)) / length;
    for (let i = 0; i < length; i++) {
      if (expected[i] !== null) continue;
      expected[i] =
        i <= todayIndex
          ? (midValue * (i + 1)) / (todayIndex + 1)
          : midValue + ((target - midValue) * (i - todayIndex)) / (length - 1 - todayIndex || 1);
    }
  }

  const forecast: Array<number | null> = new Array(length).fill(null);
  const forecastLow: Array<number | null> = new Array(length).fill(null);
  const forecastHigh: Array<number | null> = new Array(length).fill(null);
  const from = todayIndex >= 0 ? actual[todayIndex] : null;
  if (input.forecast && from != null && todayIndex < length - 1) {
    const span = length - 1 - todayIndex;
    for (let i = todayIndex; i < length; i++) {
      const share = (i - todayIndex) / span;
      forecast[i] = from + (input.forecast.value - from) * share;
      forecastLow[i] = from + (input.forecast.low - from) * share;
      forecastHigh[i] = from + (input.forecast.high - from) * share;
    }
  }
  return {
    days,
    actual,
    target: new Array(length).fill(target),
    expected,
    forecast,
    forecastLow,
    forecastHigh,
  };
}

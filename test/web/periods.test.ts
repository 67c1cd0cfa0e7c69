import { describe, expect, test } from 'vitest';
import {
  addDays,
  daysBetween,
  lastMonths,
  parseRange,
  periodContaining,
  previousPeriod,
  rangeText,
  toDateWindows,
} from '../../web/src/periods.ts';

describe('day arithmetic', () => {
  test('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2027-01-31', 1)).toBe('2027-02-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(daysBetween('2027-01-01', '2027-12-31')).toBe(364);
  });

  test('rejects a day that is not YYYY-MM-DD', () => {
    expect(() => addDays('2027-1-5', 1)).toThrow(/YYYY-MM-DD.*2027-1-5/);
  });
});

describe('periodContaining', () => {
  test('finds the calendar month, quarter and year of a day when the fiscal year starts in January', () => {
    expect(periodContaining('month', '2027-02-14')).toEqual({ start: '2027-02-01', end: '2027-02-28' });
    expect(periodContaining('quarter', '2027-05-20')).toEqual({ start: '2027-04-01', end: '2027-06-30' });
    expect(periodContaining('year', '2027-05-20')).toEqual({ start: '2027-01-01', end: '2027-12-31' });
  });

  test('cuts quarters and years at the fiscal start month', () => {
    // Fiscal year from April: May is in the first quarter (Apr–Jun), February in the last (Jan–Mar).
    expect(periodContaining('quarter', '2027-05-20', 4)).toEqual({ start: '2027-04-01', end: '2027-06-30' });
    expect(periodContaining('quarter', '2027-02-10', 4)).toEqual({ start: '2027-01-01', end: '2027-03-31' });
    expect(periodContaining('year', '2027-02-10', 4)).toEqual({ start: '2026-04-01', end: '2027-03-31' });
    expect(periodContaining('year', '2027-04-01', 4)).toEqual({ start: '2027-04-01', end: '2028-03-31' });
    // Fiscal year from November: December starts a quarter of Nov–Jan.
    expect(periodContaining('quarter', '2026-12-15', 11)).toEqual({ start: '2026-11-01', end: '2027-01-31' });
  });

  test('the period before a quarter is the quarter before, across the year boundary', () => {
    expect(previousPeriod('quarter', { start: '2027-01-01', end: '2027-03-31' })).toEqual({
      start: '2026-10-01',
      end: '2026-12-31',
    });
  });
});

describe('toDateWindows', () => {
  test('compares this quarter to date with as many days from the start of the last one', () => {
    // 2027-04-01 → 2027-05-20 is 49 days in; 2027-01-01 + 49 days = 2027-02-19.
    expect(toDateWindows('quarter', '2027-05-20')).toEqual({
      period: { start: '2027-04-01', end: '2027-06-30' },
      current: { start: '2027-04-01', end: '2027-05-20' },
      previous: { start: '2027-01-01', end: '2027-02-19' },
    });
  });

  test('stops the earlier window at the end of a shorter period', () => {
    // 30 days into March; February 2027 has only 28 days, so the comparison is all of February.
    expect(toDateWindows('month', '2027-03-31').previous).toEqual({ start: '2027-02-01', end: '2027-02-28' });
  });
});

describe('ranges', () => {
  test('twelve months end with the month of today', () => {
    expect(lastMonths('2027-05-20', 12)).toEqual({ start: '2026-06-01', end: '2027-05-31' });
  });

  test('round-trip as the API writes them and refuse a backwards range', () => {
    const range = { start: '2027-01-01', end: '2027-03-31' };
    expect(rangeText(range)).toBe('2027-01-01..2027-03-31');
    expect(parseRange('2027-01-01..2027-03-31')).toEqual(range);
    expect(parseRange('2027-03-31..2027-01-01')).toBeNull();
    expect(parseRange('2027-Q1')).toBeNull();
    expect(parseRange(null)).toBeNull();
  });
});

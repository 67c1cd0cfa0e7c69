import { describe, expect, it } from 'vitest';
import {
  type Calendar,
  currentPeriod,
  dayCount,
  type Grain,
  type Period,
  parsePeriod,
  periodsInRange,
  previousPeriod,
  samePeriodLastYear,
} from '../../../src/core/periods/index.ts';
import { invalidInput } from './invalid-input.ts';

const calendar = (timeZone: string, fiscalYearStartMonth = 1, weekStart = 1): Calendar => ({
  timeZone,
  fiscalYearStartMonth,
  weekStart,
});
const riyadh = calendar('Asia/Riyadh', 1, 0);
const april = calendar('Asia/Riyadh', 4, 1);
const show = (p: Period) => `${p.label} ${p.start}..${p.end}`;

describe('currentPeriod', () => {
  const newYearInRiyadh = Date.parse('2026-12-31T21:30:00Z');

  it('takes the day from the org time zone, not UTC', () => {
    expect(currentPeriod('year', newYearInRiyadh, calendar('Asia/Riyadh')).label).toBe('2027');
    expect(currentPeriod('year', newYearInRiyadh, calendar('America/New_York')).label).toBe('2026');
    expect(currentPeriod('day', newYearInRiyadh, calendar('UTC')).label).toBe('2026-12-31');
  });

  it('finds the current fiscal quarter and week for the org calendar', () => {
    const cal = calendar('Asia/Riyadh', 4, 0);
    expect(show(currentPeriod('fiscal_quarter', newYearInRiyadh, cal))).toBe(
      'FY2027-Q4 2027-01-01..2027-03-31',
    );
    expect(show(currentPeriod('week', newYearInRiyadh, cal))).toBe('2026-W52 2026-12-27..2027-01-02');
  });
});

describe('periodsInRange', () => {
  it('splits a year into its 12 months', () => {
    const months = periodsInRange('month', { start: '2028-01-01', end: '2028-12-31' }, riyadh);
    expect(months.map((m) => m.label)).toEqual([
      '2028-01',
      '2028-02',
      '2028-03',
      '2028-04',
      '2028-05',
      '2028-06',
      '2028-07',
      '2028-08',
      '2028-09',
      '2028-10',
      '2028-11',
      '2028-12',
    ]);
    expect(show(months[1] as Period)).toBe('2028-02 2028-02-01..2028-02-29');
    expect(months.reduce((days, m) => days + dayCount(m), 0)).toBe(366);
  });

  it('splits an April fiscal year into months from April to March', () => {
    const months = periodsInRange('month', parsePeriod('FY2027', april), april);
    expect(months).toHaveLength(12);
    expect(months[0]?.label).toBe('2026-04');
    expect(months[11]?.label).toBe('2027-03');
    const quarters = periodsInRange('fiscal_quarter', parsePeriod('FY2027', april), april);
    expect(quarters.map(show)).toEqual([
      'FY2027-Q1 2026-04-01..2026-06-30',
      'FY2027-Q2 2026-07-01..2026-09-30',
      'FY2027-Q3 2026-10-01..2026-12-31',
      'FY2027-Q4 2027-01-01..2027-03-31',
    ]);
  });

  it('clips the first and last week to the range and keeps their week labels', () => {
    const weeks = periodsInRange('week', { start: '2027-01-01', end: '2027-01-20' }, april);
    expect(weeks.map(show)).toEqual([
      '2026-W53 2027-01-01..2027-01-03',
      '2027-W01 2027-01-04..2027-01-10',
      '2027-W02 2027-01-11..2027-01-17',
      '2027-W03 2027-01-18..2027-01-20',
    ]);
  });

  it('cuts the same dates into different weeks for Sunday and Saturday week starts', () => {
    const range = { start: '2027-01-01', end: '2027-01-10' };
    expect(periodsInRange('week', range, calendar('UTC', 1, 0)).map(show)).toEqual([
      '2026-W52 2027-01-01..2027-01-02',
      '2027-W01 2027-01-03..2027-01-09',
      '2027-W02 2027-01-10..2027-01-10',
    ]);
    expect(periodsInRange('week', range, calendar('UTC', 1, 6)).map(show)).toEqual([
      '2026-W52 2027-01-01..2027-01-01',
      '2027-W01 2027-01-02..2027-01-08',
      '2027-W02 2027-01-09..2027-01-10',
    ]);
  });

  it('covers any range exactly, without gaps or overlaps, at every grain', () => {
    const grains: Grain[] = ['day', 'week', 'month', 'quarter', 'year', 'fiscal_quarter', 'fiscal_year'];
    const range = { start: '2026-02-17', end: '2028-05-09' };
    for (const grain of grains) {
      const buckets = periodsInRange(grain, range, april);
      expect(buckets[0]?.start).toBe(range.start);
      expect(buckets.at(-1)?.end).toBe(range.end);
      expect(buckets.reduce((days, b) => days + dayCount(b), 0)).toBe(dayCount(range));
    }
  });

  it('returns one clipped bucket for a range inside a single bucket', () => {
    expect(periodsInRange('quarter', { start: '2027-05-03', end: '2027-05-04' }, april)).toEqual([
      { grain: 'quarter', start: '2027-05-03', end: '2027-05-04', label: '2027-Q2' },
    ]);
  });

  it('returns no buckets for a range that ends before it starts', () => {
    expect(periodsInRange('day', { start: '2027-05-04', end: '2027-05-03' }, april)).toEqual([]);
  });
});

describe('previousPeriod', () => {
  const previous = (text: string, cal = april) => show(previousPeriod(parsePeriod(text, cal), cal));

  it('steps whole buckets back by their grain, whatever their length', () => {
    expect(previous('2027-03')).toBe('2027-02 2027-02-01..2027-02-28');
    expect(previous('2028-03')).toBe('2028-02 2028-02-01..2028-02-29');
    expect(previous('2027-Q1')).toBe('2026-Q4 2026-10-01..2026-12-31');
    expect(previous('2027')).toBe('2026 2026-01-01..2026-12-31');
    expect(previous('2028-03-01')).toBe('2028-02-29 2028-02-29..2028-02-29');
    expect(previous('FY2027')).toBe('FY2026 2025-04-01..2026-03-31');
    expect(previous('FY2027-Q1')).toBe('FY2026-Q4 2026-01-01..2026-03-31');
    expect(previous('2027-W01')).toBe('2026-W53 2026-12-28..2027-01-03');
  });

  it('takes the same number of days just before a custom range', () => {
    expect(previous('2027-01-11..2027-01-20')).toBe('2027-01-01..2027-01-10 2027-01-01..2027-01-10');
    expect(previous('2028-03-01..2028-03-31')).toBe('2028-01-30..2028-02-29 2028-01-30..2028-02-29');
  });

  it('treats a clipped bucket such as month-to-date as a custom range', () => {
    const monthToDate: Period = { grain: 'month', start: '2027-05-01', end: '2027-05-15', label: '2027-05' };
    expect(previousPeriod(monthToDate, april)).toEqual({
      grain: 'custom',
      start: '2027-04-16',
      end: '2027-04-30',
      label: '2027-04-16..2027-04-30',
    });
  });

  it('rejects a period that ends before it starts', () => {
    const inverted: Period = { grain: 'custom', start: '2027-05-02', end: '2027-05-01', label: '' };
    expect(invalidInput(() => previousPeriod(inverted, april))).toEqual({
      code: 'invalid_input',
      field: 'period',
      message: 'The period 2027-05-02..2027-05-01 ends before it starts.',
    });
  });
});

describe('samePeriodLastYear', () => {
  const lastYear = (text: string, cal = april) => show(samePeriodLastYear(parsePeriod(text, cal), cal));

  it('maps a leap day to Feb 28 of the year before', () => {
    expect(lastYear('2028-02-29')).toBe('2027-02-28 2027-02-28..2027-02-28');
    expect(lastYear('2028-02-01..2028-02-29')).toBe('2027-02-01..2027-02-28 2027-02-01..2027-02-28');
  });

  it('maps months, quarters and fiscal periods to the same one a year before', () => {
    expect(lastYear('2028-02')).toBe('2027-02 2027-02-01..2027-02-28');
    expect(lastYear('2029-02')).toBe('2028-02 2028-02-01..2028-02-29');
    expect(lastYear('2028-Q1')).toBe('2027-Q1 2027-01-01..2027-03-31');
    expect(lastYear('2027')).toBe('2026 2026-01-01..2026-12-31');
    expect(lastYear('FY2027')).toBe('FY2026 2025-04-01..2026-03-31');
    expect(lastYear('FY2027-Q3')).toBe('FY2026-Q3 2025-10-01..2025-12-31');
  });

  it('maps a week to the same week number a year before, keeping weekdays aligned', () => {
    expect(lastYear('2027-W14')).toBe('2026-W14 2026-03-30..2026-04-05');
    // 2025 has no ISO week 53, so week 53 of 2026 compares with week 52.
    expect(lastYear('2026-W53')).toBe('2025-W52 2025-12-22..2025-12-28');
    const sunday = calendar('UTC', 1, 0);
    expect(lastYear('2027-W14', sunday)).toBe('2026-W14 2026-04-05..2026-04-11');
  });

  it('shifts a clipped bucket by the calendar as a custom range', () => {
    const yearToDate: Period = { grain: 'year', start: '2028-01-01', end: '2028-02-29', label: '2028' };
    expect(show(samePeriodLastYear(yearToDate, april))).toBe('2027-01-01..2027-02-28 2027-01-01..2027-02-28');
  });
});

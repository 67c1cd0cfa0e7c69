import { describe, expect, it } from 'vitest';
import {
  addDays,
  type Calendar,
  dayCount,
  fiscalYearOf,
  type Grain,
  periodContaining,
  weekdayOf,
} from '../../../src/core/periods/index.ts';
import { invalidInput } from './invalid-input.ts';

const calendar = (fiscalYearStartMonth: number, weekStart = 1): Calendar => ({
  timeZone: 'Asia/Riyadh',
  fiscalYearStartMonth,
  weekStart,
});
const range = (grain: Grain, day: string, cal: Calendar) => {
  const { start, end, label } = periodContaining(grain, day, cal);
  return `${label} ${start}..${end}`;
};

describe('calendar periods', () => {
  const cal = calendar(1);

  it('finds the month, quarter and year of a day', () => {
    expect(range('day', '2027-05-03', cal)).toBe('2027-05-03 2027-05-03..2027-05-03');
    expect(range('month', '2027-05-03', cal)).toBe('2027-05 2027-05-01..2027-05-31');
    expect(range('quarter', '2027-05-03', cal)).toBe('2027-Q2 2027-04-01..2027-06-30');
    expect(range('year', '2027-05-03', cal)).toBe('2027 2027-01-01..2027-12-31');
  });

  it('gives leap-year February 29 days and leap-year Q1 91 days', () => {
    expect(range('month', '2028-02-10', cal)).toBe('2028-02 2028-02-01..2028-02-29');
    expect(dayCount(periodContaining('quarter', '2028-02-29', cal))).toBe(91);
    expect(dayCount(periodContaining('quarter', '2027-02-28', cal))).toBe(90);
    expect(dayCount(periodContaining('year', '2028-07-01', cal))).toBe(366);
  });

  it('rejects an unknown grain', () => {
    expect(invalidInput(() => periodContaining('hour' as Grain, '2027-05-03', cal))).toEqual({
      code: 'invalid_input',
      field: 'grain',
      message: '"hour" is not a grain: use day, week, month, quarter, year, fiscal_quarter or fiscal_year.',
    });
  });
});

describe('fiscal years, named by the calendar year they end in', () => {
  it('makes FY2027 calendar 2027 when the fiscal year starts in January', () => {
    const cal = calendar(1);
    expect(range('fiscal_year', '2027-05-03', cal)).toBe('FY2027 2027-01-01..2027-12-31');
    expect(range('fiscal_quarter', '2027-05-03', cal)).toBe('FY2027-Q2 2027-04-01..2027-06-30');
    expect(fiscalYearOf('2027-01-01', cal)).toBe(2027);
    expect(fiscalYearOf('2027-12-31', cal)).toBe(2027);
  });

  it('runs an April fiscal year from April to March', () => {
    const cal = calendar(4);
    expect(range('fiscal_year', '2026-04-01', cal)).toBe('FY2027 2026-04-01..2027-03-31');
    expect(range('fiscal_quarter', '2026-05-15', cal)).toBe('FY2027-Q1 2026-04-01..2026-06-30');
    expect(range('fiscal_quarter', '2026-12-31', cal)).toBe('FY2027-Q3 2026-10-01..2026-12-31');
    expect(range('fiscal_quarter', '2027-02-14', cal)).toBe('FY2027-Q4 2027-01-01..2027-03-31');
    expect(fiscalYearOf('2026-03-31', cal)).toBe(2026);
    expect(fiscalYearOf('2026-04-01', cal)).toBe(2027);
    expect(fiscalYearOf('2027-03-31', cal)).toBe(2027);
  });

  it('runs a July fiscal year from July to June', () => {
    const cal = calendar(7);
    expect(range('fiscal_year', '2027-06-30', cal)).toBe('FY2027 2026-07-01..2027-06-30');
    expect(range('fiscal_quarter', '2026-07-01', cal)).toBe('FY2027-Q1 2026-07-01..2026-09-30');
    expect(range('fiscal_quarter', '2027-01-01', cal)).toBe('FY2027-Q3 2027-01-01..2027-03-31');
    expect(range('fiscal_quarter', '2027-06-30', cal)).toBe('FY2027-Q4 2027-04-01..2027-06-30');
    expect(fiscalYearOf('2026-06-30', cal)).toBe(2026);
    expect(fiscalYearOf('2026-07-01', cal)).toBe(2027);
  });

  it('runs an October fiscal year like the US federal one', () => {
    const cal = calendar(10);
    expect(range('fiscal_year', '2026-10-01', cal)).toBe('FY2027 2026-10-01..2027-09-30');
    expect(range('fiscal_quarter', '2026-11-11', cal)).toBe('FY2027-Q1 2026-10-01..2026-12-31');
    expect(range('fiscal_quarter', '2027-09-30', cal)).toBe('FY2027-Q4 2027-07-01..2027-09-30');
    expect(fiscalYearOf('2026-09-30', cal)).toBe(2026);
    expect(fiscalYearOf('2026-10-01', cal)).toBe(2027);
  });

  it('includes Feb 29 in the fiscal year and quarter that span it', () => {
    const cal = calendar(7);
    expect(dayCount(periodContaining('fiscal_year', '2028-02-29', cal))).toBe(366);
    expect(range('fiscal_quarter', '2028-02-29', cal)).toBe('FY2028-Q3 2028-01-01..2028-03-31');
  });

  it('rejects a fiscal start month outside 1..12', () => {
    expect(invalidInput(() => fiscalYearOf('2027-01-01', calendar(13)))).toEqual({
      code: 'invalid_input',
      field: 'fiscalYearStartMonth',
      message: '"13" is not a fiscal year start month: use 1 (January) to 12 (December).',
    });
  });
});

/** ISO 8601 week of a day, by the textbook formula, to check the shifted rule against. */
function isoWeek(day: string): string {
  const weekday = weekdayOf(day) || 7;
  const thursday = addDays(day, 4 - weekday);
  const year = Number(thursday.slice(0, 4));
  let ordinal = 1;
  for (let d = `${year}-01-01`; d < thursday; d = addDays(d, 1)) ordinal++;
  return `${year}-W${String(Math.floor((ordinal - 1) / 7) + 1).padStart(2, '0')}`;
}

describe('weeks', () => {
  it('numbers Monday weeks exactly as ISO 8601', () => {
    const cal = calendar(1, 1);
    for (let day = '2020-12-20'; day <= '2027-01-15'; day = addDays(day, 3)) {
      expect(periodContaining('week', day, cal).label).toBe(isoWeek(day));
    }
  });

  it('puts Jan 1-3 in the previous year when that year owns most of the week', () => {
    // 2027-01-01 is a Friday.
    expect(range('week', '2027-01-01', calendar(1, 1))).toBe('2026-W53 2026-12-28..2027-01-03');
    expect(range('week', '2027-01-01', calendar(1, 0))).toBe('2026-W52 2026-12-27..2027-01-02');
    expect(range('week', '2027-01-01', calendar(1, 6))).toBe('2026-W52 2026-12-26..2027-01-01');
  });

  it('starts week 1 on the week start that gives the new year at least 4 days', () => {
    expect(range('week', '2027-01-04', calendar(1, 1))).toBe('2027-W01 2027-01-04..2027-01-10');
    expect(range('week', '2027-01-04', calendar(1, 0))).toBe('2027-W01 2027-01-03..2027-01-09');
    expect(range('week', '2027-01-04', calendar(1, 6))).toBe('2027-W01 2027-01-02..2027-01-08');
  });

  it('puts Dec 29-31 in week 1 of the next year when that year owns most of the week', () => {
    // CDC epidemiological (MMWR) weeks start on Sunday: week 1 of 2024 began on 2023-12-31.
    expect(range('week', '2023-12-31', calendar(1, 0))).toBe('2024-W01 2023-12-31..2024-01-06');
    expect(range('week', '2024-12-31', calendar(1, 1))).toBe('2025-W01 2024-12-30..2025-01-05');
  });

  it('starts every week on the org week start and makes it seven days long', () => {
    for (const weekStart of [0, 1, 6]) {
      for (let day = '2026-12-01'; day <= '2027-01-31'; day = addDays(day, 1)) {
        const week = periodContaining('week', day, calendar(1, weekStart));
        expect(weekdayOf(week.start)).toBe(weekStart);
        expect(dayCount(week)).toBe(7);
        expect(week.start <= day && day <= week.end).toBe(true);
      }
    }
  });

  it('rejects a week start outside 0..6', () => {
    expect(invalidInput(() => periodContaining('week', '2027-01-01', calendar(1, 7)))).toEqual({
      code: 'invalid_input',
      field: 'weekStart',
      message: '"7" is not a week start: use 0 (Sunday) to 6 (Saturday).',
    });
  });
});

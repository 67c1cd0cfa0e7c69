import { describe, expect, it } from 'vitest';
import {
  addDays,
  type Calendar,
  dayCount,
  formatPeriod,
  type Grain,
  type Period,
  parsePeriod,
  periodContaining,
  periodsInRange,
} from '../../../src/core/periods/index.ts';
import { invalidInput } from './invalid-input.ts';

const calendar = (fiscalYearStartMonth: number, weekStart = 1): Calendar => ({
  timeZone: 'Asia/Riyadh',
  fiscalYearStartMonth,
  weekStart,
});
const gregorian = calendar(1);
const april = calendar(4);
const GRAINS: Grain[] = ['day', 'week', 'month', 'quarter', 'year', 'fiscal_quarter', 'fiscal_year'];

describe('parsePeriod', () => {
  it('reads every form', () => {
    const read = (text: string, cal = april) => {
      const { grain, start, end, label } = parsePeriod(text, cal);
      return `${grain} ${start}..${end} ${label}`;
    };
    expect(read('2027')).toBe('year 2027-01-01..2027-12-31 2027');
    expect(read('2027-Q2')).toBe('quarter 2027-04-01..2027-06-30 2027-Q2');
    expect(read('2027-05')).toBe('month 2027-05-01..2027-05-31 2027-05');
    expect(read('2027-W14')).toBe('week 2027-04-05..2027-04-11 2027-W14');
    expect(read('2027-05-03')).toBe('day 2027-05-03..2027-05-03 2027-05-03');
    expect(read('2027-01-01..2027-03-31')).toBe('custom 2027-01-01..2027-03-31 2027-01-01..2027-03-31');
    expect(read('FY2027')).toBe('fiscal_year 2026-04-01..2027-03-31 FY2027');
    expect(read('FY2027-Q1')).toBe('fiscal_quarter 2026-04-01..2026-06-30 FY2027-Q1');
    expect(read('FY2027', gregorian)).toBe('fiscal_year 2027-01-01..2027-12-31 FY2027');
  });

  it('ignores surrounding blanks and letter case', () => {
    expect(parsePeriod('  fy2027-q1\n', april)).toEqual(parsePeriod('FY2027-Q1', april));
    expect(parsePeriod('2027-q2 ', april)).toEqual(parsePeriod('2027-Q2', april));
    expect(parsePeriod('\t2027-w14', april)).toEqual(parsePeriod('2027-W14', april));
    expect(parsePeriod('2027-01-01 .. 2027-03-31', april)).toEqual(
      parsePeriod('2027-01-01..2027-03-31', april),
    );
  });

  it('reads a single-digit week and labels it with two digits', () => {
    expect(parsePeriod('2027-W5', april).label).toBe('2027-W05');
  });

  it('reads the same week number as different days for different week starts', () => {
    const week = (weekStart: number) => {
      const { start, end } = parsePeriod('2027-W14', calendar(1, weekStart));
      return `${start}..${end}`;
    };
    expect(week(1)).toBe('2027-04-05..2027-04-11');
    expect(week(0)).toBe('2027-04-04..2027-04-10');
    expect(week(6)).toBe('2027-04-03..2027-04-09');
  });

  it('accepts week 53 only in years that have one', () => {
    expect(parsePeriod('2026-W53', calendar(1, 1)).start).toBe('2026-12-28');
    expect(parsePeriod('2025-W53', calendar(1, 0)).start).toBe('2025-12-28');
    expect(invalidInput(() => parsePeriod('2027-W53', calendar(1, 1)))).toEqual({
      code: 'invalid_input',
      field: 'period',
      message: '"2027-W53" is not a week: 2027 has weeks W01 to W52 when weeks start on Monday.',
    });
    expect(invalidInput(() => parsePeriod('2026-W53', calendar(1, 0))).message).toBe(
      '"2026-W53" is not a week: 2026 has weeks W01 to W52 when weeks start on Sunday.',
    );
    expect(invalidInput(() => parsePeriod('2027-W00', calendar(1, 6))).message).toBe(
      '"2027-W00" is not a week: 2027 has weeks W01 to W52 when weeks start on Saturday.',
    );
  });

  it('accepts Feb 29 in leap years only', () => {
    expect(parsePeriod('2028-02-29', gregorian).start).toBe('2028-02-29');
    expect(parsePeriod('2028-02-01..2028-02-29', gregorian).end).toBe('2028-02-29');
    expect(invalidInput(() => parsePeriod('2027-02-29', gregorian)).message).toBe(
      '"2027-02-29" is not a date: 2027-02 has 28 days.',
    );
    expect(invalidInput(() => parsePeriod('2027-02-01..2027-02-30', gregorian)).message).toBe(
      '"2027-02-30" is not a date: 2027-02 has 28 days.',
    );
  });

  it('gives Q1 of a leap year 91 days', () => {
    expect(dayCount(parsePeriod('2028-Q1', gregorian))).toBe(91);
    expect(dayCount(parsePeriod('2027-Q1', gregorian))).toBe(90);
  });

  it('lists the accepted forms when the text is no period at all', () => {
    const message =
      'is not a period: use 2027, 2027-Q2, 2027-05, 2027-W14, 2027-05-03, 2027-01-01..2027-03-31, FY2027 or FY2027-Q1.';
    for (const text of ['2027-Q5', 'FY2027-Q0', 'Q2 2027', '27', 'next month', '', '2027-05-03T10:00']) {
      expect(invalidInput(() => parsePeriod(text, april))).toEqual({
        code: 'invalid_input',
        field: 'period',
        message: `${JSON.stringify(text)} ${message}`,
      });
    }
  });

  it('says which part of the text is wrong when the form is right', () => {
    expect(invalidInput(() => parsePeriod('2027-13', april)).message).toBe(
      '"2027-13" is not a month: use 01 to 12, e.g. 2027-05.',
    );
    expect(invalidInput(() => parsePeriod('0000', april)).message).toBe(
      '"0000" is out of range: use years 0001 to 9999.',
    );
    expect(invalidInput(() => parsePeriod('2027-1-1..2027-03-31', april)).message).toBe(
      '"2027-1-1" is not a day: use YYYY-MM-DD, e.g. 2027-05-03.',
    );
  });

  it('rejects a range that ends before it starts and shows it the right way round', () => {
    expect(invalidInput(() => parsePeriod('2027-03-31..2027-01-01', april))).toEqual({
      code: 'invalid_input',
      field: 'period',
      message:
        '"2027-03-31..2027-01-01" ends before it starts: write the earlier day first, 2027-01-01..2027-03-31.',
    });
  });

  it('accepts a one-day range as a custom period', () => {
    expect(parsePeriod('2027-05-03..2027-05-03', april)).toEqual({
      grain: 'custom',
      start: '2027-05-03',
      end: '2027-05-03',
      label: '2027-05-03..2027-05-03',
    });
  });
});

describe('formatPeriod', () => {
  it('writes back the canonical text of every form', () => {
    const texts = [
      '2027',
      '2027-Q2',
      '2027-05',
      '2027-W14',
      '2027-05-03',
      '2027-01-01..2027-03-31',
      'FY2027',
      'FY2027-Q1',
    ];
    for (const text of texts) {
      expect(formatPeriod(parsePeriod(text, april), april)).toBe(text);
    }
    expect(formatPeriod(parsePeriod(' fy2027-q3 ', april), april)).toBe('FY2027-Q3');
  });

  it('round-trips every period of every grain through text, for several calendars', () => {
    const calendars = [calendar(1, 1), calendar(4, 0), calendar(7, 6), calendar(10, 1)];
    for (const cal of calendars) {
      for (const grain of GRAINS) {
        for (let day = '2026-12-20'; day <= '2029-01-10'; day = addDays(day, 5)) {
          const period = periodContaining(grain, day, cal);
          const text = formatPeriod(period, cal);
          expect(text).toBe(period.label);
          expect(parsePeriod(text, cal)).toEqual(period);
        }
      }
    }
  });

  it('writes a bucket clipped to a range as the range it covers', () => {
    const [first] = periodsInRange('month', { start: '2027-05-10', end: '2027-07-20' }, april);
    expect(first).toEqual({ grain: 'month', start: '2027-05-10', end: '2027-05-31', label: '2027-05' });
    const text = formatPeriod(first as Period, april);
    expect(text).toBe('2027-05-10..2027-05-31');
    expect(parsePeriod(text, april)).toMatchObject({ start: '2027-05-10', end: '2027-05-31' });
  });

  it('rejects a period whose days are not real', () => {
    const broken: Period = { grain: 'month', start: '2027-02-01', end: '2027-02-30', label: '2027-02' };
    expect(invalidInput(() => formatPeriod(broken, april))).toEqual({
      code: 'invalid_input',
      field: 'end',
      message: '"2027-02-30" is not a date: 2027-02 has 28 days.',
    });
  });
});

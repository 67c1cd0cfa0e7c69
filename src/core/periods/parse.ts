/**
 * The text form of a period, as people type it and as URLs and CSV carry it.
 *
 * One spelling per period, so a label can be a key: '2027', '2027-Q2',
 * '2027-05', '2027-W14' (week-year and week, see weeks.ts), '2027-05-03',
 * '2027-01-01..2027-03-31', 'FY2027', 'FY2027-Q1'. Reading is forgiving only
 * about blanks around the text and letter case.
 */
import { invalid } from '../errors.ts';
import {
  checkCalendar,
  checkPeriod,
  customPeriod,
  dayPeriod,
  fiscalQuarterPeriod,
  fiscalYearPeriod,
  isWholePeriod,
  monthPeriod,
  periodContaining,
  quarterPeriod,
  weekPeriod,
  yearPeriod,
} from './calendar.ts';
import { civilOf, pad, quote } from './days.ts';
import type { Calendar, Period } from './types.ts';
import { weeksInWeekYear } from './weeks.ts';

const FORMS = '2027, 2027-Q2, 2027-05, 2027-W14, 2027-05-03, 2027-01-01..2027-03-31, FY2027 or FY2027-Q1';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function yearFrom(digits: string | undefined, input: string): number {
  const year = Number(digits);
  if (year < 1) throw invalid(`${quote(input)} is out of range: use years 0001 to 9999.`, 'period');
  return year;
}

type Reader = (match: RegExpExecArray, input: string, cal: Calendar) => Period;

const READERS: ReadonlyArray<[RegExp, Reader]> = [
  [/^(\d{4})$/, (match, input) => yearPeriod(yearFrom(match[1], input))],
  [/^(\d{4})-Q([1-4])$/, (match, input) => quarterPeriod(yearFrom(match[1], input), Number(match[2]))],
  [
    /^(\d{4})-(\d{2})$/,
    (match, input) => {
      const month = Number(match[2]);
      if (month < 1 || month > 12) {
        throw invalid(`${quote(input)} is not a month: use 01 to 12, e.g. 2027-05.`, 'period');
      }
      return monthPeriod(yearFrom(match[1], input), month);
    },
  ],
  [
    /^(\d{4})-W(\d{1,2})$/,
    (match, input, cal) => {
      const weekYear = yearFrom(match[1], input);
      const week = Number(match[2]);
      const weeks = weeksInWeekYear(weekYear, cal.weekStart);
      if (week < 1 || week > weeks) {
        throw invalid(
          `${quote(input)} is not a week: ${pad(weekYear, 4)} has weeks W01 to W${weeks} when weeks start on ${WEEKDAYS[cal.weekStart]}.`,
          'period',
        );
      }
      return weekPeriod(weekYear, week, cal);
    },
  ],
  [
    /^\d{4}-\d{2}-\d{2}$/,
    (match) => {
      civilOf(match[0], 'period');
      return dayPeriod(match[0]);
    },
  ],
  [
    /^(.+?)\s*\.\.\s*(.+)$/,
    (match) => {
      const [start, end] = [match[1] ?? '', match[2] ?? ''];
      civilOf(start, 'period');
      civilOf(end, 'period');
      if (end < start) {
        throw invalid(
          `${quote(match[0])} ends before it starts: write the earlier day first, ${end}..${start}.`,
          'period',
        );
      }
      return customPeriod(start, end);
    },
  ],
  [/^FY(\d{4})$/, (match, input, cal) => fiscalYearPeriod(yearFrom(match[1], input), cal)],
  [
    /^FY(\d{4})-Q([1-4])$/,
    (match, input, cal) => fiscalQuarterPeriod(yearFrom(match[1], input), Number(match[2]), cal),
  ],
];

export function parsePeriod(text: string, cal: Calendar): Period {
  checkCalendar(cal);
  const input = typeof text === 'string' ? text.trim() : '';
  for (const [pattern, read] of READERS) {
    const match = pattern.exec(input.toUpperCase());
    if (match) return read(match, input, cal);
  }
  throw invalid(`${quote(text)} is not a period: use ${FORMS}.`, 'period');
}

/**
 * Writes the text `parsePeriod` reads back as the same days. A bucket clipped
 * by `periodsInRange` has no grain name that covers exactly its days, so it
 * is written as a range.
 */
export function formatPeriod(period: Period, cal: Calendar): string {
  checkCalendar(cal);
  checkPeriod(period);
  return isWholePeriod(period, cal)
    ? periodContaining(period.grain, period.start, cal).label
    : customPeriod(period.start, period.end).label;
}

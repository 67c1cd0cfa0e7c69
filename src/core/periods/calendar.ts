/**
 * The named periods of an org's calendar and the day each one starts on.
 *
 * Fiscal years are named by the calendar year in which they end (the US
 * federal and Microsoft convention): with an April start, FY2027 runs
 * 2026-04-01..2027-03-31 and its Q1 is 2026-04-01..2026-06-30. With a January
 * start, FY2027 is calendar 2027, so fiscal and calendar grains coincide.
 */
import { invalid } from '../errors.ts';
import {
  civilOf,
  type Day,
  dayFromNumber,
  dayNumberOf,
  daysInMonth,
  formatCivil,
  orderedRangeNumbers,
  pad,
  quote,
} from './days.ts';
import { type Calendar, GRAINS, type Grain, type Period } from './types.ts';
import { firstDayOfNumberedWeek, weekLabel, weekNumberOf } from './weeks.ts';

/** Settings come from the database or an API body, so they are checked where they are used. */
export function checkCalendar(cal: Calendar): void {
  const month = cal.fiscalYearStartMonth;
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw invalid(
      `${quote(month)} is not a fiscal year start month: use 1 (January) to 12 (December).`,
      'fiscalYearStartMonth',
    );
  }
  const weekStart = cal.weekStart;
  if (!Number.isInteger(weekStart) || weekStart < 0 || weekStart > 6) {
    throw invalid(`${quote(weekStart)} is not a week start: use 0 (Sunday) to 6 (Saturday).`, 'weekStart');
  }
}

export function checkGrain(grain: Grain): void {
  if (!GRAINS.includes(grain)) {
    throw invalid(
      `${quote(grain)} is not a grain: use day, week, month, quarter, year, fiscal_quarter or fiscal_year.`,
      'grain',
    );
  }
}

export function fiscalYearOf(day: Day, cal: Calendar): number {
  checkCalendar(cal);
  const { year, month } = civilOf(day);
  return cal.fiscalYearStartMonth > 1 && month >= cal.fiscalYearStartMonth ? year + 1 : year;
}

/** Every grain from month up is a run of whole months; `firstMonth` is 1-based and may pass 12. */
function monthsPeriod(grain: Grain, year: number, firstMonth: number, months: number, label: string): Period {
  const firstIndex = year * 12 + firstMonth - 1;
  const lastIndex = firstIndex + months - 1;
  const [endYear, endMonth] = [Math.floor(lastIndex / 12), (lastIndex % 12) + 1];
  return {
    grain,
    start: formatCivil(Math.floor(firstIndex / 12), (firstIndex % 12) + 1, 1),
    end: formatCivil(endYear, endMonth, daysInMonth(endYear, endMonth)),
    label,
  };
}

export const dayPeriod = (day: Day): Period => ({ grain: 'day', start: day, end: day, label: day });

export function weekPeriod(weekYear: number, week: number, cal: Calendar): Period {
  const first = firstDayOfNumberedWeek(weekYear, week, cal.weekStart);
  return {
    grain: 'week',
    start: dayFromNumber(first),
    end: dayFromNumber(first + 6),
    label: weekLabel(weekYear, week),
  };
}

export const monthPeriod = (year: number, month: number) =>
  monthsPeriod('month', year, month, 1, `${pad(year, 4)}-${pad(month, 2)}`);

export const quarterPeriod = (year: number, quarter: number) =>
  monthsPeriod('quarter', year, (quarter - 1) * 3 + 1, 3, `${pad(year, 4)}-Q${quarter}`);

export const yearPeriod = (year: number) => monthsPeriod('year', year, 1, 12, pad(year, 4));

const fiscalYearStart = (fiscalYear: number, cal: Calendar) =>
  cal.fiscalYearStartMonth === 1 ? fiscalYear : fiscalYear - 1;

export const fiscalYearPeriod = (fiscalYear: number, cal: Calendar) =>
  monthsPeriod(
    'fiscal_year',
    fiscalYearStart(fiscalYear, cal),
    cal.fiscalYearStartMonth,
    12,
    `FY${pad(fiscalYear, 4)}`,
  );

export const fiscalQuarterPeriod = (fiscalYear: number, quarter: number, cal: Calendar) =>
  monthsPeriod(
    'fiscal_quarter',
    fiscalYearStart(fiscalYear, cal),
    cal.fiscalYearStartMonth + (quarter - 1) * 3,
    3,
    `FY${pad(fiscalYear, 4)}-Q${quarter}`,
  );

export const customPeriod = (start: Day, end: Day): Period => ({
  grain: 'custom',
  start,
  end,
  label: `${start}..${end}`,
});

export function periodContaining(grain: Grain, day: Day, cal: Calendar): Period {
  checkGrain(grain);
  checkCalendar(cal);
  const { year, month } = civilOf(day);
  switch (grain) {
    case 'day':
      return dayPeriod(day);
    case 'week': {
      const { weekYear, week } = weekNumberOf(dayNumberOf(day), cal.weekStart);
      return weekPeriod(weekYear, week, cal);
    }
    case 'month':
      return monthPeriod(year, month);
    case 'quarter':
      return quarterPeriod(year, Math.floor((month - 1) / 3) + 1);
    case 'year':
      return yearPeriod(year);
    case 'fiscal_year':
      return fiscalYearPeriod(fiscalYearOf(day, cal), cal);
    case 'fiscal_quarter': {
      const monthsIntoYear = (month - cal.fiscalYearStartMonth + 12) % 12;
      return fiscalQuarterPeriod(fiscalYearOf(day, cal), Math.floor(monthsIntoYear / 3) + 1, cal);
    }
  }
}

/** Whether a period is one whole bucket of its grain, not a custom run or a clipped bucket. */
export function isWholePeriod(period: Period, cal: Calendar): period is Period & { grain: Grain } {
  if (period.grain === 'custom') return false;
  const whole = periodContaining(period.grain, period.start, cal);
  return whole.start === period.start && whole.end === period.end;
}

/** Checks a period handed in from outside: real days, in order, a known grain. */
export function checkPeriod(period: Period): void {
  if (period.grain !== 'custom') checkGrain(period.grain);
  orderedRangeNumbers(period);
}

/**
 * Calendar arithmetic on days written 'YYYY-MM-DD' (the API's days, in the
 * org's time zone): the dashboard's "this month / quarter / fiscal year to
 * date" and the same stretch of the period before, for the change a KPI
 * tile shows. Pure: `today` is always a parameter.
 */

export interface DayRange {
  start: string;
  end: string;
}

export type PeriodKind = 'month' | 'quarter' | 'year';

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function toUtc(day: string): number {
  const match = dayPattern.exec(day);
  if (!match) throw new RangeError(`Not a day in YYYY-MM-DD form: "${day}".`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  return fromUtc(toUtc(day) + days * 86_400_000);
}

/** Whole days from a to b: 2027-01-01 → 2027-01-31 is 30. */
export function daysBetween(a: string, b: string): number {
  return Math.round((toUtc(b) - toUtc(a)) / 86_400_000);
}

/** The first day of the month `months` after (or before) the month of `day`. */
function monthStart(year: number, monthIndex: number): string {
  return fromUtc(Date.UTC(year, monthIndex, 1));
}

/**
 * The month, quarter or year that contains `day`. Quarters and years are
 * fiscal: they start in `fiscalStartMonth` (1 = January).
 */
export function periodContaining(kind: PeriodKind, day: string, fiscalStartMonth = 1): DayRange {
  const date = new Date(toUtc(day));
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const length = kind === 'month' ? 1 : kind === 'quarter' ? 3 : 12;
  const offset = kind === 'month' ? 0 : fiscalStartMonth - 1;
  // Months since the fiscal year's first month, floored to the period length.
  const since = (((month - offset) % 12) + 12) % 12;
  const startIndex = month - (since % length);
  const start = monthStart(year, startIndex);
  return { start, end: addDays(monthStart(year, startIndex + length), -1) };
}

/** The period just before the one that starts on `current.start`. */
export function previousPeriod(kind: PeriodKind, current: DayRange, fiscalStartMonth = 1): DayRange {
  return periodContaining(kind, addDays(current.start, -1), fiscalStartMonth);
}

/**
 * This period up to today, and the same number of days from the start of
 * the period before, cut at its end: a fair "versus last period" while the
 * current one is still running.
 */
export function toDateWindows(
  kind: PeriodKind,
  today: string,
  fiscalStartMonth = 1,
): { current: DayRange; previous: DayRange; period: DayRange } {
  const period = periodContaining(kind, today, fiscalStartMonth);
  const previousWhole = previousPeriod(kind, period, fiscalStartMonth);
  const elapsed = daysBetween(period.start, today);
  const previousEnd = addDays(previousWhole.start, elapsed);
  return {
    period,
    current: { start: period.start, end: today },
    previous: {
      start: previousWhole.start,
      end: minDay(previousEnd, previousWhole.end),
    },
  };
}

/** The `months` whole calendar months ending with the month of `today` (a trend's span). */
export function lastMonths(today: string, months: number): DayRange {
  const date = new Date(toUtc(today));
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return {
    start: monthStart(year, month - months + 1),
    end: addDays(monthStart(year, month + 1), -1),
  };
}

/** A range as the API reads it: `2027-01-01..2027-03-31`. */
export function rangeText(range: DayRange): string {
  return `${range.start}..${range.end}`;
}

/** `2027-01-01..2027-03-31` → the range; null for anything else. */
export function parseRange(text: string | null): DayRange | null {
  const match = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(text ?? '');
  if (!match) return null;
  const [, start = '', end = ''] = match;
  return start <= end ? { start, end } : null;
}

export function minDay(a: string, b: string): string {
  return a < b ? a : b;
}

/**
 * Calendar days: 'YYYY-MM-DD' on the org's wall calendar, not instants.
 *
 * Day arithmetic never needs a time zone, so it runs on a plain day number
 * (days since 1970-01-01 in the proleptic Gregorian calendar) and never goes
 * through `Date`: its local-time methods would pull in the server's zone, and
 * `Date.UTC` maps years 0-99 to 1900-1999. Years are kept to 0001..9999 so
 * that every day prints as exactly 'YYYY-MM-DD' and sorts as text.
 *
 * A range `{ start, end }` is inclusive at both ends. When counting, one that
 * ends before it starts is empty rather than an error, because "the rest of
 * the period" (tomorrow..end) is empty on a period's last day and pace code
 * counts it as 0 days. A `Period`, being something a user named, must be in
 * order (see `orderedRangeNumbers`).
 */
import { invalid } from '../errors.ts';

export type Day = string;

export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export const DAY_MS = 86_400_000;
const MIN_YEAR = 1;
const MAX_YEAR = 9999;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** Quotes user text in messages so that blanks and odd characters stay visible. */
export const quote = (text: unknown) => JSON.stringify(String(text));

function problemWithDay(text: unknown): string | null {
  const match = typeof text === 'string' ? DAY_PATTERN.exec(text) : null;
  if (!match) return `${quote(text)} is not a day: use YYYY-MM-DD, e.g. 2027-05-03.`;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < MIN_YEAR) return `${quote(text)} is out of range: use years 0001 to 9999.`;
  if (month < 1 || month > 12) return `${quote(text)} is not a date: months run 01 to 12.`;
  const length = daysInMonth(year, month);
  if (day < 1 || day > length) {
    return `${quote(text)} is not a date: ${pad(year, 4)}-${pad(month, 2)} has ${length} days.`;
  }
  return null;
}

export function isValidDay(text: string): boolean {
  return problemWithDay(text) === null;
}

/** Reads a day the caller handed us, naming `field` in the error when it is malformed. */
export function civilOf(day: Day, field = 'day'): CivilDate {
  const problem = problemWithDay(day);
  if (problem) throw invalid(problem, field);
  return { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8, 10)) };
}

export function formatCivil(year: number, month: number, day: number): Day {
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw invalid(`The result falls outside the supported years 0001 to 9999 (year ${year}).`);
  }
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Days since 1970-01-01 (H. Hinnant's days_from_civil: exact for any Gregorian date). */
export function dayNumberOfCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function dayNumberOf(day: Day, field = 'day'): number {
  const civil = civilOf(day, field);
  return dayNumberOfCivil(civil.year, civil.month, civil.day);
}

/** The inverse of `dayNumberOfCivil` (H. Hinnant's civil_from_days). */
export function civilFromNumber(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return {
    year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1,
  };
}

export function dayFromNumber(dayNumber: number): Day {
  const civil = civilFromNumber(dayNumber);
  return formatCivil(civil.year, civil.month, civil.day);
}

/** For inputs that must be a real period, where an empty range is a mistake rather than a count of 0. */
export function orderedRangeNumbers(range: { start: Day; end: Day }): [first: number, last: number] {
  const first = dayNumberOf(range.start, 'start');
  const last = dayNumberOf(range.end, 'end');
  if (last < first) {
    throw invalid(`The period ${range.start}..${range.end} ends before it starts.`, 'period');
  }
  return [first, last];
}

function requireWholeNumber(n: number, unit: string): void {
  if (!Number.isSafeInteger(n)) throw invalid(`${quote(n)} is not a whole number of ${unit}.`, 'n');
}

export function addDays(day: Day, n: number): Day {
  requireWholeNumber(n, 'days');
  return dayFromNumber(dayNumberOf(day) + n);
}

/**
 * Moves by calendar months and clamps to the month's end (Jan 31 + 1 month =
 * Feb 28/29), the rule people use for "same day next month" and the one that
 * keeps a month-end date a month-end date when going back to a longer month.
 */
export function addMonths(day: Day, n: number): Day {
  requireWholeNumber(n, 'months');
  const civil = civilOf(day);
  const monthIndex = civil.year * 12 + (civil.month - 1) + n;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  return formatCivil(year, month, Math.min(civil.day, daysInMonth(year, month)));
}

export function daysBetween(a: Day, b: Day): number {
  return dayNumberOf(b, 'b') - dayNumberOf(a, 'a');
}

export function dayCount(range: { start: Day; end: Day }): number {
  return Math.max(0, dayNumberOf(range.end, 'end') - dayNumberOf(range.start, 'start') + 1);
}

/** 0 = Sunday, as `Date#getUTCDay`; 1970-01-01 was a Thursday. */
export function weekdayOf(day: Day): number {
  return weekdayOfNumber(dayNumberOf(day));
}

export const weekdayOfNumber = (dayNumber: number) => (((dayNumber + 4) % 7) + 7) % 7;

/**
 * Counts in whole weeks first so that a multi-year range costs no more than a
 * week; `workingDays` is the org's working week, e.g. [0, 1, 2, 3, 4] for
 * Sunday-Thursday.
 */
export function workingDaysIn(range: { start: Day; end: Day }, workingDays: readonly number[]): number {
  const working = new Set<number>();
  for (const weekday of workingDays) {
    if (!Number.isInteger(weekday) || weekday < 0 || weekday > 6) {
      throw invalid(`${quote(weekday)} is not a weekday: use 0 (Sunday) to 6 (Saturday).`, 'workingDays');
    }
    working.add(weekday);
  }
  const first = dayNumberOf(range.start, 'start');
  const total = Math.max(0, dayNumberOf(range.end, 'end') - first + 1);
  const fullWeeks = Math.floor(total / 7);
  let count = fullWeeks * working.size;
  for (let dayNumber = first + fullWeeks * 7; dayNumber < first + total; dayNumber++) {
    if (working.has(weekdayOfNumber(dayNumber))) count++;
  }
  return count;
}

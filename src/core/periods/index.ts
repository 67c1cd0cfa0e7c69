/**
 * Periods: the calendar every goal, metric and pace figure is cut by.
 *
 * Pure and clock-free: the current instant is always an argument, so tests
 * pin time. Two kinds of time appear and never mix implicitly:
 * - instants, UTC epoch milliseconds, which is how facts are stored;
 * - days, 'YYYY-MM-DD' on the org's wall calendar, which is how periods are
 *   defined. `dayOf` and `periodBounds` are the only bridges, and both take
 *   the org's IANA time zone.
 *
 * Conventions a newcomer would ask about (each explained where it lives):
 * fiscal years are named by the year they end in (calendar.ts); weeks follow
 * the ISO 8601 rule shifted to the org's week start (weeks.ts); period bounds
 * are half-open instants, so DST days are 23 or 25 hours (zone.ts); whole
 * buckets step by their grain, while custom ranges and clipped buckets (such
 * as month-to-date) become custom ranges when compared (navigate.ts).
 */
export { fiscalYearOf, periodContaining } from './calendar.ts';
export type { Day } from './days.ts';
export {
  addDays,
  addMonths,
  dayCount,
  daysBetween,
  isValidDay,
  weekdayOf,
  workingDaysIn,
} from './days.ts';
export {
  currentPeriod,
  periodsInRange,
  previousPeriod,
  samePeriodLastYear,
} from './navigate.ts';
export { formatPeriod, parsePeriod } from './parse.ts';
export type { Calendar, Grain, Period } from './types.ts';
export { dayOf, periodBounds, startOfDayMs } from './zone.ts';

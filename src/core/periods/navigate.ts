/**
 * Moving between periods: the current one, a series of buckets, and the
 * periods a goal is compared with (the one before, the same one last year).
 *
 * A whole bucket steps by its grain, so March's previous period is February
 * even though the two differ in length. Anything else (a custom range, a
 * clipped bucket such as month-to-date) has no grain to step by and becomes a
 * custom range: the same number of days just before it, or the same dates a
 * year earlier.
 */

import {
  checkCalendar,
  checkGrain,
  checkPeriod,
  customPeriod,
  isWholePeriod,
  periodContaining,
  weekPeriod,
} from './calendar.ts';
import { addDays, addMonths, type Day, dayCount, dayFromNumber, dayNumberOf } from './days.ts';
import type { Calendar, Grain, Period } from './types.ts';
import { weekNumberOf, weeksInWeekYear } from './weeks.ts';
import { dayOf } from './zone.ts';

export function currentPeriod(grain: Grain, nowMs: number, cal: Calendar): Period {
  return periodContaining(grain, dayOf(nowMs, cal.timeZone), cal);
}

/**
 * The buckets of a series, e.g. the 12 months of a fiscal year. The first and
 * last are clipped to the range so that the buckets add up to exactly the
 * range, and keep their bucket's label for the chart axis. An empty range
 * (ending before it starts) has no buckets.
 */
export function periodsInRange(grain: Grain, range: { start: Day; end: Day }, cal: Calendar): Period[] {
  checkGrain(grain);
  checkCalendar(cal);
  const last = dayNumberOf(range.end, 'end');
  const buckets: Period[] = [];
  for (let dayNumber = dayNumberOf(range.start, 'start'); dayNumber <= last; ) {
    const day = dayFromNumber(dayNumber);
    const bucket = periodContaining(grain, day, cal);
    const bucketLast = dayNumberOf(bucket.end);
    // Only the first bucket can start before the range, and only the last end after it.
    buckets.push({ ...bucket, start: day, end: bucketLast > last ? range.end : bucket.end });
    dayNumber = bucketLast + 1;
  }
  return buckets;
}

export function previousPeriod(period: Period, cal: Calendar): Period {
  checkCalendar(cal);
  checkPeriod(period);
  if (isWholePeriod(period, cal)) {
    return periodContaining(period.grain, addDays(period.start, -1), cal);
  }
  const length = dayCount(period);
  return customPeriod(addDays(period.start, -length), addDays(period.start, -1));
}

/**
 * Feb 29 maps to Feb 28, as `addMonths` clamps. A week maps to the week with
 * the same number a week-year earlier (week 53 to week 52 when that year has
 * no 53rd), keeping weekdays aligned, which a 365-day shift would not.
 */
export function samePeriodLastYear(period: Period, cal: Calendar): Period {
  checkCalendar(cal);
  checkPeriod(period);
  if (!isWholePeriod(period, cal)) {
    return customPeriod(addMonths(period.start, -12), addMonths(period.end, -12));
  }
  if (period.grain === 'week') {
    const { weekYear, week } = weekNumberOf(dayNumberOf(period.start), cal.weekStart);
    const lastYearsWeeks = weeksInWeekYear(weekYear - 1, cal.weekStart);
    return weekPeriod(weekYear - 1, Math.min(week, lastYearsWeeks), cal);
  }
  return periodContaining(period.grain, addMonths(period.start, -12), cal);
}

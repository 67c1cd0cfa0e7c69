/**
 * Week numbering: the ISO 8601 rule, moved to the org's first day of the week.
 *
 * A week is seven days from the org's `weekStart` and belongs to the year that
 * holds most of it (at least 4 of its 7 days), which is the year of its 4th
 * day. So week 1 of year Y is the week that contains Y-01-04, a year has 52 or
 * 53 weeks, and Dec 29-31 can be in week 1 of the next year while Jan 1-3 can
 * be in the last week of the previous one: a week label's year is the year of
 * the week, not always the year of each of its days.
 *
 * With Monday this is exactly ISO 8601 week numbering; with Sunday it is the
 * US CDC's "MMWR week"; a Saturday-to-Friday org gets the same rule. It was
 * chosen over "week 1 is the week of Jan 1" because every week stays whole and
 * has a single number, so weekly targets split evenly and compare year on year.
 */
import { civilFromNumber, dayNumberOfCivil, pad, weekdayOfNumber } from './days.ts';

export function firstDayOfWeek(dayNumber: number, weekStart: number): number {
  return dayNumber - ((weekdayOfNumber(dayNumber) - weekStart + 7) % 7);
}

const firstDayOfWeekOne = (weekYear: number, weekStart: number) =>
  firstDayOfWeek(dayNumberOfCivil(weekYear, 1, 4), weekStart);

export function firstDayOfNumberedWeek(weekYear: number, week: number, weekStart: number): number {
  return firstDayOfWeekOne(weekYear, weekStart) + (week - 1) * 7;
}

export function weeksInWeekYear(weekYear: number, weekStart: number): number {
  return (firstDayOfWeekOne(weekYear + 1, weekStart) - firstDayOfWeekOne(weekYear, weekStart)) / 7;
}

export function weekNumberOf(dayNumber: number, weekStart: number): { weekYear: number; week: number } {
  const firstDay = firstDayOfWeek(dayNumber, weekStart);
  const weekYear = civilFromNumber(firstDay + 3).year;
  return { weekYear, week: (firstDay - firstDayOfWeekOne(weekYear, weekStart)) / 7 + 1 };
}

export const weekLabel = (weekYear: number, week: number) => `${pad(weekYear, 4)}-W${pad(week, 2)}`;

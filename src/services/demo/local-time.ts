import type { Random } from './random.ts';

/**
 * The demo company's wall clock. Asia/Riyadh has kept UTC+3 without daylight
 * saving since 1947, so a fixed offset is exact for every instant the demo
 * produces, and it is much cheaper than asking Intl for each of millions of rows.
 */
export const TIME_ZONE = 'Asia/Riyadh';
const OFFSET_MS = 3 * 3_600_000;
export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** Sunday to Thursday: the Saudi working week (0 = Sunday). */
export const WORKING_DAYS = [0, 1, 2, 3, 4];

/** Local day number: days since 1970-01-01 on the Riyadh calendar. */
export const localDay = (instant: number) => Math.floor((instant + OFFSET_MS) / DAY_MS);

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export const weekdayOfDay = (day: number) => (((day + 4) % 7) + 7) % 7;

/** The instant a local day begins. */
export const dayStart = (day: number) => day * DAY_MS - OFFSET_MS;

/** The instant the local month (0-based) begins; months past 11 roll into later years. */
export const monthStart = (year: number, month0: number) => Date.UTC(year, month0, 1) - OFFSET_MS;

export interface LocalDate {
  year: number;
  /** 0 = January. */
  month0: number;
  day: number;
}

/** The local calendar date of an instant (H. Hinnant's civil_from_days: integer math, no Date). */
export function localDate(instant: number): LocalDate {
  const z = localDay(instant) + 719_468;
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
    month0: month - 1,
    day: dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1,
  };
}

/** 'YYYY-MM-DD' of the local day holding `instant`. */
export const dayText = (instant: number) => new Date(instant + OFFSET_MS).toISOString().slice(0, 10);

/** Months since January of `firstYear`, on the local calendar. */
export function monthIndex(instant: number, firstYear: number): number {
  const { year, month0 } = localDate(instant);
  return (year - firstYear) * 12 + month0;
}

/**
 * Moves an instant onto a working day (Friday and Saturday go back to Thursday)
 * and gives it an office-hours time, 08:00 to 17:30.
 */
export function atWorkingTime(instant: number, rng: Random): number {
  let day = localDay(instant);
  const weekday = weekdayOfDay(day);
  if (weekday === 5) day -= 1;
  else if (weekday === 6) day -= 2;
  return dayStart(day) + 8 * HOUR_MS + Math.floor(rng.next() * 9.5 * HOUR_MS);
}

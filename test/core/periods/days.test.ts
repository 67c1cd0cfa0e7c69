import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dayCount,
  daysBetween,
  isValidDay,
  weekdayOf,
  workingDaysIn,
} from '../../../src/core/periods/index.ts';
import { invalidInput } from './invalid-input.ts';

const SUN_TO_THU = [0, 1, 2, 3, 4];
const MON_TO_FRI = [1, 2, 3, 4, 5];

describe('isValidDay', () => {
  it('accepts Feb 29 only in leap years, including the 400-year exception', () => {
    expect(isValidDay('2028-02-29')).toBe(true);
    expect(isValidDay('2000-02-29')).toBe(true);
    expect(isValidDay('2027-02-29')).toBe(false);
    expect(isValidDay('2100-02-29')).toBe(false);
  });

  it('rejects days that do not exist in their month', () => {
    expect(isValidDay('2027-04-31')).toBe(false);
    expect(isValidDay('2027-02-30')).toBe(false);
    expect(isValidDay('2027-13-01')).toBe(false);
    expect(isValidDay('2027-00-10')).toBe(false);
    expect(isValidDay('2027-01-00')).toBe(false);
  });

  it('accepts only the zero-padded YYYY-MM-DD form within years 0001..9999', () => {
    expect(isValidDay('2027-05-03')).toBe(true);
    expect(isValidDay('0001-01-01')).toBe(true);
    expect(isValidDay('9999-12-31')).toBe(true);
    for (const text of ['2027-5-3', '2027/05/03', ' 2027-05-03', '2027-05-03T00:00', '0000-01-01', '']) {
      expect(isValidDay(text)).toBe(false);
    }
  });
});

describe('day arithmetic', () => {
  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2027-05-03', 0)).toBe('2027-05-03');
    expect(addDays('1970-01-01', -1)).toBe('1969-12-31');
    expect(addDays('2027-01-01', 365)).toBe('2028-01-01');
  });

  it('adds months clamping to the end of shorter months', () => {
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2027-03-31', -1)).toBe('2027-02-28');
    expect(addMonths('2027-05-15', -5)).toBe('2026-12-15');
    expect(addMonths('2028-02-29', -12)).toBe('2027-02-28');
    expect(addMonths('2027-11-30', 14)).toBe('2029-01-30');
  });

  it('counts days between two days as b minus a', () => {
    expect(daysBetween('2027-01-01', '2027-12-31')).toBe(364);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
    expect(daysBetween('2027-03-01', '2027-02-01')).toBe(-28);
  });

  it('counts both ends of a range, and an inverted range as empty', () => {
    expect(dayCount({ start: '2027-05-03', end: '2027-05-03' })).toBe(1);
    expect(dayCount({ start: '2028-01-01', end: '2028-03-31' })).toBe(91);
    expect(dayCount({ start: '2027-05-04', end: '2027-05-03' })).toBe(0);
  });

  it('names weekdays with 0 as Sunday', () => {
    expect(weekdayOf('1970-01-01')).toBe(4);
    expect(weekdayOf('2027-01-03')).toBe(0);
    expect(weekdayOf('2027-01-04')).toBe(1);
    expect(weekdayOf('2026-12-31')).toBe(4);
    expect(weekdayOf('1969-12-28')).toBe(0);
  });

  it('agrees with Date on day numbers and weekdays over four centuries', () => {
    for (let offset = -150_000; offset <= 150_000; offset += 997) {
      const date = new Date(Date.UTC(2000, 0, 1 + offset));
      const expected = date.toISOString().slice(0, 10);
      expect(addDays('2000-01-01', offset)).toBe(expected);
      expect(weekdayOf(expected)).toBe(date.getUTCDay());
    }
  });
});

describe('workingDaysIn', () => {
  // 2027-05-02 is a Sunday: the range is Sunday..Saturday, then one more week.
  const twoWeeks = { start: '2027-05-02', end: '2027-05-15' };

  it('counts a Sunday-Thursday week and a Monday-Friday week differently over the same dates', () => {
    const fridayToSunday = { start: '2027-05-07', end: '2027-05-09' };
    expect(workingDaysIn(fridayToSunday, SUN_TO_THU)).toBe(1);
    expect(workingDaysIn(fridayToSunday, MON_TO_FRI)).toBe(1);
    const sundayOnly = { start: '2027-05-02', end: '2027-05-02' };
    expect(workingDaysIn(sundayOnly, SUN_TO_THU)).toBe(1);
    expect(workingDaysIn(sundayOnly, MON_TO_FRI)).toBe(0);
    const fridayOnly = { start: '2027-05-07', end: '2027-05-07' };
    expect(workingDaysIn(fridayOnly, SUN_TO_THU)).toBe(0);
    expect(workingDaysIn(fridayOnly, MON_TO_FRI)).toBe(1);
    expect(workingDaysIn(twoWeeks, SUN_TO_THU)).toBe(10);
    expect(workingDaysIn(twoWeeks, MON_TO_FRI)).toBe(10);
  });

  it('counts the working days of a month that starts and ends mid-week', () => {
    // March 2027: Monday the 1st to Wednesday the 31st.
    const march = { start: '2027-03-01', end: '2027-03-31' };
    expect(workingDaysIn(march, MON_TO_FRI)).toBe(23);
    expect(workingDaysIn(march, SUN_TO_THU)).toBe(23);
    // April 2027: Thursday the 1st to Friday the 30th, so it has one more Friday than Sunday.
    const april = { start: '2027-04-01', end: '2027-04-30' };
    expect(workingDaysIn(april, MON_TO_FRI)).toBe(22);
    expect(workingDaysIn(april, SUN_TO_THU)).toBe(21);
    // August 2027: Sunday the 1st to Tuesday the 31st, so it has one more Sunday than Friday.
    const august = { start: '2027-08-01', end: '2027-08-31' };
    expect(workingDaysIn(august, MON_TO_FRI)).toBe(22);
    expect(workingDaysIn(august, SUN_TO_THU)).toBe(23);
  });

  it('matches a day-by-day count over long ranges', () => {
    const start = '2026-01-01';
    for (const length of [0, 1, 6, 7, 8, 30, 365, 1000]) {
      const end = addDays(start, length - 1);
      let expected = 0;
      for (let i = 0; i < length; i++) if (SUN_TO_THU.includes(weekdayOf(addDays(start, i)))) expected++;
      expect(workingDaysIn({ start, end }, SUN_TO_THU)).toBe(expected);
    }
  });

  it('counts no working days in an empty range or an empty working week', () => {
    expect(workingDaysIn({ start: '2027-05-04', end: '2027-05-03' }, MON_TO_FRI)).toBe(0);
    expect(workingDaysIn(twoWeeks, [])).toBe(0);
  });

  it('ignores a weekday listed twice', () => {
    expect(workingDaysIn(twoWeeks, [1, 1, 2])).toBe(4);
  });

  it('rejects a working day outside 0..6', () => {
    expect(invalidInput(() => workingDaysIn(twoWeeks, [1, 7]))).toEqual({
      code: 'invalid_input',
      field: 'workingDays',
      message: '"7" is not a weekday: use 0 (Sunday) to 6 (Saturday).',
    });
  });
});

describe('bad days', () => {
  it('explains the accepted form when a day is malformed', () => {
    expect(invalidInput(() => addDays('03/05/2027', 1))).toEqual({
      code: 'invalid_input',
      field: 'day',
      message: '"03/05/2027" is not a day: use YYYY-MM-DD, e.g. 2027-05-03.',
    });
  });

  it('says how long the month is when the day does not exist', () => {
    expect(invalidInput(() => weekdayOf('2027-02-29')).message).toBe(
      '"2027-02-29" is not a date: 2027-02 has 28 days.',
    );
    expect(invalidInput(() => weekdayOf('2027-13-01')).message).toBe(
      '"2027-13-01" is not a date: months run 01 to 12.',
    );
  });

  it('names the end of the range that is wrong', () => {
    expect(invalidInput(() => dayCount({ start: '2027-01-01', end: '2027-04-31' })).field).toBe('end');
    expect(invalidInput(() => daysBetween('2027-1-1', '2027-01-02')).field).toBe('a');
  });

  it('rejects a fractional number of days or months', () => {
    expect(invalidInput(() => addDays('2027-01-01', 1.5)).message).toBe(
      '"1.5" is not a whole number of days.',
    );
    expect(invalidInput(() => addMonths('2027-01-01', Number.NaN)).message).toBe(
      '"NaN" is not a whole number of months.',
    );
  });

  it('refuses to leave the years 0001..9999', () => {
    expect(invalidInput(() => addDays('9999-12-31', 1)).message).toBe(
      'The result falls outside the supported years 0001 to 9999 (year 10000).',
    );
  });
});

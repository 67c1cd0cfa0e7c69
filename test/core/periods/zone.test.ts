import { describe, expect, it } from 'vitest';
import { addDays, dayOf, periodBounds, startOfDayMs } from '../../../src/core/periods/index.ts';
import { invalidInput } from './invalid-input.ts';

const HOUR = 3_600_000;
const utc = (iso: string) => Date.parse(iso);
const hoursIn = (start: string, end: string, timeZone: string) => {
  const { startMs, endMs } = periodBounds({ start, end }, timeZone);
  return (endMs - startMs) / HOUR;
};

describe('startOfDayMs', () => {
  it('puts midnight at a fixed offset in zones without daylight saving', () => {
    expect(startOfDayMs('2026-03-08', 'Asia/Riyadh')).toBe(utc('2026-03-07T21:00:00Z'));
    expect(startOfDayMs('2026-07-01', 'Asia/Riyadh')).toBe(utc('2026-06-30T21:00:00Z'));
    expect(startOfDayMs('2026-03-08', 'UTC')).toBe(utc('2026-03-08T00:00:00Z'));
  });

  it('handles half-hour and quarter-hour offsets', () => {
    expect(startOfDayMs('2026-03-08', 'Asia/Kolkata')).toBe(utc('2026-03-07T18:30:00Z'));
    expect(startOfDayMs('2026-03-08', 'Asia/Kathmandu')).toBe(utc('2026-03-07T18:15:00Z'));
  });

  it('uses the offset in force at midnight on each side of a DST change', () => {
    expect(startOfDayMs('2026-03-08', 'America/New_York')).toBe(utc('2026-03-08T05:00:00Z'));
    expect(startOfDayMs('2026-03-09', 'America/New_York')).toBe(utc('2026-03-09T04:00:00Z'));
    expect(startOfDayMs('2026-11-01', 'America/New_York')).toBe(utc('2026-11-01T04:00:00Z'));
    expect(startOfDayMs('2026-11-02', 'America/New_York')).toBe(utc('2026-11-02T05:00:00Z'));
    expect(startOfDayMs('2026-03-29', 'Europe/Berlin')).toBe(utc('2026-03-28T23:00:00Z'));
    expect(startOfDayMs('2026-03-30', 'Europe/Berlin')).toBe(utc('2026-03-29T22:00:00Z'));
  });

  it('starts a day whose midnight is skipped at the moment the clocks jump', () => {
    // Santiago springs forward from 00:00 to 01:00 (-04 to -03) on 2026-09-06.
    expect(startOfDayMs('2026-09-06', 'America/Santiago')).toBe(utc('2026-09-06T04:00:00Z'));
    expect(dayOf(utc('2026-09-06T04:00:00Z') - 1, 'America/Santiago')).toBe('2026-09-05');
    // Havana does the same on 2026-03-08.
    expect(startOfDayMs('2026-03-08', 'America/Havana')).toBe(utc('2026-03-08T05:00:00Z'));
  });

  it('starts a day whose midnight happens twice at the first one', () => {
    // Havana falls back from 01:00 to 00:00 on 2026-11-01.
    expect(startOfDayMs('2026-11-01', 'America/Havana')).toBe(utc('2026-11-01T04:00:00Z'));
    expect(hoursIn('2026-11-01', '2026-11-01', 'America/Havana')).toBe(25);
  });

  it('gives a day that a zone skipped entirely no length', () => {
    // Samoa moved across the date line: 2011-12-29 was followed by 2011-12-31.
    expect(hoursIn('2011-12-30', '2011-12-30', 'Pacific/Apia')).toBe(0);
    expect(startOfDayMs('2011-12-31', 'Pacific/Apia')).toBe(utc('2011-12-30T10:00:00Z'));
  });

  it('follows historical offsets that are not whole minutes', () => {
    // Riyadh kept local mean time, +03:06:52, until 1947.
    expect(startOfDayMs('1900-01-01', 'Asia/Riyadh')).toBe(utc('1899-12-31T20:53:08Z'));
  });

  it('returns the first instant of every day of a year, in zones with every kind of transition', () => {
    const zones = [
      'America/New_York',
      'Europe/Berlin',
      'Asia/Riyadh',
      'Asia/Kolkata',
      'America/Santiago',
      'America/Havana',
      'Australia/Lord_Howe',
      'Pacific/Chatham',
    ];
    for (const timeZone of zones) {
      for (let day = '2026-01-01'; day <= '2026-12-31'; day = addDays(day, 1)) {
        const start = startOfDayMs(day, timeZone);
        expect(dayOf(start, timeZone)).toBe(day);
        expect(dayOf(start - 1, timeZone)).toBe(addDays(day, -1));
      }
    }
  });
});

describe('periodBounds', () => {
  it('makes US and Berlin DST-change days 23 and 25 hours long', () => {
    expect(hoursIn('2026-03-08', '2026-03-08', 'America/New_York')).toBe(23);
    expect(hoursIn('2026-11-01', '2026-11-01', 'America/New_York')).toBe(25);
    expect(hoursIn('2026-03-29', '2026-03-29', 'Europe/Berlin')).toBe(23);
    expect(hoursIn('2026-10-25', '2026-10-25', 'Europe/Berlin')).toBe(25);
    expect(hoursIn('2026-10-25', '2026-10-25', 'Asia/Riyadh')).toBe(24);
  });

  it('bounds March 2026 in New York from EST midnight to EDT midnight', () => {
    expect(periodBounds({ start: '2026-03-01', end: '2026-03-31' }, 'America/New_York')).toEqual({
      startMs: utc('2026-03-01T05:00:00Z'),
      endMs: utc('2026-04-01T04:00:00Z'),
    });
    expect(hoursIn('2026-03-01', '2026-03-31', 'America/New_York')).toBe(31 * 24 - 1);
  });

  it('makes a whole year exactly 365 days of hours whatever the DST rules', () => {
    for (const timeZone of ['America/New_York', 'Europe/Berlin', 'Asia/Riyadh', 'Asia/Kolkata']) {
      expect(hoursIn('2026-01-01', '2026-12-31', timeZone)).toBe(365 * 24);
    }
  });

  it('makes adjacent periods share their bound', () => {
    const first = periodBounds({ start: '2026-03-01', end: '2026-03-08' }, 'America/New_York');
    const second = periodBounds({ start: '2026-03-09', end: '2026-03-31' }, 'America/New_York');
    expect(first.endMs).toBe(second.startMs);
  });

  it('rejects a period that ends before it starts', () => {
    expect(invalidInput(() => periodBounds({ start: '2026-03-02', end: '2026-03-01' }, 'UTC'))).toEqual({
      code: 'invalid_input',
      field: 'period',
      message: 'The period 2026-03-02..2026-03-01 ends before it starts.',
    });
  });
});

describe('dayOf', () => {
  it('reads the same instant as different days on either side of midnight', () => {
    const instant = utc('2026-06-30T21:30:00Z');
    expect(dayOf(instant, 'Asia/Riyadh')).toBe('2026-07-01');
    expect(dayOf(instant, 'Asia/Kolkata')).toBe('2026-07-01');
    expect(dayOf(instant, 'Europe/Berlin')).toBe('2026-06-30');
    expect(dayOf(instant, 'America/New_York')).toBe('2026-06-30');
    expect(dayOf(instant, 'UTC')).toBe('2026-06-30');
  });

  it('switches day exactly at local midnight, to the millisecond', () => {
    const midnight = utc('2026-06-30T21:00:00Z');
    expect(dayOf(midnight - 1, 'Asia/Riyadh')).toBe('2026-06-30');
    expect(dayOf(midnight, 'Asia/Riyadh')).toBe('2026-07-01');
    const kolkataMidnight = utc('2026-12-31T18:30:00Z');
    expect(dayOf(kolkataMidnight - 1, 'Asia/Kolkata')).toBe('2026-12-31');
    expect(dayOf(kolkataMidnight, 'Asia/Kolkata')).toBe('2027-01-01');
  });

  it('counts the late evening of a fall-back day as that day', () => {
    // 2026-11-01 23:30 EST is 2026-11-02T04:30Z.
    expect(dayOf(utc('2026-11-02T04:30:00Z'), 'America/New_York')).toBe('2026-11-01');
    expect(dayOf(utc('2026-11-02T05:00:00Z'), 'America/New_York')).toBe('2026-11-02');
  });

  it('reads days before 1970', () => {
    expect(dayOf(utc('1969-12-31T23:59:59.999Z'), 'UTC')).toBe('1969-12-31');
    expect(dayOf(utc('1960-01-01T12:00:00Z'), 'Asia/Riyadh')).toBe('1960-01-01');
  });

  it('rejects an unknown or empty time zone instead of using the server zone', () => {
    expect(invalidInput(() => dayOf(0, 'Mars/Olympus'))).toEqual({
      code: 'invalid_input',
      field: 'timeZone',
      message:
        '"Mars/Olympus" is not a time zone: use an IANA name such as Asia/Riyadh, Europe/Berlin or UTC.',
    });
    expect(invalidInput(() => startOfDayMs('2026-01-01', '')).field).toBe('timeZone');
  });

  it('rejects an instant that is not a number of milliseconds', () => {
    expect(invalidInput(() => dayOf(Number.NaN, 'UTC')).message).toBe(
      '"NaN" is not an instant: use epoch milliseconds.',
    );
  });
});

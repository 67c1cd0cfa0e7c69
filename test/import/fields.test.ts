import { describe, expect, it } from 'vitest';
import { compileDateFormat, DateReader } from '../../src/import/dates.ts';
import { LocalClock } from '../../src/import/local-time.ts';
import { decimalToNumber, minorDigits, numberReader, toMinorUnits } from '../../src/import/numbers.ts';

describe('numbers', () => {
  const us = numberReader({ thousands: ',', decimal: '.' });
  const eu = numberReader({ thousands: '.', decimal: ',' });
  const minor = (text: string, digits = 2, reader = us) => {
    const value = reader.read(text);
    return value && toMinorUnits(value, digits);
  };

  it('reads thousands separators, currency symbols and codes, and accounting negatives', () => {
    expect(minor('1,234,567.89')).toBe(123_456_789);
    expect(minor('$24,000.00')).toBe(2_400_000);
    expect(minor('  250  ')).toBe(25_000);
    expect(minor('USD 99')).toBe(9_900);
    expect(minor('(12.50)')).toBe(-1_250);
    expect(minor('-7')).toBe(-700);
    expect(us.read('USD 99')?.currency).toBe('USD');
    expect(minor('1.234,50', 2, eu)).toBe(123_450);
    expect(minor('1.234,50 €', 2, eu)).toBe(123_450);
  });

  it('refuses misplaced separators instead of guessing', () => {
    // "1,5" under US rules is neither 15 nor 1.5: a European file read with the wrong format.
    expect(us.read('1,5')).toBeNull();
    expect(us.read('1,2345')).toBeNull();
    expect(us.read('12a')).toBeNull();
    expect(us.read('1e5')).toBeNull();
    expect(eu.read('1,234.50')).toBeNull();
  });

  it('converts to minor units by the currency digits without floating point, rounding half up', () => {
    expect([minorDigits('USD'), minorDigits('KWD'), minorDigits('JPY')]).toEqual([2, 3, 0]);
    expect(minor('1,250.125', minorDigits('KWD'))).toBe(1_250_125);
    expect(minor('1500', minorDigits('JPY'))).toBe(1_500);
    // 0.1 + 0.2 style errors cannot happen: digits are joined as text.
    expect(minor('0.29')).toBe(29);
    expect(minor('19.995')).toBe(2_000);
    expect(minor('19.994')).toBe(1_999);
    expect(minor('99999999999999999')).toBeNull();
    expect(decimalToNumber(us.read('2.5') as NonNullable<ReturnType<typeof us.read>>)).toBe(2.5);
  });
});

describe('date formats', () => {
  it('reads ISO dates and date-times, with or without seconds, fraction and offset, hours unpadded', () => {
    const iso = new DateReader(['ISO']);
    expect(iso.read('2024-03-05')).toEqual({
      year: 2024,
      month: 3,
      day: 5,
      msOfDay: null,
      offsetMinutes: null,
    });
    expect(iso.read('2024-03-05 9:05')).toMatchObject({
      msOfDay: (9 * 60 + 5) * 60_000,
      offsetMinutes: null,
    });
    expect(iso.read('2024-03-05T09:05:07.250Z')).toMatchObject({
      msOfDay: ((9 * 60 + 5) * 60 + 7) * 1000 + 250,
      offsetMinutes: 0,
    });
    expect(iso.read('2024-01-02T09:15:00.000+0000')).toMatchObject({ offsetMinutes: 0 });
    expect(iso.read('2024-01-02 09:15+03:00')).toMatchObject({ offsetMinutes: 180 });
    expect(iso.read('2024-01-02T09:15:00-0530')).toMatchObject({ offsetMinutes: -330 });
  });

  it('reads day-first, month-first and 12-hour patterns', () => {
    const eu = new DateReader(['DD/MM/YYYY H:mm', 'DD/MM/YYYY']);
    expect(eu.read('03/01/2024 9:05')).toMatchObject({ year: 2024, month: 1, day: 3, msOfDay: 545 * 60_000 });
    expect(eu.read('28/02/2024')).toMatchObject({ month: 2, day: 28, msOfDay: null });
    const us = new DateReader(['M/D/YYYY h:mm A', 'M/D/YYYY']);
    expect(us.read('3/7/2024 12:30 AM')).toMatchObject({ month: 3, day: 7, msOfDay: 30 * 60_000 });
    expect(us.read('3/7/2024 12:30 pm')).toMatchObject({ msOfDay: (12 * 60 + 30) * 60_000 });
    expect(us.read('3/7/2024 1:05 P.M.')).toMatchObject({ msOfDay: (13 * 60 + 5) * 60_000 });
    expect(new DateReader(['D MMM YYYY']).read('5 Sept 2024')).toMatchObject({ month: 9, day: 5 });
  });

  it('says what it expected when a value is not a date, including impossible days', () => {
    const iso = new DateReader(['ISO']);
    expect(iso.read('31/02/2024')).toBe('"31/02/2024" is not a date (expected YYYY-MM-DD)');
    expect(iso.read('2024-02-30')).toBe('"2024-02-30" is not a date (expected YYYY-MM-DD)');
    expect(iso.read('2023-02-29')).toMatch(/is not a date/);
    expect(iso.read('2024-02-29')).toMatchObject({ day: 29 });
    expect(iso.read('2024-03-05 24:00')).toMatch(/is not a date/);
    expect(new DateReader(['DD/MM/YYYY']).read('2024-01-03')).toBe(
      '"2024-01-03" is not a date (expected DD/MM/YYYY)',
    );
  });

  it('refuses a pattern without a year, month and day, or mixing clocks', () => {
    expect(() => compileDateFormat('MM/YYYY')).toThrow(/needs a year .* a month .* and a day/);
    expect(() => compileDateFormat('DD/MM/YYYY h:mm')).toThrow(/12-hour and 24-hour/);
  });
});

describe('LocalClock', () => {
  it("places wall-clock times in the org's zone and honours a written offset", () => {
    const riyadh = new LocalClock('Asia/Riyadh');
    // Riyadh is UTC+3 all year: 09:05 local is 06:05 UTC.
    expect(riyadh.instant({ year: 2024, month: 3, day: 1, msOfDay: 545 * 60_000, offsetMinutes: null })).toBe(
      Date.UTC(2024, 2, 1, 6, 5),
    );
    expect(riyadh.instant({ year: 2024, month: 3, day: 1, msOfDay: null, offsetMinutes: null })).toBe(
      Date.UTC(2024, 1, 29, 21),
    );
    expect(riyadh.instant({ year: 2024, month: 3, day: 1, msOfDay: 545 * 60_000, offsetMinutes: 0 })).toBe(
      Date.UTC(2024, 2, 1, 9, 5),
    );
  });

  it('resolves times on daylight-saving days: repeated times take the first, skipped ones move forward', () => {
    const berlin = new LocalClock('Europe/Berlin');
    const at = (month: number, day: number, hour: number, minute: number) =>
      berlin.instant({ year: 2024, month, day, msOfDay: (hour * 60 + minute) * 60_000, offsetMinutes: null });
    // 2024-03-31: 02:00 CET jumps to 03:00 CEST. 01:30 is CET (UTC+1), 03:30 CEST (UTC+2).
    expect(at(3, 31, 1, 30)).toBe(Date.UTC(2024, 2, 31, 0, 30));
    expect(at(3, 31, 3, 30)).toBe(Date.UTC(2024, 2, 31, 1, 30));
    // 02:30 never happens: it is read as 03:30 CEST, like Temporal's 'compatible'.
    expect(at(3, 31, 2, 30)).toBe(Date.UTC(2024, 2, 31, 1, 30));
    // 2024-10-27: 03:00 CEST falls back to 02:00 CET; 02:30 happens twice: the first (CEST, UTC+2).
    expect(at(10, 27, 2, 30)).toBe(Date.UTC(2024, 9, 27, 0, 30));
    expect(at(10, 27, 3, 30)).toBe(Date.UTC(2024, 9, 27, 2, 30));
    expect(at(10, 27, 12, 0)).toBe(Date.UTC(2024, 9, 27, 11, 0));
  });

  it('refuses a time zone that does not exist', () => {
    expect(() => new LocalClock('Mars/Olympus')).toThrow(/not a time zone/);
  });
});

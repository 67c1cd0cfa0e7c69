import { describe, expect, test } from 'vitest';
import { createFormatter, dayIn, directionOf } from '../../web/src/format.ts';

describe('createFormatter', () => {
  test('writes numbers with Latin or Arabic-Indic digits as chosen, in either language', () => {
    expect(createFormatter('en', 'latn').number(1234567.5)).toBe('1,234,567.5');
    expect(createFormatter('ar', 'latn').number(1234567.5)).toBe('1,234,567.5');
    // Arabic-Indic digits bring their own separators: ٬ for thousands, ٫ for the decimal point.
    expect(createFormatter('ar', 'arab').number(1234567.5)).toBe('١٬٢٣٤٬٥٦٧٫٥');
    expect(createFormatter('en', 'arab').number(1234567.5)).toBe('١٬٢٣٤٬٥٦٧٫٥');
  });

  test('rounds percentages to whole points unless asked for more', () => {
    const format = createFormatter('en', 'latn');
    // 0.456 = 45.6% → 46%
    expect(format.percent(0.456)).toBe('46%');
    expect(format.percent(0.456, 1)).toBe('45.6%');
    expect(createFormatter('ar', 'arab').percent(0.456)).toContain('٤٦');
  });

  test('turns integer minor units into money using each currency’s own number of decimals', () => {
    const format = createFormatter('en', 'latn');
    // Intl puts a no-break space (U+00A0) between the currency code and the amount.
    // SAR has 2 decimals: 123456 halalas = 1,234.56
    expect(format.money(123456, 'SAR')).toBe('SAR\u00a01,234.56');
    // KWD has 3 decimals: 1234567 fils = 1,234.567
    expect(format.money(1234567, 'KWD')).toBe('KWD\u00a01,234.567');
    // JPY has none: 1234 yen = ¥1,234
    expect(format.money(1234, 'JPY')).toBe('¥1,234');
    // 123456789 halalas = 1,234,567.89 → compact 1.2M
    expect(format.money(123456789, 'SAR', { compact: true })).toBe('SAR\u00a01.2M');
    expect(createFormatter('ar', 'arab').money(123456, 'SAR')).toContain('١٬٢٣٤٫٥٦');
  });

  test('formats a stored day as that calendar day, in Gregorian months, with the chosen digits', () => {
    expect(createFormatter('en', 'latn').day('2026-01-31')).toBe('January 31, 2026');
    expect(createFormatter('ar', 'arab').day('2026-01-31')).toBe('٣١ يناير ٢٠٢٦');
    expect(createFormatter('ar', 'latn').day('2026-01-31')).toBe('31 يناير 2026');
  });

  test('rejects a day that is not YYYY-MM-DD instead of printing a wrong date', () => {
    expect(() => createFormatter('en', 'latn').day('2026-1-5')).toThrow(/YYYY-MM-DD.*2026-1-5/);
  });

  test('shows an instant as the local day and time of the given time zone', () => {
    // 22:30 UTC on 31 Jan is 01:30 on 1 Feb in Riyadh (UTC+3).
    const instant = Date.UTC(2026, 0, 31, 22, 30);
    const text = createFormatter('en', 'latn').instant(instant, 'Asia/Riyadh');
    expect(text).toContain('Feb 1, 2026');
    expect(text).toContain('1:30');
  });

  test('names months in the UI language and refuses month numbers outside 1-12', () => {
    expect(createFormatter('en', 'latn').monthName(9)).toBe('September');
    expect(createFormatter('ar', 'arab').monthName(9)).toBe('سبتمبر');
    expect(() => createFormatter('en', 'latn').monthName(13)).toThrow(/1-12: 13/);
  });

  test('names currencies in the UI language', () => {
    expect(createFormatter('en', 'latn').currencyName('SAR')).toBe('Saudi Riyal');
    expect(createFormatter('ar', 'latn').currencyName('SAR')).toBe('ريال سعودي');
  });
});

describe('Formatter.metric', () => {
  const format = createFormatter('en', 'latn');

  test('writes each unit its own way: money from minor units, percentages from fractions', () => {
    // 4757481100 halalas = SAR 47,574,811 → compact 47.6M
    expect(format.metric(4757481100, 'currency', 'SAR', { compact: true })).toBe('SAR\u00a047.6M');
    expect(format.metric(0.2946, 'percent', 'SAR')).toBe('29.5%');
    expect(format.metric(29.94, 'days', 'SAR')).toBe('29.9 days');
    expect(format.metric(1, 'hours', 'SAR')).toBe('1 hour');
  });

  test('rounds counts to whole numbers from 100 up and keeps one decimal below', () => {
    expect(format.metric(1052.24, 'count', 'SAR')).toBe('1,052');
    expect(format.metric(10.44, 'count', 'SAR')).toBe('10.4');
    expect(format.metric(2838.9, 'count', 'SAR', { compact: true })).toBe('2,839');
    expect(format.metric(248_000, 'count', 'SAR', { compact: true })).toBe('248K');
  });

  test('uses the chosen digits and the language’s unit words', () => {
    expect(createFormatter('ar', 'arab').metric(12, 'days', 'SAR')).toContain('١٢');
    expect(createFormatter('ar', 'latn').metric(12, 'days', 'SAR')).toContain('يوم');
  });
});

describe('dayIn', () => {
  test('gives the calendar day of an instant in a time zone', () => {
    // 22:30 UTC on 31 Jan: already 1 Feb in Riyadh (UTC+3), still 31 Jan in Los Angeles (UTC-8).
    const instant = Date.UTC(2026, 0, 31, 22, 30);
    expect(dayIn('Asia/Riyadh', instant)).toBe('2026-02-01');
    expect(dayIn('America/Los_Angeles', instant)).toBe('2026-01-31');
  });
});

test('Arabic is right-to-left and English left-to-right', () => {
  expect(directionOf('ar')).toBe('rtl');
  expect(directionOf('en')).toBe('ltr');
});

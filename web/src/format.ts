/**
 * Numbers, money and dates for the UI, always through Intl, in the UI
 * language and with the user's choice of digits (Latin 0-9 or Arabic-Indic
 * ٠-٩). Pure: no React, no clock, so it is unit-tested in Node.
 */

export type Language = 'en' | 'ar';
export type Digits = 'latn' | 'arab';

export function isLanguage(value: unknown): value is Language {
  return value === 'en' || value === 'ar';
}

export function isDigits(value: unknown): value is Digits {
  return value === 'latn' || value === 'arab';
}

export function directionOf(language: Language): 'ltr' | 'rtl' {
  return language === 'ar' ? 'rtl' : 'ltr';
}

export type DateStyle = 'long' | 'medium' | 'short';

export interface Formatter {
  readonly language: Language;
  readonly digits: Digits;
  number(value: number, options?: Intl.NumberFormatOptions): string;
  /** A fraction as a percentage: 0.456 → "46%". */
  percent(fraction: number, maximumFractionDigits?: number): string;
  /** Money stored as integer minor units (cents, halalas, fils) in the given ISO 4217 currency. */
  /** whole: no minor units (SAR 1,234 rather than SAR 1,234.00), for large headline figures. */
  money(minorUnits: number, currency: string, options?: { compact?: boolean; whole?: boolean }): string;
  /** A calendar day, 'YYYY-MM-DD', as stored; no time zone shifts it. */
  day(day: string, style?: DateStyle): string;
  /** An instant (epoch ms) as the day and time it was in the given IANA time zone. */
  instant(epochMs: number, timeZone: string, style?: DateStyle): string;
  /** 1 = January. */
  monthName(month: number): string;
  currencyName(currency: string): string;
  /**
   * A metric's value in its unit: money from minor units, a percentage from
   * a fraction, days and hours with their unit word. compact: 47.6M.
   */
  metric(
    value: number,
    unit: MetricUnit,
    currency: string,
    options?: { compact?: boolean; whole?: boolean },
  ): string;
}

export type MetricUnit = 'currency' | 'count' | 'percent' | 'days' | 'hours';

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

export function createFormatter(language: Language, digits: Digits): Formatter {
  // Intl constructors are slow next to format(); a dashboard formats hundreds of values.
  const numberFormats = new Map<string, Intl.NumberFormat>();
  const numberFormat = (options: Intl.NumberFormatOptions) => {
    const key = JSON.stringify(options);
    let format = numberFormats.get(key);
    if (!format) {
      format = new Intl.NumberFormat(language, { ...options, numberingSystem: digits });
      numberFormats.set(key, format);
    }
    return format;
  };
  const dateFormats = new Map<string, Intl.DateTimeFormat>();
  const dateFormat = (options: Intl.DateTimeFormatOptions) => {
    const key = JSON.stringify(options);
    let format = dateFormats.get(key);
    if (!format) {
      // Gregorian always: fiscal periods are cut on it, whatever the locale's default calendar.
      format = new Intl.DateTimeFormat(language, {
        ...options,
        numberingSystem: digits,
        calendar: 'gregory',
      });
      dateFormats.set(key, format);
    }
    return format;
  };

  const money: Formatter['money'] = (minorUnits, currency, { compact = false, whole = false } = {}) => {
    const format = numberFormat({
      style: 'currency',
      currency,
      ...(compact
        ? { notation: 'compact', maximumFractionDigits: 1 }
        : whole
          ? { minimumFractionDigits: 0, maximumFractionDigits: 0 }
          : {}),
    });
    const minorDigits = numberFormat({ style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    return format.format(minorUnits / 10 ** (minorDigits ?? 2));
  };

  return {
    language,
    digits,
    number: (value, options = {}) => numberFormat(options).format(value),
    percent: (fraction, maximumFractionDigits = 0) =>
      numberFormat({ style: 'percent', maximumFractionDigits }).format(fraction),
    money,
    day(day, style = 'long') {
      const match = dayPattern.exec(day);
      if (!match) throw new RangeError(`Not a day in YYYY-MM-DD form: "${day}".`);
      const [, year, month, date] = match;
      const utc = Date.UTC(Number(year), Number(month) - 1, Number(date));
      return dateFormat({ dateStyle: style, timeZone: 'UTC' }).format(utc);
    },
    instant: (epochMs, timeZone, style = 'medium') =>
      dateFormat({ dateStyle: style, timeStyle: 'short', timeZone }).format(epochMs),
    monthName(month) {
      if (!Number.isInteger(month) || month < 1 || month > 12) {
        throw new RangeError(`Not a month number 1-12: ${month}.`);
      }
      return dateFormat({ month: 'long', timeZone: 'UTC' }).format(Date.UTC(2000, month - 1, 1));
    },
    currencyName: (currency) =>
      new Intl.DisplayNames(language, { type: 'currency' }).of(currency) ?? currency,
    metric(value, unit, currency, { compact = false, whole = false } = {}) {
      switch (unit) {
        case 'currency':
          return money(value, currency, { compact, whole });
        case 'percent':
          return numberFormat({ style: 'percent', maximumFractionDigits: 1 }).format(value);
        case 'days':
        case 'hours':
          return numberFormat({
            style: 'unit',
            unit: unit === 'days' ? 'day' : 'hour',
            unitDisplay: 'long',
            maximumFractionDigits: 1,
          }).format(value);
        case 'count':
          // Counts are whole; a fraction only says something about small averages and paces.
          return numberFormat(
            compact && Math.abs(value) >= 100_000
              ? { notation: 'compact', maximumFractionDigits: 1 }
              : { maximumFractionDigits: Math.abs(value) >= 100 ? 0 : 1 },
          ).format(value);
      }
    },
  };
}

/** Today's calendar day, 'YYYY-MM-DD', in the given time zone. */
export function dayIn(timeZone: string, epochMs: number): string {
  // en-CA formats dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    numberingSystem: 'latn',
  }).format(epochMs);
}

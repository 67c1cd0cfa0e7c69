/**
 * Bilingual wording for the coach and the funnel. Numbers inside messages use
 * Latin digits in both languages because the server cannot know the reader's
 * digit preference; the raw numbers travel beside every message so the UI can
 * format them its own way.
 */
import type { MetricFacts, Text } from './types.ts';

export const text = (en: string, ar: string): Text => ({ en, ar });

const formats = new Map<string, Intl.NumberFormat>();
function numberFormat(language: 'en' | 'ar', options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${language}:${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, { ...options, numberingSystem: 'latn' });
    formats.set(key, format);
  }
  return format;
}

/** Digits after the decimal point of a currency: 2 for USD, 0 for JPY, 3 for KWD. */
export function minorDigits(currency: string): number {
  return numberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** A value in a metric's unit, written for people: "$700,000", "8.5%", "12 days". */
export function formatValue(value: number, unit: MetricFacts['unit'], currency: string): Text {
  const both = (f: (language: 'en' | 'ar') => string): Text => ({ en: f('en'), ar: f('ar') });
  switch (unit) {
    case 'currency': {
      const digits = minorDigits(currency);
      const major = value / 10 ** digits;
      const whole = Number.isInteger(major);
      return both((l) =>
        numberFormat(l, {
          style: 'currency',
          currency,
          minimumFractionDigits: whole ? 0 : digits,
          maximumFractionDigits: whole ? 0 : digits,
        }).format(major),
      );
    }
    case 'percent':
      return both((l) => numberFormat(l, { style: 'percent', maximumFractionDigits: 2 }).format(value));
    case 'days':
      return {
        en: `${numberFormat('en', { maximumFractionDigits: 1 }).format(value)} days`,
        ar: `${numberFormat('ar', { maximumFractionDigits: 1 }).format(value)} يومًا`,
      };
    case 'hours':
      return {
        en: `${numberFormat('en', { maximumFractionDigits: 1 }).format(value)} hours`,
        ar: `${numberFormat('ar', { maximumFractionDigits: 1 }).format(value)} ساعة`,
      };
    case 'count':
      return both((l) => numberFormat(l, { maximumFractionDigits: 1 }).format(value));
  }
}

/** A signed relative change: "+10%", "−5%". */
export function formatChange(fraction: number): Text {
  const f = (l: 'en' | 'ar') =>
    numberFormat(l, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(
      fraction,
    );
  return { en: f('en'), ar: f('ar') };
}

export function formatPercent(fraction: number): Text {
  const f = (l: 'en' | 'ar') =>
    numberFormat(l, { style: 'percent', maximumFractionDigits: 0 }).format(fraction);
  return { en: f('en'), ar: f('ar') };
}

export function formatNumber(value: number, maximumFractionDigits = 1): Text {
  const f = (l: 'en' | 'ar') => numberFormat(l, { maximumFractionDigits }).format(value);
  return { en: f('en'), ar: f('ar') };
}

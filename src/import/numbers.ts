/**
 * Numbers as spreadsheets and CRMs write them ("1,234.50", "1.234,50 €",
 * "USD 99", "(12.00)") read exactly: money never passes through a float.
 */
import { quote } from './text.ts';

export interface NumberFormat {
  /** Group separator: ',', '.', ' ', "'" or '' for none. */
  thousands: string;
  /** ',' or '.'. */
  decimal: string;
}

export const defaultNumberFormat: NumberFormat = { thousands: ',', decimal: '.' };

/** A decimal read from text: digits kept as text so that no precision is lost. */
export interface Decimal {
  negative: boolean;
  whole: string;
  fraction: string;
  /** An ISO code written beside the number ("USD 1,200"), upper-cased. */
  currency: string | null;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface NumberReader {
  read(text: string): Decimal | null;
  /** What the reader expects, for error messages: e.g. "1,234.56". */
  example: string;
}

export function numberReader(format: NumberFormat): NumberReader {
  const t = escapeRegExp(format.thousands);
  const d = escapeRegExp(format.decimal);
  const grouped = format.thousands === '' ? '\\d+' : `\\d{1,3}(?:${t}\\d{3})+|\\d+`;
  const body = new RegExp(`^(?:(${grouped})(?:${d}(\\d*))?|${d}(\\d+))$`);
  const spaceGroups = format.thousands === ' ';
  // Most cells are bare digits: they skip the symbol, sign and grouping rules.
  const plain = new RegExp(`^\\d+(?:${d}\\d+)?$`);
  const example = `1${format.thousands}234${format.decimal}56`;
  return {
    example,
    read(text) {
      let s = text.trim();
      if (plain.test(s)) {
        const point = s.indexOf(format.decimal);
        return point < 0
          ? { negative: false, whole: s, fraction: '', currency: null }
          : {
              negative: false,
              whole: s.slice(0, point) || '0',
              fraction: s.slice(point + 1),
              currency: null,
            };
      }
      let currency: string | null = null;
      let negative = false;
      if (s.startsWith('(') && s.endsWith(')')) {
        negative = true;
        s = s.slice(1, -1).trim();
      }
      // Symbols and ISO codes around the number: "$1,200", "1.200 €", "USD 1,200", "SAR1200".
      const code = /^([A-Za-z]{3})\s*(?=[\d(+\-−.,])|(?<=[\d.,])\s*([A-Za-z]{3})$/.exec(s);
      if (code) {
        currency = (code[1] ?? code[2] ?? '').toUpperCase();
        s = s.replace(code[0], '').trim();
      }
      s = s.replace(/^\p{Sc}\s*|\s*\p{Sc}$/gu, '');
      if (s.startsWith('-') || s.startsWith('−')) {
        negative = !negative;
        s = s.slice(1);
      } else if (s.startsWith('+')) {
        s = s.slice(1);
      }
      s = s.replace(/^\p{Sc}\s*/u, '');
      // No-break and thin spaces are what "1 234" becomes in many locales.
      if (spaceGroups) s = s.replace(/[\u00a0\u202f\u2009]/g, ' ');
      const match = body.exec(s);
      if (!match) return null;
      const whole = (match[1] ?? '0').replace(/\D/g, '');
      const fraction = match[2] ?? match[3] ?? '';
      return { negative, whole: whole === '' ? '0' : whole, fraction, currency };
    },
  };
}

export function decimalToNumber(value: Decimal): number {
  const n = Number(`${value.whole}.${value.fraction || '0'}`);
  return value.negative ? -n : n;
}

/**
 * The amount in minor units of a currency with `digits` decimals (2 for USD,
 * 3 for KWD, 0 for JPY), rounding half up beyond them; null when it does not
 * fit a safe integer.
 */
export function toMinorUnits(value: Decimal, digits: number): number | null {
  const kept = (value.fraction + '0'.repeat(digits)).slice(0, digits);
  let minor = Number(value.whole + kept);
  if ((value.fraction[digits] ?? '0') >= '5') minor += 1;
  if (!Number.isSafeInteger(minor)) return null;
  return value.negative && minor !== 0 ? -minor : minor;
}

const knownCurrencies = new Set(Intl.supportedValuesOf('currency'));
const digitsByCurrency = new Map<string, number>();

export function isCurrencyCode(code: string): boolean {
  return knownCurrencies.has(code);
}

/** Minor-unit digits of an ISO 4217 currency, as the platform's CLDR data has them. */
export function minorDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

export const notANumber = (text: string, reader: NumberReader) =>
  `${quote(text)} is not a number (expected a number like ${reader.example})`;

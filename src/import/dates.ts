/**
 * Dates and date-times as exports write them, read by format patterns:
 * 'YYYY-MM-DD', 'DD/MM/YYYY', 'M/D/YYYY h:mm A', 'D MMM YYYY HH:mm'...
 *
 * Tokens: YYYY, YY (2000-2099), M/MM, MMM/MMMM (English month names),
 * D/DD, H/HH (0-23), h/hh (1-12, needs A), m/mm, s/ss, S... (fraction),
 * A/a (AM/PM), Z/ZZ (Z, +03:00, +0300). A number token takes one or two
 * digits when a separator follows it, so '9:05' reads as 'H:mm' and '3/7/2024'
 * as 'M/D/YYYY'. A blank in the pattern matches any run of blanks.
 * 'ISO' stands for ISO 8601 dates and date-times, with or without seconds,
 * fraction and offset, 'T' or a blank between date and time.
 */
import { quote } from './text.ts';

/** What a date cell says, before a time zone turns it into an instant. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  /** Milliseconds since local midnight; null when the cell had no time. */
  msOfDay: number | null;
  /** Offset from UTC in minutes when the cell carried one (Z = 0). */
  offsetMinutes: number | null;
}

type Part =
  | 'year'
  | 'year2'
  | 'month'
  | 'monthName'
  | 'day'
  | 'hour'
  | 'hour12'
  | 'minute'
  | 'second'
  | 'fraction'
  | 'meridiem'
  | 'offset';

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

const TOKENS: ReadonlyArray<[token: string, part: Part, fixed: string, loose: string]> = [
  ['YYYY', 'year', '(\\d{4})', '(\\d{4})'],
  ['YY', 'year2', '(\\d{2})', '(\\d{2})'],
  ['MMMM', 'monthName', '([A-Za-z]{3,9})', '([A-Za-z]{3,9})'],
  ['MMM', 'monthName', '([A-Za-z]{3,9}\\.?)', '([A-Za-z]{3,9}\\.?)'],
  ['MM', 'month', '(\\d{2})', '(\\d{1,2})'],
  ['M', 'month', '(\\d{2})', '(\\d{1,2})'],
  ['DD', 'day', '(\\d{2})', '(\\d{1,2})'],
  ['D', 'day', '(\\d{2})', '(\\d{1,2})'],
  ['HH', 'hour', '(\\d{2})', '(\\d{1,2})'],
  ['H', 'hour', '(\\d{2})', '(\\d{1,2})'],
  ['hh', 'hour12', '(\\d{2})', '(\\d{1,2})'],
  ['h', 'hour12', '(\\d{2})', '(\\d{1,2})'],
  ['mm', 'minute', '(\\d{2})', '(\\d{1,2})'],
  ['m', 'minute', '(\\d{2})', '(\\d{1,2})'],
  ['ss', 'second', '(\\d{2})', '(\\d{1,2})'],
  ['s', 'second', '(\\d{2})', '(\\d{1,2})'],
  ['SSS', 'fraction', '(\\d{1,9})', '(\\d{1,9})'],
  ['SS', 'fraction', '(\\d{1,9})', '(\\d{1,9})'],
  ['S', 'fraction', '(\\d{1,9})', '(\\d{1,9})'],
  ['A', 'meridiem', '([AaPp]\\.?[Mm]\\.?)', '([AaPp]\\.?[Mm]\\.?)'],
  ['a', 'meridiem', '([AaPp]\\.?[Mm]\\.?)', '([AaPp]\\.?[Mm]\\.?)'],
  ['ZZ', 'offset', '(Z|[+-]\\d{2}:?\\d{2})', '(Z|[+-]\\d{2}:?\\d{2})'],
  ['Z', 'offset', '(Z|[+-]\\d{2}:?\\d{2})', '(Z|[+-]\\d{2}:?\\d{2})'],
];

export interface DateFormat {
  /** The pattern as the user wrote it, for messages. */
  pattern: string;
  read(text: string): LocalDateTime | null | 'invalid';
}

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

const isoFormat: DateFormat = {
  pattern: 'YYYY-MM-DD',
  read(text) {
    const m = ISO.exec(text);
    if (!m) return null;
    return build({
      year: Number(m[1]),
      month: Number(m[2]),
      day: Number(m[3]),
      hour: m[4] === undefined ? null : Number(m[4]),
      minute: Number(m[5] ?? 0),
      second: Number(m[6] ?? 0),
      fraction: m[7] ?? '',
      meridiem: null,
      offset: m[8] ?? null,
    });
  },
};

/** Compiles a pattern; throws an Error whose message names what is wrong with it. */
export function compileDateFormat(pattern: string): DateFormat {
  if (pattern.trim().toUpperCase() === 'ISO') return isoFormat;
  const parts: Part[] = [];
  let source = '';
  let i = 0;
  while (i < pattern.length) {
    const token = TOKENS.find(([t]) => pattern.startsWith(t, i));
    if (token) {
      const next = pattern[i + token[0].length];
      // Unpadded numbers are only safe where a separator (not another number) follows.
      const separated = next === undefined || !/[YMDHhmsS]/.test(next);
      source += separated ? token[3] : token[2];
      parts.push(token[1]);
      i += token[0].length;
      continue;
    }
    const ch = pattern[i] as string;
    source += /\s/.test(ch) ? '\\s+' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i++;
  }
  const has = (p: Part) => parts.includes(p);
  if (!(has('year') || has('year2')) || !(has('month') || has('monthName')) || !has('day')) {
    throw new Error(`${quote(pattern)} needs a year (YYYY), a month (M, MM or MMM) and a day (D or DD)`);
  }
  if (has('hour12') !== has('meridiem')) {
    throw new Error(
      `${quote(pattern)} mixes 12-hour and 24-hour clocks: use h with A (3:05 PM) or H alone (15:05)`,
    );
  }
  const regex = new RegExp(`^${source}$`);
  return {
    pattern,
    read(text) {
      const m = regex.exec(text);
      if (!m) return null;
      const fields: Fields = {
        year: 0,
        month: 0,
        day: 0,
        hour: null,
        minute: 0,
        second: 0,
        fraction: '',
        meridiem: null,
        offset: null,
      };
      for (let k = 0; k < parts.length; k++) {
        const value = m[k + 1] as string;
        switch (parts[k]) {
          case 'year':
            fields.year = Number(value);
            break;
          case 'year2':
            fields.year = 2000 + Number(value);
            break;
          case 'month':
            fields.month = Number(value);
            break;
          case 'monthName': {
            const name = value.replace('.', '').toLowerCase();
            const index = MONTHS.findIndex(
              (full) => full === name || (name.length >= 3 && full.startsWith(name)),
            );
            if (index < 0) return 'invalid';
            fields.month = index + 1;
            break;
          }
          case 'day':
            fields.day = Number(value);
            break;
          case 'hour':
          case 'hour12':
            fields.hour = Number(value);
            break;
          case 'minute':
            fields.minute = Number(value);
            break;
          case 'second':
            fields.second = Number(value);
            break;
          case 'fraction':
            fields.fraction = value;
            break;
          case 'meridiem':
            fields.meridiem = value[0]?.toLowerCase() === 'p' ? 'pm' : 'am';
            break;
          case 'offset':
            fields.offset = value;
            break;
        }
      }
      if (fields.meridiem !== null && fields.hour === null) fields.hour = 0;
      return build(fields);
    },
  };
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number | null;
  minute: number;
  second: number;
  fraction: string;
  meridiem: 'am' | 'pm' | null;
  offset: string | null;
}

function build(f: Fields): LocalDateTime | 'invalid' {
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysInMonth(f.year, f.month) || f.year < 1) {
    return 'invalid';
  }
  let hour = f.hour;
  if (hour !== null && f.meridiem !== null) {
    if (hour < 1 || hour > 12) return 'invalid';
    hour = (hour % 12) + (f.meridiem === 'pm' ? 12 : 0);
  }
  if (hour !== null && (hour > 23 || f.minute > 59 || f.second > 59)) return 'invalid';
  const millis = f.fraction === '' ? 0 : Math.floor(Number(`0.${f.fraction}`) * 1000);
  return {
    year: f.year,
    month: f.month,
    day: f.day,
    msOfDay: hour === null ? null : ((hour * 60 + f.minute) * 60 + f.second) * 1000 + millis,
    offsetMinutes: f.offset === null ? null : offsetMinutes(f.offset),
  };
}

function offsetMinutes(text: string): number {
  if (text.toUpperCase() === 'Z') return 0;
  const sign = text.startsWith('-') ? -1 : 1;
  const digits = text.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Tries each format in turn; the first that matches decides. */
export class DateReader {
  readonly expected: string;
  private readonly formats: DateFormat[];

  constructor(patterns: readonly string[]) {
    this.formats = patterns.map(compileDateFormat);
    this.expected = patterns.map((p) => (p.toUpperCase() === 'ISO' ? 'YYYY-MM-DD' : p)).join(' or ');
  }

  /** The reading, or a reason it is not a date. */
  read(text: string): LocalDateTime | string {
    const trimmed = text.trim();
    for (const format of this.formats) {
      const result = format.read(trimmed);
      if (result === 'invalid') return `${quote(text)} is not a date (expected ${this.expected})`;
      if (result !== null) return result;
    }
    return `${quote(text)} is not a date (expected ${this.expected})`;
  }
}

export function dayText(d: Pick<LocalDateTime, 'year' | 'month' | 'day'>): string {
  return `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

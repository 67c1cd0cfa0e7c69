import { describe, expect, it } from 'vitest';
import {
  csvChunks,
  csvField,
  formatInstant,
  formatMoney,
  instantFormatter,
  toCsv,
} from '../../../src/services/export/csv.ts';

describe('CSV fields', () => {
  it('quotes commas, quotes, CR and LF, doubling the quotes inside', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Acme, Inc.')).toBe('"Acme, Inc."');
    expect(csvField('the "big" one')).toBe('"the ""big"" one"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    expect(csvField('نخلة، الرياض')).toBe('نخلة، الرياض');
  });

  it('writes empty cells for null, numbers as digits, booleans as words', () => {
    expect([csvField(null), csvField(undefined), csvField(0), csvField(-12.5), csvField(true)]).toEqual([
      '',
      '',
      '0',
      '-12.5',
      'true',
    ]);
  });

  it('defuses text a spreadsheet would run as a formula, not negative numbers', () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('+966 50 000')).toBe("'+966 50 000");
    expect(csvField('-12.50')).toBe('-12.50');
    expect(csvField('+3')).toBe('+3');
  });
});

describe('CSV documents', () => {
  const columns = [
    { header: 'name', value: (r: { name: string; n: number }) => r.name },
    { header: 'n', value: (r: { name: string; n: number }) => r.n },
  ];

  it('has a header row and CRLF line ends, and a BOM only when asked', () => {
    const rows = [
      { name: 'a,b', n: 1 },
      { name: 'c', n: 2 },
    ];
    expect(toCsv(rows, columns)).toBe('name,n\r\n"a,b",1\r\nc,2\r\n');
    expect(toCsv([], columns, { bom: true })).toBe('\uFEFFname,n\r\n');
  });

  it('streams the same text in chunks without holding every row', async () => {
    let produced = 0;
    function* many() {
      for (let i = 0; i < 20_000; i++) {
        produced++;
        yield { name: `row ${i}`, n: i };
      }
    }
    const chunks: string[] = [];
    const seenWhenFirstChunk: number[] = [];
    for await (const chunk of csvChunks(many(), columns)) {
      if (chunks.length === 0) seenWhenFirstChunk.push(produced);
      chunks.push(chunk);
    }
    expect(chunks.length).toBeGreaterThan(1);
    // the first chunk left before all rows were read
    expect(seenWhenFirstChunk[0]).toBeLessThan(20_000);
    expect(chunks.join('')).toBe(toCsv(many(), columns));
  });
});

describe('money and instants', () => {
  it("writes minor units as a decimal with the currency's digits, exactly", () => {
    expect(formatMoney(123_450, 'USD')).toBe('1234.50');
    expect(formatMoney(5, 'SAR')).toBe('0.05');
    expect(formatMoney(5, 'KWD')).toBe('0.005');
    expect(formatMoney(900, 'JPY')).toBe('900');
    expect(formatMoney(0, 'USD')).toBe('0.00');
    expect(formatMoney(-199, 'USD')).toBe('-1.99');
    // 2^53 - 1 halalas: no float rounding on the way
    expect(formatMoney(9_007_199_254_740_991, 'SAR')).toBe('90071992547409.91');
    expect(formatMoney(null, 'USD')).toBe('');
  });

  it("writes instants as ISO 8601 in the org's zone with its offset", () => {
    const instant = Date.UTC(2027, 2, 5, 11, 30);
    expect(formatInstant(instant, 'Asia/Riyadh')).toBe('2027-03-05T14:30:00+03:00');
    expect(formatInstant(instant, 'UTC')).toBe('2027-03-05T11:30:00+00:00');
    expect(formatInstant(instant + 7, 'Asia/Kolkata')).toBe('2027-03-05T17:00:00.007+05:30');
    // New York: EST before the 14 March 2027 change, EDT after
    expect(formatInstant(Date.UTC(2027, 2, 14, 6, 59), 'America/New_York')).toBe('2027-03-14T01:59:00-05:00');
    expect(formatInstant(Date.UTC(2027, 2, 14, 7, 0), 'America/New_York')).toBe('2027-03-14T03:00:00-04:00');
    expect(formatInstant(null, 'UTC')).toBe('');
    expect(new Date(formatInstant(instant, 'America/Los_Angeles')).getTime()).toBe(instant);
  });

  it('gives the same text through the cached formatter, every 13 seconds around each daylight-saving change', () => {
    const zones = [
      'America/New_York',
      'Europe/Berlin',
      'Australia/Lord_Howe',
      'America/Santiago',
      'Asia/Riyadh',
    ];
    const offset = (t: number, zone: string) => formatInstant(t, zone).slice(-6);
    let changes = 0;
    for (const zone of zones) {
      const format = instantFormatter(zone);
      for (let hour = Date.UTC(2027, 0, 1); hour < Date.UTC(2028, 0, 1); hour += 3_600_000) {
        if (offset(hour, zone) === offset(hour + 3_600_000, zone)) continue;
        changes++;
        for (let t = hour - 1_200_000; t < hour + 4_800_000; t += 13_001) {
          if (format(t) !== formatInstant(t, zone))
            throw new Error(`${zone} ${t}: ${format(t)} vs ${formatInstant(t, zone)}`);
        }
      }
    }
    // New York, Berlin, Lord Howe and Santiago change twice a year; Riyadh never
    expect(changes).toBe(8);
    expect(instantFormatter('Asia/Riyadh')(null)).toBe('');
  });
});

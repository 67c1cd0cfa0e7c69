import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvParser, type CsvRecord, formatCsvRow, readCsv, readRecord } from '../../src/import/csv.ts';

/** Feeds `text` in pieces of `size` characters, as a stream would. */
function parseInPieces(text: string, size: number): CsvRecord[] {
  const parser = new CsvParser();
  const out: CsvRecord[] = [];
  for (let at = 0; at < text.length; at += size) parser.push(text.slice(at, at + size), out);
  return parser.end(out);
}

const values = (records: CsvRecord[]) => records.map((r) => r.values);

describe('CsvParser', () => {
  it('reads quoted values holding commas, doubled quotes and line breaks', () => {
    const text = 'id,name\n1,"Acme, Inc."\n2,"Says ""hi"""\n3,"two\nlines"\n';
    expect(values(parseInPieces(text, 1000))).toEqual([
      ['id', 'name'],
      ['1', 'Acme, Inc.'],
      ['2', 'Says "hi"'],
      ['3', 'two\nlines'],
    ]);
  });

  it('gives each record the line it starts on, counting line breaks inside quotes', () => {
    const text = 'a,b\n"x\ny",1\n\nz,2\n';
    expect(parseInPieces(text, 1000).map((r) => [r.line, r.values[0]])).toEqual([
      [1, 'a'],
      [2, 'x\ny'],
      [5, 'z'],
    ]);
  });

  it('drops a byte-order mark and reads CRLF, LF and lone CR line ends alike', () => {
    const text = '\ufeffa,b\r\n1,2\r3,4\n5,6';
    expect(values(parseInPieces(text, 1000))).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
  });

  it('reads the same records whatever the chunk boundaries (a CRLF or "" split in two)', () => {
    const text = 'a,b\r\n"q""x",2\r\n"c\r\nd",""\r\n,last';
    const whole = values(parseInPieces(text, 1000));
    for (let size = 1; size <= 8; size++) expect(values(parseInPieces(text, size))).toEqual(whole);
    expect(whole).toEqual([
      ['a', 'b'],
      ['q"x', '2'],
      ['c\r\nd', ''],
      ['', 'last'],
    ]);
  });

  it('keeps empty values, including a trailing one at the end of the file', () => {
    expect(values(parseInPieces('a,,c,\n,,', 1000))).toEqual([
      ['a', '', 'c', ''],
      ['', '', ''],
    ]);
  });

  it('refuses a quoted value that is never closed, naming the line it starts on', () => {
    expect(() => parseInPieces('a,b\n1,2\n3,"open\nstill open\n', 1000)).toThrow(
      /line 3: a quoted value is never closed/,
    );
  });

  it('refuses text after a closing quote', () => {
    expect(() => parseInPieces('a,b\n"x"y,2\n', 1000)).toThrow(/line 2: text follows a closing quote/);
  });

  it('reads another delimiter', () => {
    const parser = new CsvParser(';');
    expect(values(parser.end(parser.push('a;b\n"1;5";2\n')))).toEqual([
      ['a', 'b'],
      ['1;5', '2'],
    ]);
  });

  it('agrees with csv-parse on any valid CSV, in any chunking', () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r', 'é', '٣') }),
      fc.string(),
    );
    const table = fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        table,
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom('\n', '\r\n'),
        (rows, size, eol) => {
          const text = rows.map((r) => formatCsvRow(r).replace(/\r\n$/, eol)).join('');
          const expected = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true });
          expect(values(parseInPieces(text, size))).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('CsvParser hand-over and kept text', () => {
  const cell = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'b', ' ', ',', '"', '\n', '\r', 'é') }),
    fc.string(),
  );
  const csvText = fc
    .tuple(
      fc.array(fc.array(cell, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }),
      fc.constantFrom('\n', '\r\n', '\r'),
    )
    .map(([rows, eol]) => rows.map((r) => formatCsvRow(r).replace(/\r\n$/, eol)).join(''));

  it('reads a file as one parser would when a second parser goes on from where the first stopped', () => {
    fc.assert(
      fc.property(csvText, fc.nat(), fc.integer({ min: 1, max: 9 }), (text, cut, size) => {
        const at = cut % (text.length + 1);
        const first = new CsvParser();
        const out: CsvRecord[] = [];
        for (let i = 0; i < at; i += size) first.push(text.slice(i, Math.min(i + size, at)), out);
        const second = new CsvParser(',', { from: first.handOver() });
        for (let i = at; i < text.length; i += size) second.push(text.slice(i, i + size), out);
        second.end(out);
        expect(out.map((r) => [r.line, r.values])).toEqual(
          parseInPieces(text, text.length + 1).map((r) => [r.line, r.values]),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('keeps each record as the file wrote it, which reads back to the same values', () => {
    fc.assert(
      fc.property(csvText, fc.integer({ min: 1, max: 9 }), (text, size) => {
        const parser = new CsvParser(',', { keepText: true });
        const out: CsvRecord[] = [];
        for (let i = 0; i < text.length; i += size) parser.push(text.slice(i, i + size), out);
        parser.end(out);
        // Records follow each other in the file, only blank lines between them.
        let at = 0;
        for (const record of out) {
          const kept = record.text as string;
          const found = text.indexOf(kept, at);
          expect(text.slice(at, found)).toMatch(/^[\r\n]*$/);
          at = found + kept.length;
          expect(readRecord(kept)).toEqual(record.values);
        }
        expect(text.slice(at)).toMatch(/^[\r\n]*$/);
      }),
      { numRuns: 300 },
    );
    expect(readRecord('1;"a;b"\r\n', ';')).toEqual(['1', 'a;b']);
  });
});

describe('readCsv', () => {
  it('yields batches of records from a byte stream, splitting multi-byte characters safely', async () => {
    const bytes = Buffer.from('name\nمها\nJosé\n', 'utf8');
    // One byte per chunk splits every multi-byte character.
    const stream = Readable.from([...bytes].map((b) => Buffer.from([b])));
    const records: string[][] = [];
    let bytesRead = 0;
    for await (const batch of readCsv(stream)) {
      records.push(...values(batch.records));
      bytesRead = batch.bytesRead;
    }
    expect(records).toEqual([['name'], ['مها'], ['José']]);
    expect(bytesRead).toBe(bytes.length);
  });
});

describe('formatCsvRow', () => {
  it('quotes only values that need it, doubling quotes', () => {
    expect(formatCsvRow(['a', 'b,c', 'say "x"', 'line\nbreak', ''])).toBe(
      'a,"b,c","say ""x""","line\nbreak",\r\n',
    );
  });
});

import { Readable } from 'node:stream';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HadafError } from '../../src/core/errors.ts';
import { type CsvRecord, formatCsvRow, readCsv } from '../../src/import/csv.ts';
import { runImport } from '../../src/services/import/run.ts';
import { systemContextFor } from '../../src/services/tracking/org-context.ts';
import { createOrg } from '../../src/store/org-queries.ts';
import { fingerprint } from '../faults/fingerprint.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';

/**
 * The CSV reader and the import verb under random bytes and random
 * spreadsheet text: quotes, BOMs, CRLF and lone CR, NUL, broken UTF-8,
 * ragged rows, cut into chunks at random places (inside a quoted value, a
 * CRLF, a multi-byte character).
 */

/** Cuts `bytes` into chunks at the given offsets. */
function chunked(bytes: Uint8Array, cuts: number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    if (to > from) chunks.push(Buffer.from(bytes.subarray(from, to)));
    from = Math.max(from, to);
  }
  return chunks;
}

type Parsed = { records: CsvRecord[] } | { error: { code: string; message: string } };

async function parse(chunks: Buffer[]): Promise<Parsed> {
  const records: CsvRecord[] = [];
  try {
    for await (const batch of readCsv(Readable.from(chunks))) records.push(...batch.records);
    return { records };
  } catch (error) {
    // Anything but a typed refusal is a bug: rethrown, so the property fails.
    if (!(error instanceof HadafError)) throw error;
    return { error: { code: error.code, message: error.message } };
  }
}

/** Text that looks like CSV and often is not: the characters that make CSV hard. */
const csvish = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom('a', 'b', 'مرحبا', '1', ' ', 'é', '👩🏽‍💼') },
      { weight: 4, arbitrary: fc.constantFrom(',', '"', '""', '\n', '\r\n', '\r', ';', '\t') },
      { weight: 1, arbitrary: fc.constantFrom('\ufeff', '\u0000', '\u2028', '\\') },
    ),
    { maxLength: 80 },
  )
  .map((parts) => Buffer.from(parts.join('')));

const bytes = fc.oneof(
  csvish,
  fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
);
const cuts = fc.array(fc.nat(400), { maxLength: 8 });

describe('the CSV reader on random input', () => {
  it('returns records or refuses with a typed error naming the line, whatever the bytes', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, async (input) => {
        const parsed = await parse([input]);
        if ('error' in parsed) {
          expect(parsed.error.code).toBe('invalid_input');
          expect(parsed.error.message).toMatch(/line \d+/);
        } else {
          for (const record of parsed.records) expect(record.line).toBeGreaterThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads the same records, or the same refusal, however the input is cut into chunks', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, cuts, async (input, at) => {
        expect(await parse(chunked(input, at))).toEqual(await parse([input]));
      }),
      { numRuns: 500 },
    );
  });

  it('reads back any values written as CSV, with or without a BOM, cut anywhere', async () => {
    const value = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.constantFrom('"', '""', ',', '\r\n', '\n', '\r', ' lead', 'trail ', 'a"b', '"quoted"'),
    );
    // A record of one empty value is a blank line, which the reader skips: give rows two values.
    const rows = fc.array(fc.array(value, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(rows, fc.boolean(), cuts, async (values, bom, at) => {
        const text = (bom ? '\ufeff' : '') + values.map((row) => formatCsvRow(row)).join('');
        const parsed = await parse(chunked(Buffer.from(text), at));
        expect(parsed).not.toHaveProperty('error');
        expect((parsed as { records: CsvRecord[] }).records.map((r) => r.values)).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });
});

describe.each(dialects)('the import verb on random bad CSV on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect);
    await createOrg(store.db, { name: 'Acme', slug: 'acme', currency: 'USD', timeZone: 'UTC' }, 0);
    // Something to keep: 20 deals imported before the fuzzing.
    const ctx = await systemContextFor(store, undefined, Date.UTC(2027, 0, 15), 'fuzz');
    const lines = ['external_id,name,amount,status,created_at,closed_at'];
    for (let i = 1; i <= 20; i++)
      lines.push(`K-${i},Kept ${i},${i * 100},won,2026-03-0${(i % 9) + 1},2026-04-01`);
    const report = await runImport({
      ctx,
      input: { stream: Readable.from([Buffer.from(lines.join('\n'))]), entity: 'deals' },
    });
    expect(report).toMatchObject({ committed: true, inserted: 20 });
  });
  afterAll(() => store?.drop());

  const header = 'external_id,name,amount,status,created_at,closed_at\n';
  /** A deals file with one surely bad row among random ones: the import must write nothing. */
  const badFile = fc
    .tuple(
      fc.array(csvish, { maxLength: 6 }),
      fc.constantFrom(
        'X-1,Bad amount,abc,open,2026-01-01,\n',
        'X-2,Nul\u0000name,100,open,2026-01-01,\n',
        'X-3,Bad status,100,maybe,2026-01-01,\n',
        'X-4,Bad day,100,open,2026-13-45,\n',
        'X-5,"never closed,100,open,2026-01-01,\n',
        'X-6,Too,many,values,here,and,more,here\n',
      ),
      fc.nat(6),
      fc.boolean(),
    )
    .map(([rows, bad, at, bom]) => {
      const body = rows.map((r) => `${r.toString().replace(/\n/g, ' ')}\n`);
      body.splice(at, 0, bad);
      return Buffer.from(`${bom ? '\ufeff' : ''}${header}${body.join('')}`);
    });

  it('refuses the file or its bad rows, names the line, and writes nothing', async () => {
    const before = await fingerprint(store);
    const ctx = await systemContextFor(store, undefined, Date.UTC(2027, 0, 15), 'fuzz');
    await fc.assert(
      fc.asyncProperty(badFile, cuts, async (file, at) => {
        try {
          const report = await runImport({
            ctx,
            input: { stream: Readable.from(chunked(file, at)), entity: 'deals' },
          });
          expect(report.committed).toBe(false);
          expect(report.rejectedRows).toBeGreaterThan(0);
          for (const problem of report.rejected) {
            expect(problem.line).toBeGreaterThanOrEqual(2);
            expect(problem.reason.length).toBeGreaterThan(0);
          }
        } catch (error) {
          // A file the reader cannot read at all: a typed refusal naming the line.
          expect(error).toBeInstanceOf(HadafError);
          expect((error as HadafError).code).toBe('invalid_input');
          expect((error as Error).message).toMatch(/line \d+/);
        }
      }),
      { numRuns: dialect === 'sqlite' ? 60 : 20 },
    );
    expect(await fingerprint(store)).toEqual(before);
  }, 120_000);
});

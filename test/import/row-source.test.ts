import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ENTITIES } from '../../src/import/entities.ts';
import { buildPlan } from '../../src/import/plan.ts';
import { RowSource } from '../../src/import/row-source.ts';
import { type ParsedRow, RowReader } from '../../src/import/rows.ts';
import { org } from './org.ts';

/** A deals file with the quirks of real exports, and a bad row every so often. */
function dealsFile(rows: number): string {
  const lines = ['\ufeffexternal_id,name,owner,amount,stage,created_at,closed_at'];
  for (let i = 0; i < rows; i++) {
    // Two-byte letters: chunk boundaries fall inside characters, and the hand-over must not.
    const name = i % 10 === 0 ? `"صفقة ${i}, ""big""\nsecond line"` : `Deal ${i} مها`;
    const amount = i % 97 === 0 ? '-1' : `"${(i * 37).toLocaleString('en')}.50"`;
    const closed = i % 3 === 0 ? '2024-05-06' : '';
    const stage = i % 3 === 0 ? 'Closed Won' : i % 89 === 0 ? 'Closed Lost' : 'Open';
    lines.push(
      `D${i},${name},rep${i % 7}@x.test,${amount},${stage},2024-0${1 + (i % 9)}-0${1 + (i % 9)} 9:0${i % 10},${closed}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * Every row `RowSource` gives, the last progress it reported, and how many
 * rows the worker read. With `holdUntilWorker`, the input waits, once past
 * `workerAfterBytes`, until the worker is ready, so the hand-over is sure
 * to come mid-file.
 */
async function readAll(
  text: string,
  chunk: number,
  workerAfterBytes: number | null,
  holdUntilWorker = false,
) {
  const bytes = Buffer.from(text);
  let source: RowSource | undefined;
  async function* input() {
    for (let at = 0; at < bytes.length; at += chunk) {
      yield bytes.subarray(at, at + chunk);
      if (holdUntilWorker && workerAfterBytes !== null && at + chunk >= workerAfterBytes) {
        while (source?.readingOn !== 'worker') await new Promise((wake) => setTimeout(wake, 10));
      }
    }
  }
  source = new RowSource(input(), ',', workerAfterBytes);
  try {
    const header = ((await source.header()) as string[]).map((label) => label.trim());
    const plan = buildPlan({ entity: ENTITIES.deals, org, header });
    const rows: ParsedRow[] = [];
    let bytesRead = 0;
    const pieces = source.rows(new RowReader(plan), {
      entity: 'deals',
      org,
      header,
      preset: undefined,
      mapping: undefined,
    });
    for await (const piece of pieces) {
      rows.push(...piece.rows);
      bytesRead = piece.bytesRead;
    }
    return { rows, bytesRead, total: bytes.length, workerRows: source.workerRows };
  } finally {
    await source.close();
  }
}

const whole = (row: ParsedRow) => ({
  line: row.line,
  cells: [...row.cells],
  values: row.values,
  externalId: row.externalId,
  problems: row.problems,
});

describe('RowSource', () => {
  const text = dealsFile(3000);

  it('reads the same rows, lines and problems on the worker thread as on this one', async () => {
    const here = await readAll(text, 4096, null);
    const worker = await readAll(text, 4096, 0);
    expect(here.rows).toHaveLength(3000);
    expect(here.rows.filter((r) => r.problems.length > 0).length).toBeGreaterThan(10);
    expect(worker.rows.map(whole)).toEqual(here.rows.map(whole));
    expect([here.workerRows, worker.workerRows > 2900]).toEqual([0, true]);
    expect([here.bytesRead, worker.bytesRead]).toEqual([here.total, here.total]);
  });

  it('hands over to the worker mid-file, in the middle of a record, without losing or repeating a row', async () => {
    const here = await readAll(text, 1000, null);
    // The worker starts once 50 kB are read; this thread reads on until it is ready.
    const handedOver = await readAll(text, 1000, 50_000, true);
    expect(handedOver.rows.map(whole)).toEqual(here.rows.map(whole));
    expect(handedOver.workerRows).toBeGreaterThan(2000);
    expect(handedOver.workerRows).toBeLessThan(3000);
  });

  it('reports a broken file from the worker as this thread would: same error, same line', async () => {
    const broken = `${text}D-last,"never closed,ann@x.test,1,Open,2024-01-01,\r\n`;
    // The header, 3,000 rows and the second lines of 300 names: the broken row starts on line 3,302.
    const message = /line 3302: a quoted value is never closed/;
    await expect(readAll(broken, 4096, null)).rejects.toThrow(message);
    await expect(readAll(broken, 4096, 0)).rejects.toMatchObject({
      name: 'HadafError',
      code: 'invalid_input',
      message: expect.stringMatching(message),
    });
  });

  it('stops the worker and closes the input when the reader stops early', async () => {
    const stream = Readable.from([Buffer.from(text)]);
    const source = new RowSource(stream, ',', 0);
    const header = ((await source.header()) as string[]).map((label) => label.trim());
    const plan = buildPlan({ entity: ENTITIES.deals, org, header });
    const pieces = source.rows(new RowReader(plan), {
      entity: 'deals',
      org,
      header,
      preset: undefined,
      mapping: undefined,
    });
    const first = await pieces.next();
    expect(first.done).toBe(false);
    await pieces.return(undefined);
    await source.close();
    expect(stream.destroyed).toBe(true);
  });
});

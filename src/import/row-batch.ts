/**
 * Read rows as they cross from the parse worker to the importing thread
 * (parse-worker.ts, row-source.ts). Posting row objects would cost the
 * receiving thread about as much as reading the rows itself, so a batch is
 * packed by value key instead: numbers in a Float64Array, a column of few
 * distinct texts (owners, stages, currencies) as a dictionary and codes,
 * other texts (names, ids) joined into one string that the receiver cuts,
 * anything else as a plain array; the records' text as one string; the few
 * rows with problems apart. The receiving side builds the rows back, equal
 * to those `RowReader` made; a row's cells are read again from its text only
 * when something asks for them (a problem to describe, a row to reject),
 * which a valid row never does.
 */
import { readRecord } from './csv.ts';
import type { ParsedRow, Problem } from './rows.ts';

type Column =
  /** Numbers and nulls (NaN marks a null; no read value is NaN). */
  | { kind: 'numbers'; data: Float64Array; unset: number[] }
  /** Texts and nulls, each row a code into `dictionary`. */
  | { kind: 'codes'; dictionary: (string | null)[]; data: Uint16Array | Int32Array; unset: number[] }
  /** Texts and nulls, joined: each row's text ends at its `ends` (-1 marks a null). */
  | { kind: 'texts'; joined: string; ends: Int32Array; unset: number[] }
  | { kind: 'values'; data: unknown[] };

export interface RowBatch {
  lines: Int32Array;
  externalIds: Column;
  /** Per value key any row of the batch set; `unset` lists the rows that did not set it. */
  columns: Record<string, Column>;
  /** Index of a row with problems, and its problems. */
  problems: Array<[number, Problem[]]>;
  /** The rows' records as the file wrote them, one after another. */
  text: string;
  /** Where each row's record ends in `text` (it starts where the one before ends). */
  ends: Int32Array;
}

/** A column with more distinct texts than this share of its rows is posted as it is. */
const DICTIONARY_SHARE = 0.25;

/** A batch of the rows `RowReader` read from records that kept their text (`texts`, in the same order). */
export function packRows(rows: readonly ParsedRow[], texts: readonly string[]): RowBatch {
  const count = rows.length;
  const lines = new Int32Array(count);
  const ends = new Int32Array(count);
  const problems: Array<[number, Problem[]]> = [];
  const keys = new Set<string>();
  let end = 0;
  for (let i = 0; i < count; i++) {
    const row = rows[i] as ParsedRow;
    lines[i] = row.line;
    end += (texts[i] as string).length;
    ends[i] = end;
    for (const key in row.values) keys.add(key);
    if (row.problems.length > 0) problems.push([i, row.problems]);
  }
  const columns: Record<string, Column> = {};
  for (const key of keys) columns[key] = packColumn(rows, (row) => row.values[key]);
  const externalIds = packColumn(rows, (row) => row.externalId);
  return { lines, externalIds, columns, problems, text: texts.join(''), ends };
}

function packColumn(rows: readonly ParsedRow[], valueIn: (row: ParsedRow) => unknown): Column {
  const count = rows.length;
  const unset: number[] = [];
  let numbers = true;
  let texts = true;
  for (let i = 0; i < count; i++) {
    const value = valueIn(rows[i] as ParsedRow);
    if (value === undefined) unset.push(i);
    else if (typeof value === 'number') {
      texts = false;
      if (Number.isNaN(value)) numbers = false;
    } else if (typeof value === 'string') numbers = false;
    else if (value !== null) {
      numbers = false;
      texts = false;
    }
  }
  if (numbers) {
    const data = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const value = valueIn(rows[i] as ParsedRow);
      data[i] = typeof value === 'number' ? value : Number.NaN;
    }
    return { kind: 'numbers', data, unset };
  }
  if (texts) {
    const codes = new Map<string | null, number>();
    const dictionary: (string | null)[] = [];
    const data = count < 65_536 ? new Uint16Array(count) : new Int32Array(count);
    const limit = Math.max(16, count * DICTIONARY_SHARE);
    let i = 0;
    for (; i < count && dictionary.length <= limit; i++) {
      const value = valueIn(rows[i] as ParsedRow);
      const text = value === undefined ? null : (value as string | null);
      let code = codes.get(text);
      if (code === undefined) {
        code = dictionary.length;
        dictionary.push(text);
        codes.set(text, code);
      }
      data[i] = code;
    }
    if (i === count) return { kind: 'codes', dictionary, data, unset };
    const ends = new Int32Array(count);
    const parts: string[] = [];
    let length = 0;
    for (let k = 0; k < count; k++) {
      const value = valueIn(rows[k] as ParsedRow);
      if (typeof value === 'string') {
        parts.push(value);
        length += value.length;
        ends[k] = length;
      } else ends[k] = -1;
    }
    return { kind: 'texts', joined: parts.join(''), ends, unset };
  }
  return { kind: 'values', data: rows.map(valueIn) };
}

/** The rows of a batch, as `RowReader` read them. */
export function unpackRows(batch: RowBatch, delimiter: string): ParsedRow[] {
  const count = batch.lines.length;
  const externalIds = valuesOf(batch.externalIds, count);
  const rows: PackedRow[] = new Array(count);
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = batch.ends[i] as number;
    const externalId = externalIds[i] as string | null;
    rows[i] = new PackedRow(batch.lines[i] as number, externalId, batch.text, start, end, delimiter);
    start = end;
  }
  // Key by key, so every row's values get their keys in the same order (one shape for all).
  for (const key in batch.columns) {
    const values = valuesOf(batch.columns[key] as Column, count);
    for (let i = 0; i < count; i++) {
      const value = values[i];
      if (value !== undefined) (rows[i] as PackedRow).values[key] = value;
    }
  }
  for (const [i, problems] of batch.problems) (rows[i] as PackedRow).problems.push(...problems);
  return rows;
}

/** A column's values, row by row (undefined where a row did not set it). */
function valuesOf(column: Column, count: number): unknown[] {
  if (column.kind === 'values') return column.data;
  const values: unknown[] = new Array(count);
  if (column.kind === 'numbers') {
    const data = column.data;
    for (let i = 0; i < count; i++) {
      const value = data[i] as number;
      values[i] = Number.isNaN(value) ? null : value;
    }
  } else if (column.kind === 'codes') {
    const { data, dictionary } = column;
    for (let i = 0; i < count; i++) values[i] = dictionary[data[i] as number];
  } else {
    const { joined, ends } = column;
    let from = 0;
    for (let i = 0; i < count; i++) {
      const to = ends[i] as number;
      if (to < 0) values[i] = null;
      else {
        values[i] = joined.slice(from, to);
        from = to;
      }
    }
  }
  for (const i of column.unset) values[i] = undefined;
  return values;
}

/** A row rebuilt from a batch: its cells are read from its record's text when first asked for. */
class PackedRow implements ParsedRow {
  readonly values: Record<string, unknown> = {};
  readonly problems: Problem[] = [];
  private read: readonly string[] | undefined;

  constructor(
    readonly line: number,
    public externalId: string | null,
    private readonly text: string,
    private readonly start: number,
    private readonly end: number,
    private readonly delimiter: string,
  ) {}

  get cells(): readonly string[] {
    this.read ??= readRecord(this.text.slice(this.start, this.end), this.delimiter);
    return this.read;
  }
}

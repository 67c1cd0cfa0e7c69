/**
 * The parse worker: a thread that turns CSV text into read rows while the
 * importing thread writes the rows before them (row-source.ts starts it and
 * speaks its protocol). It builds the same plan from the same inputs, goes on
 * from where the importing thread's parser stopped, and posts the rows of
 * each piece of text it is sent as one `RowBatch`.
 */
import { StringDecoder } from 'node:string_decoder';
import { parentPort } from 'node:worker_threads';
import { type ErrorCode, HadafError } from '../core/errors.ts';
import type { Org } from '../core/org.ts';
import { CsvParser, type CsvRecord } from './csv.ts';
import { ENTITIES, type EntityName } from './entities.ts';
import type { Mapping } from './mapping.ts';
import { buildPlan } from './plan.ts';
import { PRESETS, type PresetId } from './presets/index.ts';
import { packRows, type RowBatch } from './row-batch.ts';
import { type ParsedRow, RowReader } from './rows.ts';

/** What the worker needs to read rows exactly as the importing thread would. */
export interface ParseStart {
  type: 'start';
  entity: EntityName;
  org: Org;
  header: string[];
  preset: PresetId | undefined;
  mapping: Mapping | undefined;
  delimiter: string;
  /** The text the importing thread's parser had not read yet, and its line (its decoder is at a character's end). */
  from: { text: string; line: number };
  /** Bytes of the input the importing thread had read. */
  bytesRead: number;
}

export type ToWorker =
  | ParseStart
  /** Input as bytes (UTF-8) or text, and how many bytes of the input it was. */
  | { type: 'bytes'; data: Uint8Array; bytes: number }
  | { type: 'text'; text: string; bytes: number }
  | { type: 'end' };

export type FromWorker =
  | { type: 'ready' }
  /** The rows of one piece of text; `bytesRead`: input bytes sent so far, that piece included. */
  | { type: 'rows'; batch: RowBatch; bytesRead: number }
  | { type: 'done' }
  | { type: 'error'; code: ErrorCode | null; message: string; field: string | undefined };

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs as a worker thread (see row-source.ts).');

let parser: CsvParser | undefined;
const decoder = new StringDecoder('utf8');
let reader: RowReader | undefined;
let bytesRead = 0;

const post = (message: FromWorker) => port.postMessage(message);

function postRows(records: readonly CsvRecord[]) {
  const rows: ParsedRow[] = new Array(records.length);
  const texts: string[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i] as CsvRecord;
    rows[i] = (reader as RowReader).read(record.line, record.values);
    texts[i] = record.text as string;
  }
  post({ type: 'rows', batch: packRows(rows, texts), bytesRead });
}

port.on('message', (message: ToWorker) => {
  try {
    if (message.type === 'start') {
      const plan = buildPlan({
        entity: ENTITIES[message.entity],
        org: message.org,
        header: message.header,
        preset: message.preset === undefined ? undefined : PRESETS[message.preset],
        mapping: message.mapping,
      });
      reader = new RowReader(plan);
      parser = new CsvParser(message.delimiter, { keepText: true, from: message.from });
      bytesRead = message.bytesRead;
    } else if (message.type === 'bytes') {
      bytesRead += message.bytes;
      const { data } = message;
      postRows(
        (parser as CsvParser).push(decoder.write(Buffer.from(data.buffer, data.byteOffset, data.length))),
      );
    } else if (message.type === 'text') {
      bytesRead += message.bytes;
      postRows((parser as CsvParser).push(message.text));
    } else {
      const records = (parser as CsvParser).push(decoder.end());
      postRows((parser as CsvParser).end(records));
      post({ type: 'done' });
    }
  } catch (error) {
    const known = error instanceof HadafError;
    post({
      type: 'error',
      code: known ? error.code : null,
      message: (error as Error).message,
      field: known ? error.field : undefined,
    });
  }
});

post({ type: 'ready' });

/**
 * The rows of a CSV stream, read on this thread or, for a large input, on a
 * worker thread while this one writes (the import's two halves then use the
 * machine's two cores). It starts on this thread: a small file never waits
 * for a worker to start. Past `workerAfterBytes` of input it starts the
 * worker (parse-worker.ts) and goes on reading here until the worker is
 * ready and this thread's decoder is at the end of a character; then it hands
 * over the text its parser has not read, with its line, and from then on only
 * passes the input's bytes on (moved, not copied) for the worker to decode.
 * The worker builds the same plan from the same inputs, so every row, line
 * number and problem is the one this thread would have read
 * (test/import/row-source.test.ts).
 *
 * Memory stays flat: at most `AHEAD_BYTES` of input are posted and not yet
 * taken back as rows, so neither thread's queue grows with the file.
 */
import { StringDecoder } from 'node:string_decoder';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { HadafError } from '../core/errors.ts';
import { CsvParser, type CsvRecord } from './csv.ts';
import type { FromWorker, ParseStart, ToWorker } from './parse-worker.ts';
import { unpackRows } from './row-batch.ts';
import type { ParsedRow, RowReader } from './rows.ts';

export interface RowPiece {
  rows: ParsedRow[];
  /** Bytes of the input read so far: against its size, a fraction done. */
  bytesRead: number;
}

/** What the worker needs besides the text: the inputs of the plan that `reader` reads by. */
export type PlanInputs = Omit<ParseStart, 'type' | 'delimiter' | 'from' | 'bytesRead'>;

/** Input past which reading moves to a worker thread: ~20,000 rows of a CRM export, a second's work. */
export const WORKER_AFTER_BYTES = 2 << 20;

/**
 * Input posted to the worker and not yet taken back as rows: ~30,000 rows, so
 * that on a busy machine one thread running late does not stall the other.
 */
const AHEAD_BYTES = 4 << 20;

export class RowSource {
  private readonly chunks: AsyncIterator<Buffer | string>;
  private readonly decoder = new StringDecoder('utf8');
  private readonly parser: CsvParser;
  /** Records read and not yet handed out. */
  private queued: CsvRecord[] = [];
  private bytesRead = 0;
  private ended = false;
  /** Whether the decoder holds no part of a character: the worker's own decoder can go on from here. */
  private decoded = true;
  private worker: ParseWorker | null = null;
  private workerFailed = false;
  /** Rows the worker read (the others were read on this thread). */
  workerRows = 0;

  /** `workerAfterBytes`: null reads everything on this thread; 0 waits for the worker to read every row. */
  constructor(
    input: AsyncIterable<Buffer | string>,
    private readonly delimiter: string,
    private readonly workerAfterBytes: number | null = WORKER_AFTER_BYTES,
  ) {
    this.chunks = input[Symbol.asyncIterator]();
    this.parser = new CsvParser(delimiter);
  }

  /** Where rows are read now: on this thread, on it while a worker starts, or on the worker. */
  get readingOn(): 'this thread' | 'this thread, worker starting' | 'worker' {
    if (!this.worker) return 'this thread';
    return this.worker.ready ? 'worker' : 'this thread, worker starting';
  }

  /** The first record's values, or undefined when the input holds none. */
  async header(): Promise<string[] | undefined> {
    while (this.queued.length === 0 && !this.ended) await this.readMore(this.queued);
    return this.queued.shift()?.values;
  }

  /** The records after the header, read by `reader` here or by the worker from `plan`'s inputs. */
  async *rows(reader: RowReader, plan: PlanInputs): AsyncGenerator<RowPiece> {
    const after = this.workerAfterBytes;
    if (after === 0) {
      // From the first row: wait for the worker instead of reading here meanwhile.
      this.worker = new ParseWorker();
      await this.worker.started;
    }
    while (true) {
      if (this.queued.length > 0) {
        const records = this.queued;
        this.queued = [];
        yield { rows: records.map((r) => reader.read(r.line, r.values)), bytesRead: this.bytesRead };
      }
      if (this.ended) return;
      if (after !== null && !this.workerFailed && !this.worker && this.bytesRead >= after) {
        this.worker = new ParseWorker();
      }
      if (this.worker?.failure) {
        // A worker that cannot start costs speed, not correctness: read on here.
        this.worker.stop();
        this.worker = null;
        this.workerFailed = true;
      }
      if (this.worker?.ready && this.decoded) {
        yield* this.fromWorker(this.worker, plan);
        return;
      }
      await this.readMore(this.queued);
    }
  }

  /** Stops reading: closes the input and the worker. */
  async close(): Promise<void> {
    this.ended = true;
    this.worker?.stop();
    this.worker = null;
    await this.chunks.return?.();
  }

  /** The next chunk of input; null at its end. */
  private async nextChunk(): Promise<Buffer | string | null> {
    if (this.ended) return null;
    const next = await this.chunks.next();
    if (next.done) {
      this.ended = true;
      return null;
    }
    const chunk = next.value;
    this.bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    return chunk;
  }

  private async readMore(out: CsvRecord[]) {
    const chunk = await this.nextChunk();
    if (chunk === null) {
      this.parser.push(this.decoder.end(), out);
      this.parser.end(out);
    } else if (typeof chunk === 'string') {
      this.parser.push(chunk, out);
    } else {
      this.parser.push(this.decoder.write(chunk), out);
      // An ASCII byte is never part of a character still being decoded.
      if (chunk.length > 0) this.decoded = (chunk[chunk.length - 1] as number) < 0x80;
    }
  }

  /**
   * Hands the rest of the input to the worker and yields the rows it reads.
   * A pump posts the input, no more than AHEAD_BYTES ahead of the rows taken.
   */
  private async *fromWorker(worker: ParseWorker, plan: PlanInputs): AsyncGenerator<RowPiece> {
    let posted = this.bytesRead;
    let taken = this.bytesRead;
    let resume: (() => void) | null = null;
    worker.post({
      type: 'start',
      ...plan,
      delimiter: this.delimiter,
      from: this.parser.handOver(),
      bytesRead: this.bytesRead,
    });
    const pump = async () => {
      while (true) {
        while (posted - taken > AHEAD_BYTES && !worker.stopped) {
          await new Promise<void>((wake) => {
            resume = wake;
          });
        }
        if (worker.stopped) return;
        const before = this.bytesRead;
        const chunk = await this.nextChunk();
        if (chunk === null) break;
        const bytes = this.bytesRead - before;
        posted += bytes;
        worker.postInput(chunk, bytes);
      }
      worker.post({ type: 'end' });
    };
    pump().catch((error: unknown) => worker.fail(error as Error));
    try {
      while (true) {
        // The pump reads the input in I/O callbacks: let the event loop turn between pieces,
        // or a backlog of rows would keep the worker waiting for text until it is drained.
        await nextTurn();
        const message = await worker.next();
        if (message.type === 'done') break;
        if (message.type === 'error') {
          throw message.code
            ? new HadafError(message.code, message.message, message.field)
            : new Error(message.message);
        }
        if (message.type !== 'rows') continue;
        taken = message.bytesRead;
        (resume as (() => void) | null)?.();
        resume = null;
        const rows = unpackRows(message.batch, this.delimiter);
        this.workerRows += rows.length;
        yield { rows, bytesRead: message.bytesRead };
      }
    } finally {
      // The pump sees the stop at its next turn; a stalled input is closed by `close`.
      worker.stop();
      (resume as (() => void) | null)?.();
    }
  }
}

/**
 * The worker thread and its inbox. It runs the TypeScript sources like the
 * rest of Hadaf, through tsx, which a worker does not inherit from its parent.
 */
class ParseWorker {
  private readonly thread: Worker;
  private readonly inbox: FromWorker[] = [];
  private wake: (() => void) | null = null;
  ready = false;
  stopped = false;
  failure: Error | null = null;
  /** Settles once the worker is ready or has failed. */
  readonly started: Promise<void>;
  private settle: () => void = () => {};

  constructor() {
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./parse-worker.ts', import.meta.url).href;
    this.thread = new Worker(
      `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
      { eval: true },
    );
    this.started = new Promise((resolve) => {
      this.settle = resolve;
    });
    this.thread.on('message', (message: FromWorker) => {
      if (message.type === 'ready') {
        this.ready = true;
        this.settle();
      } else this.inbox.push(message);
      this.notify();
    });
    this.thread.on('error', (error) => this.fail(error));
    this.thread.on('exit', (code) => {
      if (!this.stopped) this.fail(new Error(`The parse worker stopped (exit code ${code}).`));
    });
  }

  post(message: ToWorker) {
    if (!this.stopped) this.thread.postMessage(message);
  }

  /** Posts a chunk of input; bytes are moved, not copied, when the chunk owns its memory. */
  postInput(chunk: Buffer | string, bytes: number) {
    if (this.stopped) return;
    if (typeof chunk === 'string') {
      this.thread.postMessage({ type: 'text', text: chunk, bytes } satisfies ToWorker);
      return;
    }
    const own =
      chunk.byteOffset === 0 && chunk.byteLength === chunk.buffer.byteLength ? chunk : new Uint8Array(chunk);
    this.thread.postMessage({ type: 'bytes', data: own, bytes } satisfies ToWorker, [
      own.buffer as ArrayBuffer,
    ]);
  }

  fail(error: Error) {
    this.failure ??= error;
    this.settle();
    this.notify();
  }

  /** The next message; throws when the worker failed (an error of its own arrives as a message). */
  async next(): Promise<FromWorker> {
    while (this.inbox.length === 0) {
      if (this.failure) throw this.failure;
      await new Promise<void>((wake) => {
        this.wake = wake;
      });
    }
    return this.inbox.shift() as FromWorker;
  }

  stop() {
    if (this.stopped) return;
    this.stopped = true;
    void this.thread.terminate();
    this.notify();
  }

  private notify() {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

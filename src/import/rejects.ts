import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { formatCsvRow } from './csv.ts';

/**
 * The rejects file written beside an input under --skip-invalid: the
 * original columns of each refused row, as they were, plus why it was refused.
 * Opened on the first reject, so a clean import leaves no file behind.
 */
export class RejectsFile {
  private out: WriteStream | undefined;
  private closed = false;
  private readonly header: string[];
  written = 0;

  constructor(
    readonly path: string,
    header: readonly string[],
    private readonly delimiter = ',',
  ) {
    const reasonColumn = header.includes('reason') ? 'import_reason' : 'reason';
    this.header = [...header, reasonColumn];
  }

  async write(cells: readonly string[], reason: string) {
    if (this.closed) throw new Error('The rejects file is closed.');
    if (!this.out) {
      this.out = createWriteStream(this.path);
      this.out.write(formatCsvRow(this.header, this.delimiter));
    }
    const width = this.header.length - 1;
    const row =
      cells.length >= width ? cells.slice(0, width) : [...cells, ...Array(width - cells.length).fill('')];
    this.written++;
    if (!this.out.write(formatCsvRow([...row, reason], this.delimiter))) await once(this.out, 'drain');
  }

  async close() {
    this.closed = true;
    if (!this.out) return;
    const out = this.out;
    this.out = undefined;
    await new Promise<void>((resolve, reject) => {
      out.once('error', reject);
      out.end(resolve);
    });
  }
}

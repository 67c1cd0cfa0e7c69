import type { PartName, Parts } from '../../core/metrics/index.ts';
import type { GroupKey } from '../../store/metric-sql.ts';

/**
 * The parts of an evaluation as rows (groups) × buckets (periods) in flat
 * columns, one array of numbers per part, the cell of row r in bucket b at
 * r × buckets + b. All reps × 12 months is a few arrays of 7,000 numbers
 * rather than 7,000 maps and objects, and a missing cell is simply 0.
 */
export class PartGrid {
  readonly keys: GroupKey[] = [];
  readonly names: PartName[] = [];
  private readonly rows = new Map<GroupKey, number>();
  private readonly columns: Float64Array[] = [];
  private capacity = 16;

  constructor(
    readonly buckets: number,
    names: readonly PartName[],
  ) {
    for (const name of names) this.column(name);
  }

  /** The row of `key`, added (at 0 everywhere) when it is new. */
  rowOf(key: GroupKey): number {
    let row = this.rows.get(key);
    if (row === undefined) {
      row = this.keys.length;
      this.keys.push(key);
      this.rows.set(key, row);
      if (row === this.capacity) this.grow();
    }
    return row;
  }

  /** Where the cell of `key` in `bucket` is, for `addAt`. */
  cellOf(bucket: number, key: GroupKey): number {
    return this.rowOf(key) * this.buckets + bucket;
  }

  addAt(cell: number, name: PartName, value: number): void {
    const column = this.column(name);
    column[cell] = (column[cell] as number) + value;
  }

  add(bucket: number, key: GroupKey, parts: Parts): void {
    const cell = this.cellOf(bucket, key);
    for (const name in parts) this.addAt(cell, name as PartName, parts[name as PartName] as number);
  }

  /** Adds rows read from the store, each to its group's cell. */
  addRows(rows: {
    buckets: readonly number[];
    keys: readonly GroupKey[];
    parts: Partial<Record<string, number[]>>;
  }): void {
    // Place every row first: a new group can grow the columns.
    const cells = rows.keys.map((key, r) => this.cellOf(rows.buckets[r] as number, key));
    for (const name in rows.parts) {
      const values = rows.parts[name] as number[];
      const column = this.column(name as PartName);
      for (let r = 0; r < cells.length; r++) {
        const cell = cells[r] as number;
        column[cell] = (column[cell] as number) + (values[r] as number);
      }
    }
  }

  /** Adds row `row` of `from` (which has the same buckets) into the row of `key`. */
  addRow(key: GroupKey, from: PartGrid, row: number): void {
    const into = this.rowOf(key) * this.buckets;
    const at = row * from.buckets;
    from.names.forEach((name, c) => {
      const source = from.columns[c] as Float64Array;
      const target = this.column(name);
      for (let b = 0; b < this.buckets; b++) {
        target[into + b] = (target[into + b] as number) + (source[at + b] as number);
      }
    });
  }

  /** True when every part of `row` is 0 in every bucket. */
  rowIsZero(row: number): boolean {
    const at = row * this.buckets;
    for (const column of this.columns) {
      for (let b = 0; b < this.buckets; b++) if (column[at + b] !== 0) return false;
    }
    return true;
  }

  /** The parts of one cell, every part present. */
  partsAt(row: number, bucket: number): Parts {
    const parts: Parts = {};
    const cell = row * this.buckets + bucket;
    for (let c = 0; c < this.names.length; c++) {
      parts[this.names[c] as PartName] = (this.columns[c] as Float64Array)[cell] as number;
    }
    return parts;
  }

  /** The parts of `bucket` added up over every row. */
  sumOfRows(bucket: number): Parts {
    const parts: Parts = {};
    for (let c = 0; c < this.names.length; c++) {
      const column = this.columns[c] as Float64Array;
      let sum = 0;
      for (let cell = bucket; cell < this.keys.length * this.buckets; cell += this.buckets) {
        sum += column[cell] as number;
      }
      parts[this.names[c] as PartName] = sum;
    }
    return parts;
  }

  private column(name: PartName): Float64Array {
    const c = this.names.indexOf(name);
    if (c >= 0) return this.columns[c] as Float64Array;
    this.names.push(name);
    const column = new Float64Array(this.capacity * this.buckets);
    this.columns.push(column);
    return column;
  }

  private grow(): void {
    this.capacity *= 2;
    this.columns.forEach((column, c) => {
      const larger = new Float64Array(this.capacity * this.buckets);
      larger.set(column);
      this.columns[c] = larger;
    });
  }
}

import { type Day, dayCount } from '../periods/index.ts';

export interface SpendRow {
  /** Inclusive days the amount covers. */
  periodStart: Day;
  periodEnd: Day;
  amount: number;
}

/**
 * The part of each spend row that falls in `range`, prorated by days: a
 * January row of 3,100 puts 100 on each January day. Rows are summed in the
 * order given, so callers pass a fixed order and both databases agree to the
 * last bit.
 */
export function spendIn(rows: readonly SpendRow[], range: { start: Day; end: Day }): number {
  let total = 0;
  for (const row of rows) {
    // Days compare as text ('YYYY-MM-DD'), so the later start is the last of the two sorted.
    const start = [row.periodStart, range.start].sort()[1] as Day;
    const end = [row.periodEnd, range.end].sort()[0] as Day;
    if (end < start) continue;
    const covered = dayCount({ start, end });
    const length = dayCount({ start: row.periodStart, end: row.periodEnd });
    total += covered === length ? row.amount : (row.amount * covered) / length;
  }
  return total;
}

/** True when some spend row covers a day of `range`: spend was recorded for the period. */
export function spendRecorded(rows: readonly SpendRow[], range: { start: Day; end: Day }): boolean {
  return rows.some((row) => row.periodStart <= range.end && row.periodEnd >= range.start);
}

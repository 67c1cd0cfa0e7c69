import { type RawBuilder, sql } from 'kysely';
import { addDays, type Day, daysBetween, startOfDayMs } from '../core/periods/index.ts';

/**
 * The org's local day of an instant, computed inside SQL with the same
 * answer as `dayOf` and no dialect date functions.
 *
 * Rollups are keyed by local day number (days since 1970-01-01 on the
 * org's wall calendar), which makes them compact integers that both
 * dialects compare and subtract the same way. Converting millions of
 * instants with Intl in app code would be far too slow, so app code
 * computes where each local day starts (`startOfDayMs`, DST-exact) and
 * hands SQL a piecewise formula: within a run of days whose midnights share
 * one UTC offset o, the day is floor((t + o) / 1 day); the last day of a run
 * is a constant, because a DST change inside it moves where the next day
 * starts. The pieces are searched as a balanced CASE tree, so a row costs a
 * few comparisons however many years the data spans.
 */

export const DAY_MS = 86_400_000;
const EPOCH: Day = '1970-01-01';
/** Shifts instants positive so that integer division truncates like floor, back to year -768. */
const SHIFT_DAYS = 1_000_000;

export const dayNumber = (day: Day): number => daysBetween(EPOCH, day);
export const dayFromNumber = (n: number): Day => addDays(EPOCH, n);

/** A run of instants [fromMs, toMs) and the local day number formula that holds inside it. */
interface Piece {
  fromMs: number;
  toMs: number;
  /** Offset of the run's midnights, or null for a single day given as a constant. */
  offsetMs: number | null;
  day: number;
}

/** The pieces covering the local days first..last (day numbers), in order. */
export function localDayPieces(first: number, last: number, timeZone: string): Piece[] {
  const starts: number[] = [];
  for (let n = first; n <= last + 1; n++) starts.push(startOfDayMs(dayFromNumber(n), timeZone));
  const offsetOf = (i: number) => (first + i) * DAY_MS - (starts[i] as number);
  const pieces: Piece[] = [];
  let runStart = 0;
  for (let i = 0; i <= last - first; i++) {
    const runEnds = i === last - first || offsetOf(i + 1) !== offsetOf(runStart);
    if (!runEnds) continue;
    if (i > runStart) {
      pieces.push({
        fromMs: starts[runStart] as number,
        toMs: starts[i] as number,
        offsetMs: offsetOf(runStart),
        day: first + runStart,
      });
    }
    pieces.push({
      fromMs: starts[i] as number,
      toMs: starts[i + 1] as number,
      offsetMs: null,
      day: first + i,
    });
    runStart = i + 1;
  }
  // A day that a zone skipped entirely (Pacific/Apia, 2011-12-30) has no instants to map.
  return pieces.filter((p) => p.toMs > p.fromMs);
}

/** SQL for the local day number of the instant `time`, valid for instants inside the pieces. */
export function localDaySql(time: RawBuilder<unknown>, pieces: readonly Piece[]): RawBuilder<number> {
  if (pieces.length === 0) return sql<number>`0`;
  const leaf = (p: Piece): RawBuilder<number> =>
    p.offsetMs === null
      ? sql<number>`${sql.lit(p.day)}`
      : sql<number>`((${time} + ${sql.lit(p.offsetMs + SHIFT_DAYS * DAY_MS)}) / ${sql.lit(DAY_MS)} - ${sql.lit(SHIFT_DAYS)})`;
  const tree = (lo: number, hi: number): RawBuilder<number> => {
    if (lo === hi) return leaf(pieces[lo] as Piece);
    const mid = (lo + hi + 1) >> 1;
    return sql<number>`case when ${time} < ${sql.lit((pieces[mid] as Piece).fromMs)} then ${tree(lo, mid - 1)} else ${tree(mid, hi)} end`;
  };
  return tree(0, pieces.length - 1);
}

/** First day number of the calendar month holding day number `n`. */
export function monthStartOf(n: number): number {
  const day = dayFromNumber(n);
  return dayNumber(`${day.slice(0, 7)}-01`);
}

/** First day number of the month after the one holding day number `n`. */
export function nextMonthStart(n: number): number {
  const day = dayFromNumber(n);
  const [year, month] = [Number(day.slice(0, 4)), Number(day.slice(5, 7))];
  const next =
    month === 12
      ? `${String(year + 1).padStart(4, '0')}-01-01`
      : `${day.slice(0, 5)}${String(month + 1).padStart(2, '0')}-01`;
  return dayNumber(next);
}

/**
 * SQL for the first day of the month holding the local day number `day`,
 * for days from the month starting `first` up to `last`: a balanced CASE
 * tree over the month starts, like `localDaySql`, so that rolling days up
 * into months costs a few comparisons a row instead of a join.
 */
export function monthStartSql(day: RawBuilder<unknown>, first: number, last: number): RawBuilder<number> {
  const starts: number[] = [];
  for (let s = monthStartOf(first); s <= last; s = nextMonthStart(s)) starts.push(s);
  const tree = (lo: number, hi: number): RawBuilder<number> => {
    if (lo === hi) return sql<number>`${sql.lit(starts[lo] as number)}`;
    const mid = (lo + hi + 1) >> 1;
    return sql<number>`case when ${day} < ${sql.lit(starts[mid] as number)} then ${tree(lo, mid - 1)} else ${tree(mid, hi)} end`;
  };
  return starts.length === 0 ? sql<number>`${sql.lit(monthStartOf(first))}` : tree(0, starts.length - 1);
}

import { addDays, addMonths, type Day, daysBetween } from '../periods/index.ts';

/**
 * The new-customer contact rule of the seed: "contact each new customer
 * monthly, then every two weeks". From the local day a customer was
 * acquired, the first `monthlyFor` windows are calendar months
 * (acquired 2027-01-15: 01-15..02-14, 02-15..03-14, ...), then windows of
 * `everyDays` days follow back to back. A window must hold at least one
 * touch (any activity on the account).
 */
export interface TouchRule {
  monthlyFor: number;
  everyDays: number;
}

export interface DayRange {
  start: Day;
  end: Day;
}

/**
 * The windows that end inside `period`: the ones judged in it. A window
 * still running at the period's end is judged in the period it ends in.
 */
export function touchWindowsDue(acquired: Day, period: DayRange, rule: TouchRule): DayRange[] {
  const due: DayRange[] = [];
  for (let k = 0; k < rule.monthlyFor; k++) {
    const window = { start: addMonths(acquired, k), end: addDays(addMonths(acquired, k + 1), -1) };
    if (window.end > period.end) return due;
    if (window.end >= period.start) due.push(window);
  }
  const everyDays = Math.max(1, Math.floor(rule.everyDays));
  let start = addMonths(acquired, rule.monthlyFor);
  // Jump straight to the first window that can end in the period: a customer may be months old.
  const behind = daysBetween(start, period.start) - everyDays + 1;
  if (behind > 0) start = addDays(start, Math.floor(behind / everyDays) * everyDays);
  for (;;) {
    const end = addDays(start, everyDays - 1);
    if (end > period.end) return due;
    if (end >= period.start) due.push({ start, end });
    start = addDays(end, 1);
  }
}

/** The first day of the 12 months that end with `periodEnd`: customers acquired since then are new. */
export function newCustomerSince(periodEnd: Day): Day {
  return addMonths(addDays(periodEnd, 1), -12);
}

/**
 * True when every window holds a touch. Windows are inclusive at both ends;
 * they and the sorted `touches` may be local days or instants, as long as
 * both are the same.
 */
export function everyWindowTouched<T extends string | number>(
  windows: ReadonlyArray<{ start: T; end: T }>,
  touches: readonly T[],
): boolean {
  return windows.every((w) => {
    const i = firstAtOrAfter(touches, w.start);
    return i < touches.length && (touches[i] as T) <= w.end;
  });
}

function firstAtOrAfter<T extends string | number>(sorted: readonly T[], value: T): number {
  let [lo, hi] = [0, sorted.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as T) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Targets: relative targets resolved against their baseline, and the
 * effective-dated history of a goal's target.
 *
 * Two time axes meet here. `effectiveFrom` is the day a target applies from
 * (a mid-year quota change effective 1 July); `changedAt` is when it was
 * typed. `targetAsOf(changes, day)` answers "what was the quota on that
 * day?" with everything known now; adding `knownAt` answers "what did the
 * system say then?", before later corrections were entered.
 */
import { invalid } from '../errors.ts';
import { type Day, isValidDay } from '../periods/index.ts';
import { roundToUnit } from './allocate.ts';
import type { MetricFacts, TargetChange } from './types.ts';

/** baseline × (1 + change), rounded to the unit's quantum (whole minor units for money). */
export function resolveRelativeTarget(baseline: number, change: number, unit: MetricFacts['unit']): number {
  if (!Number.isFinite(baseline)) throw invalid('The baseline must be a number.', 'baseline');
  if (!Number.isFinite(change) || change <= -1) {
    throw invalid(
      `A change of ${change} is not possible: use a fraction above -1, e.g. 0.10 for +10%.`,
      'targetChange',
    );
  }
  return roundToUnit(baseline * (1 + change), unit);
}

/** Latest effective first; of two changes effective the same day, the later typed wins. */
function byEffect(a: TargetChange, b: TargetChange): number {
  return a.effectiveFrom < b.effectiveFrom
    ? -1
    : a.effectiveFrom > b.effectiveFrom
      ? 1
      : a.changedAt - b.changedAt;
}

/**
 * The target in force on `day`. Before the first change's day the first
 * target applies (the goal had no other). `knownAt` (epoch ms) ignores
 * changes typed after that instant. Null when nothing was known yet.
 */
export function targetAsOf(changes: readonly TargetChange[], day: Day, knownAt?: number): number | null {
  if (!isValidDay(day)) throw invalid(`"${day}" is not a day: use YYYY-MM-DD.`, 'asOf');
  const known = changes.filter((c) => knownAt === undefined || c.changedAt <= knownAt).sort(byEffect);
  if (known.length === 0) return null;
  let current = known[0] as TargetChange;
  for (const change of known) {
    if (change.effectiveFrom <= day) current = change;
  }
  return current.target;
}

/** The target that stands for the whole period: the one effective last. */
export function latestTarget(changes: readonly TargetChange[]): number | null {
  const sorted = [...changes].sort(byEffect);
  return sorted.at(-1)?.target ?? null;
}

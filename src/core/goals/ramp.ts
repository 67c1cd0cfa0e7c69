/**
 * How much of a full quota a rep can carry over a period: new hires ramp up
 * (e.g. 25% / 50% / 75% of a quota in their first three months), and people
 * who join, leave or move team part-way through carry only the days they are
 * there. The factor is the mean over the period's days, so a rep who leaves
 * halfway through a quarter carries half of a quarter's quota.
 */
import { civilOf, type Day, dayFromNumber, dayNumberOf } from '../periods/days.ts';
import type { DayRange } from './types.ts';

export interface MemberCalendar {
  /** First working day; null when hired before any period that matters. */
  hiredOn: Day | null;
  /** First day no longer with the org; null while employed. */
  leftOn: Day | null;
  /**
   * Inclusive day ranges in which the rep belonged to the team being split
   * (team moves); null when membership does not restrict the rep.
   */
  memberships: DayRange[] | null;
}

/** Whole months from `from` to `to`: 2027-01-15 → 2027-02-14 is 0, → 2027-02-15 is 1. */
export function wholeMonthsBetween(from: Day, to: Day): number {
  const a = civilOf(from);
  const b = civilOf(to);
  return (b.year - a.year) * 12 + (b.month - a.month) - (b.day < a.day ? 1 : 0);
}

/**
 * The share of a full quota the member can carry over `period`, in 0..1.
 * `rampUp[i]` is the share in the (i+1)-th month after hire; months beyond
 * the list are full. Without `prorate`, absence does not reduce the share.
 */
export function capacityFactor(
  period: DayRange,
  member: MemberCalendar,
  rampUp: readonly number[],
  prorate: boolean,
): number {
  const first = dayNumberOf(period.start, 'start');
  const last = dayNumberOf(period.end, 'end');
  const hiredOn = member.hiredOn;
  const hired = hiredOn === null ? null : dayNumberOf(hiredOn, 'hiredOn');
  const left = member.leftOn === null ? null : dayNumberOf(member.leftOn, 'leftOn');
  const memberships = member.memberships?.map((r) => [dayNumberOf(r.start), dayNumberOf(r.end)] as const);
  let sum = 0;
  for (let d = first; d <= last; d++) {
    const present =
      (hired === null || d >= hired) &&
      (left === null || d < left) &&
      (memberships === undefined || memberships.some(([s, e]) => d >= s && d <= e));
    if (!present && prorate) continue;
    if (hiredOn === null || hired === null || d < hired) {
      sum += 1;
      continue;
    }
    sum += rampUp[wholeMonthsBetween(hiredOn, dayFromNumber(d))] ?? 1;
  }
  return sum / (last - first + 1);
}

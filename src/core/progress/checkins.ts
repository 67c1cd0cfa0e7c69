/**
 * When a goal's next check-in falls due. Check-ins are due one interval after
 * the last one, or one interval after the period starts when there is none
 * yet; they stop with the period. A due check-in gets a reminder to its
 * owner; one still missing `OVERDUE_AFTER_DAYS` later is overdue and also
 * alerts the owner's managers.
 */
import type { CheckinInterval } from '../goals/types.ts';
import { addDays, addMonths, type Day } from '../periods/index.ts';

export type { CheckinInterval };

export const OVERDUE_AFTER_DAYS = 2;

export interface CheckinDue {
  dueOn: Day;
  overdueOn: Day;
  state: 'not_due' | 'due' | 'overdue';
}

export function addInterval(day: Day, interval: CheckinInterval): Day {
  if (interval === 'monthly') return addMonths(day, 1);
  return addDays(day, interval === 'weekly' ? 7 : 14);
}

/** Null when no check-in falls due within the period any more. */
export function nextCheckin(input: {
  interval: CheckinInterval;
  period: { start: Day; end: Day };
  /** Local day of the latest check-in, if any. */
  lastCheckinOn: Day | null;
  today: Day;
}): CheckinDue | null {
  const from =
    input.lastCheckinOn && input.lastCheckinOn >= input.period.start
      ? input.lastCheckinOn
      : input.period.start;
  const dueOn = addInterval(from, input.interval);
  if (dueOn > input.period.end) return null;
  const overdueOn = addDays(dueOn, OVERDUE_AFTER_DAYS);
  const state = input.today >= overdueOn ? 'overdue' : input.today >= dueOn ? 'due' : 'not_due';
  return { dueOn, overdueOn, state };
}

/**
 * Where `now` falls in a goal's period, measured under its pace model.
 *
 * Every pace model is a weight per day of the period: linear gives every
 * calendar day 1, working_days gives the org's working days 1 and the rest 0,
 * seasonal spreads each bucket's historical share over that bucket's working
 * days. The share of the period elapsed is the weight of the days gone by,
 * counting today by the fraction of it that has passed, so that expected
 * values grow smoothly through the day instead of jumping at midnight.
 */
import {
  addDays,
  type Day,
  dayCount,
  dayOf,
  daysBetween,
  startOfDayMs,
  weekdayOf,
} from '../periods/index.ts';
import type { PaceModel, SeasonalBucket } from './types.ts';

export interface Timeline {
  phase: 'upcoming' | 'running' | 'ended';
  /** First and last day of the period. */
  start: Day;
  end: Day;
  /** The org's local day at `now`. */
  today: Day;
  /** Index of today in the period (0 = first day), clamped to -1 before and `daysTotal` after. */
  todayIndex: number;
  /** Fraction of today that has passed, 0..1 (0 outside the period). */
  todayFraction: number;
  daysTotal: number;
  /** Calendar days gone by, today counted by its elapsed fraction. */
  daysElapsed: number;
  /** Whole calendar days from today through the last day, today included. */
  daysLeft: number;
  workingDaysTotal: number;
  /** Whole working days from today through the last day, today included. */
  workingDaysLeft: number;
  /** The model the weights follow: seasonal falls back to working_days without usable history, and any model to linear when it gives the period no weight. */
  paceModel: PaceModel;
  /** Weight of each day of the period under `paceModel`. */
  weights: number[];
  totalWeight: number;
  elapsedWeight: number;
  /** elapsedWeight / totalWeight: the share of the target expected by now. */
  elapsedShare: number;
}

export interface TimelineInput {
  period: { start: Day; end: Day };
  paceModel: PaceModel;
  now: number;
  timeZone: string;
  workingDays: readonly number[];
  /** Seasonal model only: buckets that together cover the period. */
  seasonal?: readonly SeasonalBucket[] | null;
}

export function timelineOf(input: TimelineInput): Timeline {
  const { period, now, timeZone } = input;
  const { days, workingSet } = periodDays(period, input.workingDays);
  const daysTotal = days.length;
  const isWorking = (day: Day) => workingSet.has(day);
  const { paceModel, weights } = weightsFor(input, days, isWorking);
  const totalWeight = sum(weights);

  const today = dayOf(now, timeZone);
  const offset = daysBetween(period.start, today);
  let todayIndex: number;
  let todayFraction = 0;
  let phase: Timeline['phase'];
  if (offset < 0) {
    phase = 'upcoming';
    todayIndex = -1;
  } else if (offset >= daysTotal) {
    phase = 'ended';
    todayIndex = daysTotal;
  } else {
    phase = 'running';
    todayIndex = offset;
    const [dayStart, dayEnd] = dayBounds(today, timeZone);
    todayFraction = dayEnd > dayStart ? Math.min(1, Math.max(0, (now - dayStart) / (dayEnd - dayStart))) : 0;
  }

  const fullDays = Math.max(0, Math.min(todayIndex, daysTotal));
  const elapsedWeight =
    sum(weights.slice(0, fullDays)) + (phase === 'running' ? (weights[todayIndex] ?? 0) * todayFraction : 0);
  const remainingDays = phase === 'upcoming' ? days : days.slice(fullDays);

  return {
    phase,
    start: period.start,
    end: period.end,
    today,
    todayIndex,
    todayFraction,
    daysTotal,
    daysElapsed: fullDays + todayFraction,
    daysLeft: remainingDays.length,
    workingDaysTotal: days.filter(isWorking).length,
    workingDaysLeft: remainingDays.filter(isWorking).length,
    paceModel,
    weights,
    totalWeight,
    elapsedWeight,
    elapsedShare: totalWeight > 0 ? Math.min(1, elapsedWeight / totalWeight) : 0,
  };
}

/**
 * The days of a period and which of them are working days: the same for
 * every goal over that period, so kept (a dashboard computes dozens of goals
 * over a few periods, many times a second). Pure: a memo, not state.
 */
const periodDaysMemo = new Map<string, { days: Day[]; workingSet: Set<Day> }>();
const dayBoundsMemo = new Map<string, [number, number]>();
const MEMO_SIZE = 512;

function periodDays(period: { start: Day; end: Day }, workingDays: readonly number[]) {
  const key = `${period.start}|${period.end}|${workingDays.join(',')}`;
  let found = periodDaysMemo.get(key);
  if (!found) {
    const working = new Set(workingDays);
    const days = Array.from({ length: dayCount(period) }, (_, i) => addDays(period.start, i));
    found = { days, workingSet: new Set(days.filter((day) => working.has(weekdayOf(day)))) };
    if (periodDaysMemo.size >= MEMO_SIZE) periodDaysMemo.clear();
    periodDaysMemo.set(key, found);
  }
  return found;
}

/** The first instant of `day` and of the day after, in the zone. */
function dayBounds(day: Day, timeZone: string): [number, number] {
  const key = `${day}|${timeZone}`;
  let found = dayBoundsMemo.get(key);
  if (!found) {
    found = [startOfDayMs(day, timeZone), startOfDayMs(addDays(day, 1), timeZone)];
    if (dayBoundsMemo.size >= MEMO_SIZE) dayBoundsMemo.clear();
    dayBoundsMemo.set(key, found);
  }
  return found;
}

function weightsFor(
  input: TimelineInput,
  days: Day[],
  isWorking: (day: Day) => boolean,
): { paceModel: PaceModel; weights: number[] } {
  const linear = { paceModel: 'linear' as const, weights: days.map(() => 1) };
  const workingDays = {
    paceModel: 'working_days' as const,
    weights: days.map((d) => (isWorking(d) ? 1 : 0)),
  };
  // A period with no working day at all (a weekend-only custom range) can still be paced by calendar days.
  const workingOrLinear = sum(workingDays.weights) > 0 ? workingDays : linear;
  if (input.paceModel === 'linear') return linear;
  if (input.paceModel === 'working_days') return workingOrLinear;
  const seasonal = seasonalWeights(input.seasonal ?? [], days, isWorking);
  return seasonal ? { paceModel: 'seasonal', weights: seasonal } : workingOrLinear;
}

/**
 * Each bucket's weight is spread evenly over its working days (over all its
 * days when it has none). Returns null when the history cannot shape the
 * period: a day no bucket covers, a negative weight, or no weight at all.
 */
function seasonalWeights(
  buckets: readonly SeasonalBucket[],
  days: Day[],
  isWorking: (day: Day) => boolean,
): number[] | null {
  if (buckets.some((b) => !(b.weight >= 0) || !Number.isFinite(b.weight))) return null;
  const owner = days.map((day) => buckets.findIndex((b) => b.start <= day && day <= b.end));
  if (owner.includes(-1)) return null;
  const dayCounts = buckets.map(() => 0);
  const workingCounts = buckets.map(() => 0);
  owner.forEach((b, i) => {
    dayCounts[b] = (dayCounts[b] ?? 0) + 1;
    if (isWorking(days[i] as Day)) workingCounts[b] = (workingCounts[b] ?? 0) + 1;
  });
  const weights = owner.map((b, i) => {
    const weight = buckets[b]?.weight ?? 0;
    const working = workingCounts[b] ?? 0;
    if (working > 0) return isWorking(days[i] as Day) ? weight / working : 0;
    return weight / (dayCounts[b] ?? 1);
  });
  return sum(weights) > 0 ? weights : null;
}

export const sum = (values: readonly number[]) => values.reduce((total, v) => total + v, 0);

/**
 * Progress of one goal at one instant: the pure heart of tracking.
 *
 * Flow goals (revenue, calls) accumulate over the period, so the expected
 * value by now is the target times the share of the period elapsed under
 * the pace model. Stock goals (MRR) move from the baseline towards the
 * target along the same pace curve (or are held to the target when there is
 * no baseline). Ratio goals (win rate, churn) are not paced: their current
 * value is compared with the target, and the trend says which way it moves.
 * Lower-is-better goals (decrease, stay below) invert every comparison.
 */
import { type PipelineForecast, runRateForecast } from './forecast.ts';
import { meetsTarget, ratio, statusFromPace, trendOf } from './status.ts';
import { type Timeline, timelineOf } from './timeline.ts';
import {
  type DailyValue,
  type Forecast,
  type GoalDirection,
  lowerIsBetter,
  type MetricKind,
  type Milestone,
  type PaceModel,
  type ProgressCalendar,
  type ProgressStatus,
  type SeasonalBucket,
  type Trend,
} from './types.ts';

export interface ProgressGoal {
  kind: MetricKind;
  direction: GoalDirection;
  /** The target as it stands now (effective-dated changes already applied). */
  target: number;
  stretchTarget: number | null;
  baseline: number | null;
  period: { start: string; end: string };
  paceModel: PaceModel;
}

export interface ProgressInput {
  goal: ProgressGoal;
  calendar: ProgressCalendar;
  now: number;
  /** The metric over the period up to now; null when there is no data. */
  actual: number | null;
  /** Flow goals: what came in on each known day of the period so far, for the forecast range. */
  daily?: readonly DailyValue[];
  /** Seasonal pace: the period's buckets with their share from history. */
  seasonal?: readonly SeasonalBucket[] | null;
  /** Stock and ratio goals: the value some days ago, for the trend. */
  previous?: number | null;
  /** Stock and ratio goals: earlier values in this period, for the forecast range. */
  history?: readonly number[];
  /** Revenue goals: the pipeline forecast, computed from the open deals. */
  pipeline?: PipelineForecast | null;
}

export interface Progress {
  phase: Timeline['phase'];
  paceModel: PaceModel;
  actual: number | null;
  target: number;
  /** Share of the target reached (inverted for lower-is-better stock and ratio goals). */
  attainment: number | null;
  /** Where the value should be by now to end on target. */
  expected: number | null;
  /** actual ÷ expected (inverted for lower-is-better): 1 is exactly on pace. */
  paceRatio: number | null;
  /** Flow goals: what is still needed (or still allowed) per working day left. */
  neededPerWorkingDay: number | null;
  daysTotal: number;
  daysElapsed: number;
  daysLeft: number;
  workingDaysLeft: number;
  elapsedShare: number;
  forecast: Forecast | null;
  pipeline: PipelineForecast | null;
  status: ProgressStatus;
  trend: Trend | null;
  /** Milestones reached by the current value (higher-is-better goals; 'target' for any achieved goal). */
  milestones: Milestone[];
}

export function computeProgress(input: ProgressInput): Progress {
  const { goal, calendar } = input;
  const timeline = timelineOf({
    period: goal.period,
    paceModel: goal.paceModel,
    now: input.now,
    timeZone: calendar.timeZone,
    workingDays: calendar.workingDays,
    seasonal: input.seasonal ?? null,
  });
  const common = {
    phase: timeline.phase,
    paceModel: timeline.paceModel,
    target: goal.target,
    daysTotal: timeline.daysTotal,
    daysElapsed: timeline.daysElapsed,
    daysLeft: timeline.daysLeft,
    workingDaysLeft: timeline.workingDaysLeft,
    elapsedShare: timeline.elapsedShare,
    pipeline: input.pipeline ?? null,
  };
  const partial = goal.kind === 'flow' ? flowProgress(input, timeline) : levelProgress(input, timeline);
  return { ...common, ...partial, milestones: milestonesOf(goal, partial) };
}

type KindPart = Pick<
  Progress,
  'actual' | 'attainment' | 'expected' | 'paceRatio' | 'neededPerWorkingDay' | 'forecast' | 'status' | 'trend'
>;

function flowProgress(input: ProgressInput, timeline: Timeline): KindPart {
  const { goal, calendar } = input;
  // A flow with no rows yet has simply accumulated nothing.
  const actual = input.actual ?? 0;
  const lower = lowerIsBetter(goal.direction);
  const expected = goal.target * timeline.elapsedShare;
  const paceRatio =
    timeline.phase === 'upcoming' ? null : lower ? ratio(expected, actual) : ratio(actual, expected);
  const reached = meetsTarget(actual, goal.target, goal.direction);
  let status: ProgressStatus;
  if (lower) {
    // Going over a ceiling cannot be undone; staying under it only counts once the period is over.
    if (!reached) status = 'off_track';
    else status = timeline.phase === 'ended' ? 'achieved' : statusFromPace(paceRatio, calendar);
  } else if (reached) status = 'achieved';
  else status = timeline.phase === 'ended' ? 'off_track' : statusFromPace(paceRatio, calendar);
  const left = timeline.phase === 'ended' ? 0 : timeline.workingDaysLeft;
  return {
    actual,
    attainment: ratio(actual, goal.target),
    expected,
    paceRatio,
    neededPerWorkingDay: left > 0 ? Math.max(0, goal.target - actual) / left : null,
    forecast: runRateForecast(actual, timeline, input.daily ?? []),
    status,
    trend: null,
  };
}

function levelProgress(input: ProgressInput, timeline: Timeline): KindPart {
  const { goal, calendar } = input;
  const current = input.actual;
  const lower = lowerIsBetter(goal.direction);
  const expected =
    goal.kind === 'stock' && goal.baseline !== null
      ? goal.baseline + (goal.target - goal.baseline) * timeline.elapsedShare
      : goal.target;
  const trend = trendOf(current, input.previous, goal.direction);
  if (current === null) {
    return {
      actual: null,
      attainment: null,
      expected,
      paceRatio: null,
      neededPerWorkingDay: null,
      forecast: null,
      status: timeline.phase === 'upcoming' ? 'on_track' : 'no_data',
      trend,
    };
  }
  const paceRatio =
    timeline.phase === 'upcoming' ? null : lower ? ratio(expected, current) : ratio(current, expected);
  let status: ProgressStatus;
  if (timeline.phase === 'ended')
    status = meetsTarget(current, goal.target, goal.direction) ? 'achieved' : 'off_track';
  else status = statusFromPace(paceRatio, calendar, trend);
  const seen = [...(input.history ?? []), current];
  return {
    actual: current,
    attainment: lower ? ratio(goal.target, current) : ratio(current, goal.target),
    expected,
    paceRatio,
    neededPerWorkingDay: null,
    forecast:
      timeline.phase === 'ended'
        ? { method: 'current_value', value: current, low: current, high: current }
        : { method: 'current_value', value: current, low: Math.min(...seen), high: Math.max(...seen) },
    status,
    trend,
  };
}

function milestonesOf(goal: ProgressGoal, part: KindPart): Milestone[] {
  const reached: Milestone[] = [];
  if (lowerIsBetter(goal.direction)) {
    if (part.status === 'achieved') reached.push('target');
    return reached;
  }
  const value = part.actual;
  if (value === null || part.attainment === null) return reached;
  if (part.attainment >= 0.5) reached.push('half');
  if (meetsTarget(value, goal.target, goal.direction)) reached.push('target');
  if (goal.stretchTarget !== null && meetsTarget(value, goal.stretchTarget, goal.direction))
    reached.push('stretch');
  return reached;
}

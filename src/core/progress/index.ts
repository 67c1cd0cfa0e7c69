/**
 * Progress: actual vs target, pace, forecast and status of a goal at an
 * instant, plus the alert and check-in rules built on them. Pure and
 * clock-free: `now` is an argument everywhere.
 */
export { type AlertEvent, type AlertState, evaluateAlerts } from './alerts.ts';
export {
  addInterval,
  type CheckinDue,
  type CheckinInterval,
  nextCheckin,
  OVERDUE_AFTER_DAYS,
} from './checkins.ts';
export {
  type ClosedAtStage,
  type OpenAtStage,
  type PipelineForecast,
  pipelineForecast,
  RANGE_Z,
  runRateForecast,
  stageProbabilities,
} from './forecast.ts';
export { computeProgress, type Progress, type ProgressGoal, type ProgressInput } from './progress.ts';
export { meetsTarget, statusFromPace, trendOf } from './status.ts';
export { type Timeline, timelineOf } from './timeline.ts';
export type {
  DailyValue,
  Forecast,
  GoalDirection,
  MetricKind,
  Milestone,
  PaceModel,
  ProgressCalendar,
  ProgressStatus,
  SeasonalBucket,
  Thresholds,
  Trend,
} from './types.ts';
export { lowerIsBetter } from './types.ts';

import type { GoalDirection } from '../goals/types.ts';
import type { Day } from '../periods/index.ts';

export type { GoalDirection, PaceModel } from '../goals/types.ts';
/** How a metric adds up over time (SPEC §2); decides which progress rules apply. */
export type { Kind as MetricKind } from '../metrics/types.ts';

export type ProgressStatus = 'achieved' | 'on_track' | 'at_risk' | 'off_track' | 'no_data';

export type Trend = 'improving' | 'worsening' | 'flat';

export type Milestone = 'half' | 'target' | 'stretch';

export interface Thresholds {
  /** Pace ratio under which a goal is at risk (org setting, default 1). */
  atRiskBelow: number;
  /** Pace ratio under which a goal is off track (org setting, default 0.8). */
  offTrackBelow: number;
}

/** The part of an org the progress rules read: its zone, working week and thresholds. */
export interface ProgressCalendar extends Thresholds {
  timeZone: string;
  /** 0 = Sunday. */
  workingDays: readonly number[];
}

/** A stretch of the period with its share of the year's activity, from the org's own history. */
export interface SeasonalBucket {
  start: Day;
  end: Day;
  weight: number;
}

export interface DailyValue {
  day: Day;
  value: number;
}

/** A forecast of the value at period end, with an 80% range. */
export interface Forecast {
  method: 'run_rate' | 'pipeline' | 'current_value';
  value: number;
  low: number;
  high: number;
}

export const lowerIsBetter = (direction: GoalDirection) =>
  direction === 'decrease' || direction === 'stay_below';

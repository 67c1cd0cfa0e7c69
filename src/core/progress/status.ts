import {
  type GoalDirection,
  lowerIsBetter,
  type ProgressStatus,
  type Thresholds,
  type Trend,
} from './types.ts';

/** Float noise must not turn an exact 50%-at-halfway into "at risk". */
const EPSILON = 1e-9;

/**
 * Status from the pace ratio (1 = exactly on pace, > 1 ahead). A null ratio
 * means there is nothing to be behind yet (nothing expected so far, or a
 * lower-is-better value of zero), which is on track. A goal in the at-risk
 * band that is also getting worse is off track: it is moving away.
 */
export function statusFromPace(
  paceRatio: number | null,
  thresholds: Thresholds,
  trend: Trend | null = null,
): ProgressStatus {
  if (paceRatio === null || paceRatio >= thresholds.atRiskBelow - EPSILON) return 'on_track';
  if (paceRatio < thresholds.offTrackBelow - EPSILON) return 'off_track';
  return trend === 'worsening' ? 'off_track' : 'at_risk';
}

/** Whether a value meets the target in the goal's direction. */
export function meetsTarget(value: number, target: number, direction: GoalDirection): boolean {
  return lowerIsBetter(direction) ? value <= target + EPSILON : value >= target - EPSILON;
}

/** Changes under half a percent of the earlier value are noise, not a trend. */
export function trendOf(
  current: number | null,
  previous: number | null | undefined,
  direction: GoalDirection,
): Trend | null {
  if (current === null || previous === null || previous === undefined) return null;
  const delta = current - previous;
  if (Math.abs(delta) <= Math.max(Math.abs(previous) * 0.005, EPSILON)) return 'flat';
  const better = lowerIsBetter(direction) ? delta < 0 : delta > 0;
  return better ? 'improving' : 'worsening';
}

/** `numerator / denominator`, or null when the denominator is not positive. */
export const ratio = (numerator: number, denominator: number) =>
  denominator > 0 ? numerator / denominator : null;

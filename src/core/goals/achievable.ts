/**
 * How likely is a target, judged against the org's own history of the metric?
 *
 * The history is a list of past period-over-period changes for the same scope
 * (e.g. each of the last 12 quarters against the same quarter a year earlier).
 * The required change is target ÷ baseline. The probability is that of a
 * smoothed bootstrap: draw one past change at random and add Gaussian noise
 * of Silverman's bandwidth, in log space (growth compounds, and +100% and
 * −50% are the same distance from flat). We compute the probability exactly
 * (the mean over past changes of a normal tail) instead of sampling, so the
 * answer is the same on every run.
 */
import { roundToUnit } from './allocate.ts';
import type { GoalDirection, MetricFacts } from './types.ts';

export type AchievableLabel = 'easy' | 'achievable' | 'stretch' | 'unrealistic';

/** Probability bounds of the labels: at least 85% easy, 40% achievable, 10% stretch. */
export const LABEL_FLOORS = { easy: 0.85, achievable: 0.4, stretch: 0.1 } as const;

const MIN_BANDWIDTH = 0.05;

/** Fewer past changes than this and the history says too little to judge. */
export const MIN_HISTORY = 4;

export interface Achievability {
  /** target ÷ baseline − 1. */
  requiredChange: number;
  /** Chance of reaching the target if the future looks like the past, 0..1. */
  probability: number;
  label: AchievableLabel;
  /** The median past change: what a typical period brought. */
  typicalChange: number;
  /** A target with an even chance (the typical change applied to the baseline), rounded for people. */
  suggestedTarget: number;
  /** A target with about a one-in-four chance: a fair stretch target. */
  suggestedStretch: number;
  samples: number;
}

/** Whether the goal is met by a value at or above the target (true) or at or below it (false). */
export function wantsHigher(direction: GoalDirection, better: MetricFacts['direction']): boolean {
  if (direction === 'increase') return true;
  if (direction === 'decrease' || direction === 'stay_below') return false;
  return better === 'higher';
}

// Abramowitz–Stegun 7.1.26 gives erf to 1.5e-7: far finer than any sales forecast.
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

/**
 * Silverman's rule of thumb, with a floor of 5%: a short, steady history
 * (eight years of +8..+14%) must not make a year a little beyond the best one
 * look impossible; sales results vary more than a few past points show.
 */
function bandwidth(xs: readonly number[]): number {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  const sorted = [...xs].sort((a, b) => a - b);
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  const spread = iqr > 0 ? Math.min(sd, iqr / 1.34) : sd;
  return Math.max(MIN_BANDWIDTH, 0.9 * spread * n ** -0.2);
}

/** Rounds a suggestion to three significant figures in major units, so people can say it. */
export function roundForPeople(value: number, unit: MetricFacts['unit'], minorDigits: number): number {
  if (value <= 0) return 0;
  const scale = unit === 'currency' ? 10 ** minorDigits : 1;
  const major = value / scale;
  const magnitude = 10 ** (Math.floor(Math.log10(major)) - 2);
  const rounded = unit === 'percent' ? major : Math.round(major / magnitude) * magnitude;
  return roundToUnit(rounded * scale, unit);
}

export interface AchievableInput {
  baseline: number;
  target: number;
  direction: GoalDirection;
  metric: MetricFacts;
  /** Past period-over-period changes as fractions (0.08 = +8%). */
  changes: readonly number[];
  /** Minor-unit digits of the org currency, for rounding money suggestions. */
  minorDigits: number;
}

/** Null when the baseline is not positive or the history is too short to judge. */
export function achievability(input: AchievableInput): Achievability | null {
  const { baseline, target, metric } = input;
  const valid = input.changes.filter((c) => Number.isFinite(c) && c > -1);
  if (!(baseline > 0) || valid.length < MIN_HISTORY) return null;
  const xs = valid.map((c) => Math.log1p(c));
  const h = bandwidth(xs);
  // A target of 0 has no logarithm; a thousandth of the baseline is as unlikely and stays finite.
  const required = Math.log(Math.max(target, baseline / 1000) / baseline);
  const higher = wantsHigher(input.direction, metric.direction);
  const chanceAbove = (x: number) => xs.reduce((a, xi) => a + normalCdf((xi - x) / h), 0) / xs.length;
  const probability = higher ? chanceAbove(required) : 1 - chanceAbove(required);

  // The log-change with a given chance of being beaten, by bisection (chanceAbove is monotone).
  const atChance = (p: number) => {
    let lo = Math.min(...xs) - 10 * h;
    let hi = Math.max(...xs) + 10 * h;
    for (let i = 0; i < 80; i++) {
      const mid = (lo + hi) / 2;
      if (chanceAbove(mid) > p) lo = mid;
      else hi = mid;
    }
    return (lo + hi) / 2;
  };
  const even = atChance(0.5);
  const stretch = atChance(higher ? 0.25 : 0.75);
  const label: AchievableLabel =
    probability >= LABEL_FLOORS.easy
      ? 'easy'
      : probability >= LABEL_FLOORS.achievable
        ? 'achievable'
        : probability >= LABEL_FLOORS.stretch
          ? 'stretch'
          : 'unrealistic';
  const sorted = [...valid].sort((a, b) => a - b);
  return {
    requiredChange: target / baseline - 1,
    probability,
    label,
    typicalChange: quantile(sorted, 0.5),
    suggestedTarget: roundForPeople(baseline * Math.exp(even), metric.unit, input.minorDigits),
    suggestedStretch: roundForPeople(baseline * Math.exp(stretch), metric.unit, input.minorDigits),
    samples: valid.length,
  };
}

/**
 * Cutting a total into parts that sum to it exactly (the largest-remainder
 * method): every part first gets the whole quanta of its exact share, and the
 * quanta left over go one each to the parts with the largest fractions.
 * Money is split in minor units and counts in whole units, so a parent of
 * 1,000,000.01 split three ways becomes 333,333.34 + 333,333.34 + 333,333.33.
 */
import { invalid } from '../errors.ts';
import type { MetricFacts } from './types.ts';

/**
 * Splits a whole number `total` by `weights`. Ties between equal fractions go
 * to the earlier part, so the result is the same on every run.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) {
    throw invalid(`Cannot split ${total}: only a whole, non-negative amount can be split exactly.`, 'target');
  }
  if (weights.length === 0) throw invalid('Cannot split into zero parts.', 'members');
  for (const [i, w] of weights.entries()) {
    if (!Number.isFinite(w) || w < 0) {
      throw invalid(`Weight ${i + 1} is ${w}: weights must be non-negative numbers.`, 'weights');
    }
  }
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) throw invalid('Every weight is zero: there is nothing to split by.', 'weights');

  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map((q) => Math.floor(q));
  let left = total - parts.reduce((a, b) => a + b, 0);
  // Floating error can make the floors overshoot by a unit; the loops below absorb either sign.
  const byFraction = exact
    .map((q, i) => ({ i, fraction: q - Math.floor(q) }))
    .sort((a, b) => b.fraction - a.fraction || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % byFraction.length) {
    const part = byFraction[k] as { i: number };
    if ((weights[part.i] as number) > 0) {
      parts[part.i] = (parts[part.i] as number) + 1;
      left--;
    }
  }
  for (let k = byFraction.length - 1; left < 0; k = (k - 1 + byFraction.length) % byFraction.length) {
    const part = byFraction[k] as { i: number };
    if ((parts[part.i] as number) > 0) {
      parts[part.i] = (parts[part.i] as number) - 1;
      left++;
    }
  }
  return parts;
}

/**
 * The smallest amount a metric's target is split in: one minor unit of money,
 * one whole count, a hundredth of an hour or a day.
 */
export function quantumOf(unit: MetricFacts['unit']): number {
  return unit === 'hours' || unit === 'days' ? 0.01 : unit === 'percent' ? 0.0001 : 1;
}

/** Rounds a target to its unit's quantum (whole minor units, whole counts, hundredths of an hour). */
export function roundToUnit(value: number, unit: MetricFacts['unit']): number {
  const q = quantumOf(unit);
  if (q === 1) return Math.round(value);
  const scale = Math.round(1 / q);
  return Math.round(value * scale) / scale;
}

/** `largestRemainder` for any unit: splits in the unit's quanta and returns values in the unit. */
export function splitAmount(total: number, weights: readonly number[], unit: MetricFacts['unit']): number[] {
  const q = quantumOf(unit);
  if (q === 1) return largestRemainder(total, weights);
  const scale = Math.round(1 / q);
  return largestRemainder(Math.round(total * scale), weights).map((part) => part / scale);
}

/**
 * Forecasts of a goal's value at the end of its period, each with an 80% range.
 *
 * - Run-rate (flow metrics): what has come in so far, extended over the rest
 *   of the period at the same rate per unit of pace weight. The range comes
 *   from the day-to-day spread of that rate over the known days: the rest of
 *   the period is a sum of independent days, so its spread grows with the
 *   square root of the weights still to come.
 * - Pipeline (revenue): won so far plus each open deal expected to close in
 *   the period, weighted by the probability that a deal at its stage is won,
 *   learned from the org's own closed deals. Each deal is a coin flip worth
 *   its amount, so the variance is Σ amount² · p · (1 − p).
 */
import { daysBetween } from '../periods/index.ts';
import type { Timeline } from './timeline.ts';
import type { DailyValue, Forecast } from './types.ts';

/** z of the two-sided 80% normal interval. */
export const RANGE_Z = 1.2816;

/**
 * `daily` holds what came in on each day of the period that is known (from
 * the daily snapshots); a day not listed is unknown and left out of the
 * spread rather than counted as a day of nothing. Only days already over are read.
 */
export function runRateForecast(
  actual: number,
  timeline: Timeline,
  daily: readonly DailyValue[],
): Forecast | null {
  if (timeline.phase === 'ended') return { method: 'run_rate', value: actual, low: actual, high: actual };
  if (timeline.elapsedWeight <= 0) return null;
  const value = (actual * timeline.totalWeight) / timeline.elapsedWeight;
  const rest = value - actual;

  const complete = Math.max(0, timeline.todayIndex);
  const rates: number[] = [];
  for (const { day, value: v } of daily) {
    const i = daysBetween(timeline.start, day);
    const w = timeline.weights[i] ?? 0;
    if (i >= 0 && i < complete && w > 0) rates.push(v / w);
  }
  if (rates.length < 2) {
    // Too few days to measure a spread: anything from nothing more to twice the expected remainder.
    return { method: 'run_rate', value, low: actual, high: actual + 2 * rest };
  }
  const spread = standardDeviation(rates);
  let remainingSquares = ((timeline.weights[complete] ?? 0) * (1 - timeline.todayFraction)) ** 2;
  for (let i = complete + 1; i < timeline.weights.length; i++)
    remainingSquares += (timeline.weights[i] ?? 0) ** 2;
  const half = RANGE_Z * spread * Math.sqrt(remainingSquares);
  return { method: 'run_rate', value, low: Math.max(actual, value - half), high: value + half };
}

function standardDeviation(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const squares = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return Math.sqrt(squares / (values.length - 1));
}

/** Closed deals counted by the stage they were in when they closed. */
export interface ClosedAtStage {
  stage: string;
  won: number;
  lost: number;
}

/**
 * The probability that an open deal at each stage ends won.
 *
 * A won deal went through every stage; a lost deal went through the stages up
 * to the one it was lost at. So of the deals that reached stage s, the won
 * ones are all won deals and the lost ones are those lost at s or later:
 * p(s) = won / (won + lost at or after s). `order` lists the open stages from
 * first to last; stages sharing a rank share a position (pass the same rank).
 * A deal lost at a stage outside the order (e.g. "Closed Lost") could have
 * been lost anywhere, so it counts against every stage, which makes p the
 * plain win rate when the data says nothing about where deals are lost.
 * Returns null per stage when no deal ever closed (nothing to learn from).
 */
export function stageProbabilities(
  order: ReadonlyArray<{ stage: string; rank: number }>,
  closed: readonly ClosedAtStage[],
): Map<string, number | null> {
  const rankOf = new Map(order.map((o) => [o.stage, o.rank]));
  const won = closed.reduce((n, c) => n + c.won, 0);
  const result = new Map<string, number | null>();
  for (const { stage, rank } of order) {
    let lost = 0;
    for (const c of closed) {
      const closedRank = rankOf.get(c.stage);
      if (closedRank === undefined || closedRank >= rank) lost += c.lost;
    }
    result.set(stage, won + lost > 0 ? won / (won + lost) : null);
  }
  return result;
}

/** Open deals expected to close in the period, summed per stage (sums of squares give the spread). */
export interface OpenAtStage {
  stage: string;
  count: number;
  amount: number;
  amountSquared: number;
}

export interface PipelineForecast extends Forecast {
  method: 'pipeline';
  won: number;
  /** Σ amount × p over the open deals. */
  weightedPipeline: number;
  openAmount: number;
  openDeals: number;
  /** The probability used for each stage with open deals. */
  stages: Array<{ stage: string; probability: number; deals: number; amount: number }>;
}

/**
 * Won plus the probability-weighted open pipeline. A stage with no learned
 * probability uses `fallback` (the org's win rate); with no fallback either,
 * there is nothing to forecast from and the result is null.
 */
export function pipelineForecast(
  won: number,
  open: readonly OpenAtStage[],
  probabilities: ReadonlyMap<string, number | null>,
  fallback: number | null,
): PipelineForecast | null {
  let weighted = 0;
  let variance = 0;
  let openAmount = 0;
  let openDeals = 0;
  const stages: PipelineForecast['stages'] = [];
  for (const o of open) {
    const p = probabilities.get(o.stage) ?? fallback;
    if (p === null || p === undefined) return null;
    weighted += o.amount * p;
    variance += o.amountSquared * p * (1 - p);
    openAmount += o.amount;
    openDeals += o.count;
    stages.push({ stage: o.stage, probability: p, deals: o.count, amount: o.amount });
  }
  const value = won + weighted;
  const half = RANGE_Z * Math.sqrt(variance);
  return {
    method: 'pipeline',
    value,
    low: Math.max(won, value - half),
    high: Math.min(won + openAmount, value + half),
    won,
    weightedPipeline: weighted,
    openAmount,
    openDeals,
    stages,
  };
}

/**
 * The growth areas of a scope, most room first: every funnel stage, rep gap
 * and trend that qualifies, ordered by the yearly money at stake (revenue
 * won or kept, cost saved), then, for areas the data cannot price, by how
 * far they are from their reference.
 */
import { chainRates, windowOf } from './figures.ts';
import { funnelAreas } from './funnel.ts';
import { repAreas } from './reps.ts';
import { trendAreas } from './trends.ts';
import type { GrowthArea, GrowthInput, SeriesSet } from './types.ts';

function checkAligned(series: SeriesSet, length: number, whose: string) {
  for (const [metric, points] of Object.entries(series)) {
    if (points && points.length !== length) {
      throw new Error(`${whose} ${metric} has ${points.length} points for ${length} buckets.`);
    }
  }
}

export function compareAreas(a: GrowthArea, b: GrowthArea): number {
  const money = (x: GrowthArea) => x.impact.annual ?? Number.NEGATIVE_INFINITY;
  if (money(a) !== money(b)) return money(b) - money(a);
  if (a.severity !== b.severity) return b.severity - a.severity;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function rankGrowthAreas(input: GrowthInput): GrowthArea[] {
  if (input.buckets.length === 0) return [];
  if (!(Number.isInteger(input.perYear) && input.perYear > 0)) {
    throw new Error(`perYear must be a positive whole number, not ${input.perYear}.`);
  }
  checkAligned(input.series, input.buckets.length, 'The scope series');
  for (const peer of input.peers) checkAligned(peer.series, input.buckets.length, `Rep ${peer.id}'s series`);
  const window = windowOf(input);
  const rates = chainRates(input.series, window);
  const areas = [
    ...funnelAreas(input, window, rates),
    ...repAreas(input, window, rates),
    ...trendAreas(input, window, rates),
  ].sort(compareAreas);
  return areas.map((area, i) => ({ ...area, rank: i + 1 }));
}

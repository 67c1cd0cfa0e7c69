/**
 * Growth areas and their prioritization (SPEC §4 steps 1 and 2). Pure: the
 * service reads the metric series, this ranks what has the most room and
 * scores the goals that would close each gap.
 */
export { type ChainRates, chainRates, median, windowOf } from './figures.ts';
export { STAGES } from './funnel.ts';
export * from './prioritize.ts';
export { compareAreas, rankGrowthAreas } from './rank.ts';
export { REP_SPECS } from './reps.ts';
export { TREND_METRICS } from './trends.ts';
export * from './types.ts';

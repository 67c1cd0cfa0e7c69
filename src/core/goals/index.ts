/**
 * Goals (SPEC §3): the model and its lifecycle, effective-dated targets, the
 * cascade (split by period or member, largest remainder, ramp-up), the SMART
 * coach, the reverse funnel, bonus tiers and the seed's templates.
 * Pure: services gather the numbers and pass them in.
 */
export * from './achievable.ts';
export * from './allocate.ts';
export * from './bonus.ts';
export * from './funnel.ts';
export * from './model.ts';
export * from './ramp.ts';
export * from './smart.ts';
export * from './split.ts';
export * from './targets.ts';
export * from './templates.ts';
export * from './text.ts';
export * from './types.ts';

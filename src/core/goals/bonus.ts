/**
 * Stretch goals and bonus tiers (SPEC §3, compensation link): a tier starts
 * at an attainment (1 = 100% of target) and pays a fixed amount in minor
 * units; the highest tier reached is what is earned. A stretch target is
 * just a tier at stretch ÷ target.
 */
import { invalid } from '../errors.ts';
import { wantsHigher } from './achievable.ts';
import type { BonusTier, GoalDirection, MetricFacts } from './types.ts';

/** Tiers must rise in attainment, and a higher tier never pays less. */
export function checkTiers(tiers: readonly BonusTier[]): BonusTier[] {
  const sorted = [...tiers].sort((a, b) => a.attainment - b.attainment);
  for (const [i, tier] of sorted.entries()) {
    if (!Number.isFinite(tier.attainment) || tier.attainment <= 0) {
      throw invalid(`Tier ${i + 1}: the attainment must be above 0 (1 = 100%).`, `tiers.${i}.attainment`);
    }
    if (!Number.isSafeInteger(tier.payout) || tier.payout < 0) {
      throw invalid(
        `Tier ${i + 1}: the payout must be a whole, non-negative amount in minor units.`,
        `tiers.${i}.payout`,
      );
    }
    const prev = sorted[i - 1];
    if (prev && prev.attainment === tier.attainment) {
      throw invalid(`Two tiers start at the same attainment (${tier.attainment}).`, `tiers.${i}.attainment`);
    }
    if (prev && tier.payout < prev.payout) {
      throw invalid(
        `The tier at ${tier.attainment} pays less than the tier below it: higher attainment must never pay less.`,
        `tiers.${i}.payout`,
      );
    }
  }
  return sorted;
}

/**
 * The usual plan the seed describes: 100% → B, 110% → 1.5 B, and the stretch
 * target → 2 B (or 120% when the goal has no stretch target).
 */
export function standardTiers(bonus: number, target: number, stretchTarget: number | null): BonusTier[] {
  if (!Number.isSafeInteger(bonus) || bonus < 0)
    throw invalid('The bonus must be whole minor units.', 'bonus');
  // A stretch below the target (lower is better) is reached at target ÷ stretch.
  const ratio = stretchTarget && stretchTarget > 0 && target > 0 ? stretchTarget / target : 1.2;
  const stretchAt = ratio >= 1 ? ratio : 1 / ratio;
  const tiers = [{ attainment: 1, payout: bonus }];
  if (stretchAt > 1.1) tiers.push({ attainment: 1.1, payout: Math.round(bonus * 1.5) });
  if (stretchAt > 1) tiers.push({ attainment: stretchAt, payout: bonus * 2 });
  return checkTiers(tiers);
}

/** Attainment is capped so that a goal beaten outright (zero churn) still reads as a number. */
export const MAX_ATTAINMENT = 10;

/**
 * actual ÷ target, or target ÷ actual when lower is better (a churn goal of
 * 1% met at 0.8% is 125% attained). Null when there is nothing to compare.
 */
export function attainmentOf(
  actual: number | null,
  target: number,
  direction: GoalDirection,
  better: MetricFacts['direction'],
): number | null {
  if (actual === null || !Number.isFinite(actual)) return null;
  if (wantsHigher(direction, better)) return target > 0 ? Math.min(MAX_ATTAINMENT, actual / target) : null;
  return actual > 0 ? Math.min(MAX_ATTAINMENT, target / actual) : MAX_ATTAINMENT;
}

export interface Payout {
  attainment: number | null;
  /** Minor units earned: the payout of the highest tier reached, 0 below the first. */
  earned: number;
  tier: BonusTier | null;
  next: (BonusTier & { /** attainment still missing to reach it */ gap: number }) | null;
}

export function payoutFor(tiers: readonly BonusTier[], attainment: number | null): Payout {
  const sorted = checkTiers(tiers);
  if (attainment === null) {
    const first = sorted[0];
    return { attainment, earned: 0, tier: null, next: first ? { ...first, gap: first.attainment } : null };
  }
  const reached = sorted.filter((t) => attainment >= t.attainment).at(-1) ?? null;
  const next = sorted.find((t) => attainment < t.attainment) ?? null;
  return {
    attainment,
    earned: reached?.payout ?? 0,
    tier: reached,
    next: next ? { ...next, gap: next.attainment - attainment } : null,
  };
}

/**
 * Step 2 of the goal-setting flow: the growth areas of a scope as draft
 * goals scored on impact, speed and resources (src/core/insights/prioritize.ts),
 * and creating the ones the user picks as drafts with their reason kept.
 */
import { assertAllowed, canWriteGoal } from '../../core/access.ts';
import { invalid } from '../../core/errors.ts';
import type { Capacity, Goal } from '../../core/goals/index.ts';
import {
  DEFAULT_WEIGHTS,
  type Proposal,
  prioritize,
  rankGrowthAreas,
  type Weights,
} from '../../core/insights/index.ts';
import { metricDef } from '../../core/metrics/index.ts';
import { inTransaction } from '../../store/db.ts';
import type { Ctx } from '../context.ts';
import { scopeInfo } from '../goals/common.ts';
import { createGoal } from '../goals/create.ts';
import { capacityOf, goalScopeOf } from '../goals/figures.ts';
import { type GrowthAreasInput, type GrowthWindow, growthContext } from '../insights/growth-areas.ts';
import { type PeriodInput, type PeriodRef, type ResolvedScope, resolveScope } from '../metrics/index.ts';
import { readPeriod } from '../metrics/shared.ts';

export interface ProposalsInput extends Omit<GrowthAreasInput, 'limit'> {
  /** The period the goals would run over; default the period of the grain running today. */
  period?: PeriodInput;
  weights?: Weights;
}

export interface ScoredProposal extends Proposal {
  /** Whether the reader may create this goal (managers for their subtree, admins anywhere). */
  canCreate: boolean;
}

export interface ProposalsReport {
  scope: { type: ResolvedScope['type']; id: number | null; label: string };
  period: PeriodRef;
  window: GrowthWindow;
  weights: Weights;
  proposals: ScoredProposal[];
}

async function proposalsOf(ctx: Ctx, input: ProposalsInput, withCapacity: boolean) {
  const found = await growthContext(ctx, input);
  const period = input.period === undefined ? found.running : readPeriod(ctx, input.period);
  const areas = rankGrowthAreas(found.growth);
  const capacities = new Map<string, Capacity | null>();
  if (withCapacity) {
    const cache = new Map<string, Promise<Capacity | null>>();
    for (const area of areas) {
      const def = metricDef(area.goal.metric);
      if (def.kind !== 'flow' || !def.breakdowns.includes('rep')) continue;
      const key = `${def.id}|${area.goal.scope.type}:${area.goal.scope.id}`;
      if (!cache.has(key)) {
        cache.set(
          key,
          goalScopeOf(ctx, area.goal.scope).then((scope) => capacityOf(ctx, def, scope, {}, period)),
        );
      }
      capacities.set(area.id, await (cache.get(key) as Promise<Capacity | null>));
    }
  }
  const weights = input.weights ?? DEFAULT_WEIGHTS;
  const proposals = prioritize({ growth: found.growth, areas, period, capacities, weights });
  return { found, period, weights, proposals };
}

/** The growth areas of a scope as scored draft goals, best first; nothing is stored. */
export async function proposeGoals({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: ProposalsInput;
}): Promise<ProposalsReport> {
  const { found, period, weights, proposals } = await proposalsOf(ctx, input, true);
  const scored: ScoredProposal[] = [];
  for (const proposal of proposals) {
    const info = await scopeInfo(ctx, proposal.goal.scope);
    scored.push({ ...proposal, canCreate: canWriteGoal(ctx.actor, info.access) });
  }
  return {
    scope: { type: found.scope.type, id: found.scope.id, label: found.scope.label },
    period: { label: period.label, start: period.start, end: period.end },
    window: found.window,
    weights,
    proposals: scored,
  };
}

export interface CreateDraftsInput extends ProposalsInput {
  /** The growth areas picked (ids from the proposals). */
  areaIds: string[];
  /** Language of the title, description and reason stored on each goal. */
  language?: 'en' | 'ar';
}

export const MAX_DRAFTS = 50;

/**
 * Creates the picked proposals as draft goals, in one transaction: all or
 * none. The areas are found again from the data as it is now, so a goal is
 * never created from evidence the reader could not see or that has changed.
 */
export async function createDraftGoals({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: CreateDraftsInput;
}): Promise<Goal[]> {
  const ids = input.areaIds;
  if (!Array.isArray(ids) || ids.length === 0) throw invalid('Pick at least one growth area.', 'areaIds');
  if (ids.length > MAX_DRAFTS) throw invalid(`Pick at most ${MAX_DRAFTS} growth areas at once.`, 'areaIds');
  const language = input.language ?? 'en';
  if (language !== 'en' && language !== 'ar') throw invalid('The language is en or ar.', 'language');
  // Reading the data takes a while: refuse those who may not set goals here before doing it.
  const scope = await resolveScope(ctx, input.scope);
  assertAllowed(canWriteGoal(ctx.actor, scope.scope), `You may not set goals for ${scope.label}.`);
  const { found, proposals } = await proposalsOf(ctx, input, false);
  const chosen = ids.map((id, i) => {
    if (ids.indexOf(id) !== i) throw invalid(`"${id}" is picked twice.`, `areaIds.${i}`);
    const proposal = proposals.find((p) => p.id === id);
    if (!proposal) {
      throw invalid(
        `"${id}" is not a growth area of ${found.scope.label} in the data as it is now: refresh the list.`,
        `areaIds.${i}`,
      );
    }
    return proposal;
  });
  return inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const goals: Goal[] = [];
    for (const { goal } of chosen) {
      goals.push(
        await createGoal({
          ctx: txCtx,
          input: {
            title: goal.title[language],
            description: goal.description[language],
            metric: goal.metric,
            scope: goal.scope,
            target: goal.target,
            targetMode: 'absolute',
            direction: goal.direction,
            period: goal.period,
            kind: goal.kind,
            reason: goal.reason[language],
            status: 'draft',
          },
        }),
      );
    }
    return goals;
  });
}

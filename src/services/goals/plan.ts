/**
 * The goal form's save in one piece (step 3 of the flow): a goal, new or an
 * edited draft, with the children it is cut into (a split by period, team or
 * rep) and the activity goals of its reverse funnel. Everything is written in
 * one transaction, so a split refused after the goal was written leaves no
 * goal behind. The preview is the same work rolled back, like the import's
 * dry run: what the form shows before saving is what saving writes.
 */
import { HadafError, invalid } from '../../core/errors.ts';
import { FUNNEL_METRICS, type FunnelStepId, type Goal } from '../../core/goals/index.ts';
import { type Db, inTransaction } from '../../store/db.ts';
import type { Ctx } from '../context.ts';
import { loadGoal } from './common.ts';
import { type CreateGoalInput, createGoal } from './create.ts';
import { acceptFunnel, type FunnelPreview, previewFunnel } from './funnel.ts';
import { applySplit, previewSplit, type SplitPreview, type SplitRuleInput } from './split.ts';
import { updateGoal } from './update.ts';

export interface GoalPlanInput {
  /** A draft to save instead of creating a goal: it stays a draft, and its children are drafts too. */
  draftId?: number;
  goal: CreateGoalInput;
  split?: SplitRuleInput | null;
  /** Funnel steps to add as activity goals under the goal. */
  funnel?: { steps: FunnelStepId[]; perRep?: boolean } | null;
}

export interface GoalPlanPreview {
  /** The goal as it would be saved: the target resolved (a relative one too), its layer and baseline. */
  goal: Pick<Goal, 'target' | 'baseline' | 'baselinePeriod' | 'layer' | 'kind'>;
  split: SplitPreview | null;
  /** The reverse funnel, for an outcome goal on a metric it starts from; null otherwise. */
  funnel: Omit<FunnelPreview, 'goalId'> | null;
}

export interface SavedGoalPlan {
  goal: Goal;
  /** The split's children, in the order of the preview. */
  children: Goal[];
  /** The activity goals taken from the funnel. */
  activities: Goal[];
}

/** Thrown to roll the preview's transaction back while carrying its result out. */
class RollBack<T> extends Error {
  constructor(readonly result: T) {
    super('rolled back');
  }
}

/** Names a service's field as the request body does: `members.0` of the split is `split.members.0`. */
async function within<T>(part: 'goal' | 'split' | 'funnel', work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof HadafError && error.code === 'invalid_input') {
      throw new HadafError(error.code, error.message, error.field ? `${part}.${error.field}` : part);
    }
    throw error;
  }
}

/** Writes (or, for a draft, rewrites) the goal itself. */
async function writeGoal(ctx: Ctx, input: GoalPlanInput, status: 'draft' | 'active'): Promise<Goal> {
  const { goal } = input;
  if (input.draftId === undefined)
    return within('goal', () => createGoal({ ctx, input: { ...goal, status } }));
  const { row } = await loadGoal(ctx, input.draftId, 'write');
  if (row.status !== 'draft') {
    throw invalid(`Goal ${row.id} is ${row.status}, not a draft: open it to change it.`, 'draftId');
  }
  if (goal.templateId !== undefined || goal.parentId !== undefined) {
    throw invalid('A saved draft keeps its place: it takes no template or parent.', 'goal.templateId');
  }
  if (goal.status === 'active') {
    throw invalid(
      'A draft saved from the form stays a draft: communicate it to make it live.',
      'goal.status',
    );
  }
  const { templateId: _t, language: _l, parentId: _p, status: _s, target, ...fields } = goal;
  if (target === null && goal.targetMode !== 'relative') {
    throw invalid('Give a target: a number in the metric’s unit.', 'goal.target');
  }
  // An absolute target is a number; a relative goal's target comes from its change instead.
  const patch = { ...fields, ...(typeof target === 'number' ? { target } : {}), goalId: row.id };
  return within('goal', async () => (await updateGoal({ ctx, input: patch })).goal);
}

/** Whether the reverse funnel can start from this goal (an outcome on a funnel metric with a target). */
function hasFunnel(goal: Goal): boolean {
  return goal.kind === 'outcome' && FUNNEL_METRICS.includes(goal.metric) && goal.target > 0;
}

/** The goal, its split and its funnel as saving would make them; nothing is stored. */
export async function previewGoalPlan({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: GoalPlanInput;
}): Promise<GoalPlanPreview> {
  return rolledBack(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const goal = await writeGoal(txCtx, input, 'draft');
    const split = input.split
      ? await within('split', () =>
          previewSplit({ ctx: txCtx, input: { goalId: goal.id, rule: input.split as SplitRuleInput } }),
        )
      : null;
    const funnel = hasFunnel(goal)
      ? await within('funnel', () => previewFunnel({ ctx: txCtx, input: { goalId: goal.id } }))
      : null;
    return {
      goal: {
        target: goal.target,
        baseline: goal.baseline,
        baselinePeriod: goal.baselinePeriod,
        layer: goal.layer,
        kind: goal.kind,
      },
      split,
      // The previewed goal's id was rolled back with it.
      funnel: funnel ? withoutGoalId(funnel) : null,
    };
  });
}

/** Saves the goal with its split children and funnel activity goals, all or nothing. */
export async function saveGoalPlan({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: GoalPlanInput;
}): Promise<SavedGoalPlan> {
  if (input.funnel && input.funnel.steps.length === 0) {
    throw invalid('Choose at least one funnel step, or leave the funnel out.', 'funnel.steps');
  }
  const status = input.draftId === undefined && input.goal.status === 'active' ? 'active' : 'draft';
  return inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const written = await writeGoal(txCtx, input, status);
    const split = input.split
      ? await within('split', () =>
          applySplit({ ctx: txCtx, input: { goalId: written.id, rule: input.split as SplitRuleInput } }),
        )
      : null;
    const funnel = input.funnel;
    const activities = funnel
      ? await within('funnel', () =>
          acceptFunnel({
            ctx: txCtx,
            input: {
              goalId: written.id,
              steps: funnel.steps,
              ...(funnel.perRep !== undefined ? { perRep: funnel.perRep } : {}),
              ...(input.goal.language ? { language: input.goal.language } : {}),
            },
          }),
        )
      : [];
    return { goal: split?.parent ?? written, children: split?.children ?? [], activities };
  });
}

function withoutGoalId({ goalId: _, ...funnel }: FunnelPreview): Omit<FunnelPreview, 'goalId'> {
  return funnel;
}

/** Runs `work` in a transaction that is always rolled back, and returns what it computed. */
function rolledBack<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db
    .transaction()
    .execute(async (tx) => {
      throw new RollBack(await work(tx));
    })
    .catch((error: unknown) => {
      if (error instanceof RollBack) return error.result as T;
      throw error;
    });
}

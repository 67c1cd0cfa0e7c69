import { invalid } from '../../core/errors.ts';
import {
  type ChildPlan,
  DEFAULT_RAMP_UP,
  type Goal,
  type SplitContext,
  type SplitGrain,
  type SplitMember,
  type SplitPlan,
  type SplitRule,
  splitBuckets,
  splitGoal,
} from '../../core/goals/index.ts';
import type { MetricDef } from '../../core/metrics/index.ts';
import { inTransaction } from '../../store/db.ts';
import {
  insertGoal,
  insertTargetChange,
  listChildGoals,
  toGoal,
  updateGoalRow,
} from '../../store/goal-queries.ts';
import { listTeams } from '../../store/team-queries.ts';
import { listUsers } from '../../store/user-queries.ts';
import type { Ctx } from '../context.ts';
import { auditGoal, type LoadedGoal, loadGoal, requireMetric } from './common.ts';
import { goalScopeOf, lastYearByBucket, memberFacts, repsIn } from './figures.ts';
import { splitChildren } from './update.ts';

export type SplitRuleInput =
  | { by: 'period'; grain: SplitGrain; method?: 'equal' | 'seasonal' }
  | {
      by: 'member';
      method?: 'equal' | 'last_year_share' | 'weights';
      /** Default: the scope's child teams, or its reps when it has none. */
      members?: SplitMember[];
      rampUp?: number[];
      prorate?: boolean;
    };

/** Members as people type them: `team:4,rep:7:2` (type:id[:weight]), for query strings and the CLI. */
export function parseMembers(text: string, field = 'members'): SplitMember[] {
  return text.split(',').map((part, i) => {
    const match = /^(team|rep):(\d+)(?::(\d+(?:\.\d+)?))?$/.exec(part.trim());
    if (!match)
      throw invalid(`Member ${i + 1} "${part}" is not team:<id>[:weight] or rep:<id>[:weight].`, field);
    return {
      type: match[1] as 'team' | 'rep',
      id: Number(match[2]),
      ...(match[3] !== undefined ? { weight: Number(match[3]) } : {}),
    };
  });
}

export interface SplitChildPreview extends ChildPlan {
  /** The team's or rep's name, or the period's label. */
  name: string;
}

export interface SplitPreview {
  rule: SplitRule;
  inherited: boolean;
  children: SplitChildPreview[];
  explanation: SplitPlan['explanation'];
}

/** Members a split may use: inside the goal's scope (a team's subtree, or the whole org). */
async function defaultAndCheckMembers(ctx: Ctx, loaded: LoadedGoal, given: SplitMember[] | undefined) {
  const { goal, info } = loaded;
  if (goal.scope.type === 'rep')
    throw invalid('A rep’s goal cannot be split between members: split it by period.', 'by');
  const teams = await listTeams(ctx.db, ctx.org.id);
  const root = info.team;
  const inScope = teams.filter((t) => (root ? t.path.startsWith(root.path) : true));
  const teamIds = new Set(inScope.map((t) => t.id));
  const reps = await repsIn(ctx, await goalScopeOf(ctx, goal.scope), goal.period);
  const names = new Map<string, string>([
    ...teams.map((t) => [`team:${t.id}`, t.name] as [string, string]),
    ...(await listUsers(ctx.db, ctx.org.id)).map((u) => [`rep:${u.id}`, u.name] as [string, string]),
  ]);
  let members = given;
  if (!members || members.length === 0) {
    const childTeams = inScope.filter((t) => (root ? t.parent_id === root.id : t.parent_id === null));
    members = childTeams.length
      ? childTeams.map((t) => ({ type: 'team' as const, id: t.id }))
      : reps.map((u) => ({ type: 'rep' as const, id: u.id }));
  }
  if (members.length === 0) throw invalid(`${info.label} has no teams or reps to split between.`, 'members');
  const repIds = new Set(
    (await listUsers(ctx.db, ctx.org.id))
      .filter((u) => u.team_id !== null && teamIds.has(u.team_id))
      .map((u) => u.id),
  );
  for (const [i, m] of members.entries()) {
    const ok =
      m.type === 'team'
        ? teamIds.has(m.id) && m.id !== root?.id
        : goal.scope.type === 'org'
          ? names.has(`rep:${m.id}`)
          : repIds.has(m.id);
    if (!ok) {
      throw invalid(`Member ${i + 1} (${m.type} ${m.id}) is not inside ${info.label}.`, `members.${i}`);
    }
  }
  return { members, names };
}

async function plan(ctx: Ctx, loaded: LoadedGoal, input: SplitRuleInput) {
  const { goal } = loaded;
  if (goal.status === 'archived') throw invalid('An archived goal cannot be split.', 'status');
  const def = requireMetric(goal.metric);
  const resolved = await goalScopeOf(ctx, goal.scope);
  const parent = { target: goal.target, period: goal.period, scope: goal.scope, layer: goal.layer };
  let rule: SplitRule;
  const context: SplitContext = {};
  let names = new Map<string, string>();
  if (input.by === 'period') {
    rule = { by: 'period', grain: input.grain, method: input.method ?? 'equal' };
    if (rule.method === 'seasonal' && def.kind === 'flow') {
      const buckets = splitBuckets(goal.period, rule.grain, ctx.org);
      context.lastYearByBucket = await lastYearByBucket(ctx, def, resolved, goal.filters, buckets);
    }
  } else {
    const checked = await defaultAndCheckMembers(ctx, loaded, input.members);
    names = checked.names;
    const rampUp = input.rampUp ?? [...DEFAULT_RAMP_UP];
    for (const [i, share] of rampUp.entries()) {
      if (!Number.isFinite(share) || share < 0 || share > 1) {
        throw invalid(`Ramp-up month ${i + 1} is ${share}: use a share from 0 to 1.`, `rampUp.${i}`);
      }
    }
    rule = {
      by: 'member',
      method: input.method ?? 'equal',
      members: checked.members,
      rampUp,
      prorate: input.prorate ?? true,
    };
    context.members = await memberFacts(
      ctx,
      def,
      resolved,
      goal.filters,
      goal.period,
      checked.members,
      rule.method === 'last_year_share',
    );
  }
  const result = splitGoal(parent, rule, def, ctx.org, context);
  const children = result.children.map((c) => ({
    ...c,
    name:
      c.scope.type === goal.scope.type && c.scope.id === goal.scope.id
        ? c.label
        : (names.get(c.label) ?? c.label),
  }));
  return { def, rule, result, children };
}

/** The children a split would make, with their targets and why; nothing is stored. */
export async function previewSplit({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number; rule: SplitRuleInput };
}): Promise<SplitPreview> {
  const loaded = await loadGoal(ctx, input.goalId, 'write');
  const { rule, result, children } = await plan(ctx, loaded, input.rule);
  return { rule, inherited: result.inherited, children, explanation: result.explanation };
}

/**
 * Stores the split: one child goal per part, with the parent's metric,
 * filters and direction, and the parent keeps the rule. A goal that is
 * already split must be rebalanced (or its children archived) instead.
 */
export async function applySplit({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { goalId: number; rule: SplitRuleInput };
}): Promise<{ parent: Goal; children: Goal[] }> {
  const loaded = await loadGoal(ctx, input.goalId, 'write');
  const { goal } = loaded;
  const existing = splitChildren(goal, await listChildGoals(ctx.db, ctx.org.id, goal.id));
  if (existing.length) {
    throw invalid(
      `Goal ${goal.id} is already split into ${existing.length} goals: rebalance them, or archive them before splitting again.`,
      'rule',
    );
  }
  const { def, rule, children } = await plan(ctx, loaded, input.rule);
  return inTransaction(ctx.db, async (tx) => {
    const txCtx = { ...ctx, db: tx };
    const created: Goal[] = [];
    for (const child of children) created.push(await insertChild(txCtx, goal, def, child));
    const parent = toGoal(
      await updateGoalRow(tx, ctx.org.id, goal.id, { split_rule: JSON.stringify(rule), updated_at: ctx.now }),
    );
    await auditGoal(
      txCtx,
      goal.id,
      'split',
      { splitRule: goal.splitRule },
      { splitRule: rule, children: created.map((c) => c.id) },
    );
    return { parent, children: created };
  });
}

async function insertChild(ctx: Ctx, parent: Goal, def: MetricDef, child: SplitChildPreview): Promise<Goal> {
  const actorId = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
  const ownerId =
    child.scope.type === 'rep'
      ? child.scope.id
      : child.scope.type === 'team'
        ? ((
            await ctx.db
              .selectFrom('team')
              .select('manager_id')
              .where('org_id', '=', ctx.org.id)
              .where('id', '=', child.scope.id as number)
              .executeTakeFirst()
          )?.manager_id ?? null)
        : parent.ownerId;
  const row = await insertGoal(ctx.db, ctx.org.id, {
    title: `${parent.title} · ${child.name}`.slice(0, 200),
    description: parent.description,
    metric: def.id,
    scope_type: child.scope.type,
    scope_id: child.scope.id,
    filters: JSON.stringify(parent.filters),
    target: child.target,
    target_mode: 'absolute',
    target_change: null,
    baseline: null,
    baseline_start: null,
    baseline_end: null,
    direction: parent.direction,
    period_start: child.period.start,
    period_end: child.period.end,
    recurrence: 'none',
    kind: parent.kind,
    layer: child.layer,
    stretch_target: null,
    pace_model: parent.paceModel,
    checkin_interval: parent.checkinInterval,
    owner_id: ownerId,
    parent_id: parent.id,
    split_rule: null,
    status: parent.status === 'active' ? 'active' : 'draft',
    reason: parent.reason,
    created_by: actorId,
    created_at: ctx.now,
    updated_at: ctx.now,
  });
  await insertTargetChange(ctx.db, ctx.org.id, row.id, {
    target: child.target,
    effectiveFrom: child.period.start,
    changedBy: actorId,
    changedAt: ctx.now,
    reason: `Split from goal ${parent.id}`,
  });
  const goal = toGoal(row);
  await auditGoal(ctx, row.id, 'create', undefined, { ...goal, splitFrom: parent.id });
  return goal;
}

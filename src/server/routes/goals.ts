import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { invalid } from '../../core/errors.ts';
import {
  CHECKIN_INTERVALS,
  FILTER_KEYS,
  FUNNEL_ACTIVITIES,
  GOAL_DIRECTIONS,
  GOAL_KINDS,
  GOAL_LAYERS,
  GOAL_STATUSES,
  PACE_MODELS,
  RECURRENCES,
  SCOPE_TYPES,
  SMART_CRITERIA,
} from '../../core/goals/index.ts';
import { checkDraft, checkGoal } from '../../services/goals/check.ts';
import { createGoal } from '../../services/goals/create.ts';
import { acceptFunnel, previewFunnel } from '../../services/goals/funnel.ts';
import { listGoals, maxGoalPage } from '../../services/goals/list.ts';
import { goalPayout } from '../../services/goals/payout.ts';
import { type GoalPlanInput, previewGoalPlan, saveGoalPlan } from '../../services/goals/plan.ts';
import { showGoal } from '../../services/goals/show.ts';
import { applySplit, parseMembers, previewSplit, type SplitRuleInput } from '../../services/goals/split.ts';
import { listTemplates } from '../../services/goals/templates.ts';
import { transitionGoal } from '../../services/goals/transition.ts';
import { applyRebalance, updateGoal } from '../../services/goals/update.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';

const id = z.coerce.number().int().positive();
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day as YYYY-MM-DD');
const range = z.object({ start: day, end: day });
const text = z.object({ en: z.string(), ar: z.string() });
const enumOf = <T extends string>(values: readonly T[]) => z.enum(values as [T, ...T[]]);
const scopeType = enumOf(SCOPE_TYPES);
const status = enumOf(GOAL_STATUSES);
const filters = z
  .object(Object.fromEntries(FILTER_KEYS.map((k) => [k, z.string().min(1).max(200).optional()])))
  .strict() as z.ZodType<Partial<Record<(typeof FILTER_KEYS)[number], string>>>;
const grain = z.enum(['week', 'month', 'quarter', 'fiscal_quarter']);
const member = z.object({
  type: z.enum(['team', 'rep']),
  id: z.number().int().positive(),
  weight: z.number().min(0).optional(),
});
const splitRule = z.discriminatedUnion('by', [
  z.object({ by: z.literal('period'), grain, method: z.enum(['equal', 'seasonal']) }),
  z.object({
    by: z.literal('member'),
    method: z.enum(['equal', 'last_year_share', 'weights']),
    members: z.array(member),
    rampUp: z.array(z.number()),
    prorate: z.boolean(),
  }),
]);
const splitRuleInput = z.discriminatedUnion('by', [
  z.object({ by: z.literal('period'), grain, method: z.enum(['equal', 'seasonal']).optional() }),
  z.object({
    by: z.literal('member'),
    method: z.enum(['equal', 'last_year_share', 'weights']).optional(),
    members: z.array(member).max(500).optional(),
    rampUp: z.array(z.number().min(0).max(1)).max(24).optional(),
    prorate: z.boolean().optional(),
  }),
]);
const tier = z.object({ attainment: z.number().positive(), payout: z.number().int().min(0) });

const goal = z.object({
  id: z.number().int(),
  orgId: z.number().int(),
  title: z.string(),
  description: z.string(),
  metric: z.string(),
  scope: z.object({ type: scopeType, id: z.number().int().nullable() }),
  filters,
  target: z.number(),
  targetMode: z.enum(['absolute', 'relative']),
  targetChange: z.number().nullable(),
  baseline: z.number().nullable(),
  baselinePeriod: range.nullable(),
  baselineOverridden: z.boolean(),
  direction: enumOf(GOAL_DIRECTIONS),
  period: range,
  recurrence: enumOf(RECURRENCES),
  kind: enumOf(GOAL_KINDS),
  layer: enumOf(GOAL_LAYERS),
  stretchTarget: z.number().nullable(),
  paceModel: enumOf(PACE_MODELS),
  checkinInterval: enumOf(CHECKIN_INTERVALS),
  ownerId: z.number().int().nullable(),
  parentId: z.number().int().nullable(),
  splitRule: splitRule.nullable(),
  status,
  reason: z.string().nullable(),
  createdBy: z.number().int().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

const targetChange = z.object({
  id: z.number().int(),
  goalId: z.number().int(),
  target: z.number(),
  effectiveFrom: day,
  changedBy: z.number().int().nullable(),
  changedAt: z.number(),
  reason: z.string(),
});

const goalFields = {
  title: z.string().min(1).max(200),
  description: z.string().max(4000),
  metric: z.string().min(1).max(100),
  scope: z.object({ type: scopeType, id: z.number().int().positive().nullable().optional() }),
  filters,
  target: z.number(),
  targetMode: z.enum(['absolute', 'relative']),
  targetChange: z.number().nullable(),
  baseline: z.number().nullable(),
  direction: enumOf(GOAL_DIRECTIONS),
  period: range,
  recurrence: enumOf(RECURRENCES),
  kind: enumOf(GOAL_KINDS),
  layer: enumOf(GOAL_LAYERS),
  stretchTarget: z.number().nullable(),
  paceModel: enumOf(PACE_MODELS),
  checkinInterval: enumOf(CHECKIN_INTERVALS),
  ownerId: z.number().int().positive().nullable(),
  reason: z.string().max(2000).nullable(),
  bonusTiers: z.array(tier).max(20),
  bonus: z.number().int().min(0),
};

const createBody = z
  .object({
    ...goalFields,
    scope: goalFields.scope,
    templateId: z.string().max(20),
    language: z.enum(['en', 'ar']),
    parentId: z.number().int().positive().nullable(),
    status: z.enum(['draft', 'active']),
  })
  .partial()
  .required({ scope: true });

const patchBody = z
  .object({ ...goalFields, effectiveFrom: day, changeReason: z.string().max(2000) })
  .partial();

const draftBody = z
  .object({
    title: z.string().max(200).nullable(),
    description: z.string().max(4000).nullable(),
    metric: z.string().max(100).nullable(),
    scope: z.object({ type: scopeType, id: z.number().int().positive().nullable() }).nullable(),
    filters: filters.nullable(),
    target: z.number().nullable(),
    targetMode: z.enum(['absolute', 'relative']).nullable(),
    targetChange: z.number().nullable(),
    baseline: z.number().nullable(),
    direction: enumOf(GOAL_DIRECTIONS).nullable(),
    period: z.object({ start: day.nullable().optional(), end: day.nullable().optional() }).nullable(),
    kind: enumOf(GOAL_KINDS).nullable(),
    layer: enumOf(GOAL_LAYERS).nullable(),
    stretchTarget: z.number().nullable(),
  })
  .partial();

const verdict = z.object({
  criterion: enumOf(SMART_CRITERIA),
  name: text,
  verdict: z.enum(['pass', 'warn', 'fail']),
  reason: text,
  fix: text.nullable(),
  patch: z
    .object({ target: z.number().optional(), stretchTarget: z.number().optional(), period: range.optional() })
    .nullable(),
  data: z.object({
    probability: z.number().optional(),
    label: z.enum(['easy', 'achievable', 'stretch', 'unrealistic']).optional(),
    requiredChange: z.number().optional(),
    typicalChange: z.number().optional(),
    suggestedTarget: z.number().optional(),
    suggestedStretch: z.number().optional(),
    samples: z.number().int().optional(),
    capacity: z.number().optional(),
    extraRepsNeeded: z.number().int().optional(),
    filtersWithoutHistory: z.array(z.string()).optional(),
    suggestedPeriod: range.optional(),
  }),
});
const smartCheck = z.object({
  overall: z.enum(['pass', 'warn', 'fail']),
  target: z.number().nullable(),
  baseline: z.number().nullable(),
  baselinePeriod: range.nullable(),
  history: z.array(z.number()),
  verdicts: z.array(verdict),
});

const assignment = z.object({
  mode: z.enum(['sum', 'inherited', 'none']),
  parentTarget: z.number(),
  assigned: z.number().nullable(),
  difference: z.number().nullable(),
  state: z.enum(['exact', 'over', 'under', 'inherited', 'mismatched', 'unsplit']),
  mismatched: z.array(z.number().int()),
});
const rebalanceStep = z.object({ goalId: z.number().int(), from: z.number(), to: z.number() });

const childPlan = z.object({
  name: z.string(),
  label: z.string(),
  period: range,
  scope: z.object({ type: scopeType, id: z.number().int().nullable() }),
  layer: enumOf(GOAL_LAYERS),
  target: z.number(),
  share: z.number().nullable(),
  capacity: z.number().nullable(),
});
const splitPreview = z.object({
  rule: splitRule,
  inherited: z.boolean(),
  children: z.array(childPlan),
  explanation: text,
});

const stepId = z.enum(['deals_won', 'opportunities', 'sqls', 'mqls', 'leads', ...FUNNEL_ACTIVITIES]);
const funnel = z.object({
  goalId: z.number().int(),
  reps: z.number().int(),
  weeks: z.number(),
  rates: z.object({
    avgDealSize: z.number().nullable(),
    winRate: z.number().nullable(),
    sqlToOpportunity: z.number().nullable(),
    mqlToSql: z.number().nullable(),
    leadToMql: z.number().nullable(),
    activitiesPerWonDeal: z.record(z.string(), z.number().nullable()),
  }),
  steps: z.array(
    z.object({
      id: stepId,
      label: text,
      metric: z.string().nullable(),
      total: z.number(),
      perRep: z.number().nullable(),
      perRepPerWeek: z.number().nullable(),
      rate: z.number().nullable(),
      explanation: text,
    }),
  ),
  missing: z.array(z.object({ id: stepId, reason: text })),
});

const payout = z.object({
  goalId: z.number().int(),
  ownerId: z.number().int().nullable(),
  actual: z.number().nullable(),
  target: z.number(),
  tiers: z.array(tier),
  attainment: z.number().nullable(),
  earned: z.number(),
  tier: tier.nullable(),
  next: tier.extend({ gap: z.number() }).nullable(),
});

const template = z.object({
  id: z.string(),
  source: z.object({ section: z.enum(['general', 'manager', 'rep']), number: z.number().int() }),
  title: text,
  description: text,
  metric: z.string(),
  metricLabel: text,
  unit: z.string(),
  direction: enumOf(GOAL_DIRECTIONS),
  target: z.union([z.object({ change: z.number() }), z.object({ absolute: z.number() })]),
  periodMonths: z.number().int(),
  layer: enumOf(GOAL_LAYERS),
  kind: enumOf(GOAL_KINDS),
  scopeType,
  checkinInterval: enumOf(CHECKIN_INTERVALS),
  recurrence: enumOf(RECURRENCES),
  needsFilter: z.enum(FILTER_KEYS).optional(),
  habit: text.optional(),
});

const planBody = z.object({
  draftId: z.number().int().positive().optional().describe('a draft goal to save instead of creating one'),
  goal: createBody,
  split: splitRuleInput.nullable().optional(),
  funnel: z
    .object({ steps: z.array(stepId).min(1).max(10), perRep: z.boolean().optional() })
    .nullable()
    .optional(),
});
const planPreview = z.object({
  goal: goal.pick({ target: true, baseline: true, baselinePeriod: true, layer: true, kind: true }),
  split: splitPreview.nullable(),
  funnel: funnel.omit({ goalId: true }).nullable(),
});

const splitQuery = z.object({
  by: z.enum(['period', 'member']),
  grain: grain.optional(),
  method: z.enum(['equal', 'seasonal', 'last_year_share', 'weights']).optional(),
  members: z
    .string()
    .max(4000)
    .optional()
    .describe('team:<id>[:weight] or rep:<id>[:weight], comma-separated'),
  rampUp: z
    .string()
    .max(200)
    .optional()
    .describe('shares of a quota in a new hire’s first months, e.g. 0.25,0.5,0.75'),
  prorate: z.enum(['true', 'false']).optional(),
});

function ruleFromQuery(q: z.infer<typeof splitQuery>): SplitRuleInput {
  if (q.by === 'period') {
    if (!q.grain)
      throw invalid('A split by period needs a grain: week, month, quarter or fiscal_quarter.', 'grain');
    if (q.method && q.method !== 'equal' && q.method !== 'seasonal') {
      throw invalid('A split by period is equal or seasonal.', 'method');
    }
    return { by: 'period', grain: q.grain, ...(q.method ? { method: q.method } : {}) };
  }
  if (q.method === 'seasonal')
    throw invalid('A split by member is equal, last_year_share or weights.', 'method');
  const rampUp = q.rampUp?.split(',').map((s, i) => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n))
      throw invalid(`Ramp-up month ${i + 1} "${s}" is not a number.`, 'rampUp');
    return n;
  });
  const members = q.members?.trim() ? parseMembers(q.members) : undefined;
  return {
    by: 'member',
    ...(q.method ? { method: q.method } : {}),
    ...(members ? { members } : {}),
    ...(rampUp ? { rampUp } : {}),
    ...(q.prorate ? { prorate: q.prorate === 'true' } : {}),
  };
}

function planInputOf(body: z.infer<typeof planBody>): GoalPlanInput {
  const { scope, ...fields } = body.goal;
  return {
    ...(body.draftId !== undefined ? { draftId: body.draftId } : {}),
    goal: { ...fields, scope: { type: scope.type, id: scope.id ?? null } },
    split: body.split ?? null,
    funnel: body.funnel ?? null,
  };
}

export const goalRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/goals',
      {
        schema: {
          summary: 'Goals you may see, newest period first',
          querystring: z.object({
            status: z.string().max(100).optional().describe('comma-separated statuses'),
            layer: enumOf(GOAL_LAYERS).optional(),
            metric: z.string().max(100).optional(),
            scope: z.string().max(40).optional().describe('org, team:<id> or rep:<id>'),
            ownerId: id.optional(),
            parentId: z.string().max(20).optional().describe('a goal id, or "none" for top-level goals'),
            from: day.optional(),
            to: day.optional(),
            limit: z.coerce.number().int().min(1).max(maxGoalPage).optional(),
            offset: z.coerce.number().int().min(0).optional(),
          }),
          response: { 200: z.object({ goals: z.array(goal) }) },
        },
      },
      async (request) => {
        const q = request.query;
        const statuses = q.status?.split(',').map((s) => s.trim());
        for (const s of statuses ?? []) {
          if (!GOAL_STATUSES.includes(s as never))
            throw invalid(`"${s}" is not a status: use ${GOAL_STATUSES.join(', ')}.`, 'status');
        }
        let scope: { type: 'org' | 'team' | 'rep'; id: number | null } | undefined;
        if (q.scope !== undefined) {
          const match = /^(?:(org)|(team|rep):(\d+))$/.exec(q.scope);
          if (!match) throw invalid(`"${q.scope}" is not a scope: use org, team:<id> or rep:<id>.`, 'scope');
          scope = match[1]
            ? { type: 'org', id: null }
            : { type: match[2] as 'team' | 'rep', id: Number(match[3]) };
        }
        let parentId: number | null | undefined;
        if (q.parentId !== undefined) {
          if (q.parentId === 'none') parentId = null;
          else if (/^\d+$/.test(q.parentId)) parentId = Number(q.parentId);
          else throw invalid(`"${q.parentId}" is not a goal id or "none".`, 'parentId');
        }
        const goals = await listGoals({
          ctx: await resolveCtx(deps, request),
          input: {
            ...(statuses ? { status: statuses as never } : {}),
            ...(q.layer ? { layer: q.layer } : {}),
            ...(q.metric ? { metric: q.metric } : {}),
            ...(scope ? { scope } : {}),
            ...(q.ownerId !== undefined ? { ownerId: q.ownerId } : {}),
            ...(parentId !== undefined ? { parentId } : {}),
            ...(q.from ? { from: q.from } : {}),
            ...(q.to ? { to: q.to } : {}),
            ...(q.limit !== undefined ? { limit: q.limit } : {}),
            ...(q.offset !== undefined ? { offset: q.offset } : {}),
          },
        });
        return { goals };
      },
    );

    app.post(
      '/goals',
      {
        schema: {
          summary: 'Create a goal, from scratch or from a template',
          description:
            'Money is in minor units of the org currency, percentages are fractions (0.01 = 1%). ' +
            'A relative target (targetChange: 0.10 = +10%) is resolved against the same period last year.',
          body: createBody,
          response: { 201: z.object({ goal }) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const created = await createGoal({
          ctx: await resolveCtx(deps, request),
          input: { ...body, scope: { type: body.scope.type, id: body.scope.id ?? null } },
        });
        return reply.status(201).send({ goal: created });
      },
    );

    app.post(
      '/goals/plan/preview',
      {
        schema: {
          summary: 'Preview a new goal (or an edited draft) with its split children and reverse funnel',
          description:
            'The same work as POST /goals/plan, rolled back: the resolved target, each child’s target ' +
            '(exact largest-remainder split) and the activity the funnel derives. Nothing is stored.',
          body: planBody,
          response: { 200: planPreview },
        },
      },
      async (request) =>
        previewGoalPlan({ ctx: await resolveCtx(deps, request), input: planInputOf(request.body) }),
    );

    app.post(
      '/goals/plan',
      {
        schema: {
          summary:
            'Create a goal (or save a draft) with its split children and funnel activity goals at once',
          description:
            'One transaction: when the split or a funnel step is refused, nothing is written. A draft given ' +
            'by draftId stays a draft and its children are drafts, for POST /goals/:id/communicate to activate.',
          body: planBody,
          response: {
            201: z.object({ goal, children: z.array(goal), activities: z.array(goal) }),
          },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            await saveGoalPlan({ ctx: await resolveCtx(deps, request), input: planInputOf(request.body) }),
          ),
    );

    app.post(
      '/goals/check',
      {
        schema: {
          summary: 'SMART coach on an unsaved draft (every field optional): called as the user types',
          body: draftBody,
          response: { 200: smartCheck },
        },
      },
      async (request) => checkDraft({ ctx: await resolveCtx(deps, request), input: request.body }),
    );

    app.get(
      '/goals/:id',
      {
        schema: {
          summary: 'A goal with its target history, children, assignment and (if yours to see) bonus tiers',
          params: z.object({ id }),
          querystring: z.object({
            asOf: day.optional().describe('also read back the target in force on this day'),
            knownAt: z.coerce.number().int().optional().describe('as known at this instant (epoch ms)'),
          }),
          response: {
            200: z.object({
              goal,
              scopeLabel: z.string(),
              targetHistory: z.array(targetChange),
              targetAsOf: z.object({ day, target: z.number().nullable() }).nullable(),
              children: z.array(goal),
              assignment,
              bonusTiers: z.array(tier).nullable(),
              allowedTransitions: z.array(status),
            }),
          },
        },
      },
      async (request) =>
        showGoal({
          ctx: await resolveCtx(deps, request),
          input: {
            goalId: request.params.id,
            ...(request.query.asOf ? { asOf: request.query.asOf } : {}),
            ...(request.query.knownAt !== undefined ? { knownAt: request.query.knownAt } : {}),
          },
        }),
    );

    app.patch(
      '/goals/:id',
      {
        schema: {
          summary: 'Change a goal; a live goal’s target changes from effectiveFrom with a changeReason',
          description:
            'When the target of a split goal changes, the answer carries the rebalance it would take; apply it with POST /goals/:id/rebalance.',
          params: z.object({ id }),
          body: patchBody,
          response: { 200: z.object({ goal, rebalance: z.array(rebalanceStep).nullable() }) },
        },
      },
      async (request) => {
        const { scope, ...rest } = request.body;
        return updateGoal({
          ctx: await resolveCtx(deps, request),
          input: {
            goalId: request.params.id,
            ...rest,
            ...(scope ? { scope: { type: scope.type, id: scope.id ?? null } } : {}),
          },
        });
      },
    );

    app.post(
      '/goals/:id/status',
      {
        schema: {
          summary: 'Move a goal along draft → active → achieved / missed → archived',
          params: z.object({ id }),
          body: z.object({ to: status, note: z.string().max(2000).optional() }),
          response: { 200: z.object({ goal }) },
        },
      },
      async (request) => ({
        goal: await transitionGoal({
          ctx: await resolveCtx(deps, request),
          input: {
            goalId: request.params.id,
            to: request.body.to,
            ...(request.body.note ? { note: request.body.note } : {}),
          },
        }),
      }),
    );

    app.get(
      '/goals/:id/check',
      {
        schema: {
          summary: 'SMART coach on a saved goal, with the org’s current numbers',
          params: z.object({ id }),
          response: { 200: smartCheck },
        },
      },
      async (request) =>
        checkGoal({ ctx: await resolveCtx(deps, request), input: { goalId: request.params.id } }),
    );

    app.get(
      '/goals/:id/split',
      {
        schema: {
          summary: 'Preview a split into periods or members (nothing is stored)',
          params: z.object({ id }),
          querystring: splitQuery,
          response: { 200: splitPreview },
        },
      },
      async (request) =>
        previewSplit({
          ctx: await resolveCtx(deps, request),
          input: { goalId: request.params.id, rule: ruleFromQuery(request.query) },
        }),
    );

    app.post(
      '/goals/:id/split',
      {
        schema: {
          summary: 'Split a goal: creates its children, which sum exactly to it (or inherit a ratio target)',
          params: z.object({ id }),
          body: z.object({ rule: splitRuleInput }),
          response: { 201: z.object({ parent: goal, children: z.array(goal) }) },
        },
      },
      async (request, reply) =>
        reply.status(201).send(
          await applySplit({
            ctx: await resolveCtx(deps, request),
            input: { goalId: request.params.id, rule: request.body.rule },
          }),
        ),
    );

    app.post(
      '/goals/:id/rebalance',
      {
        schema: {
          summary: 'Apply the rebalance of a split goal’s children to its current target',
          params: z.object({ id }),
          body: z.object({ effectiveFrom: day.optional(), changeReason: z.string().max(2000).optional() }),
          response: { 200: z.object({ rebalance: z.array(rebalanceStep) }) },
        },
      },
      async (request) => ({
        rebalance: await applyRebalance({
          ctx: await resolveCtx(deps, request),
          input: { goalId: request.params.id, ...request.body },
        }),
      }),
    );

    app.get(
      '/goals/:id/funnel',
      {
        schema: {
          summary: 'Reverse funnel: the activity that would produce this outcome, with the org’s own rates',
          params: z.object({ id }),
          response: { 200: funnel },
        },
      },
      async (request) =>
        previewFunnel({ ctx: await resolveCtx(deps, request), input: { goalId: request.params.id } }),
    );

    app.post(
      '/goals/:id/funnel',
      {
        schema: {
          summary: 'Accept funnel steps as activity goals under this goal',
          params: z.object({ id }),
          body: z.object({
            steps: z.array(stepId).min(1).max(10),
            perRep: z.boolean().optional(),
            language: z.enum(['en', 'ar']).optional(),
          }),
          response: { 201: z.object({ goals: z.array(goal) }) },
        },
      },
      async (request, reply) =>
        reply.status(201).send({
          goals: await acceptFunnel({
            ctx: await resolveCtx(deps, request),
            input: { goalId: request.params.id, ...request.body },
          }),
        }),
    );

    app.get(
      '/goals/:id/payout',
      {
        schema: {
          summary: 'Attainment and earned bonus: your own, or of the reps below you; never a peer’s',
          params: z.object({ id }),
          response: { 200: z.object({ own: payout.nullable(), children: z.array(payout) }) },
        },
      },
      async (request) =>
        goalPayout({ ctx: await resolveCtx(deps, request), input: { goalId: request.params.id } }),
    );

    app.get(
      '/templates',
      {
        schema: {
          summary: 'Goal templates: the seed article’s 14 general, 5 manager and 9 rep examples',
          response: { 200: z.object({ templates: z.array(template) }) },
        },
      },
      async (request) => {
        await resolveCtx(deps, request);
        return { templates: listTemplates() };
      },
    );
  };

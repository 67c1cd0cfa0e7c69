import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHECKIN_INTERVALS, type CheckinInterval } from '../../core/goals/index.ts';
import { acknowledgeGoal, listGoalAcknowledgements } from '../../services/flow/acknowledge.ts';
import { communicateGoal, MAX_MESSAGE } from '../../services/flow/communicate.ts';
import { createDraftGoals, MAX_DRAFTS, proposeGoals } from '../../services/flow/prioritize.ts';
import {
  MAX_RECIPIENTS,
  showTrackingSettings,
  updateTrackingSettings,
} from '../../services/flow/recipients.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';
import { growthArea, growthQuery, growthWindow, periodRef } from './insights.ts';

const id = z.coerce.number().int().positive();
const text = z.object({ en: z.string(), ar: z.string() });
const scopeType = z.enum(['org', 'team', 'rep']);
const scopeRef = z.object({ type: scopeType, id: z.number().int().nullable() });
const period = z.string().max(40).describe('2027-Q1, 2027-01, FY2027 or 2027-01-01..2027-03-31');
const weight = z.coerce.number().min(0).max(100);
const checkinInterval = z.enum(CHECKIN_INTERVALS as [CheckinInterval, ...CheckinInterval[]]);

const proposal = z.object({
  id: z.string().describe('the growth area'),
  area: growthArea,
  goal: z.object({
    title: text,
    description: text,
    reason: text,
    metric: z.string(),
    scope: scopeRef,
    direction: z.enum(['increase', 'decrease']),
    target: z.number(),
    period: z.object({ start: z.string(), end: z.string() }),
    kind: z.enum(['outcome', 'activity']),
  }),
  score: z.object({ total: z.number(), impact: z.number(), speed: z.number(), resources: z.number() }),
  needs: z.array(
    z.object({ kind: z.enum(['reps', 'leads', 'coaching']), amount: z.number().nullable(), text }),
  ),
  canCreate: z.boolean(),
});

const draftGoal = z.object({
  id: z.number().int(),
  title: z.string(),
  metric: z.string(),
  scope: scopeRef,
  target: z.number(),
  period: z.object({ start: z.string(), end: z.string() }),
  status: z.string(),
  reason: z.string().nullable(),
});

const person = z.object({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(['admin', 'manager', 'rep']),
});
const trackingSettings = z.object({
  goalId: z.number().int(),
  checkinInterval,
  defaultRecipients: z.array(person),
  extraRecipients: z.array(person),
});

const weightsOf = (q: { impact?: number; speed?: number; resources?: number }) =>
  q.impact === undefined && q.speed === undefined && q.resources === undefined
    ? undefined
    : { impact: q.impact ?? 0, speed: q.speed ?? 0, resources: q.resources ?? 0 };

export const flowRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/flow/proposals',
      {
        schema: {
          summary:
            'Step 2: the growth areas as draft goals, scored by impact, speed and resources, best first',
          description:
            'score = (impact × w_impact + speed × w_speed + resources × w_resources) ÷ Σ w; default weights 0.5, 0.25, 0.25. ' +
            'Nothing is stored: pick with POST /flow/drafts.',
          querystring: z.object({
            ...growthQuery,
            period: period
              .optional()
              .describe('the goals’ period; default the period of the grain running today'),
            impact: weight.optional(),
            speed: weight.optional(),
            resources: weight.optional(),
          }),
          response: {
            200: z.object({
              scope: z.object({ type: scopeType, id: z.number().int().nullable(), label: z.string() }),
              period: periodRef,
              window: growthWindow,
              weights: z.object({ impact: z.number(), speed: z.number(), resources: z.number() }),
              proposals: z.array(proposal),
            }),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const weights = weightsOf(q);
        return proposeGoals({
          ctx: await resolveCtx(deps, request),
          input: {
            ...(q.scope ? { scope: q.scope } : {}),
            ...(q.grain ? { grain: q.grain } : {}),
            ...(q.period ? { period: q.period } : {}),
            ...(weights ? { weights } : {}),
          },
        });
      },
    );

    app.post(
      '/flow/drafts',
      {
        schema: {
          summary: 'Step 2: create the picked proposals as draft goals, their reason kept on each',
          body: z.object({
            ...growthQuery,
            period: period.optional(),
            areaIds: z.array(z.string().min(1).max(100)).min(1).max(MAX_DRAFTS),
            language: z.enum(['en', 'ar']).optional(),
          }),
          response: { 201: z.object({ goals: z.array(draftGoal) }) },
        },
      },
      async (request, reply) => {
        const { scope, grain, period: at, areaIds, language } = request.body;
        const goals = await createDraftGoals({
          ctx: await resolveCtx(deps, request),
          input: {
            areaIds,
            ...(scope ? { scope } : {}),
            ...(grain ? { grain } : {}),
            ...(at ? { period: at } : {}),
            ...(language ? { language } : {}),
          },
        });
        return reply.status(201).send({ goals });
      },
    );

    app.post(
      '/goals/:id/communicate',
      {
        schema: {
          summary:
            'Step 4: activate the goal and its draft sub-goals and tell each owner, with their own bonus tiers',
          description:
            'Each owner of the goal and of its live sub-goals gets an in-app notification (kind goal_assigned) and, ' +
            'when e-mail is configured, an e-mail: the goal, how and why, the message, and their own bonus tiers.',
          params: z.object({ id }),
          body: z.object({ message: z.string().max(MAX_MESSAGE).optional() }),
          response: {
            200: z.object({
              activated: z.array(z.number().int()),
              notified: z.array(
                z.object({ goalId: z.number().int(), userId: z.number().int(), name: z.string() }),
              ),
              skipped: z.array(z.number().int()),
              emails: z.number().int(),
            }),
          },
        },
      },
      async (request) => {
        const result = await communicateGoal({
          ctx: await resolveCtx(deps, request),
          input: {
            goalId: request.params.id,
            email: deps.outbox !== undefined,
            ...(request.body.message ? { message: request.body.message } : {}),
          },
        });
        if (result.emails > 0) deps.outbox?.nudge();
        return result;
      },
    );

    app.post(
      '/goals/:id/acknowledge',
      {
        schema: {
          summary: 'Step 4: the signed-in owner acknowledges their goal (again: the first time stands)',
          params: z.object({ id }),
          response: {
            200: z.object({
              goalId: z.number().int(),
              userId: z.number().int(),
              acknowledgedAt: z.number().int(),
            }),
          },
        },
      },
      async (request) =>
        acknowledgeGoal({ ctx: await resolveCtx(deps, request), input: { goalId: request.params.id } }),
    );

    app.get(
      '/goals/:id/acknowledgements',
      {
        schema: {
          summary: 'Who of the owners of the goal and its sub-goals has acknowledged, and who has not',
          params: z.object({ id }),
          response: {
            200: z.object({
              goalId: z.number().int(),
              owners: z.array(
                z.object({
                  goalId: z.number().int(),
                  title: z.string(),
                  scope: scopeRef,
                  status: z.string(),
                  owner: z.object({ id: z.number().int(), name: z.string() }),
                  notifiedAt: z.number().int().nullable(),
                  acknowledgedAt: z.number().int().nullable(),
                }),
              ),
              acknowledged: z.number().int(),
              pending: z.number().int(),
            }),
          },
        },
      },
      async (request) =>
        listGoalAcknowledgements({
          ctx: await resolveCtx(deps, request),
          input: { goalId: request.params.id },
        }),
    );

    app.get(
      '/goals/:id/tracking-settings',
      {
        schema: {
          summary: 'Step 5: the check-in interval and who the goal’s alerts reach',
          params: z.object({ id }),
          response: { 200: trackingSettings },
        },
      },
      async (request) =>
        showTrackingSettings({ ctx: await resolveCtx(deps, request), input: { goalId: request.params.id } }),
    );

    app.put(
      '/goals/:id/tracking-settings',
      {
        schema: {
          summary:
            'Step 5: set the check-in interval and the extra alert recipients (exactly the list given)',
          params: z.object({ id }),
          body: z.object({
            checkinInterval: checkinInterval.optional(),
            recipients: z.array(z.number().int().positive()).max(MAX_RECIPIENTS).optional(),
          }),
          response: { 200: trackingSettings },
        },
      },
      async (request) =>
        updateTrackingSettings({
          ctx: await resolveCtx(deps, request),
          input: {
            goalId: request.params.id,
            ...(request.body.checkinInterval ? { checkinInterval: request.body.checkinInterval } : {}),
            ...(request.body.recipients ? { recipients: request.body.recipients } : {}),
          },
        }),
    );
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createCheckin, listCheckins } from '../../services/tracking/checkins.ts';
import { listNotifications, readNotifications } from '../../services/tracking/notifications.ts';
import { dashboardBody, goalHistory, goalProgress } from '../../services/tracking/progress.ts';
import { createWebhook, deleteWebhook, listWebhooks } from '../../services/tracking/webhooks.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';

const status = z.enum(['achieved', 'on_track', 'at_risk', 'off_track', 'no_data']);
const forecast = z.object({
  method: z.enum(['run_rate', 'pipeline', 'current_value']),
  value: z.number(),
  low: z.number(),
  high: z.number(),
});
const progress = z.object({
  phase: z.enum(['upcoming', 'running', 'ended']),
  paceModel: z.enum(['linear', 'working_days', 'seasonal']),
  actual: z.number().nullable(),
  target: z.number(),
  attainment: z.number().nullable(),
  expected: z.number().nullable(),
  paceRatio: z.number().nullable(),
  neededPerWorkingDay: z.number().nullable(),
  daysTotal: z.number().int(),
  daysElapsed: z.number(),
  daysLeft: z.number().int(),
  workingDaysLeft: z.number().int(),
  elapsedShare: z.number(),
  forecast: forecast.nullable(),
  pipeline: forecast
    .extend({
      method: z.literal('pipeline'),
      won: z.number(),
      weightedPipeline: z.number(),
      openAmount: z.number(),
      openDeals: z.number().int(),
      stages: z.array(
        z.object({ stage: z.string(), probability: z.number(), deals: z.number().int(), amount: z.number() }),
      ),
    })
    .nullable(),
  status,
  trend: z.enum(['improving', 'worsening', 'flat']).nullable(),
  milestones: z.array(z.enum(['half', 'target', 'stretch'])),
});
const goal = z.object({
  id: z.number().int(),
  title: z.string(),
  metric: z.string(),
  kind: z.enum(['flow', 'stock', 'ratio']),
  unit: z.enum(['currency', 'count', 'percent', 'days', 'hours']),
  scope: z.object({ type: z.enum(['org', 'team', 'rep']), id: z.number().int().nullable() }),
  filters: z.object({
    channel: z.string().optional(),
    segment: z.string().optional(),
    industry: z.string().optional(),
    product: z.string().optional(),
  }),
  target: z.number(),
  stretchTarget: z.number().nullable(),
  baseline: z.number().nullable(),
  direction: z.enum(['increase', 'decrease', 'reach', 'stay_below']),
  period: z.object({ start: z.string(), end: z.string() }),
  paceModel: z.enum(['linear', 'working_days', 'seasonal']),
  checkinInterval: z.enum(['weekly', 'biweekly', 'monthly']),
  ownerId: z.number().int().nullable(),
  parentId: z.number().int().nullable(),
  status: z.enum(['draft', 'active', 'achieved', 'missed', 'archived']),
});
const goalProgressView = z.object({ goal, progress });
const goalParams = z.object({ id: z.coerce.number().int().positive() });
const checkin = z.object({
  id: z.number().int(),
  goalId: z.number().int(),
  userId: z.number().int().nullable(),
  at: z.number(),
  value: z.number().nullable(),
  confidence: z.number().int().nullable(),
  private: z.boolean(),
  comment: z.string().nullable(),
});
const alertKind = z.enum(['status_changed', 'milestone', 'checkin_due', 'checkin_overdue']);
const notificationKind = z.enum([...alertKind.options, 'goal_assigned']);
const webhook = z.object({
  id: z.number().int(),
  url: z.string(),
  events: z.union([z.literal('*'), z.array(alertKind)]),
  active: z.boolean(),
  createdAt: z.number(),
});

const dashboardResponse = z.object({
  scope: z.object({
    text: z.string(),
    type: z.enum(['org', 'team', 'rep']),
    id: z.number().int().nullable(),
    label: z.string(),
  }),
  asOf: z.number(),
  goals: z.array(goalProgressView),
});

export const trackingRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/goals/:id/progress',
      {
        schema: {
          summary: 'Progress of one goal now: actual, target, pace, forecast with range, status',
          params: goalParams,
          response: { 200: goalProgressView },
        },
      },
      async (request) =>
        goalProgress({ ctx: await resolveCtx(deps, request), input: { goalId: request.params.id } }),
    );

    app.get(
      '/goals/:id/history',
      {
        schema: {
          summary: "The goal's daily progress snapshots, oldest first (burn-up history)",
          params: goalParams,
          response: {
            200: z.array(
              z.object({
                day: z.string(),
                actual: z.number().nullable(),
                target: z.number(),
                expected: z.number().nullable(),
                paceRatio: z.number().nullable(),
                attainment: z.number().nullable(),
                forecast: z.number().nullable(),
                forecastLow: z.number().nullable(),
                forecastHigh: z.number().nullable(),
                status,
              }),
            ),
          },
        },
      },
      async (request) =>
        goalHistory({ ctx: await resolveCtx(deps, request), input: { goalId: request.params.id } }),
    );

    app.get(
      '/dashboard',
      {
        schema: {
          summary: 'Every active goal of a scope with its progress, in one call',
          querystring: z.object({
            scope: z
              .string()
              .min(1)
              .max(200)
              .optional()
              .describe('org, team:<name or id>, rep:<email, name or id>'),
          }),
          response: { 200: dashboardResponse },
        },
      },
      async (request, reply) => {
        const ctx = await resolveCtx(deps, request);
        // rendered once per reader, data version and second, then sent as text (dashboardBody)
        const body = await dashboardBody({ ctx, input: { scope: request.query.scope } }, (board) =>
          JSON.stringify(z.encode(dashboardResponse, board)),
        );
        return reply.type('application/json; charset=utf-8').send(body as never);
      },
    );

    app.get(
      '/goals/:id/checkins',
      {
        schema: {
          summary:
            "A goal's check-ins, newest first (private comments hidden from those who may not read them)",
          params: goalParams,
          response: { 200: z.array(checkin) },
        },
      },
      async (request) =>
        listCheckins({ ctx: await resolveCtx(deps, request), input: { goalId: request.params.id } }),
    );

    app.post(
      '/goals/:id/checkins',
      {
        schema: {
          summary: 'Check in on a goal: the value is computed from the data; add a comment and a confidence',
          params: goalParams,
          body: z.object({
            comment: z.string().max(5000).optional(),
            confidence: z.number().int().min(1).max(5),
            private: z.boolean().optional(),
          }),
          response: { 201: checkin },
        },
      },
      async (request, reply) => {
        const created = await createCheckin({
          ctx: await resolveCtx(deps, request),
          input: { goalId: request.params.id, ...request.body },
        });
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/notifications',
      {
        schema: {
          summary: "The signed-in user's notifications, newest first, with the unread count",
          querystring: z.object({
            unread: z.enum(['true', 'false']).optional(),
            limit: z.coerce.number().int().min(1).max(200).optional(),
            before: z.coerce.number().int().positive().optional(),
          }),
          response: {
            200: z.object({
              unread: z.number().int(),
              notifications: z.array(
                z.object({
                  id: z.number().int(),
                  goalId: z.number().int().nullable(),
                  kind: notificationKind,
                  title: z.string(),
                  body: z.string(),
                  data: z.unknown(),
                  createdAt: z.number(),
                  readAt: z.number().nullable(),
                }),
              ),
            }),
          },
        },
      },
      async (request) =>
        listNotifications({
          ctx: await resolveCtx(deps, request),
          input: {
            unreadOnly: request.query.unread === 'true',
            ...(request.query.limit === undefined ? {} : { limit: request.query.limit }),
            ...(request.query.before === undefined ? {} : { beforeId: request.query.before }),
          },
        }),
    );

    app.post(
      '/notifications/read',
      {
        schema: {
          summary: 'Mark notifications read: the given ids, or all',
          body: z.union([
            z.object({ ids: z.array(z.number().int().positive()).min(1).max(500) }),
            z.object({ all: z.literal(true) }),
          ]),
          response: { 200: z.object({ marked: z.number().int() }) },
        },
      },
      async (request) => readNotifications({ ctx: await resolveCtx(deps, request), input: request.body }),
    );

    app.get(
      '/webhooks',
      { schema: { summary: "The org's alert webhooks (admins)", response: { 200: z.array(webhook) } } },
      async (request) => listWebhooks({ ctx: await resolveCtx(deps, request) }),
    );

    app.post(
      '/webhooks',
      {
        schema: {
          summary: 'Add an alert webhook (admins); the signing secret is shown once',
          body: z.object({
            url: z.string().min(1).max(2000),
            events: z.union([z.literal('*'), z.array(alertKind).min(1)]).optional(),
          }),
          response: { 201: webhook.extend({ secret: z.string() }) },
        },
      },
      async (request, reply) => {
        const created = await createWebhook({ ctx: await resolveCtx(deps, request), input: request.body });
        return reply.status(201).send(created);
      },
    );

    app.delete(
      '/webhooks/:id',
      { schema: { summary: 'Remove a webhook (admins)', params: goalParams, response: { 204: z.null() } } },
      async (request, reply) => {
        await deleteWebhook({ ctx: await resolveCtx(deps, request), input: { id: request.params.id } });
        return reply.status(204).send(null);
      },
    );
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { findGrowthAreas, INSIGHT_GRAINS, MAX_AREAS } from '../../services/insights/growth-areas.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';

const text = z.object({ en: z.string(), ar: z.string() });
const day = z.string();
export const periodRef = z.object({ label: z.string(), start: day, end: day });
const scopeType = z.enum(['org', 'team', 'rep']);

export const growthArea = z.object({
  id: z.string().describe("stable for the same data: 'funnel:win_rate', 'rep:win_rate:12', 'trend:revenue'"),
  kind: z.enum(['funnel_stage', 'rep_gap', 'trend']),
  subject: z.object({ id: z.string(), label: text }),
  stage: z.enum(['lead_to_mql', 'mql_to_sql', 'sql_to_opportunity', 'win_rate']).optional(),
  rep: z.object({ id: z.number().int(), name: z.string() }).optional(),
  title: text,
  evidence: z.object({
    unit: z.enum(['currency', 'count', 'percent', 'days', 'hours']),
    current: z.number(),
    reference: z.number(),
    referenceKind: z.enum(['median', 'last_year', 'history', 'previous_period']),
    change: z.number().nullable(),
    previous: z.number().nullable(),
    lastYear: z.number().nullable(),
    history: z.number().nullable(),
    median: z.number().nullable(),
    sample: z.number().nullable(),
    series: z.array(
      periodRef.extend({
        value: z.number().nullable(),
        reference: z.number().nullable().describe('the team median in that bucket, for rep areas'),
      }),
    ),
  }),
  impact: z.object({
    annual: z.number().nullable().describe('minor units a year; null when the data cannot price it'),
    perPeriod: z.number().nullable(),
    kind: z.enum(['revenue', 'cost']),
    method: text,
  }),
  goal: z.object({
    metric: z.string(),
    scope: z.object({ type: scopeType, id: z.number().int().nullable() }),
    direction: z.enum(['increase', 'decrease']),
    target: z.number(),
    kind: z.enum(['outcome', 'activity']),
  }),
  severity: z.number(),
  rank: z.number().int(),
});

export const growthWindow = z.object({
  judged: periodRef,
  previous: periodRef.nullable(),
  lastYear: periodRef.nullable(),
  range: periodRef,
});

export const growthQuery = {
  scope: z
    .string()
    .max(200)
    .optional()
    .describe('org, team:<name or id>, rep:<email, external id or name>; default: org'),
  grain: z.enum(INSIGHT_GRAINS).optional().describe('the window judged: the last whole one before today'),
};

export const insightRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/insights/growth-areas',
      {
        schema: {
          summary:
            'Growth areas: where a scope has the most room, with the evidence and the revenue at stake',
          description:
            'Funnel stages whose conversion fell against their own history, reps far below the team median, ' +
            'metrics moving the wrong way, churn or CAC rising. Each with its numbers, a series for a small chart, ' +
            'and the yearly revenue (or cost) at stake if brought back to the median or to last year’s level, ' +
            'with how that was estimated in English and Arabic. Money is in minor units.',
          querystring: z.object({
            ...growthQuery,
            limit: z.coerce.number().int().min(1).max(MAX_AREAS).optional(),
          }),
          response: {
            200: z.object({
              scope: z.object({
                type: scopeType,
                id: z.number().int().nullable(),
                label: z.string(),
                text: z.string(),
              }),
              grain: z.enum(INSIGHT_GRAINS),
              currency: z.string(),
              window: growthWindow,
              total: z.number().int(),
              areas: z.array(growthArea),
              thresholds: z.record(z.string(), z.number()),
            }),
          },
        },
      },
      async (request) =>
        findGrowthAreas({
          ctx: await resolveCtx(deps, request),
          input: {
            ...(request.query.scope ? { scope: request.query.scope } : {}),
            ...(request.query.grain ? { grain: request.query.grain } : {}),
            ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}),
          },
        }),
    );
  };

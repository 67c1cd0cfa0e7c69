import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FILTER_NAMES, type MetricFilters } from '../../core/metrics/index.ts';
import { currentPeriod, type Grain } from '../../core/periods/index.ts';
import { computeMetric, listMetrics, metricBreakdown, metricSeries } from '../../services/metrics/index.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';

const GROUPS = ['rep', 'team', ...FILTER_NAMES] as const;
const GRAINS = [
  'day',
  'week',
  'month',
  'quarter',
  'year',
  'fiscal_quarter',
  'fiscal_year',
] as const satisfies readonly Grain[];
const BY = [...GROUPS, ...GRAINS] as const;

const text = z.object({ en: z.string(), ar: z.string() });
const periodRef = z.object({ label: z.string(), start: z.string(), end: z.string() });
const figure = {
  value: z.number().nullable(),
  reason: z.enum(['no_data', 'zero_denominator', 'no_target']).optional(),
  parts: z.record(z.string(), z.number()),
};
const header = {
  metric: z.string(),
  label: text,
  unit: z.enum(['currency', 'count', 'percent', 'days', 'hours']),
  direction: z.enum(['higher', 'lower']),
  kind: z.enum(['flow', 'stock', 'ratio']),
  formula: z.string(),
  currency: z.string(),
  scope: z.object({
    type: z.enum(['org', 'team', 'rep']),
    id: z.number().int().nullable(),
    label: z.string(),
    text: z.string(),
  }),
  filters: z.record(z.string(), z.string()),
  source: z.enum(['rollup', 'raw']),
};
const key = z.union([z.number(), z.string(), z.null()]);
const point = z.object({ period: periodRef, ...figure });

const metricAnswer = z.discriminatedUnion('shape', [
  z.object({ shape: z.literal('value'), ...header, period: periodRef, ...figure }),
  z.object({
    shape: z.literal('breakdown'),
    ...header,
    period: periodRef,
    by: z.enum(GROUPS),
    rows: z.array(z.object({ key, label: z.string(), ...figure })),
    total: z.object(figure),
  }),
  z.object({
    shape: z.literal('series'),
    ...header,
    grain: z.enum(GRAINS),
    range: periodRef,
    points: z.array(point),
    by: z.enum(GROUPS).optional(),
    series: z.array(z.object({ key, label: z.string(), points: z.array(point) })).optional(),
  }),
]);

const optionalText = z.string().trim().max(200).optional();

export const metricRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/metrics',
      {
        schema: {
          summary:
            'The metric catalog: every metric with its labels, unit, direction, kind, formula and filters',
          response: {
            200: z.object({
              metrics: z.array(
                z.object({
                  id: z.string(),
                  label: text,
                  unit: z.string(),
                  direction: z.string(),
                  kind: z.string(),
                  formula: z.string(),
                  filters: z.array(z.string()),
                  scopes: z.array(z.string()),
                  breakdowns: z.array(z.string()),
                  defaultBreakdown: z.string().nullable(),
                }),
              ),
            }),
          },
        },
      },
      async (request) => ({ metrics: listMetrics({ ctx: await resolveCtx(deps, request) }) }),
    );

    app.get(
      '/metrics/:id',
      {
        schema: {
          summary: 'A metric for a scope and period: one value, a breakdown, or a series',
          description:
            'by=rep|team|channel|segment|industry|product breaks the period down; by=day|week|month|quarter|year|fiscal_quarter|fiscal_year gives a series across the period, optionally split further with group=rep|team|channel|... A null value comes with a reason: no_data, zero_denominator or no_target.',
          params: z.object({ id: z.string().min(1).max(64) }),
          querystring: z.object({
            period: optionalText.describe(
              '2027, 2027-Q2, 2027-05, 2027-W14, 2027-01-01..2027-03-31, FY2027; default: this quarter',
            ),
            scope: optionalText.describe(
              'org, team:<name or id>, rep:<email, external id or name>; default: org',
            ),
            by: z.enum(BY).optional(),
            group: z
              .enum(GROUPS)
              .optional()
              .describe('With a period `by`: one series per rep, team or value'),
            channel: optionalText,
            segment: optionalText,
            industry: optionalText,
            product: optionalText,
            target: z.coerce.number().optional().describe('pipeline_coverage: the revenue target to cover'),
          }),
          response: { 200: metricAnswer },
        },
      },
      async (request) => {
        const ctx = await resolveCtx(deps, request);
        const q = request.query;
        const metric = request.params.id;
        const period = q.period || currentPeriod('quarter', ctx.now, ctx.org).label;
        const scope = q.scope || 'org';
        const filters: MetricFilters = {};
        for (const name of FILTER_NAMES) if (q[name]) filters[name] = q[name];
        if (q.by === undefined) {
          const answer = await computeMetric({
            ctx,
            input: {
              metric,
              period,
              scope,
              filters,
              ...(q.target === undefined ? {} : { target: q.target }),
            },
          });
          return { shape: 'value' as const, ...answer };
        }
        if ((GRAINS as readonly string[]).includes(q.by)) {
          const answer = await metricSeries({
            ctx,
            input: {
              metric,
              range: period,
              grain: q.by as Grain,
              scope,
              filters,
              ...(q.group ? { by: q.group } : {}),
            },
          });
          return { shape: 'series' as const, ...answer };
        }
        const answer = await metricBreakdown({
          ctx,
          input: { metric, period, scope, filters, by: q.by as (typeof GROUPS)[number] },
        });
        return { shape: 'breakdown' as const, ...answer };
      },
    );
  };

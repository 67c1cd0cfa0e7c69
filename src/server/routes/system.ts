import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { health } from '../../services/system/health.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';

export const systemRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/health',
      {
        schema: {
          summary: 'Liveness, database dialect, migration version and org count',
          response: {
            200: z.object({
              status: z.literal('ok'),
              dialect: z.enum(['sqlite', 'postgres']),
              migration: z.string().nullable(),
              orgs: z.number().int(),
            }),
          },
        },
      },
      () => health({ store: deps.store }),
    );

    app.get(
      '/org',
      {
        schema: {
          summary: 'The current org: name and calendar settings',
          response: {
            200: z.object({
              id: z.number().int(),
              name: z.string(),
              currency: z.string(),
              timeZone: z.string(),
              fiscalYearStartMonth: z.number().int(),
              weekStart: z.number().int(),
              workingDays: z.array(z.number().int()),
            }),
          },
        },
      },
      async (request) => {
        const { org } = await resolveCtx(deps, request);
        const { settings: _settings, slug: _slug, ...visible } = org;
        return visible;
      },
    );
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { health } from '../../services/system/health.ts';
import { readOrgSettings, updateOrgSettings } from '../../services/system/org-settings.ts';
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

    const thresholds = {
      grossMargin: z.number().gt(0).max(1),
      atRiskBelow: z.number().gt(0).max(2),
      offTrackBelow: z.number().gt(0).max(2),
      touchMonthlyForMonths: z.number().int().min(0).max(24),
      touchEveryDaysAfter: z.number().int().min(1).max(365),
    };
    const calendar = {
      name: z.string().trim().min(1).max(200),
      currency: z.string().regex(/^[A-Z]{3}$/, 'a three-letter ISO 4217 code, e.g. SAR'),
      timeZone: z.string().min(1).max(64),
      fiscalYearStartMonth: z.number().int().min(1).max(12),
      weekStart: z.number().int().min(0).max(6),
      workingDays: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    };
    const settingsView = z.object({ ...calendar, settings: z.object(thresholds) });

    app.get(
      '/org/settings',
      {
        schema: {
          summary: "The org's calendar, currency, status thresholds and other settings",
          response: { 200: settingsView },
        },
      },
      async (request) => readOrgSettings({ ctx: await resolveCtx(deps, request) }),
    );

    app.put(
      '/org/settings',
      {
        schema: {
          summary: "Change the org's settings (admins); a new time zone rebuilds the metric rollups",
          body: z
            .object({ ...calendar, settings: z.object(thresholds).partial() })
            .partial()
            .strict(),
          response: { 200: settingsView },
        },
      },
      async (request) => updateOrgSettings({ ctx: await resolveCtx(deps, request), input: request.body }),
    );
  };

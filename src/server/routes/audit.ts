import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listAudit, maxAuditPage } from '../../services/audit.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';

const instant = z.coerce.number().int().min(0);

export const auditRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/audit',
      {
        schema: {
          summary: 'The audit log, newest first (admins): who changed what, when, before and after',
          description: 'Page with beforeId = nextBeforeId of the previous page.',
          querystring: z.object({
            entity: z.string().max(64).optional(),
            entityId: z.coerce.number().int().optional(),
            action: z.string().max(64).optional().describe("A verb such as 'create', 'change_role', 'move'"),
            actorId: z.coerce.number().int().optional(),
            from: instant.optional().describe('Epoch ms, inclusive'),
            to: instant.optional().describe('Epoch ms, exclusive'),
            beforeId: z.coerce.number().int().optional(),
            limit: z.coerce.number().int().min(1).max(maxAuditPage).optional(),
          }),
          response: {
            200: z.object({
              entries: z.array(
                z.object({
                  id: z.number().int(),
                  at: z.number().int(),
                  actor: z.object({
                    id: z.number().int().nullable(),
                    label: z.string(),
                    name: z.string().nullable(),
                  }),
                  entity: z.string(),
                  entityId: z.number().int().nullable(),
                  action: z.string(),
                  before: z.unknown(),
                  after: z.unknown(),
                }),
              ),
              nextBeforeId: z.number().int().nullable(),
            }),
          },
        },
      },
      async (request) => {
        const limit = request.query.limit ?? 100;
        const entries = await listAudit({
          ctx: await resolveCtx(deps, request),
          input: { ...request.query, limit },
        });
        return { entries, nextBeforeId: entries.length === limit ? (entries.at(-1)?.id ?? null) : null };
      },
    );
  };

import { Readable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { exportFacts } from '../../services/export/facts.ts';
import { createFact } from '../../services/facts/create.ts';
import { deleteFact } from '../../services/facts/delete.ts';
import { ENTITY_DEFS } from '../../services/facts/entities/index.ts';
import type { EntityDef } from '../../services/facts/entity.ts';
import { getFact } from '../../services/facts/get.ts';
import { listFacts } from '../../services/facts/list.ts';
import { listQuerySchema, withoutEmpty } from '../../services/facts/list-query.ts';
import { updateFact } from '../../services/facts/update.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';

const idParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const noContent = { 204: z.null().describe('Deleted; no body.') };

/**
 * The facts behind every number: list (paginated, sorted, filtered like the
 * metric engine, or the whole list as CSV with format=csv), read, and for
 * fact tables create, change and delete. GET /api/users (the list) is the
 * accounts routes'; one user by id is here.
 */
export const factRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    // `?channel=` means no channel filter (as in the metric API), so empty parameters go before validation.
    app.addHook('preValidation', async (request) => {
      if (request.query && typeof request.query === 'object') request.query = withoutEmpty(request.query);
    });
    for (const def of Object.values(ENTITY_DEFS) as EntityDef[]) {
      const tags = [def.name];
      const path = `/${def.name}`;

      if (def.name !== 'users') {
        app.get(
          path,
          {
            schema: {
              tags,
              summary: `List ${def.name} you may see`,
              description: `Paginated with cursor/nextCursor; sorted by one column; filtered by scope, time range and attributes the way metrics count them. With format=csv: every matching row as a CSV download (text/csv).`,
              querystring: listQuerySchema(def),
              response: {
                200: z.object({
                  items: z.array(def.item),
                  total: z.number().int().describe('Rows matching the filters, across all pages.'),
                  nextCursor: z
                    .string()
                    .nullable()
                    .describe('Pass as cursor for the next page; null on the last.'),
                }),
              },
            },
          },
          async (request, reply) => {
            const ctx = await resolveCtx(deps, request);
            const query = request.query as Record<string, unknown>;
            if (query.format !== 'csv') return listFacts({ ctx, input: { entity: def.name, query } });
            const file = await exportFacts({ ctx, input: { entity: def.name, query } });
            return (
              reply
                .header('content-type', 'text/csv; charset=utf-8')
                .header('content-disposition', `attachment; filename="${file.filename}"`)
                // a stream is sent as is: the JSON schema above does not apply to it
                .send(Readable.from(file.chunks) as never)
            );
          },
        );
      }

      app.get(
        `${path}/:id`,
        {
          schema: {
            tags,
            summary: `One ${def.noun}`,
            params: idParams,
            response: { 200: def.item },
          },
        },
        async (request) =>
          getFact({
            ctx: await resolveCtx(deps, request),
            input: { entity: def.name, id: request.params.id },
          }),
      );

      if (!def.write) continue;

      app.post(
        path,
        {
          schema: {
            tags,
            summary: `Create a ${def.noun}`,
            description:
              "The team is set from the owner's team at the event's time; metrics include the row at once.",
            body: def.write.create,
            response: { 201: def.item },
          },
        },
        async (request, reply) => {
          const ctx = await resolveCtx(deps, request);
          const item = await createFact({ ctx, input: { entity: def.name, body: request.body } });
          return reply.status(201).send(item);
        },
      );

      app.patch(
        `${path}/:id`,
        {
          schema: {
            tags,
            summary: `Change fields of a ${def.noun} (null clears one)`,
            params: idParams,
            body: def.write.patch,
            response: { 200: def.item },
          },
        },
        async (request) =>
          updateFact({
            ctx: await resolveCtx(deps, request),
            input: { entity: def.name, id: request.params.id, body: request.body },
          }),
      );

      app.delete(
        `${path}/:id`,
        { schema: { tags, summary: `Delete a ${def.noun}`, params: idParams, response: noContent } },
        async (request, reply) => {
          await deleteFact({
            ctx: await resolveCtx(deps, request),
            input: { entity: def.name, id: request.params.id },
          });
          return reply.status(204).send(null);
        },
      );
    }
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { addTeam, removeTeam, updateTeam } from '../../services/accounts/teams.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const ref = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const name = z.string().max(200);

const teamSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  parentId: z.number().int().nullable(),
  managerId: z.number().int().nullable(),
  path: z.string().describe("Ids from the root, '/1/4/9/'."),
});

/**
 * Shaping the team tree (admins). Reading it is GET /api/teams and
 * /api/teams/:id of the facts routes, with each reader's visibility.
 */
export const teamRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['teams'];

    app.post(
      '/teams',
      {
        schema: {
          tags,
          summary: 'Create a team, at the top level or under a parent (admins)',
          body: z.object({ name, parentId: ref.nullable().optional(), managerId: ref.nullable().optional() }),
          response: { 201: teamSchema },
        },
      },
      async (request, reply) => {
        const team = await addTeam({ ctx: await resolveCtx(deps, request), input: request.body });
        return reply.status(201).send(team);
      },
    );

    app.patch(
      '/teams/:id',
      {
        schema: {
          tags,
          summary:
            'Rename a team, move it under another parent (null: top level) or set its manager (admins)',
          description:
            'A team cannot move under itself or one of its sub-teams (400, field parentId). Its whole subtree moves with it; people and past facts stay where they are.',
          params: z.object({ id }),
          body: z.object({
            name: name.optional(),
            parentId: ref.nullable().optional(),
            managerId: ref.nullable().optional(),
          }),
          response: { 200: teamSchema },
        },
      },
      async (request) =>
        updateTeam({
          ctx: await resolveCtx(deps, request),
          input: { id: request.params.id, change: request.body },
        }),
    );

    app.delete(
      '/teams/:id',
      {
        schema: {
          tags,
          summary: 'Delete an empty team (admins)',
          description:
            'Refused (409) while the team has sub-teams, members (now or in the past), goals or open invitations.',
          params: z.object({ id }),
          response: { 204: z.null().describe('Deleted; no body.') },
        },
      },
      async (request, reply) => {
        await removeTeam({ ctx: await resolveCtx(deps, request), input: { id: request.params.id } });
        return reply.status(204).send(null);
      },
    );
  };

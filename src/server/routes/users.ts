import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { inviteUser, listInvitations, revokeInvitation } from '../../services/accounts/invitations.ts';
import { changeRole, listUsers, moveUserTeam } from '../../services/accounts/users.ts';
import type { ServerDeps } from '../app.ts';
import { resolveCtx } from '../context.ts';
import { userSchema } from './auth.ts';

const role = z.enum(['admin', 'manager', 'rep']);
const id = z.coerce.number().int().positive();

const listedUserSchema = userSchema.extend({
  status: z
    .enum(['active', 'left', 'locked'])
    .describe('left: left_at has passed; locked: sign-in refused after too many wrong passwords.'),
  lockedUntil: z.number().int().nullable().describe('When a locked sign-in opens again (epoch ms).'),
});

const invitationSchema = z.object({
  id: z.number().int(),
  email: z.string(),
  name: z.string().nullable(),
  role,
  teamId: z.number().int().nullable(),
  invitedBy: z.number().int().nullable(),
  createdAt: z.number().int(),
  expiresAt: z.number().int(),
});

export const userRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/users',
      {
        schema: {
          summary: 'People of your org you may see: all (admin), your subtree (manager), your team (rep)',
          response: { 200: z.object({ users: z.array(listedUserSchema) }) },
        },
      },
      async (request) => ({ users: await listUsers({ ctx: await resolveCtx(deps, request) }) }),
    );

    app.get(
      '/users/invitations',
      {
        schema: {
          summary: 'Open invitations: all (admin) or into your subtree (manager)',
          response: { 200: z.object({ invitations: z.array(invitationSchema) }) },
        },
      },
      async (request) => ({ invitations: await listInvitations({ ctx: await resolveCtx(deps, request) }) }),
    );

    app.post(
      '/users/invitations',
      {
        schema: {
          summary: 'Invite someone into your org by e-mail (managers: reps into their own teams)',
          description: 'The link is e-mailed through the outbox and returned once, for passing on by hand.',
          body: z.object({
            email: z.string().min(1).max(254),
            name: z.string().max(200).optional(),
            role,
            teamId: z.number().int().positive().nullable().optional(),
          }),
          response: { 201: z.object({ invitation: invitationSchema, link: z.string() }) },
        },
      },
      async (request, reply) => {
        const result = await inviteUser({ ctx: await resolveCtx(deps, request), input: request.body });
        deps.outbox?.nudge();
        return reply.status(201).send(result);
      },
    );

    app.delete(
      '/users/invitations/:id',
      {
        schema: {
          summary: 'Withdraw an open invitation',
          params: z.object({ id }),
          response: { 204: z.null().describe('Done; no body.') },
        },
      },
      async (request, reply) => {
        await revokeInvitation({ ctx: await resolveCtx(deps, request), input: { id: request.params.id } });
        return reply.status(204).send(null);
      },
    );

    app.patch(
      '/users/:id/role',
      {
        schema: {
          summary: "Change a user's role (admins; the org keeps at least one admin)",
          params: z.object({ id }),
          body: z.object({ role }),
          response: { 200: z.object({ user: userSchema }) },
        },
      },
      async (request) => ({
        user: await changeRole({
          ctx: await resolveCtx(deps, request),
          input: { userId: request.params.id, role: request.body.role },
        }),
      }),
    );

    app.patch(
      '/users/:id/team',
      {
        schema: {
          summary: 'Move a user to another team from now on (admins; managers within their subtree)',
          params: z.object({ id }),
          body: z.object({ teamId: z.number().int().positive() }),
          response: { 200: z.object({ user: userSchema }) },
        },
      },
      async (request) => ({
        user: await moveUserTeam({
          ctx: await resolveCtx(deps, request),
          input: { userId: request.params.id, teamId: request.body.teamId },
        }),
      }),
    );
  };

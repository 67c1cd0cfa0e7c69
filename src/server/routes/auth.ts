import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { createApiToken, listApiTokensFor, revokeApiTokenById } from '../../services/accounts/api-tokens.ts';
import { acceptInvitation, previewInvitation } from '../../services/accounts/invitations.ts';
import { login, type SignedIn, SignInLocked } from '../../services/accounts/login.ts';
import {
  changePassword,
  confirmPasswordReset,
  requestPasswordReset,
} from '../../services/accounts/password-reset.ts';
import { apiTokenScopes } from '../../services/accounts/policy.ts';
import { endSession, orgView, userView } from '../../services/accounts/sessions.ts';
import { setupState, signUpFirstAdmin } from '../../services/accounts/signup.ts';
import type { ServerDeps } from '../app.ts';
import { clearSessionCookie, setSessionCookie } from '../auth.ts';
import { authenticate, resolveCtx, signInFirst } from '../context.ts';

export const userSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  role: z.enum(['admin', 'manager', 'rep']),
  teamId: z.number().int().nullable(),
  leftAt: z.number().int().nullable(),
});

const orgSchema = z.object({ id: z.number().int(), name: z.string(), slug: z.string() });

const signedInSchema = z.object({
  user: userSchema,
  org: orgSchema,
  csrfToken: z
    .string()
    .describe('Send it back in the x-csrf-token header of every POST, PUT, PATCH and DELETE.'),
  expiresAt: z.number().int().describe('When the session ends (epoch ms).'),
});

const apiTokenSchema = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  name: z.string(),
  scopes: z.array(z.enum(apiTokenScopes)),
  createdAt: z.number().int(),
  expiresAt: z.number().int().nullable(),
  revokedAt: z.number().int().nullable(),
});

// Bounds on free text keep hashing and lookups cheap whatever a client sends.
const email = z.string().min(1).max(254);
const password = z.string().min(1).max(1024);
const token = z.string().min(1).max(200);
const orgSlug = z.string().min(1).max(40);
const noContent = { 204: z.null().describe('Done; no body.') };

export const authRoutes =
  (deps: ServerDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const base = () => ({ db: deps.store.db, dialect: deps.store.dialect, now: deps.now() });

    const signIn = (request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn) => {
      setSessionCookie(request, reply, signedIn.session);
      return {
        user: userView(signedIn.user),
        org: orgView(signedIn.org),
        csrfToken: signedIn.session.csrfToken,
        expiresAt: signedIn.session.expiresAt,
      };
    };

    app.get(
      '/auth/setup',
      {
        schema: {
          summary: 'Whether the server still needs its first admin (the first-run screen)',
          response: { 200: z.object({ needsSetup: z.boolean() }) },
        },
      },
      () => setupState(base()),
    );

    app.post(
      '/auth/signup',
      {
        schema: {
          summary: 'First run only: create the org and its first admin, signed in',
          body: z.object({
            orgName: z.string().max(200),
            orgSlug,
            currency: z.string().max(3).optional(),
            timeZone: z.string().max(64).optional(),
            name: z.string().max(200),
            email,
            password,
          }),
          response: { 201: signedInSchema },
        },
      },
      async (request, reply) => {
        const signedIn = await signUpFirstAdmin({ ctx: base(), input: request.body });
        return reply.status(201).send(signIn(request, reply, signedIn));
      },
    );

    app.post(
      '/auth/login',
      {
        schema: {
          summary: 'Sign in with e-mail and password; sets the hadaf_session cookie',
          description:
            'Wrong e-mail or password: 401 (the same answer for both). Too many failures: 429 with Retry-After.',
          body: z.object({
            email,
            password,
            org: orgSlug.optional().describe('Org slug, only when the e-mail signs in to several orgs'),
          }),
          response: { 200: signedInSchema },
        },
      },
      async (request, reply) => {
        try {
          const signedIn = await login({ ctx: base(), input: { ...request.body, clientIp: request.ip } });
          return signIn(request, reply, signedIn);
        } catch (error) {
          if (error instanceof SignInLocked) {
            reply.header('retry-after', String(Math.max(1, Math.ceil((error.retryAt - deps.now()) / 1000))));
          }
          throw error;
        }
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: {
          summary: 'Sign out: ends this session on the server and clears the cookie',
          response: noContent,
        },
      },
      async (request, reply) => {
        const auth = await authenticate(deps, request);
        if (!auth) throw signInFirst();
        await endSession(base(), auth);
        clearSessionCookie(request, reply);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/auth/session',
      {
        schema: {
          summary: 'Who is signed in, the org, and the CSRF token of the session',
          response: {
            200: z.object({
              user: userSchema,
              org: orgSchema,
              via: z.enum(['session', 'token']),
              csrfToken: z.string().nullable(),
              expiresAt: z.number().int().nullable(),
              scopes: z.array(z.string()).nullable(),
            }),
          },
        },
      },
      async (request) => {
        const auth = await authenticate(deps, request);
        if (!auth) throw signInFirst();
        return {
          user: userView(auth.user),
          org: orgView(auth.org),
          via: auth.via,
          csrfToken: auth.via === 'session' ? auth.csrfToken : null,
          expiresAt: auth.via === 'session' ? auth.expiresAt : null,
          scopes: auth.via === 'token' ? auth.scopes : null,
        };
      },
    );

    app.post(
      '/auth/password',
      {
        schema: {
          summary: 'Change your password; your other sessions end',
          body: z.object({ currentPassword: password, newPassword: password }),
          response: noContent,
        },
      },
      async (request, reply) => {
        const ctx = await resolveCtx(deps, request);
        const auth = await authenticate(deps, request);
        await changePassword({
          ctx,
          input: { ...request.body, ...(auth?.via === 'session' ? { keepSessionId: auth.sessionId } : {}) },
        });
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/auth/password-reset',
      {
        schema: {
          summary: 'E-mail a password reset link (the answer is the same whether or not the address exists)',
          body: z.object({ email, org: orgSlug.optional() }),
          response: { 202: z.object({ message: z.string() }) },
        },
      },
      async (request, reply) => {
        const queued = await requestPasswordReset({ ctx: base(), input: request.body });
        if (queued > 0) deps.outbox?.nudge();
        return reply.status(202).send({
          message: 'If this address has an account, a reset link is on its way. It works for one hour.',
        });
      },
    );

    app.post(
      '/auth/password-reset/confirm',
      {
        schema: {
          summary: 'Set a new password from a reset link; every session of the account ends',
          body: z.object({ token, password }),
          response: noContent,
        },
      },
      async (request, reply) => {
        await confirmPasswordReset({ ctx: base(), input: request.body });
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/auth/invitation',
      {
        schema: {
          summary: 'What an invitation link is for (shown before choosing a password)',
          body: z.object({ token }),
          response: {
            200: z.object({
              email: z.string(),
              name: z.string().nullable(),
              role: z.enum(['admin', 'manager', 'rep']),
              orgName: z.string(),
              expiresAt: z.number().int(),
            }),
          },
        },
      },
      (request) => previewInvitation({ ctx: base(), input: request.body }),
    );

    app.post(
      '/auth/invitation/accept',
      {
        schema: {
          summary: 'Accept an invitation: choose a password, get an account, signed in',
          body: z.object({ token, name: z.string().max(200).optional(), password }),
          response: { 201: signedInSchema },
        },
      },
      async (request, reply) => {
        const signedIn = await acceptInvitation({ ctx: base(), input: request.body });
        return reply.status(201).send(signIn(request, reply, signedIn));
      },
    );

    app.get(
      '/auth/tokens',
      {
        schema: {
          summary: 'Your API tokens (an admin sees every token of the org); never the token itself',
          response: { 200: z.object({ tokens: z.array(apiTokenSchema) }) },
        },
      },
      async (request) => ({ tokens: await listApiTokensFor({ ctx: await resolveCtx(deps, request) }) }),
    );

    app.post(
      '/auth/tokens',
      {
        schema: {
          summary: 'Create an API token for scripts (Authorization: Bearer); the token is shown once',
          body: z.object({
            name: z.string().max(200),
            scopes: z.array(z.enum(apiTokenScopes)).min(1).max(apiTokenScopes.length),
            expiresInDays: z.number().int().min(1).max(3650).optional(),
          }),
          response: { 201: z.object({ token: z.string(), apiToken: apiTokenSchema }) },
        },
      },
      async (request, reply) => {
        const created = await createApiToken({ ctx: await resolveCtx(deps, request), input: request.body });
        return reply.status(201).send(created);
      },
    );

    app.delete(
      '/auth/tokens/:id',
      {
        schema: {
          summary: 'Revoke an API token (yours, or any as an admin)',
          params: z.object({ id: z.coerce.number().int().positive() }),
          response: noContent,
        },
      },
      async (request, reply) => {
        await revokeApiTokenById({ ctx: await resolveCtx(deps, request), input: { id: request.params.id } });
        return reply.status(204).send(null);
      },
    );
  };

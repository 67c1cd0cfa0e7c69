import { timingSafeEqual } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { forbidden } from '../core/errors.ts';
import type { ServerDeps } from './app.ts';
import { authenticate, sessionCookie, signInFirst } from './context.ts';

/**
 * Every /api route needs a session or an API token unless it is listed
 * here. A new route is protected by default; the permission matrix test
 * (test/server/permission-matrix.test.ts) holds a row for each route.
 */
const publicRoutes = new Set([
  'GET /api/health',
  'GET /api/openapi.json',
  'GET /api/auth/setup',
  'POST /api/auth/signup',
  'POST /api/auth/login',
  'POST /api/auth/password-reset',
  'POST /api/auth/password-reset/confirm',
  'POST /api/auth/invitation',
  'POST /api/auth/invitation/accept',
]);
/** The browsable API docs (Swagger UI and its assets). */
const publicPrefixes = ['/api/docs'];

/** Routes that manage credentials: a browser session only, never an API token. */
const sessionOnlyRoutes = new Set([
  'POST /api/auth/logout',
  'POST /api/auth/password',
  'POST /api/auth/tokens',
  'DELETE /api/auth/tokens/:id',
]);

export type RouteAccess = 'public' | 'session-only' | 'signed-in';

/** How a route is guarded, by method and route pattern (e.g. 'GET', '/api/users/:id'). */
export function routeAccess(method: string, url: string): RouteAccess {
  const key = `${method === 'HEAD' ? 'GET' : method} ${url}`;
  if (publicRoutes.has(key) || publicPrefixes.some((p) => url === p || url.startsWith(`${p}/`)))
    return 'public';
  return sessionOnlyRoutes.has(key) ? 'session-only' : 'signed-in';
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: Record<string, string> = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // reset and invitation links carry their token in the URL: never leak it to another site
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

/** TLS here, or TLS ended by a proxy in front that says so. */
export function isHttps(request: FastifyRequest): boolean {
  if (request.protocol === 'https') return true;
  const forwarded = request.headers['x-forwarded-proto'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim().toLowerCase();
  return first === 'https';
}

export function setSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  session: { token: string; expiresAt: number },
) {
  reply.setCookie(sessionCookie, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: isHttps(request),
    expires: new Date(session.expiresAt),
  });
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply) {
  reply.clearCookie(sessionCookie, { path: '/', httpOnly: true, sameSite: 'lax', secure: isHttps(request) });
}

const registered = new WeakMap<FastifyInstance, Array<{ method: string; url: string }>>();

/** Every API route registered after registerAuth, as 'METHOD /api/...' pairs (HEAD and OPTIONS left out). */
export function registeredApiRoutes(app: FastifyInstance): Array<{ method: string; url: string }> {
  return [...(registered.get(app) ?? [])];
}

/**
 * Sign-in, CSRF and security headers for the whole server. Call on the root
 * instance before any route is registered.
 * - anonymous requests to a non-public /api route: 401;
 * - API tokens: 'read' for GET, 'write' for the rest, no credential routes;
 * - session requests that change something need `x-csrf-token` equal to
 *   the session's token (403 otherwise); API-token requests are exempt
 *   (a browser never attaches a bearer token by itself).
 */
export async function registerAuth(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  await app.register(fastifyCookie);

  const routes: Array<{ method: string; url: string }> = [];
  registered.set(app, routes);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.push({ method, url: route.url });
    }
  });

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (!url?.startsWith('/api/')) return; // the web app, or no such route (404)
    const access = routeAccess(request.method, url);
    if (access === 'public') return;
    const auth = await authenticate(deps, request);
    if (!auth) throw signInFirst();
    if (auth.via === 'token') {
      if (access === 'session-only') {
        throw forbidden('API tokens cannot manage sign-in credentials: use a browser session.');
      }
      const needed = safeMethods.has(request.method) ? 'read' : 'write';
      if (!auth.scopes.includes(needed)) throw forbidden(`This API token lacks the "${needed}" scope.`);
      return;
    }
    if (!safeMethods.has(request.method) && !sameSecret(request.headers['x-csrf-token'], auth.csrfToken)) {
      throw forbidden(
        'Missing or wrong x-csrf-token header: send the csrfToken from sign-in or GET /api/auth/session.',
      );
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    for (const [name, value] of Object.entries(securityHeaders)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    if (isHttps(request)) reply.header('strict-transport-security', 'max-age=31536000');
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
    return payload;
  });
}

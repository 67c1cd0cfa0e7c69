import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { type Mailer, mailerFromEnv } from '../services/outbox/mailer.ts';
import { type OutboxWorker, startOutboxWorker } from '../services/outbox/worker.ts';
import type { Store } from '../store/db.ts';
import { registerAuth } from './auth.ts';
import { handleError } from './errors.ts';
import { registerOpenApi } from './openapi.ts';
import { apiRoutes } from './routes/index.ts';
import { refuseUnstorableText } from './unstorable-text.ts';

export interface ServerOptions {
  store: Store;
  /** Folder of the built web app; served at / when it exists. */
  webDir?: string;
  /** The clock; tests pin it. */
  now?: () => number;
  logger?: boolean;
  /** Delivers the outbox's e-mail (invitations, password resets); default from HADAF_SMTP_URL, null for none. */
  mailer?: Mailer | null;
}

export async function buildServer(options: ServerOptions) {
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.addHook('preValidation', refuseUnstorableText);

  const now = options.now ?? Date.now;
  const mailer = options.mailer === undefined ? mailerFromEnv() : (options.mailer ?? undefined);
  const outbox = mailer
    ? startOutboxWorker({
        db: options.store.db,
        mailer,
        clock: now,
        onError: (err) => app.log.error({ err }, 'outbox delivery failed'),
      })
    : undefined;
  if (outbox) {
    app.addHook('onClose', async () => {
      await outbox.stop();
      mailer?.close?.();
    });
  }
  const deps: ServerDeps = { store: options.store, now, outbox };
  // before any route: the auth hooks and the route list must see every route
  await registerAuth(app, deps);
  await registerOpenApi(app);
  for (const routes of apiRoutes) await app.register(routes(deps), { prefix: '/api' });

  app.setNotFoundHandler((request, reply) => {
    const wantsApp = request.method === 'GET' && !request.url.startsWith('/api/');
    if (wantsApp && webDir) return reply.sendFile('index.html');
    return reply.status(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` },
    });
  });
  const webDir =
    options.webDir && existsSync(join(options.webDir, 'index.html')) ? options.webDir : undefined;
  if (webDir) await app.register(fastifyStatic, { root: webDir, wildcard: false });
  return app;
}

export type ServerDeps = {
  store: Store;
  now: () => number;
  /** Present when e-mail is configured: routes nudge it after queueing a message. */
  outbox?: OutboxWorker;
};

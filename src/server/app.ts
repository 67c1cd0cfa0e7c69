import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store } from '../store/db.ts';
import { handleError } from './errors.ts';
import { registerOpenApi } from './openapi.ts';
import { apiRoutes } from './routes/index.ts';

export interface ServerOptions {
  store: Store;
  /** Folder of the built web app; served at / when it exists. */
  webDir?: string;
  /** The clock; tests pin it. */
  now?: () => number;
  logger?: boolean;
}

export async function buildServer(options: ServerOptions) {
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);

  await registerOpenApi(app);
  const deps = { store: options.store, now: options.now ?? Date.now };
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

export type ServerDeps = { store: Store; now: () => number };

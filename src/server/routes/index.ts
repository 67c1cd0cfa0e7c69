import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerDeps } from '../app.ts';
import { systemRoutes } from './system.ts';

/** Every API route module, mounted under /api. Add one line per module. */
export const apiRoutes: Array<(deps: ServerDeps) => FastifyPluginAsyncZod> = [systemRoutes];

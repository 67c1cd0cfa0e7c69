import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerDeps } from '../app.ts';
import { auditRoutes } from './audit.ts';
import { authRoutes } from './auth.ts';
import { factRoutes } from './facts.ts';
import { flowRoutes } from './flow.ts';
import { goalRoutes } from './goals.ts';
import { importRoutes } from './imports.ts';
import { insightRoutes } from './insights.ts';
import { metricRoutes } from './metrics.ts';
import { systemRoutes } from './system.ts';
import { teamRoutes } from './teams.ts';
import { trackingRoutes } from './tracking.ts';
import { userRoutes } from './users.ts';

/** Every API route module, mounted under /api. Add one line per module. */
export const apiRoutes: Array<(deps: ServerDeps) => FastifyPluginAsyncZod> = [
  systemRoutes,
  authRoutes,
  userRoutes,
  teamRoutes,
  auditRoutes,
  trackingRoutes,
  factRoutes,
  goalRoutes,
  metricRoutes,
  insightRoutes,
  flowRoutes,
  importRoutes,
];

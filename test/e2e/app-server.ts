import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'vite';
import { buildServer } from '../../src/server/app.ts';
import type { Mailer } from '../../src/services/outbox/mailer.ts';
import type { Store } from '../../src/store/db.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
/**
 * Where the tests build and serve the web app: dist/web, or HADAF_TEST_WEB_DIR when
 * several test runs share one checkout and must not empty each other's build.
 */
export const webDir = process.env.HADAF_TEST_WEB_DIR
  ? resolve(process.env.HADAF_TEST_WEB_DIR)
  : resolve(repoRoot, 'dist/web');
export const artifactsDir = resolve(repoRoot, 'test-artifacts');

/** Builds the web app into `webDir` with the project's own vite.config.ts, as `npm run build` does. */
export async function buildWebApp(): Promise<void> {
  // Vitest sets NODE_ENV=test, which Vite would honour with a development build of React;
  // the tests must drive the same production bundle `npm run build` makes (and leave it in dist/web).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: resolve(repoRoot, 'vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: webDir, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/**
 * The real server over the given store, serving dist/web, on a free port of 127.0.0.1.
 * Without a `mailer` the server reads HADAF_SMTP_URL, as in production.
 */
export async function startApp(
  store: Store,
  options: { now?: () => number; mailer?: Mailer | null } = {},
): Promise<RunningApp> {
  const app = await buildServer({ store, webDir, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

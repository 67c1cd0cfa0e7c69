import { buildWebApp } from './e2e/app-server.ts';

/**
 * Builds the web app once before any test file runs: end-to-end files run in
 * parallel and must not empty dist/web under each other's browsers.
 */
export async function setup() {
  await buildWebApp();
}

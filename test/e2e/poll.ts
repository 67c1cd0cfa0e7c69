import { expect } from 'vitest';

/**
 * expect.poll with room for a busy machine: the default second is too
 * short when two cores run Chromium, a server and other test files at once.
 */
export function poll<T>(read: () => T | Promise<T>, timeout = 10_000) {
  return expect.poll(read, { timeout, interval: 100 });
}

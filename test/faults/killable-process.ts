import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import type { ImportOptions, SplitOptions, TickOptions } from './killable.ts';

const root = resolve(import.meta.dirname, '../..');

export type Outcome = { paused: number } | { done: unknown } | { exited: number | string | null };

/**
 * Forks killable.ts. `next` resolves with its first report (paused inside
 * the transaction, or done) or its exit; `kill()` sends SIGKILL and
 * resolves once the process is gone.
 */
export function startKillable(
  scenario: 'import' | 'split' | 'tick',
  location: string,
  options: ImportOptions | SplitOptions | TickOptions,
) {
  const child = fork(
    resolve(root, 'bin/run-ts.js'),
    ['test/faults/killable.ts', scenario, location, JSON.stringify(options)],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const exited = new Promise<number | string | null>((done) => {
    child.on('exit', (code, signal) => done(signal ?? code));
  });
  const next = new Promise<Outcome>((done) => {
    child.once('message', (message: Outcome) => done(message));
    void exited.then((how) => done({ exited: how }));
  });
  return {
    next,
    async kill() {
      child.kill('SIGKILL');
      return exited;
    },
    /** Waits for the process to end by itself. */
    exited,
  };
}

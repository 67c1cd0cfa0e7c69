import { fork } from 'node:child_process';
import { resolve } from 'node:path';

/** What a writer process (sqlite-writer.ts) committed, and every error it saw. */
export interface WriterReport {
  transactions: number;
  singles: number;
  errors: string[];
}

const root = resolve(import.meta.dirname, '../..');

/**
 * Forks sqlite-writer.ts on `file`. `ready` resolves once it has opened the
 * database; `go()` starts its writing; `finished` resolves with its report.
 */
export function startWriter(file: string, orgId: number, label: string, durationMs: number) {
  const child = fork(
    resolve(root, 'bin/run-ts.js'),
    ['test/faults/sqlite-writer.ts', file, String(orgId), label, String(durationMs)],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const ready = deferred<void>();
  const finished = deferred<WriterReport>();
  child.on('message', (message: { ready?: boolean } & WriterReport) => {
    if (message.ready) ready.resolve();
    else finished.resolve(message);
  });
  const fail = (error: Error) => {
    ready.reject(error);
    finished.reject(error);
  };
  child.on('error', fail);
  child.on('exit', (code) => {
    if (code !== 0) fail(new Error(`writer ${label} exited with code ${code}`));
  });
  return { ready: ready.promise, finished: finished.promise, go: () => child.send('go') };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A writer that fails before `ready` also rejects `finished`: nobody awaits that one yet.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

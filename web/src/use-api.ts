import { useCallback, useEffect, useState } from 'react';
import { ApiError, getJson } from './api.ts';

export type Loadable<T> =
  | { status: 'loading' }
  | { status: 'ready'; data: T }
  | { status: 'failed'; error: ApiError };

export function asApiError(error: unknown): ApiError {
  return error instanceof ApiError
    ? error
    : new ApiError(0, 'unexpected', error instanceof Error ? error.message : String(error));
}

/**
 * GET a path and follow it: loading, then the data or the error. A new path
 * starts over (and cancels the old request); null waits without requesting.
 */
export function useApi<T>(path: string | null): { state: Loadable<T>; reload: () => void } {
  const [state, setState] = useState<Loadable<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the reload trigger.
  useEffect(() => {
    setState({ status: 'loading' });
    if (path === null) return;
    const abort = new AbortController();
    getJson<T>(path, abort.signal).then(
      (data) => {
        if (!abort.signal.aborted) setState({ status: 'ready', data });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ status: 'failed', error: asApiError(error) });
      },
    );
    return () => abort.abort();
  }, [path, attempt]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, reload };
}

/** Several loadables as one: failed if any failed, loading while any loads. */
export function combine<A, B>(a: Loadable<A>, b: Loadable<B>): Loadable<[A, B]> {
  if (a.status === 'failed') return a;
  if (b.status === 'failed') return b;
  if (a.status === 'loading' || b.status === 'loading') return { status: 'loading' };
  return { status: 'ready', data: [a.data, b.data] };
}

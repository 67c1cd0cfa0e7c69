import { useCallback, useEffect, useState } from 'react';
import { ApiError, getJson, type OrgInfo } from './api.ts';

export type OrgState =
  | { status: 'loading' }
  | { status: 'ready'; org: OrgInfo }
  /** The database has no org yet: the demo has not been loaded. */
  | { status: 'missing' }
  | { status: 'failed'; error: ApiError };

/** The current org from GET /api/org, with a retry for when the server was down. */
export function useOrg(): { state: OrgState; retry: () => void } {
  const [state, setState] = useState<OrgState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt is the retry trigger.
  useEffect(() => {
    const abort = new AbortController();
    setState({ status: 'loading' });
    getJson<OrgInfo>('/api/org', abort.signal).then(
      (org) => {
        if (!abort.signal.aborted) setState({ status: 'ready', org });
      },
      (error: unknown) => {
        if (abort.signal.aborted) return;
        if (error instanceof ApiError && error.status === 404 && error.code === 'not_found') {
          setState({ status: 'missing' });
        } else {
          const failure = error instanceof ApiError ? error : new ApiError(0, 'unexpected', String(error));
          setState({ status: 'failed', error: failure });
        }
      },
    );
    return () => abort.abort();
  }, [attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { state, retry };
}

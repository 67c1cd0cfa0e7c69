/**
 * The web app's only way to the server: JSON over /api. State-changing
 * requests carry the session's CSRF token (docs/security.md); a 401 on any
 * call tells the session layer that the sign-in has ended.
 */

/**
 * A failed API call. status 0 means the server did not answer at all;
 * otherwise code and message come from the server's `{ error: { code, message, field? } }`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

/** The token from sign-in or GET /api/auth/session, sent back as x-csrf-token. */
export function setCsrfToken(token: string | null) {
  csrfToken = token;
}

/** Called when a request answers 401: the session expired or was ended elsewhere. */
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

async function request<T>(method: Method, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      signal: signal ?? null,
      credentials: 'same-origin',
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'unreachable', error instanceof Error ? error.message : String(error));
  }
  if (response.status === 204) return null as T;
  const parsed: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (parsed as { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined)
      ?.error;
    const failure = new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : 'http_error',
      typeof error?.message === 'string' ? error.message : response.statusText || `HTTP ${response.status}`,
      typeof error?.field === 'string' ? error.field : undefined,
    );
    // The sign-in calls themselves answer 401 for a wrong password: that is not a lost session.
    if (response.status === 401 && !path.startsWith('/api/auth/')) {
      for (const listener of signedOutListeners) listener();
    }
    throw failure;
  }
  if (parsed === undefined) throw new ApiError(response.status, 'bad_response', `No JSON from ${path}.`);
  return parsed as T;
}

export function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, undefined, signal);
}

export function sendJson<T>(
  method: Exclude<Method, 'GET'>,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<T> {
  return request<T>(method, path, body, signal);
}

/** A query string from the defined, non-empty values: `{ a: 1, b: undefined }` → `?a=1`. */
export function query(params: Record<string, string | number | null | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

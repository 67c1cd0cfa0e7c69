/** The web app's only way to the server: JSON over /api. */

export interface OrgInfo {
  id: number;
  name: string;
  currency: string;
  timeZone: string;
  fiscalYearStartMonth: number;
  weekStart: number;
  workingDays: number[];
}

/**
 * A failed API call. status 0 means the server did not answer at all;
 * otherwise code and message come from the server's `{ error: { code, message } }`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { accept: 'application/json' }, signal: signal ?? null });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ApiError(0, 'unreachable', error instanceof Error ? error.message : String(error));
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    throw new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : 'http_error',
      typeof error?.message === 'string' ? error.message : response.statusText || `HTTP ${response.status}`,
    );
  }
  if (body === undefined) throw new ApiError(response.status, 'bad_response', `No JSON from ${path}.`);
  return body as T;
}

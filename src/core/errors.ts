/**
 * The one error type the domain, store and services throw on purpose.
 * HTTP maps `code` to a status, the CLI to a message and an exit code;
 * anything else that escapes is a bug and is reported as such.
 */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'conflict'
  | 'forbidden'
  | 'unauthenticated'
  | 'unavailable'
  | 'rate_limited';

export class HadafError extends Error {
  override readonly name = 'HadafError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field (or CSV column, CLI option) the error is about. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string, field?: string) => new HadafError('invalid_input', message, field);
export const notFound = (message: string) => new HadafError('not_found', message);
export const forbidden = (message = 'You are not allowed to do this.') =>
  new HadafError('forbidden', message);

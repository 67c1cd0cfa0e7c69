import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { type ErrorCode, HadafError } from '../core/errors.ts';

const statusOf: Record<ErrorCode, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

export interface ErrorBody {
  error: { code: ErrorCode | 'internal'; message: string; field?: string };
}

/** Maps every thrown error to `{ error: { code, message, field? } }`; never leaks a stack trace. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof HadafError) {
    const body: ErrorBody = { error: { code: error.code, message: error.message } };
    if (error.field) body.error.field = error.field;
    return reply.status(statusOf[error.code]).send(body);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const field = first?.instancePath.replace(/^\//, '').replaceAll('/', '.') || undefined;
    const where = error.validationContext ?? 'request';
    const message = `Invalid ${where}${field ? ` field "${field}"` : ''}: ${first?.message ?? 'bad value'}.`;
    return reply.status(400).send({ error: { code: 'invalid_input', message, ...(field ? { field } : {}) } });
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    const code: ErrorCode =
      fastifyError.statusCode === 404
        ? 'not_found'
        : fastifyError.statusCode === 429
          ? 'rate_limited'
          : 'invalid_input';
    return reply.status(fastifyError.statusCode).send({ error: { code, message: fastifyError.message } });
  }
  if (isUnstorableTextError(error)) {
    return reply.status(400).send({
      error: {
        code: 'invalid_input',
        message: 'A text value contains a character the database cannot store (such as NUL); remove it.',
      },
    });
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    return reply.status(503).send({
      error: {
        code: 'unavailable',
        message: 'The database is unavailable right now; try again in a moment.',
      },
    });
  }
  request.log.error({ err: error }, 'unhandled error');
  return reply
    .status(500)
    .send({ error: { code: 'internal', message: 'Something went wrong on the server.' } });
}

/**
 * PostgreSQL shutdown or restart, a terminated backend (57P01-57P03),
 * connection failures (class 08), a dropped socket, or a SQLite write lock still
 * held after busy_timeout: the database may answer on retry, so the caller gets
 * a 503 rather than a 500 bug report. The pool discards the broken client.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (/^(57P0[123]|08[0-9A-Z]{3})$/.test(code)) return true;
    if (['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code)) return true;
    if (code.startsWith('SQLITE_BUSY')) return true;
  }
  return /Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect/.test(
    error.message,
  );
}

/**
 * PostgreSQL refusing the bytes of a text value (22021: a NUL or an invalid
 * UTF-8 sequence; 22P05: a character the encoding lacks). The request's own
 * input checks catch these first (unstorable-text.ts); this is the net for
 * text that arrives another way, so it stays a 400 and not a 500.
 */
export function isUnstorableTextError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && (code === '22021' || code === '22P05');
}

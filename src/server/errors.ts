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
  request.log.error({ err: error }, 'unhandled error');
  return reply
    .status(500)
    .send({ error: { code: 'internal', message: 'Something went wrong on the server.' } });
}

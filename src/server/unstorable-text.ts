import type { FastifyRequest } from 'fastify';
import { invalid } from '../core/errors.ts';

/**
 * Text no database of ours stores faithfully: PostgreSQL refuses a NUL
 * character in text (so the request would end in a 500), and an unpaired
 * UTF-16 surrogate is not Unicode at all (PostgreSQL would store U+FFFD,
 * SQLite three bytes that read back as garbage). Both are refused up front,
 * in the body, the query string and the path, naming the field.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path (`a.b.0.c`) and the kind of the first unstorable string in `value`, if any. */
export function findUnstorableText(
  value: unknown,
  path: string[] = [],
): { field: string; what: string } | undefined {
  if (typeof value === 'string') {
    const match = UNSTORABLE.exec(value);
    if (!match) return undefined;
    const what =
      match[0] === '\u0000' ? 'a NUL character (\\u0000)' : 'an unpaired surrogate (not valid Unicode)';
    return { field: path.join('.'), what };
  }
  // Parsed JSON and query strings only: an upload's Buffer or stream is checked by its reader.
  if (!Array.isArray(value) && !isPlainObject(value)) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const keyProblem = findUnstorableText(key, path);
    if (keyProblem) return { field: [...path, key].join('.'), what: keyProblem.what };
    const found = findUnstorableText(item, [...path, key]);
    if (found) return found;
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  // The query parser's objects inherit from an empty null-prototype object.
  return proto === Object.prototype || proto === null || Object.getPrototypeOf(proto) === null;
}

/** A preValidation hook: 400 for unstorable text anywhere in the request's input. */
export async function refuseUnstorableText(request: FastifyRequest) {
  for (const [where, input] of [
    ['path', request.params],
    ['query', request.query],
    ['body', request.body],
  ] as const) {
    const found = findUnstorableText(input);
    if (!found) continue;
    const place = found.field ? `${where} field "${found.field}"` : `the ${where}`;
    throw invalid(
      `Invalid ${place}: it contains ${found.what}, which cannot be stored; remove it.`,
      found.field || where,
    );
  }
}

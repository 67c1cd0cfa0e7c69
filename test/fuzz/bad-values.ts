/**
 * fast-check arbitraries of values that a JSON schema (OpenAPI 3.0 flavour,
 * as the server publishes at /api/openapi.json) must refuse, plus junk and
 * hostile text that it may accept or refuse.
 */
import fc from 'fast-check';

export interface Schema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean | number;
  exclusiveMaximum?: boolean | number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

/** Text that has broken servers before: NUL, lone surrogates, RTL marks, SQL and HTML fragments, emoji. */
export const hostileText = fc.constantFrom(
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202eevil\u202c',
  'مرحبا',
  '👩🏽‍💼🎯',
  "'; drop table goal; --",
  '" or 1=1 --',
  '<script>alert(1)</script>',
  '%00%ff',
  '../../etc/passwd',
  '\r\n\r\nX-Injected: 1',
  '   ',
  '',
);

/** A string that no schema reads as a number or a boolean, even with coercion. */
const wordy = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 40 }), hostileText)
  .filter((s) => s.trim() !== '' && Number.isNaN(Number(s)) && !['true', 'false'].includes(s.trim()));

/** Any JSON value, with unicode, long strings and nesting. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  fc.jsonValue({ maxDepth: 3 }),
  hostileText,
  fc.string({ unit: 'binary', minLength: 300, maxLength: 3000 }),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, -0, 0.1, Number.MAX_SAFE_INTEGER),
);

type JsonType = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'null';

const ofType: Record<JsonType, fc.Arbitrary<unknown>> = {
  string: wordy,
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  boolean: fc.boolean(),
  array: fc.array(junk, { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 10 }), junk, { maxKeys: 3 }),
  null: fc.constant(null),
};

/** A value of none of the `allowed` JSON types. */
function wrongType(allowed: Set<JsonType>): fc.Arbitrary<unknown> | null {
  const others = (Object.keys(ofType) as JsonType[]).filter((t) => !allowed.has(t));
  return others.length ? fc.oneof(...others.map((t) => ofType[t])) : null;
}

function typesOf(schema: Schema): Set<JsonType> | null {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const all = new Set<JsonType>(schema.nullable ? ['null'] : []);
    for (const branch of branches) {
      const types = typesOf(branch);
      if (!types) return null;
      for (const t of types) all.add(t);
    }
    return all;
  }
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  if (!type) return null;
  const types = new Set<JsonType>([type === 'integer' ? 'number' : (type as JsonType)]);
  if (schema.nullable) types.add('null');
  return types;
}

/**
 * Values `schema` must refuse, or null when no value is surely refused
 * (an unconstrained `{}`). Query and path values are strings, so there a
 * value is wrong by its text (`inQuery`).
 */
export function invalidFor(schema: Schema, inQuery = false, depth = 0): fc.Arbitrary<unknown> | null {
  if (schema.allOf) return null;
  const types = typesOf(schema);
  if (!types) return null;
  const options: fc.Arbitrary<unknown>[] = [];
  const mistyped = inQuery ? null : wrongType(types);
  if (mistyped) options.push(mistyped);
  if (schema.anyOf || schema.oneOf) return options.length ? fc.oneof(...options) : null;

  switch (schema.type) {
    case 'string':
      if (schema.enum) {
        const allowed = schema.enum;
        options.push(fc.oneof(wordy, fc.string()).filter((s) => !allowed.includes(s)));
      }
      if (schema.maxLength !== undefined && schema.maxLength < 5000) {
        const n = schema.maxLength;
        // Whitespace is replaced: the server trims text before it counts its length.
        const tooLong = fc.string({ minLength: n + 1, maxLength: n + 40 });
        options.push(tooLong.map((s) => s.replace(/\s/gu, 'x').padEnd(n + 1, 'x')));
      }
      // An empty query parameter reads as an absent one (`?industry=`), so only a body's '' is wrong.
      if (schema.minLength !== undefined && schema.minLength > 0 && !inQuery) options.push(fc.constant(''));
      if (schema.pattern) {
        const re = new RegExp(schema.pattern, 'u');
        options.push(fc.oneof(wordy, fc.string()).filter((s) => !re.test(s)));
      }
      break;
    case 'integer':
    case 'number': {
      if (inQuery) options.push(wordy);
      const show = (n: number) => (inQuery ? String(n) : n);
      if (schema.type === 'integer') {
        options.push(
          fc
            .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
            .filter((n) => !Number.isInteger(n))
            .map(show),
        );
      }
      if (schema.maximum !== undefined) {
        const max = schema.maximum;
        const above = schema.exclusiveMaximum === true ? max : max + Math.max(1, Math.abs(max) * 1e-6);
        options.push(fc.constantFrom(above, above * 10 + 10, 1e300).map(show));
      }
      if (schema.minimum !== undefined) {
        const min = schema.minimum;
        const below = schema.exclusiveMinimum === true ? min : min - Math.max(1, Math.abs(min) * 1e-6);
        options.push(fc.constantFrom(below, below - 1000, -1e300).map(show));
      }
      if (typeof schema.exclusiveMinimum === 'number')
        options.push(fc.constant(show(schema.exclusiveMinimum)));
      break;
    }
    case 'boolean':
      if (inQuery) options.push(wordy);
      break;
    case 'array': {
      if (schema.maxItems !== undefined && schema.maxItems < 1000) {
        const n = schema.maxItems;
        options.push(fc.array(junk, { minLength: n + 1, maxLength: n + 3 }));
      }
      if (schema.minItems !== undefined && schema.minItems > 0) options.push(fc.constant([]));
      const badItem = schema.items && depth < 3 ? invalidFor(schema.items, false, depth + 1) : null;
      if (badItem) {
        options.push(
          fc
            .tuple(badItem, fc.array(junk, { maxLength: 2 }), fc.nat(2))
            .map(([bad, rest, at]) => [...rest.slice(0, at), bad, ...rest.slice(at)]),
        );
      }
      break;
    }
    case 'object':
    case undefined: {
      const properties = schema.properties ?? {};
      const names = Object.keys(properties);
      const noise = (except: string) =>
        fc.dictionary(
          names.length > 1 ? fc.constantFrom(...names.filter((n) => n !== except)) : fc.constant('_'),
          junk,
          { maxKeys: 3 },
        );
      for (const name of schema.required ?? []) {
        options.push(noise(name).map((rest) => omit(rest, name)));
      }
      if (depth < 3) {
        for (const name of names) {
          const bad = invalidFor(properties[name] as Schema, false, depth + 1);
          if (bad)
            options.push(fc.tuple(bad, noise(name)).map(([value, rest]) => ({ ...rest, [name]: value })));
        }
      }
      if (schema.additionalProperties === false) {
        options.push(
          fc
            .tuple(fc.string({ minLength: 1, maxLength: 12 }), junk)
            .filter(([key]) => !names.includes(key) && key !== '__proto__')
            .map(([key, value]) => ({ [key]: value })),
        );
      }
      break;
    }
  }
  return options.length ? fc.oneof(...options) : null;
}

function omit(record: Record<string, unknown>, name: string) {
  const { [name]: _gone, ...rest } = record;
  return rest;
}

/** Any text for a query parameter: what a user, a bot or a typo sends. */
export const queryJunk = fc.oneof(
  fc.string({ maxLength: 30 }),
  hostileText,
  fc.integer().map(String),
  fc.constantFrom('-1', '0', '1e400', 'NaN', 'null', 'undefined', '[]', '{}', 'true'),
);

/** A day as the API writes it, in a span around the tests' clock. */
const day = fc
  .date({ min: new Date(Date.UTC(2025, 0, 1)), max: new Date(Date.UTC(2028, 11, 31)), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

/** Text within `min`..`max` characters, often hostile (NUL, lone surrogates, RTL, SQL). */
function textOf(min: number, max: number): fc.Arbitrary<string> {
  const fit = (s: string) => s.slice(0, max).padEnd(min, 'x');
  return fc.oneof(hostileText, fc.string({ unit: 'binary', maxLength: 30 })).map(fit);
}

/**
 * Values that satisfy `schema`'s shape (types, enums, bounds, required
 * fields), with hostile text in every free string. The server may accept
 * them or refuse them by its own rules; it must never fail on them.
 */
export function plausibleFor(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const branches = schema.anyOf ?? schema.oneOf;
  const withNull = (arb: fc.Arbitrary<unknown>) =>
    schema.nullable
      ? fc.oneof({ weight: 5, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(null) })
      : arb;
  if (branches) return withNull(fc.oneof(...branches.map((b) => plausibleFor(b, depth))));
  if (schema.enum) return withNull(fc.constantFrom(...schema.enum));
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  switch (type) {
    case 'string':
      if (schema.pattern?.includes('\\d{4}-\\d{2}-\\d{2}')) return withNull(day);
      return withNull(textOf(schema.minLength ?? 0, Math.min(schema.maxLength ?? 200, 200)));
    case 'integer': {
      const min = Math.max(schema.minimum ?? -1000, -1e6) + (schema.exclusiveMinimum === true ? 1 : 0);
      const max = Math.min(schema.maximum ?? 1e6, 1e6);
      return withNull(fc.integer({ min: Math.ceil(min), max: Math.max(Math.ceil(min), Math.floor(max)) }));
    }
    case 'number': {
      const min = Math.max(schema.minimum ?? -1e9, -1e9);
      const max = Math.min(schema.maximum ?? 1e9, 1e9);
      return withNull(fc.double({ min, max, noNaN: true, minExcluded: schema.exclusiveMinimum === true }));
    }
    case 'boolean':
      return withNull(fc.boolean());
    case 'array': {
      const item = schema.items && depth < 4 ? plausibleFor(schema.items, depth + 1) : junk;
      const minLength = schema.minItems ?? 0;
      return withNull(
        fc.array(item, { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)) }),
      );
    }
    case 'object': {
      const properties = schema.properties ?? {};
      if (depth >= 4) return withNull(fc.constant({}));
      const model = Object.fromEntries(
        Object.entries(properties).map(([name, s]) => [name, plausibleFor(s, depth + 1)]),
      );
      return withNull(fc.record(model, { requiredKeys: (schema.required ?? []).filter((r) => r in model) }));
    }
    default:
      return junk;
  }
}

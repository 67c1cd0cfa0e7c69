import { type ZodObject, type ZodType, z } from 'zod';

/**
 * An object schema that refuses keys it does not know, naming each one in
 * the issue's path: `{ error: { field: 'amout' } }` tells the caller which
 * key was wrong, where zod's strict objects report only the object.
 */
export function closedObject<S extends Record<string, ZodType>>(shape: S, what: string): ZodObject {
  return z.looseObject(shape).superRefine((value, ctx) => {
    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(shape, key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `unknown ${what}; known: ${Object.keys(shape).join(', ')}`,
        });
      }
    }
  }) as unknown as ZodObject;
}

/** POST body (the `required` fields required, the rest optional) and PATCH body (all optional). */
export function bodySchemas<S extends Record<string, ZodType>>(
  fields: S,
  required: readonly (keyof S & string)[],
) {
  const optional = (key: string, schema: ZodType) => (required.includes(key) ? schema : schema.optional());
  const create = Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, optional(k, s)]));
  const patch = Object.fromEntries(Object.entries(fields).map(([k, s]) => [k, s.optional()]));
  return { create: closedObject(create, 'field'), patch: closedObject(patch, 'field') };
}

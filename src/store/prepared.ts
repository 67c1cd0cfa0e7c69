import { type Compilable, CompiledQuery } from 'kysely';
import type { Db } from './db.ts';

/**
 * A query that Kysely builds and compiles once per database, then runs with
 * new values: for the few queries every request makes (its session, the
 * dashboard's data version), where building the query costs more than
 * running it. `build` receives placeholders for the values and must pass
 * each one to Kysely as a plain value (a bound parameter), exactly once.
 */
export function prepared<P extends unknown[], R>(
  build: (db: Db, ...values: P) => Compilable<R>,
): (db: Db, ...values: P) => Promise<R[]> {
  const compiled = new WeakMap<Db, { sql: string; slots: Array<number | { value: unknown }> }>();
  return async (db, ...values) => {
    let found = compiled.get(db);
    if (!found) {
      const marks = values.map((_, i) => `\u0000hadaf-prepared-${i}\u0000`);
      const query = build(db, ...(marks as P)).compile();
      const slots = query.parameters.map((p) => {
        const i = marks.indexOf(p as string);
        return i >= 0 ? i : { value: p };
      });
      const used = slots.filter((s) => typeof s === 'number');
      if (used.length !== values.length || new Set(used).size !== values.length)
        throw new Error('A prepared query must bind each of its values exactly once.');
      found = { sql: query.sql, slots };
      compiled.set(db, found);
    }
    const parameters = found.slots.map((s) => (typeof s === 'number' ? values[s] : s.value));
    const result = await db.executeQuery<R>(CompiledQuery.raw(found.sql, parameters));
    return result.rows;
  };
}

import type { Actor, Org } from '../core/org.ts';
import type { Db } from '../store/db.ts';
import type { Dialect } from '../store/dialect.ts';

/** What every service verb gets: the database, the org it acts in, who acts, and the time. */
export interface Ctx {
  db: Db;
  dialect: Dialect;
  org: Org;
  actor: Actor;
  now: number;
}

export const systemActor = (label: string): Actor => ({ kind: 'system', label });

/**
 * The dashboard's cache: what a dashboard reads from the database (its goals
 * and the data behind their progress), kept per org, data version, reader,
 * scope and local day. The data version (`currentDataVersion`, bumped by
 * triggers on every write a dashboard could show) is read on each request
 * first, so an entry is only ever served while nothing it was built from has
 * changed, in this process or any other: no time-based expiry, no staleness.
 *
 * Entries hold what the reader was allowed to see, so the key names the
 * reader: admins share one view; managers and reps each have their own.
 */
import { isAdmin } from '../../core/access.ts';
import type { Actor } from '../../core/org.ts';
import type { Db } from '../../store/db.ts';

/** Dashboards kept per database (a few KB each: 50 goals with their inputs). */
const MAX_ENTRIES = 1_000;

interface OrgEntries {
  version: number;
  entries: Map<string, Promise<unknown>>;
}

const caches = new WeakMap<Db, Map<number, OrgEntries>>();

/** Who the figures are for, as far as visibility goes: every field the access rules read. */
export function readerKey(actor: Actor): string {
  if (isAdmin(actor)) return 'admin';
  if (actor.kind !== 'user') return `${actor.kind}`;
  return ['user', actor.role, actor.userId, actor.teamId ?? '', actor.teamPath ?? ''].join(':');
}

/**
 * The entry for `key` in the org's cache at `version`, made by `make` when
 * missing (concurrent callers share one `make`; a failure is not kept). A
 * newer version drops the org's older entries.
 */
export function cachedForVersion<T>(
  db: Db,
  orgId: number,
  version: number,
  key: string,
  make: () => Promise<T>,
): Promise<T> {
  let orgs = caches.get(db);
  if (!orgs) {
    orgs = new Map();
    caches.set(db, orgs);
  }
  let org = orgs.get(orgId);
  if (!org || org.version !== version) {
    // an older reader that read an older version must not replace newer entries
    if (org && org.version > version) return make();
    org = { version, entries: new Map() };
    orgs.set(orgId, org);
  }
  const entries = org.entries;
  const found = entries.get(key) as Promise<T> | undefined;
  if (found) {
    entries.delete(key);
    entries.set(key, found); // most recently used last
    return found;
  }
  const made = make();
  entries.set(key, made);
  made.catch(() => entries.delete(key));
  if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
  return made;
}

/** Forgets every cached dashboard of this database (benchmarks measure the uncached path with it). */
export function clearDashboardCache(db: Db): void {
  caches.delete(db);
}

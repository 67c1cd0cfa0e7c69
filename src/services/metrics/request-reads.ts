import type { Source } from '../../core/metrics/index.ts';
import { dataStarts, orgPeople, type Person } from '../../store/metric-special.ts';
import { rollupsUsable } from '../../store/rollups.ts';
import type { TeamRow } from '../../store/schema.ts';
import { listTeams } from '../../store/team-queries.ts';
import type { Ctx } from '../context.ts';

/**
 * What the evaluations of one request read alike, read once for all of
 * them: whether the rollups can answer (they must be in the org's time
 * zone), the org's teams, its people, and where each source's data begins.
 * A dashboard of 50 goals asked these some twenty times; a request that
 * makes one evaluation gets its own and reads each at most once too.
 *
 * Nothing here depends on who asks: a dashboard's reads serve the system
 * actor that measures its goals and the reader it answers alike. Make one
 * per request, never one per process: nothing here sees later writes.
 */
export interface RequestReads {
  /** True when the rollups are built in the org's time zone (`rollupsUsable`). */
  rollupsUsable(): Promise<boolean>;
  /** The org's teams, by path. */
  teams(): Promise<TeamRow[]>;
  /** Everyone in the org, or only the people `only` names. */
  people(only?: readonly number[]): Promise<Person[]>;
  /** The instant each source's data begins (null: none), per source asked. */
  dataStarts(sources: readonly Source[]): Promise<Partial<Record<Source, number | null>>>;
}

export function requestReads(ctx: Pick<Ctx, 'db' | 'org'>): RequestReads {
  const { db, org } = ctx;
  let usable: Promise<boolean> | undefined;
  let teams: Promise<TeamRow[]> | undefined;
  const people = new Map<string, Promise<Person[]>>();
  const starts = new Map<Source, Promise<number | null>>();
  return {
    rollupsUsable() {
      usable ??= rollupsUsable(db, org.id, org.timeZone);
      return usable;
    },
    teams() {
      teams ??= listTeams(db, org.id);
      return teams;
    },
    people(only) {
      const key = only === undefined ? 'all' : [...only].sort((a, b) => a - b).join(',');
      let found = people.get(key);
      if (!found) {
        found = orgPeople(db, org.id, only);
        people.set(key, found);
      }
      return found;
    },
    async dataStarts(sources) {
      // the sources not read yet, in one query
      const missing = [...new Set(sources)].filter((s) => !starts.has(s));
      if (missing.length > 0) {
        const read = dataStarts(db, org.id, missing);
        for (const source of missing)
          starts.set(
            source,
            read.then((found) => found[source] ?? null),
          );
      }
      const wanted = [...new Set(sources)];
      const values = await Promise.all(wanted.map((s) => starts.get(s) as Promise<number | null>));
      return Object.fromEntries(wanted.map((s, i) => [s, values[i] ?? null]));
    },
  };
}

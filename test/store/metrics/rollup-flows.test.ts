import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowPart } from '../../../src/core/metrics/index.ts';
import { addDays } from '../../../src/core/periods/index.ts';
import { dayNumber } from '../../../src/store/metric-local-day.ts';
import { rawFlows } from '../../../src/store/metric-raw.ts';
import { rollupFlows } from '../../../src/store/metric-rollup.ts';
import { hasDims, ROLLUP_SOURCES, sourceSpecs } from '../../../src/store/metric-sources.ts';
import type { DayBucket, FlowQuery, GroupBy, PartRows } from '../../../src/store/metric-sql.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { refreshRollups } from '../../../src/store/rollups.ts';
import { createUser } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { BASE_DAY, orgArb, writeRandomOrg } from './random-org.ts';

/**
 * The rollup reader's three branches (daily edges, multi-month runs joined
 * by range, single whole months grouped by the month through the covering
 * index of migration 0009) against the facts, for buckets the metric
 * services never ask for: repeated and overlapping months, runs from the
 * beginning of the data, a quarter with ragged edges.
 */

/** Per bucket and key, the non-zero parts: how the engine reads them (all-zero groups are storage artefacts). */
function normalized(rows: PartRows) {
  const cells = new Map<string, Record<string, number>>();
  rows.keys.forEach((key, r) => {
    const id = `${rows.buckets[r]}|${key}`;
    const into = cells.get(id) ?? {};
    for (const [part, values] of Object.entries(rows.parts)) {
      into[part] = (into[part] ?? 0) + ((values as number[])[r] as number);
    }
    cells.set(id, into);
  });
  const out: Record<string, Record<string, number>> = {};
  for (const [id, parts] of [...cells].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const nonZero = Object.fromEntries(Object.entries(parts).filter(([, v]) => v !== 0));
    if (Object.keys(nonZero).length > 0) out[id] = nonZero;
  }
  return out;
}

const day = (offset: number) => dayNumber(addDays(BASE_DAY, offset));
/** The first day of the month `m` months after BASE_DAY's (BASE_DAY is a January 1). */
const monthStart = (m: number) => {
  const [year, month] = [2026 + Math.floor(m / 12), (((m % 12) + 12) % 12) + 1];
  return dayNumber(`${year}-${String(month).padStart(2, '0')}-01`);
};

const bucketArb: fc.Arbitrary<DayBucket> = fc.oneof(
  // whole months, one or several, possibly the same month as another bucket
  fc
    .record({ m: fc.integer({ min: -1, max: 24 }), months: fc.integer({ min: 1, max: 4 }) })
    .map(({ m, months }) => ({ first: monthStart(m), last: monthStart(m + months) - 1 })),
  // any run of days
  fc
    .record({ from: fc.integer({ min: -40, max: 760 }), days: fc.integer({ min: 1, max: 130 }) })
    .map(({ from, days }) => ({ first: day(from), last: day(from + days - 1) })),
  // since the beginning of the data
  fc.integer({ min: -10, max: 760 }).map((to) => ({ first: null, last: day(to) })),
);

const groupArb = fc.constantFrom<GroupBy>(null, 'owner', 'team', 'channel', 'segment', 'industry', 'product');

describe.each(dialects)('rollup flows on %s', (dialect) => {
  let store: TestStore;
  let runs = 0;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store?.drop());

  it('equal the facts for any buckets: repeated, overlapping, whole months or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        orgArb,
        fc.array(bucketArb, { minLength: 1, maxLength: 6 }),
        groupArb,
        fc.boolean(),
        async (spec, buckets, groupBy, teamScope) => {
          runs += 1;
          const built = await writeRandomOrg(store.db, spec, `f${runs}`);
          await refreshRollups(store.db, built.org.id);
          // A dimension is read from the dimension rollups, which only deal, lead and account sources have.
          const dims = groupBy !== null && groupBy !== 'owner' && groupBy !== 'team';
          const sources = ROLLUP_SOURCES.filter(
            (s) => !dims || (hasDims(s) && sourceSpecs(dialect)[s].dims[groupBy] !== undefined),
          );
          const query: FlowQuery = {
            orgId: built.org.id,
            timeZone: spec.zone,
            scope: teamScope ? { type: 'team', teamIds: built.teamIds.slice(1, 3) } : { type: 'org' },
            filters: {},
            groupBy,
            parts: sources.flatMap((s) => sourceSpecs(dialect)[s].parts) as FlowPart[],
            buckets,
          };
          const [rolled, raw] = [await rollupFlows(store.db, query), await rawFlows(store.db, query)];
          expect(normalized(rolled), JSON.stringify({ buckets, groupBy, teamScope })).toEqual(
            normalized(raw),
          );
          // Every part asked for has a value in every row (0 in another source's rows).
          expect(Object.keys(rolled.parts).sort()).toEqual([...new Set(query.parts)].sort());
          for (const values of [rolled.buckets, ...Object.values(rolled.parts)]) {
            expect(values?.length).toBe(rolled.keys.length);
          }
        },
      ),
      { numRuns: dialect === 'postgres' ? 5 : 10 },
    );
    // Many random orgs: a loaded two-core machine needs more than the default 30 s.
  }, 180_000);

  it('add up months and edges to hand-computed revenue per rep', async () => {
    const org = await createOrg(store.db, { name: 'Hand', slug: 'hand-flows', timeZone: 'UTC' }, 0);
    const rep = async (name: string) =>
      (await createUser(store.db, org.id, { name, email: `${name}@hand.test`, role: 'rep' }, 0)).id;
    const [one, two] = [await rep('one'), await rep('two')];
    const won = (owner: number, amount: number, at: string) => ({
      org_id: org.id,
      owner_id: owner,
      team_id: null,
      status: 'won' as const,
      stage: 'won',
      amount,
      currency: 'USD',
      created_at: Date.parse('2025-12-01T00:00:00Z'),
      closed_at: Date.parse(at),
    });
    await store.db
      .insertInto('deal')
      .values([
        won(one, 100, '2026-01-10T12:00:00Z'),
        won(one, 50, '2026-02-03T08:00:00Z'),
        won(two, 70, '2026-01-31T23:59:59.999Z'),
        won(two, 30, '2026-03-01T00:00:00Z'),
      ])
      .execute();
    await refreshRollups(store.db, org.id);
    const days = (first: string, last: string) => ({ first: dayNumber(first), last: dayNumber(last) });
    const buckets: DayBucket[] = [
      days('2026-01-01', '2026-01-31'),
      days('2026-02-01', '2026-02-28'),
      days('2026-01-01', '2026-01-31'),
      { first: dayNumber('2026-01-15'), last: dayNumber('2026-03-31') },
      { first: null, last: dayNumber('2026-02-28') },
    ];
    const rows = await rollupFlows(store.db, {
      orgId: org.id,
      timeZone: 'UTC',
      scope: { type: 'org' },
      filters: {},
      groupBy: 'owner',
      parts: ['won_amount'],
      buckets,
    });
    expect(normalized(rows)).toEqual({
      [`0|${one}`]: { won_amount: 100 },
      [`0|${two}`]: { won_amount: 70 },
      [`1|${one}`]: { won_amount: 50 },
      [`2|${one}`]: { won_amount: 100 },
      [`2|${two}`]: { won_amount: 70 },
      [`3|${one}`]: { won_amount: 50 },
      [`3|${two}`]: { won_amount: 100 },
      [`4|${one}`]: { won_amount: 150 },
      [`4|${two}`]: { won_amount: 70 },
    });
  });
});

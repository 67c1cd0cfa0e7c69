import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLOW_PARTS } from '../../../src/core/metrics/index.ts';
import { dayNumber } from '../../../src/store/metric-local-day.ts';
import { rawFlows, rawStocks } from '../../../src/store/metric-raw.ts';
import { rollupFlows, rollupStocks } from '../../../src/store/metric-rollup.ts';
import { hasDims, ROLLUP_SOURCES, rollupTable } from '../../../src/store/metric-sources.ts';
import {
  dataStarts,
  newAccountTouches,
  openPipeline,
  orgPeople,
  repTenures,
  revenueTargets,
  spendRows,
} from '../../../src/store/metric-special.ts';
import { refreshRollups } from '../../../src/store/rollups.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { at, buildFixture, type Fixture } from '../../services/metrics/fixture.ts';

/**
 * Every metric store function asked with the other org's id sees none of
 * Acme's facts: Globex holds one won deal of 999,999 and nothing else.
 */
describe.each(dialects)('metric store functions keep to their org on %s', (dialect) => {
  let store: TestStore;
  let f: Fixture;
  beforeAll(async () => {
    store = await freshStore(dialect);
    f = await buildFixture(store);
  });
  afterAll(() => store?.drop());

  const everything = () => ({
    orgId: f.otherOrg.id,
    timeZone: f.otherOrg.timeZone,
    scope: { type: 'org' as const },
    filters: {},
    groupBy: 'owner' as const,
  });
  const allTime = [{ first: null, last: dayNumber('2030-12-31') }];

  it('reads flows and stocks of its own org only, from the facts and from the rollups', async () => {
    for (const read of [rawFlows, rollupFlows]) {
      const rows = await read(store.db, { ...everything(), parts: FLOW_PARTS, buckets: allTime });
      const totals = Object.fromEntries(
        Object.entries(rows.parts).map(([k, v]) => [k, (v ?? []).reduce((a, b) => a + b, 0)]),
      );
      // Globex's one deal: created and won; nothing else anywhere
      expect(Object.fromEntries(Object.entries(totals).filter(([, v]) => v !== 0))).toEqual({
        deals_created: 1,
        deals_won: 1,
        won_amount: 999999,
        won_units: 1,
        won_cycle_ms: 86_400_000,
      });
    }
    for (const read of [rawStocks, rollupStocks]) {
      const rows = await read(store.db, {
        ...everything(),
        stocks: ['mrr', 'customers'],
        at: [dayNumber('2027-02-01')],
      });
      expect(Object.values(rows.parts).every((v) => (v ?? []).every((x) => x === 0))).toBe(true);
    }
  });

  it('reads data starts, spend, reps, new accounts, pipeline and goals of its own org only', async () => {
    expect(
      await dataStarts(store.db, f.otherOrg.id, [
        'deal',
        'lead',
        'account',
        'subscription',
        'activity',
        'coaching',
      ]),
    ).toEqual({
      deal: at('2027-01-02'),
      lead: null,
      account: null,
      subscription: null,
      activity: null,
      coaching: null,
    });
    expect(await spendRows(store.db, f.otherOrg.id, { start: '2000-01-01', end: '2100-12-31' })).toEqual([]);
    expect(await repTenures(store.db, f.otherOrg.id)).toEqual([]);
    // Globex has nobody; Acme's people are there for Acme.
    expect(await orgPeople(store.db, f.otherOrg.id)).toEqual([]);
    expect((await orgPeople(store.db, f.org.id)).length).toBeGreaterThan(0);
    const touches = await newAccountTouches(
      store.db,
      { ...everything(), groupBy: null },
      { acquiredFromMs: 0, acquiredToMs: at('2030-01-01'), touchFromMs: 0, touchToMs: at('2030-01-01') },
    );
    expect(touches.accounts).toEqual([]);
    expect(await openPipeline(store.db, everything(), [{ startMs: 0, endMs: at('2030-01-01') }])).toEqual({
      buckets: [],
      keys: [],
      parts: { open_pipeline: [] },
    });
    expect(
      await revenueTargets(store.db, f.otherOrg.id, [{ start: '2027-01-01', end: '2027-03-31' }]),
    ).toEqual([]);
  });

  it("refreshes one org's rollups without touching another's", async () => {
    const count = async (orgId: number) => {
      let n = 0;
      for (const source of ROLLUP_SOURCES) {
        for (const keyed of hasDims(source) ? (['owner', 'dim'] as const) : (['owner'] as const)) {
          const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(
            rollupTable(source, keyed, 'day'),
          )} where org_id = ${orgId}`.execute(store.db);
          n += Number(rows[0]?.n);
        }
      }
      return n;
    };
    const acme = await count(f.org.id);
    expect(acme).toBeGreaterThan(0);
    await refreshRollups(store.db, f.otherOrg.id);
    await refreshRollups(store.db, f.otherOrg.id, { fromMs: 0, toMs: at('2030-01-01') });
    expect(await count(f.org.id)).toBe(acme);
  });
});

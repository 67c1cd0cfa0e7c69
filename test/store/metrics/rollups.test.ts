import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS, type MetricDef, type MetricFilters } from '../../../src/core/metrics/index.ts';
import { addDays, type Grain } from '../../../src/core/periods/index.ts';
import type { Ctx } from '../../../src/services/context.ts';
import { systemActor } from '../../../src/services/context.ts';
import { computeMetric, metricSeries } from '../../../src/services/metrics/index.ts';
import { refreshRollups } from '../../../src/store/rollups.ts';
import { rollupRows } from '../../helpers/rollups.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { BASE_DAY, type Built, dealArb, dealRow, instantOf, orgArb, writeRandomOrg } from './random-org.ts';

/** One question per metric, drawn so that it is valid for that metric. */
const questionArb = fc.record({
  scope: fc.integer({ min: 0, max: 2 }),
  team: fc.integer({ min: 0, max: 3 }),
  rep: fc.integer({ min: 0, max: 4 }),
  filters: fc.integer({ min: 0, max: 3 }),
  filterPick: fc.integer({ min: 0, max: 10 }),
  value: fc.constantFrom('web', 'referral', 'smb', 'enterprise', 'retail', 'tech', 'pro', 'basic'),
  by: fc.integer({ min: 0, max: 8 }),
  grain: fc.constantFrom<Grain>('month', 'week', 'quarter'),
  rangeStart: fc.integer({ min: -40, max: 700 }),
  rangeDays: fc.integer({ min: 1, max: 200 }),
  periodStart: fc.integer({ min: -40, max: 720 }),
  periodDays: fc.integer({ min: 1, max: 120 }),
});
type Question = typeof questionArb extends fc.Arbitrary<infer T> ? T : never;

const VALUES: Record<string, string[]> = {
  channel: ['web', 'referral'],
  segment: ['smb', 'enterprise'],
  industry: ['retail', 'tech'],
  product: ['pro', 'basic'],
};

function ask(def: MetricDef, q: Question, built: Built) {
  const scopeType = def.scopes[q.scope % def.scopes.length] as string;
  const scope =
    scopeType === 'org'
      ? 'org'
      : scopeType === 'team'
        ? { type: 'team' as const, id: built.teamIds[q.team] as number }
        : { type: 'rep' as const, id: built.userIds[q.rep] as number };
  const filters: MetricFilters = {};
  for (let i = 0; i < Math.min(q.filters % 3, def.filters.length); i++) {
    const name = def.filters[(q.filterPick + i) % def.filters.length] as keyof MetricFilters;
    const values = VALUES[name] as string[];
    filters[name] = values[(q.filterPick + i) % values.length] as string;
  }
  const by = q.by < def.breakdowns.length ? def.breakdowns[q.by] : undefined;
  return { scope, filters, by };
}

const withoutSource = <T extends { source: string }>(x: T) => ({ ...x, source: undefined });

describe.each(dialects)('rollups on %s', (dialect) => {
  let store: TestStore;
  let runs = 0;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store?.drop());

  const ctxOf = (built: Built): Ctx => ({
    db: store.db,
    dialect,
    org: built.org,
    actor: systemActor('test'),
    now: 0,
  });

  it('give the same answer as the raw facts for every metric, scope, filter, breakdown and period', async () => {
    await fc.assert(
      fc.asyncProperty(
        orgArb,
        fc.array(questionArb, { minLength: METRICS.length, maxLength: METRICS.length }),
        async (spec, questions) => {
          runs += 1;
          const built = await writeRandomOrg(store.db, spec, `p${runs}`);
          await refreshRollups(store.db, built.org.id);
          const ctx = ctxOf(built);
          for (const [i, def] of METRICS.entries()) {
            const q = questions[i] as Question;
            const { scope, filters, by } = ask(def, q, built);
            const range = {
              start: addDays(BASE_DAY, q.rangeStart),
              end: addDays(BASE_DAY, q.rangeStart + q.rangeDays - 1),
            };
            const series = (engine: 'auto' | 'raw') =>
              metricSeries({
                ctx,
                input: {
                  metric: def.id,
                  scope,
                  filters,
                  grain: q.grain,
                  range,
                  engine,
                  ...(by ? { by } : {}),
                },
              });
            const [rolled, raw] = [await series('auto'), await series('raw')];
            expect(
              withoutSource(rolled),
              `${def.id} ${JSON.stringify({ scope, filters, by, range })}`,
            ).toEqual(withoutSource(raw));
            // The rollups answer any scope without filters, and org or team scopes under one dimension.
            const dims = new Set<string>(Object.keys(filters));
            if (by && by !== 'rep' && by !== 'team') dims.add(by);
            const repLevel = (typeof scope !== 'string' && scope.type === 'rep') || by === 'rep';
            const answerable =
              def.flows.length + def.stocks.length > 0 && (dims.size === 0 || (dims.size === 1 && !repLevel));
            if (answerable) expect(rolled.source, def.id).toBe('rollup');

            const period = {
              start: addDays(BASE_DAY, q.periodStart),
              end: addDays(BASE_DAY, q.periodStart + q.periodDays - 1),
            };
            const one = (engine: 'auto' | 'raw') =>
              computeMetric({
                ctx,
                input: { metric: def.id, scope, filters, period, engine, target: 1_000_000 },
              });
            expect(withoutSource(await one('auto')), def.id).toEqual(withoutSource(await one('raw')));
          }
        },
      ),
      { numRuns: dialect === 'postgres' ? 8 : 15 },
    );
    // Many random orgs: a loaded two-core machine needs more than the default 30 s.
  }, 180_000);

  it('refresh a range of days to exactly what a full rebuild gives, after inserts and an update', async () => {
    await fc.assert(
      fc.asyncProperty(orgArb, fc.array(dealArb, { minLength: 1, maxLength: 6 }), async (spec, extra) => {
        runs += 1;
        const built = await writeRandomOrg(store.db, spec, `r${runs}`);
        await refreshRollups(store.db, built.org.id);
        const tz = spec.zone;
        const user = (i: number) => built.userIds[i] ?? null;
        const team = (i: number) => built.teamIds[i] ?? null;
        const touched: number[] = [];
        const rows = extra.map((d) => dealRow(built.org.id, d, tz, user, team));
        await store.db.insertInto('deal').values(rows).execute();
        for (const r of rows) touched.push(r.created_at, ...(r.closed_at === null ? [] : [r.closed_at]));
        const [changed] = built.dealIds;
        if (changed !== undefined) {
          // win a deal and move it to another team: its old and new instants both need refreshing
          const before = await store.db
            .selectFrom('deal')
            .select(['created_at', 'closed_at'])
            .where('id', '=', changed)
            .executeTakeFirstOrThrow();
          const closedAt = instantOf({ day: 365, ms: 0, edge: true }, tz);
          await store.db
            .updateTable('deal')
            .set({ status: 'won', closed_at: closedAt, team_id: built.teamIds[3] as number })
            .where('id', '=', changed)
            .execute();
          touched.push(before.created_at, closedAt, ...(before.closed_at === null ? [] : [before.closed_at]));
        }
        await refreshRollups(store.db, built.org.id, {
          fromMs: Math.min(...touched),
          toMs: Math.max(...touched),
        });
        const ranged = await rollupRows(store.db, built.org.id);
        await refreshRollups(store.db, built.org.id);
        expect(ranged).toEqual(await rollupRows(store.db, built.org.id));
      }),
      { numRuns: dialect === 'postgres' ? 6 : 12 },
    );
  });

  it('are idempotent, and an org whose zone changed reads the facts until it is rebuilt', async () => {
    const spec = fc.sample(orgArb, { numRuns: 1, seed: 7 })[0] as typeof orgArb extends fc.Arbitrary<infer T>
      ? T
      : never;
    const built = await writeRandomOrg(store.db, { ...spec, zone: 'Europe/Berlin' }, 'idem');
    await refreshRollups(store.db, built.org.id);
    const first = await rollupRows(store.db, built.org.id);
    await refreshRollups(store.db, built.org.id);
    expect(await rollupRows(store.db, built.org.id)).toEqual(first);

    await store.db
      .updateTable('org')
      .set({ time_zone: 'Asia/Tokyo' })
      .where('id', '=', built.org.id)
      .execute();
    const tokyo = { ...built, org: { ...built.org, timeZone: 'Asia/Tokyo' } };
    const input = { metric: 'calls', period: '2026' };
    expect((await computeMetric({ ctx: ctxOf(tokyo), input })).source).toBe('raw');
    // a range refresh of a stale org rebuilds it whole, in the new zone
    await refreshRollups(store.db, built.org.id, { fromMs: 0, toMs: 1 });
    const rebuilt = await computeMetric({ ctx: ctxOf(tokyo), input });
    expect(rebuilt.source).toBe('rollup');
    expect(rebuilt.value).toBe(
      (await computeMetric({ ctx: ctxOf(tokyo), input: { ...input, engine: 'raw' } })).value,
    );
  });

  it('refuse a range that is not made of instants', async () => {
    await expect(refreshRollups(store.db, 1, { fromMs: Number.NaN, toMs: 0 })).rejects.toMatchObject({
      code: 'invalid_input',
    });
    await expect(refreshRollups(store.db, 987654)).rejects.toMatchObject({ code: 'not_found' });
  });
});

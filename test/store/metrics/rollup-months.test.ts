import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysBetween } from '../../../src/core/periods/index.ts';
import type { Db } from '../../../src/store/db.ts';
import {
  DEAL_ROLLUP_COLUMNS,
  DealRollupDelta,
  type DealRollupFacts,
  refreshRollups,
} from '../../../src/store/rollups.ts';
import { rollupRows } from '../../helpers/rollups.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import {
  BASE_DAY,
  type Built,
  instantOf,
  orgArb,
  type RandomOrg,
  type When,
  writeRandomOrg,
} from './random-org.ts';

/**
 * A range refresh brings the monthly rollups up to date from the change of
 * its days (their daily rows before and after), not by rebuilding whole
 * months: after any sequence of writes, each followed by a range refresh,
 * every daily and monthly table must hold exactly the rows a full rebuild
 * gives, NULL owners, teams and dimension values included, with a monthly
 * row exactly where some daily row of its month and key is.
 */

/** Refreshes the range, then checks every rollup table against a full rebuild (which then stays). */
async function refreshAndCheck(db: Db, orgId: number, touched: number[], deltas?: DealRollupDelta[]) {
  await refreshRollups(
    db,
    orgId,
    { fromMs: Math.min(...touched), toMs: Math.max(...touched) },
    deltas ? { deltas } : {},
  );
  const ranged = await rollupRows(db, orgId);
  await refreshRollups(db, orgId);
  expect(ranged).toEqual(await rollupRows(db, orgId));
  return ranged;
}

/** Days from BASE_DAY to the first day of the `month`th month after it. */
const monthStartDay = (month: number) =>
  daysBetween(BASE_DAY, `${2026 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}-01`);

/** Instants anywhere in two years, or within two days of a month's first day (where months split). */
const whenArb: fc.Arbitrary<When> = fc.oneof(
  fc.record({
    day: fc.integer({ min: 0, max: 730 }),
    ms: fc.integer({ min: -1, max: 86_399_999 }),
    edge: fc.boolean(),
  }),
  fc
    .record({
      month: fc.integer({ min: 0, max: 23 }),
      offset: fc.integer({ min: -2, max: 1 }),
      ms: fc.integer({ min: -1, max: 86_399_999 }),
      edge: fc.boolean(),
    })
    .map(({ month, offset, ms, edge }) => ({ day: monthStartDay(month) + offset, ms, edge })),
);

/** Index 5 is past the five reps and index 4 past the four teams: a NULL owner or team. */
const ownerArb = fc.integer({ min: 0, max: 5 });
const teamArb = fc.integer({ min: 0, max: 4 });
const dimArb = (values: readonly string[]) => fc.constantFrom<string | null>(...values, null);

const dealArb = fc.record({
  owner: ownerArb,
  team: teamArb,
  status: fc.constantFrom('open', 'won', 'lost'),
  amount: fc.integer({ min: 0, max: 1_000_000 }),
  units: fc.integer({ min: 0, max: 5 }),
  channel: dimArb(['web', 'referral']),
  segment: dimArb(['smb', 'enterprise']),
  product: dimArb(['pro', 'basic']),
  created: whenArb,
  /** Days from creation to close, or never closed. */
  closesAfter: fc.option(fc.integer({ min: 0, max: 45 }), { nil: null }),
});
type DealSpec = typeof dealArb extends fc.Arbitrary<infer T> ? T : never;

const activityArb = fc.record({
  owner: ownerArb,
  team: teamArb,
  // a demo without a booking counts in no part: its daily row is all zeros
  type: fc.constantFrom('call', 'email', 'meeting', 'demo'),
  occurred: whenArb,
  booked: fc.option(whenArb, { nil: null }),
  qualified: fc.boolean(),
});
type ActivitySpec = typeof activityArb extends fc.Arbitrary<infer T> ? T : never;

const opArb = fc.oneof(
  fc.record({ op: fc.constant('insert deal' as const), deal: dealArb, delta: fc.boolean() }),
  fc.record({
    op: fc.constant('change deal' as const),
    pick: fc.nat(),
    deal: dealArb,
    // which of the deal's columns take the new values
    columns: fc.subarray(['owner', 'team', 'amount', 'dates'] as const, { minLength: 1 }),
    delta: fc.boolean(),
  }),
  fc.record({ op: fc.constant('delete deal' as const), pick: fc.nat(), delta: fc.boolean() }),
  fc.record({
    op: fc.constant('delete owner month' as const),
    owner: ownerArb,
    month: fc.integer({ min: 0, max: 23 }),
  }),
  fc.record({ op: fc.constant('insert activity' as const), activity: activityArb }),
  fc.record({ op: fc.constant('change activity' as const), pick: fc.nat(), activity: activityArb }),
  fc.record({ op: fc.constant('delete activity' as const), pick: fc.nat() }),
  fc.record({
    op: fc.constant('change account' as const),
    pick: fc.nat(),
    owner: ownerArb,
    team: teamArb,
    channel: dimArb(['web', 'referral']),
  }),
  fc.record({
    op: fc.constant('insert coaching' as const),
    coach: ownerArb,
    team: teamArb,
    // zero hours of coaching: a daily row of zeros
    hours: fc.constantFrom(0, 0.25, 1.5),
    occurred: whenArb,
  }),
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;

/** Writes the facts of an org in tests: each call returns every instant it touched, before and after. */
function writer(db: Db, built: Built, tz: string) {
  const orgId = built.org.id;
  const user = (i: number) => built.userIds[i] ?? null;
  const team = (i: number) => built.teamIds[i] ?? null;
  const t = (w: When) => instantOf(w, tz);
  const dealRow = (d: DealSpec) => {
    const createdAt = t(d.created);
    return {
      owner_id: user(d.owner),
      team_id: team(d.team),
      status: d.status,
      stage: d.status,
      amount: d.amount,
      units: d.units,
      channel: d.channel,
      segment: d.segment,
      product: d.product,
      created_at: createdAt,
      closed_at: d.closesAfter === null ? null : t({ ...d.created, day: d.created.day + d.closesAfter }),
    };
  };
  const dealFacts = async (id: number) =>
    (await db
      .selectFrom('deal')
      .select([...DEAL_ROLLUP_COLUMNS])
      .where('id', '=', id)
      .executeTakeFirstOrThrow()) as DealRollupFacts;
  const dealInstants = (d: { created_at: unknown; closed_at: unknown }) =>
    [d.created_at, d.closed_at].filter((x) => x !== null).map(Number);
  const nth = async (table: 'deal' | 'activity' | 'account', pick: number) => {
    const ids = await db.selectFrom(table).select('id').where('org_id', '=', orgId).orderBy('id').execute();
    return ids.length === 0 ? null : (ids[pick % ids.length]?.id as number);
  };

  return async function apply(op: Op): Promise<{ touched: number[]; delta?: DealRollupDelta }> {
    const delta = 'delta' in op && op.delta ? new DealRollupDelta(tz) : undefined;
    switch (op.op) {
      case 'insert deal': {
        const row = { org_id: orgId, currency: 'USD', ...dealRow(op.deal) };
        const { id } = await db.insertInto('deal').values(row).returning('id').executeTakeFirstOrThrow();
        delta?.add(await dealFacts(id), 1);
        return { touched: dealInstants(row), delta };
      }
      case 'change deal': {
        const id = await nth('deal', op.pick);
        if (id === null) return { touched: [] };
        const before = await dealFacts(id);
        const next = dealRow(op.deal);
        await db
          .updateTable('deal')
          .set({
            ...(op.columns.includes('owner') ? { owner_id: next.owner_id } : {}),
            ...(op.columns.includes('team') ? { team_id: next.team_id } : {}),
            ...(op.columns.includes('amount')
              ? { amount: next.amount, status: next.status, stage: next.stage }
              : {}),
            ...(op.columns.includes('dates')
              ? { created_at: next.created_at, closed_at: next.closed_at }
              : {}),
          })
          .where('id', '=', id)
          .execute();
        const after = await dealFacts(id);
        delta?.add(before, -1);
        delta?.add(after, 1);
        return { touched: [...dealInstants(before), ...dealInstants(after)], delta };
      }
      case 'delete deal': {
        const id = await nth('deal', op.pick);
        if (id === null) return { touched: [] };
        const before = await dealFacts(id);
        await db.deleteFrom('deal').where('id', '=', id).execute();
        delta?.add(before, -1);
        return { touched: dealInstants(before), delta };
      }
      case 'delete owner month': {
        // Every deal of one owner created in one month: the owner's keys leave that month.
        const from = instantOf({ day: monthStartDay(op.month), ms: 0, edge: true }, tz);
        const to = instantOf({ day: monthStartDay(op.month + 1), ms: 0, edge: true }, tz);
        const owner = user(op.owner);
        const gone = await db
          .deleteFrom('deal')
          .where('org_id', '=', orgId)
          .where((eb) => (owner === null ? eb('owner_id', 'is', null) : eb('owner_id', '=', owner)))
          .where('created_at', '>=', from)
          .where('created_at', '<', to)
          .returning(['created_at', 'closed_at'])
          .execute();
        return { touched: gone.flatMap(dealInstants) };
      }
      case 'insert activity':
      case 'change activity': {
        const a: ActivitySpec = op.activity;
        const row = {
          owner_id: user(a.owner),
          team_id: team(a.team),
          type: a.type,
          occurred_at: t(a.occurred),
          booked_at: a.booked ? t(a.booked) : null,
          qualified: (a.qualified ? 1 : 0) as 0 | 1,
        };
        const touched = [row.occurred_at, ...(row.booked_at === null ? [] : [row.booked_at])];
        if (op.op === 'insert activity') {
          await db
            .insertInto('activity')
            .values({ org_id: orgId, account_id: null, ...row })
            .execute();
          return { touched };
        }
        const id = await nth('activity', op.pick);
        if (id === null) return { touched: [] };
        const before = await db
          .selectFrom('activity')
          .select(['occurred_at', 'booked_at'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        await db.updateTable('activity').set(row).where('id', '=', id).execute();
        return {
          touched: [
            ...touched,
            Number(before.occurred_at),
            ...(before.booked_at === null ? [] : [Number(before.booked_at)]),
          ],
        };
      }
      case 'delete activity': {
        const id = await nth('activity', op.pick);
        if (id === null) return { touched: [] };
        const before = await db
          .deleteFrom('activity')
          .where('id', '=', id)
          .returning(['occurred_at', 'booked_at'])
          .executeTakeFirstOrThrow();
        return {
          touched: [
            Number(before.occurred_at),
            ...(before.booked_at === null ? [] : [Number(before.booked_at)]),
          ],
        };
      }
      case 'change account': {
        // An account's owner, team and channel key every event of it and of its subscriptions.
        const id = await nth('account', op.pick);
        if (id === null) return { touched: [] };
        await db
          .updateTable('account')
          .set({ owner_id: user(op.owner), team_id: team(op.team), channel: op.channel })
          .where('id', '=', id)
          .execute();
        const account = await db
          .selectFrom('account')
          .select(['acquired_at', 'churned_at'])
          .where('id', '=', id)
          .executeTakeFirstOrThrow();
        const subs = await db
          .selectFrom('subscription')
          .select(['started_at', 'ended_at'])
          .where('account_id', '=', id)
          .execute();
        return {
          touched: [
            account.acquired_at,
            account.churned_at,
            ...subs.flatMap((s) => [s.started_at, s.ended_at]),
          ]
            .filter((x) => x !== null)
            .map(Number),
        };
      }
      case 'insert coaching': {
        const occurredAt = t(op.occurred);
        await db
          .insertInto('coaching')
          .values({
            org_id: orgId,
            coach_id: user(op.coach),
            rep_id: user(op.coach),
            team_id: team(op.team),
            kind: 'coaching',
            hours: op.hours,
            occurred_at: occurredAt,
          })
          .execute();
        return { touched: [occurredAt] };
      }
    }
  };
}

/** An org with five reps and no facts. */
const emptyOrg = (zone: string): RandomOrg => ({
  zone: zone as RandomOrg['zone'],
  reps: [0, 1, 2, 3, 0].map((team) => ({ team, hired: null, left: null, move: null })),
  deals: [],
  leads: [],
  accounts: [],
  activities: [],
  coaching: [],
  spend: [],
});

/** A monthly table's rows of one month, keys and parts only. */
async function monthRows(db: Db, table: string, orgId: number, day: string) {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}
    where org_id = ${orgId} and local_day = ${daysBetween('1970-01-01', day)}`.execute(db);
  return rows.map(({ org_id: _, local_day: __, ...rest }) => rest);
}

describe.each(dialects)('monthly rollups after range refreshes on %s', (dialect) => {
  let store: TestStore;
  let orgs = 0;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store?.drop());

  it('equal a full rebuild after random writes across month edges, NULL keys, keys leaving and joining months', async () => {
    await fc.assert(
      fc.asyncProperty(orgArb, fc.array(opArb, { minLength: 1, maxLength: 6 }), async (spec, ops) => {
        orgs += 1;
        const built = await writeRandomOrg(store.db, spec, `m${orgs}`);
        await refreshRollups(store.db, built.org.id);
        const apply = writer(store.db, built, spec.zone);
        for (const op of ops) {
          const { touched, delta } = await apply(op);
          if (touched.length === 0) continue;
          await refreshAndCheck(store.db, built.org.id, touched, delta ? [delta] : undefined);
        }
      }),
      { numRuns: dialect === 'postgres' ? 10 : 25 },
    );
  }, 180_000);

  it('drop a monthly row when its key loses its last daily row of the month, and keep the others', async () => {
    orgs += 1;
    const spec = emptyOrg('Europe/Berlin');
    const built = await writeRandomOrg(store.db, spec, `m${orgs}`);
    await refreshRollups(store.db, built.org.id);
    const apply = writer(store.db, built, spec.zone);
    const deal = (owner: number, team: number, day: number): Op => ({
      op: 'insert deal',
      deal: {
        owner,
        team,
        status: 'won',
        amount: 500,
        units: 1,
        channel: null,
        segment: 'smb',
        product: null,
        created: { day, ms: 3_600_000, edge: false },
        closesAfter: 0,
      },
      delta: false,
    });
    // Rep 0 in January and February; a NULL owner with a NULL team in January.
    for (const op of [deal(0, 0, 9), deal(0, 0, 40), deal(5, 4, 11)]) {
      await refreshAndCheck(store.db, built.org.id, (await apply(op)).touched);
    }
    const january = await monthRows(store.db, 'rollup_deal_month', built.org.id, '2026-01-01');
    expect(january.map((r) => [r.owner_id, r.team_id])).toEqual(
      expect.arrayContaining([
        [built.userIds[0], built.teamIds[0]],
        [null, null],
      ]),
    );
    expect(january).toHaveLength(2);

    // Rep 0's January deal goes: its January row goes, February's stays.
    const gone = await apply({ op: 'delete deal', pick: 0, delta: true });
    const rows = await refreshAndCheck(store.db, built.org.id, gone.touched, gone.delta ? [gone.delta] : []);
    expect(
      (await monthRows(store.db, 'rollup_deal_month', built.org.id, '2026-01-01')).map((r) => r.owner_id),
    ).toEqual([null]);
    expect(await monthRows(store.db, 'rollup_deal_month', built.org.id, '2026-02-01')).toEqual([
      expect.objectContaining({ owner_id: built.userIds[0], deals_won: 1, won_amount: 500 }),
    ]);
    // The NULL-valued dimension rows of January are the NULL owner's alone now.
    expect(
      (rows.rollup_deal_dim_month as Array<Record<string, unknown>>).filter(
        (r) => r.local_day === daysBetween('1970-01-01', '2026-01-01') && r.value === null,
      ),
    ).toEqual([
      expect.objectContaining({ dim: 'channel', team_id: null, deals_created: 1 }),
      expect.objectContaining({ dim: 'industry', team_id: null, deals_created: 1 }),
      expect.objectContaining({ dim: 'product', team_id: null, deals_created: 1 }),
    ]);
  });

  it('keep a monthly row of zeros while a daily row of zeros of its month remains, then drop it', async () => {
    orgs += 1;
    const spec = emptyOrg('America/Santiago');
    const built = await writeRandomOrg(store.db, spec, `m${orgs}`);
    await refreshRollups(store.db, built.org.id);
    const apply = writer(store.db, built, spec.zone);
    const activity = (type: ActivitySpec['type'], day: number): Op => ({
      op: 'insert activity',
      activity: {
        owner: 5,
        team: 4,
        type,
        occurred: { day, ms: 0, edge: true },
        booked: null,
        qualified: false,
      },
    });
    // A NULL owner and team: a call on March 3rd and an unbooked demo (a row of zeros) on March 20th.
    for (const op of [activity('call', monthStartDay(2) + 2), activity('demo', monthStartDay(2) + 19)]) {
      await refreshAndCheck(store.db, built.org.id, (await apply(op)).touched);
    }
    const march = () => monthRows(store.db, 'rollup_activity_month', built.org.id, '2026-03-01');
    expect(await march()).toEqual([expect.objectContaining({ owner_id: null, team_id: null, calls: 1 })]);

    const call = await apply({ op: 'delete activity', pick: 0 });
    await refreshAndCheck(store.db, built.org.id, call.touched);
    expect(await march()).toEqual([
      {
        owner_id: null,
        team_id: null,
        calls: 0,
        emails: 0,
        meetings: 0,
        discovery_calls: 0,
        qualified_conversations: 0,
        demos_booked: 0,
      },
    ]);

    const demo = await apply({ op: 'delete activity', pick: 0 });
    await refreshAndCheck(store.db, built.org.id, demo.touched);
    expect(await march()).toEqual([]);
  });

  it('equal a full rebuild when a day changes more keys of a month than are looked up one by one', async () => {
    orgs += 1;
    const spec = emptyOrg('Asia/Kathmandu');
    const built = await writeRandomOrg(store.db, spec, `m${orgs}`);
    await refreshRollups(store.db, built.org.id);
    const apply = writer(store.db, built, spec.zone);
    const day = monthStartDay(5) - 1;
    const channels = ['web', 'referral', null];
    const touched: number[] = [];
    // 3 channels × 3 segments × 3 products × 5 teams: 45 keys per dimension, 30 owner keys.
    for (const [i, channel] of channels.entries()) {
      for (const segment of ['smb', 'enterprise', null]) {
        for (const product of ['pro', 'basic', null]) {
          for (let team = 0; team <= 4; team++) {
            const op: Op = {
              op: 'insert deal',
              deal: {
                owner: (team + i) % 6,
                team,
                status: 'won',
                amount: 7,
                units: 1,
                channel,
                segment,
                product,
                created: { day, ms: 60_000 * team, edge: false },
                closesAfter: 1,
              },
              delta: false,
            };
            touched.push(...(await apply(op)).touched);
          }
        }
      }
    }
    let rows = await refreshAndCheck(store.db, built.org.id, touched);
    expect(rows.rollup_deal_dim_month?.length).toBeGreaterThan(60);
    // Half of them change owner and team at once, then all go.
    const ids = await store.db.selectFrom('deal').select('id').where('org_id', '=', built.org.id).execute();
    await store.db
      .updateTable('deal')
      .set({ owner_id: built.userIds[1] as number, team_id: null })
      .where(
        'id',
        'in',
        ids.filter((_, i) => i % 2 === 0).map((r) => r.id),
      )
      .execute();
    await refreshAndCheck(store.db, built.org.id, touched);
    await store.db.deleteFrom('deal').where('org_id', '=', built.org.id).execute();
    rows = await refreshAndCheck(store.db, built.org.id, touched);
    expect(rows.rollup_deal_month).toEqual([]);
    expect(rows.rollup_deal_dim_month).toEqual([]);
  });

  it('keep the monthly rows of many keys whose changed day empties while rows of zeros elsewhere in the month remain', async () => {
    orgs += 1;
    const spec = emptyOrg('UTC');
    const built = await writeRandomOrg(store.db, spec, `m${orgs}`);
    const t = (day: number) => instantOf({ day, ms: 43_200_000, edge: false }, spec.zone);
    const [acquired, started] = [t(monthStartDay(5) + 9), t(monthStartDay(5) + 19)];
    // 3 dimension values × 5 teams: 15 keys in each of 3 dimensions, each with a subscription of no MRR.
    for (const value of [0, 1, 2]) {
      for (let team = 0; team <= 4; team++) {
        const account = await store.db
          .insertInto('account')
          .values({
            org_id: built.org.id,
            name: `Account ${value}-${team}`,
            owner_id: built.userIds[(value + team) % 6] ?? null,
            team_id: built.teamIds[team] ?? null,
            channel: ['web', 'referral', null][value] as string | null,
            segment: ['smb', 'enterprise', null][value] as string | null,
            industry: ['retail', 'tech', null][value] as string | null,
            acquired_at: acquired,
            churned_at: null,
            created_at: 0,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await store.db
          .insertInto('subscription')
          .values({
            org_id: built.org.id,
            account_id: account.id,
            mrr: 0,
            currency: 'USD',
            started_at: started,
            ended_at: null,
          })
          .execute();
      }
    }
    await refreshRollups(store.db, built.org.id);
    // None was acquired after all: the acquisition day empties, the months keep their rows of zeros.
    await store.db
      .updateTable('account')
      .set({ acquired_at: null })
      .where('org_id', '=', built.org.id)
      .execute();
    const rows = await refreshAndCheck(store.db, built.org.id, [acquired]);
    expect(rows.rollup_account_dim_month).toHaveLength(45);
    expect(rows.rollup_account_dim_month).toEqual(
      Array(45).fill(expect.objectContaining({ customers_acquired: 0, mrr_started: 0 })),
    );
  });
});

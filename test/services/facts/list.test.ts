import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HadafError } from '../../../src/core/errors.ts';
import { listFacts } from '../../../src/services/facts/list.ts';
import { insertFactRow } from '../../../src/store/fact-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildFactWorld, ctxAs, type FactWorld, MOVED_AT, seedDeal } from './world.ts';

const day = (y: number, m: number, d: number, h = 12) => Date.UTC(y, m - 1, d, h);

async function allPages(w: FactWorld, entity: string, query: Record<string, unknown>) {
  const ctx = ctxAs(w, 'system');
  const ids: number[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  do {
    const page = await listFacts({
      ctx,
      input: { entity, query: { ...query, ...(cursor ? { cursor } : {}) } },
    });
    ids.push(...page.items.map((i) => i.id as number));
    totals.push(page.total);
    cursor = page.nextCursor;
  } while (cursor);
  return { ids, totals };
}

async function fieldOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HadafError) return `${error.code}:${error.field ?? ''}`;
    throw error;
  }
  return 'no error';
}

describe.each(dialects)('listing facts on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store?.drop());

  it('walks every page once, in a total order, with the total on each page', async () => {
    const w = await buildFactWorld(store);
    // amounts with ties: the id breaks them, in the same direction
    const amounts = [500, 700, 500, 900, 700, 100, 500];
    const ids: number[] = [];
    for (const amount of amounts) ids.push((await seedDeal(w, w.users.eastRep, { amount })).id);
    // amount desc, then id desc: 900, 700 (ids[4], ids[1]), 500 (ids[6], ids[2], ids[0]), 100
    const expected = [ids[3], ids[4], ids[1], ids[6], ids[2], ids[0], ids[5]];
    const { ids: seen, totals } = await allPages(w, 'deals', { sort: 'amount:desc', limit: 3 });
    expect(seen).toEqual(expected);
    expect(totals).toEqual([7, 7, 7]);
    const ascending = await allPages(w, 'deals', { sort: 'amount', limit: 2 });
    expect(ascending.ids).toEqual([...expected].reverse());
  });

  it('puts rows without a value last in both directions, across page boundaries', async () => {
    const w = await buildFactWorld(store);
    const open1 = await seedDeal(w, w.users.eastRep);
    const early = await seedDeal(w, w.users.eastRep, { status: 'won', closed_at: day(2027, 2, 1) });
    const open2 = await seedDeal(w, w.users.eastRep);
    const late = await seedDeal(w, w.users.eastRep, { status: 'lost', closed_at: day(2027, 3, 1) });
    const asc = await allPages(w, 'deals', { sort: 'closed_at:asc', limit: 1 });
    expect(asc.ids).toEqual([early.id, late.id, open1.id, open2.id]);
    const desc = await allPages(w, 'deals', { sort: 'closed_at:desc', limit: 3 });
    expect(desc.ids).toEqual([late.id, early.id, open2.id, open1.id]);
  });

  it('sorts text by code point, the same on every database', async () => {
    const w = await buildFactWorld(store);
    for (const name of ['beta', 'Alpha', 'ädel', 'alpha', 'Beta'])
      await seedDeal(w, w.users.eastRep, { name });
    const page = await listFacts({
      ctx: ctxAs(w, 'system'),
      input: { entity: 'deals', query: { sort: 'name' } },
    });
    expect(page.items.map((i) => i.name)).toEqual(['Alpha', 'Beta', 'alpha', 'beta', 'ädel']);
  });

  it("cuts periods on the org's local days (Riyadh, UTC+3)", async () => {
    const w = await buildFactWorld(store);
    // 20:59 UTC on 31 March is 23:59 in Riyadh: still Q1; 21:30 UTC is 00:30 on 1 April: Q2
    const march = await seedDeal(w, w.users.eastRep, {
      status: 'won',
      closed_at: Date.UTC(2027, 2, 31, 20, 59),
    });
    const april = await seedDeal(w, w.users.eastRep, {
      status: 'won',
      closed_at: Date.UTC(2027, 2, 31, 21, 30),
    });
    // 21:00 UTC on 31 Dec 2026 is midnight in Riyadh: the first instant of 2027-Q1
    const newYear = await seedDeal(w, w.users.eastRep, {
      status: 'won',
      closed_at: Date.UTC(2026, 11, 31, 21),
    });
    const ids = async (query: Record<string, unknown>) =>
      (await listFacts({ ctx: ctxAs(w, 'system'), input: { entity: 'deals', query } })).items.map(
        (i) => i.id,
      );
    expect(await ids({ period: '2027-Q1', sort: 'id' })).toEqual([march.id, newYear.id]);
    expect(await ids({ period: '2027-04' })).toEqual([april.id]);
    expect(await ids({ from: '2027-03-31', to: '2027-03-31' })).toEqual([march.id]);
    expect(await ids({ from: '2027-04-01' })).toEqual([april.id]);
    expect(await ids({ to: '2026-12-31' })).toEqual([]);
  });

  it('applies the range to the chosen date column and sorts by it by default', async () => {
    const w = await buildFactWorld(store);
    const createdInJan = await seedDeal(w, w.users.eastRep, {
      created_at: day(2027, 1, 5),
      status: 'won',
      closed_at: day(2027, 3, 5),
    });
    const createdInFeb = await seedDeal(w, w.users.eastRep, { created_at: day(2027, 2, 5) });
    const list = async (query: Record<string, unknown>) =>
      (await listFacts({ ctx: ctxAs(w, 'system'), input: { entity: 'deals', query } })).items.map(
        (i) => i.id,
      );
    expect(await list({ period: '2027-01' })).toEqual([]);
    expect(await list({ period: '2027-01', dateField: 'created_at' })).toEqual([createdInJan.id]);
    expect(await list({ period: '2027-Q1', dateField: 'created_at' })).toEqual([
      createdInFeb.id,
      createdInJan.id,
    ]);
    expect(await list({ period: '2027-03' })).toEqual([createdInJan.id]);
  });

  it('filters by status, channel and product, and searches names with LIKE wildcards taken literally', async () => {
    const w = await buildFactWorld(store);
    const a = await seedDeal(w, w.users.eastRep, { name: '50% off', channel: 'web', product: 'ERP' });
    const b = await seedDeal(w, w.users.eastRep, { name: '50 OFF deal', channel: 'web', product: 'HR' });
    const c = await seedDeal(w, w.users.eastRep, {
      name: 'a_b',
      status: 'won',
      closed_at: day(2027, 2, 1),
      channel: 'referral',
    });
    const d = await seedDeal(w, w.users.eastRep, { name: 'axb' });
    const list = async (query: Record<string, unknown>) =>
      (
        await listFacts({
          ctx: ctxAs(w, 'system'),
          input: { entity: 'deals', query: { sort: 'id', ...query } },
        })
      ).items.map((i) => i.id);
    expect(await list({ status: 'won' })).toEqual([c.id]);
    expect(await list({ status: 'open', channel: 'web' })).toEqual([a.id, b.id]);
    expect(await list({ product: 'HR' })).toEqual([b.id]);
    expect(await list({ q: '50%' })).toEqual([a.id]);
    expect(await list({ q: 'a_b' })).toEqual([c.id]);
    expect(await list({ q: 'OFF' })).toEqual([a.id, b.id]);
    expect(await list({ q: 'x' })).toEqual([d.id]);
    // case folds for A-Z only, on both databases alike (SQLite knows no other case)
    const accented = await seedDeal(w, w.users.eastRep, { name: 'Éclair شركة' });
    expect(await list({ q: 'ÉCLAIR' })).toEqual([accented.id]);
    expect(await list({ q: 'شركة' })).toEqual([accented.id]);
    expect(await list({ q: 'éclair' })).toEqual([]);
    // an empty parameter is no filter, as in the metric API
    expect(await list({ channel: '' })).toEqual([a.id, b.id, c.id, d.id, accented.id]);
  });

  it("scopes a team by each row's team at event time, over its subtree, and a rep by owner", async () => {
    const w = await buildFactWorld(store);
    const east = await seedDeal(w, w.users.eastRep);
    const junior = await seedDeal(w, w.users.junior);
    const west = await seedDeal(w, w.users.westRep);
    // Lena closed this one while still in East, and this one after moving West
    const lenaBefore = await seedDeal(w, w.users.lena, { status: 'won', closed_at: MOVED_AT - 1 });
    const lenaAfter = await seedDeal(w, w.users.lena, { status: 'won', closed_at: MOVED_AT + 1 });
    const list = async (scope: string) =>
      (
        await listFacts({ ctx: ctxAs(w, 'system'), input: { entity: 'deals', query: { scope, sort: 'id' } } })
      ).items.map((i) => i.id);
    expect(await list(`team:${w.teams.east.id}`)).toEqual([east.id, junior.id, lenaBefore.id]);
    expect(await list('team:East Juniors')).toEqual([junior.id]);
    expect(await list(`team:${w.teams.west.id}`)).toEqual([west.id, lenaAfter.id]);
    expect(await list(`rep:${w.users.lena.id}`)).toEqual([lenaBefore.id, lenaAfter.id]);
    expect(await list(`rep:${w.users.lena.email}`)).toEqual([lenaBefore.id, lenaAfter.id]);
    expect(await list('org')).toHaveLength(5);
  });

  it('scopes coaching to the coach for sessions and to the rep for trainings, as the metrics count them', async () => {
    const w = await buildFactWorld(store);
    const { eastManager: coach, eastRep: rep } = w.users;
    const at = day(2027, 2, 2);
    const session = await insertFactRow(store.db, w.org.id, 'coaching', {
      coach_id: coach.id,
      rep_id: rep.id,
      kind: 'coaching',
      hours: 1.5,
      occurred_at: at,
    });
    const training = await insertFactRow(store.db, w.org.id, 'coaching', {
      coach_id: coach.id,
      rep_id: rep.id,
      kind: 'training',
      hours: 8,
      occurred_at: at,
    });
    const list = async (scope: string) =>
      (
        await listFacts({ ctx: ctxAs(w, 'system'), input: { entity: 'coaching', query: { scope } } })
      ).items.map((i) => i.id);
    expect(await list(`rep:${coach.id}`)).toEqual([session]);
    expect(await list(`rep:${rep.id}`)).toEqual([training]);
  });

  it("lists subscriptions by their account's owner and dimensions, activities by type and qualification", async () => {
    const w = await buildFactWorld(store);
    const account = await insertFactRow(store.db, w.org.id, 'account', {
      name: 'Ruwad',
      channel: 'partner',
      owner_id: w.users.eastRep.id,
      team_id: w.teams.east.id,
      created_at: 0,
    });
    const sub = await insertFactRow(store.db, w.org.id, 'subscription', {
      account_id: account,
      mrr: 50_000,
      currency: 'SAR',
      started_at: day(2027, 1, 1),
    });
    const activity = (type: 'call' | 'demo', qualified: 0 | 1, booked?: number) =>
      insertFactRow(store.db, w.org.id, 'activity', {
        owner_id: w.users.eastRep.id,
        team_id: w.teams.east.id,
        type,
        qualified,
        occurred_at: day(2027, 3, 10),
        booked_at: booked ?? null,
      });
    const call = await activity('call', 1);
    const demo = await activity('demo', 0, day(2027, 2, 20));
    const ctx = ctxAs(w, 'system');
    const ids = async (entity: string, query: Record<string, unknown>) =>
      (await listFacts({ ctx, input: { entity, query } })).items.map((i) => i.id);
    expect(await ids('subscriptions', { scope: `rep:${w.users.eastRep.id}`, channel: 'partner' })).toEqual([
      sub,
    ]);
    expect(await ids('subscriptions', { channel: 'web' })).toEqual([]);
    expect(await ids('activities', { type: 'call' })).toEqual([call]);
    expect(await ids('activities', { qualified: 'true' })).toEqual([call]);
    expect(await ids('activities', { qualified: 'false' })).toEqual([demo]);
    // demos booked are counted by booked_at
    expect(await ids('activities', { period: '2027-02', dateField: 'booked_at' })).toEqual([demo]);
    expect(await ids('activities', { period: '2027-02' })).toEqual([]);
  });

  it('refuses bad parameters with an error that names the parameter', async () => {
    const w = await buildFactWorld(store);
    const bad = (entity: string, query: Record<string, unknown>) =>
      fieldOf(listFacts({ ctx: ctxAs(w, 'system'), input: { entity, query } }));
    await seedDeal(w, w.users.eastRep);
    await seedDeal(w, w.users.eastRep);
    const cursor = (
      await listFacts({ ctx: ctxAs(w, 'system'), input: { entity: 'deals', query: { limit: 1 } } })
    ).nextCursor;
    expect(cursor).toEqual(expect.any(String));
    expect(await bad('deals', { limit: 0 })).toBe('invalid_input:limit');
    expect(await bad('deals', { limit: 501 })).toBe('invalid_input:limit');
    expect(await bad('deals', { limit: 'ten' })).toBe('invalid_input:limit');
    expect(await bad('deals', { sort: 'owner_id' })).toBe('invalid_input:sort');
    expect(await bad('deals', { sort: 'amount:sideways' })).toBe('invalid_input:sort');
    expect(await bad('deals', { status: 'pending' })).toBe('invalid_input:status');
    expect(await bad('deals', { from: '2027-02-30' })).toBe('invalid_input:from');
    expect(await bad('deals', { from: '2027-03-02', to: '2027-03-01' })).toBe('invalid_input:to');
    expect(await bad('deals', { period: '2027-Q5' })).toBe('invalid_input:period');
    expect(await bad('deals', { period: '2027', from: '2027-01-01' })).toBe('invalid_input:period');
    expect(await bad('deals', { dateField: 'occurred_at' })).toBe('invalid_input:dateField');
    expect(await bad('deals', { colour: 'red' })).toBe('invalid_input:colour');
    expect(await bad('activities', { industry: 'retail' })).toBe('invalid_input:industry');
    expect(await bad('deals', { cursor: 'not-a-cursor' })).toBe('invalid_input:cursor');
    expect(await bad('deals', { cursor, sort: 'amount' })).toBe('invalid_input:cursor');
    expect(await bad('deals', { scope: 'division:3' })).toBe('invalid_input:scope');
    expect(await bad('spend', { scope: `rep:${w.users.eastRep.id}` })).toBe('invalid_input:scope');
    expect(await bad('widgets', {})).toBe('invalid_input:entity');
  });

  it('never lists or scopes by rows of another org', async () => {
    const w = await buildFactWorld(store);
    await seedDeal(w, w.users.eastRep);
    const otherCtx = { ...ctxAs(w, 'system'), org: w.other };
    const page = await listFacts({ ctx: otherCtx, input: { entity: 'deals', query: {} } });
    expect(page).toEqual({ items: [], total: 0, nextCursor: null });
    const people = await listFacts({ ctx: otherCtx, input: { entity: 'users', query: { limit: 500 } } });
    expect(people.items.map((u) => u.id)).toEqual([w.users.otherRep.id]);
    expect(
      await fieldOf(
        listFacts({ ctx: otherCtx, input: { entity: 'deals', query: { scope: `team:${w.teams.east.id}` } } }),
      ),
    ).toBe('not_found:');
    expect(
      await fieldOf(
        listFacts({
          ctx: otherCtx,
          input: { entity: 'deals', query: { scope: `rep:${w.users.eastRep.id}` } },
        }),
      ),
    ).toBe('not_found:');
  });
});

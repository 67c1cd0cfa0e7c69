import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HadafError } from '../../../src/core/errors.ts';
import { getFact } from '../../../src/services/facts/get.ts';
import { listFacts } from '../../../src/services/facts/list.ts';
import { insertFactRow } from '../../../src/store/fact-queries.ts';
import type { UserRow } from '../../../src/store/schema.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildFactWorld, ctxAs, type FactWorld, MOVED_AT, seedDeal } from './world.ts';

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof HadafError) return error.code;
    throw error;
  }
}

describe.each(dialects)('who sees which fact rows on %s', (dialect) => {
  let store: TestStore;
  let w: FactWorld;
  let deals: Record<
    'eastRep' | 'eastRep2' | 'junior' | 'westRep' | 'manager' | 'lenaInEast' | 'unowned',
    number
  >;

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildFactWorld(store);
    const u = w.users;
    deals = {
      eastRep: (await seedDeal(w, u.eastRep)).id,
      eastRep2: (await seedDeal(w, u.eastRep2)).id,
      junior: (await seedDeal(w, u.junior)).id,
      westRep: (await seedDeal(w, u.westRep)).id,
      manager: (await seedDeal(w, u.eastManager)).id,
      // attributed to East (closed before Lena moved), owned by someone now in West
      lenaInEast: (await seedDeal(w, u.lena, { status: 'won', closed_at: MOVED_AT - 1 })).id,
      unowned: (await seedDeal(w, null)).id,
    };
  });
  afterAll(() => store?.drop());

  const visible = async (user: UserRow, query: Record<string, unknown> = {}) =>
    (
      await listFacts({ ctx: ctxAs(w, user), input: { entity: 'deals', query: { sort: 'id', ...query } } })
    ).items.map((i) => i.id);

  it('shows a rep their own rows only, not their teammates', async () => {
    expect(await visible(w.users.eastRep)).toEqual([deals.eastRep]);
    const page = await listFacts({ ctx: ctxAs(w, w.users.eastRep), input: { entity: 'deals', query: {} } });
    expect(page.total).toBe(1);
  });

  it("shows a manager their subtree's rows and their own, and nobody else's", async () => {
    // East's subtree: East's reps, the juniors, the manager, and the deal Lena closed in East
    expect(await visible(w.users.eastManager)).toEqual([
      deals.eastRep,
      deals.eastRep2,
      deals.junior,
      deals.manager,
      deals.lenaInEast,
    ]);
  });

  it('shows an admin everything, unowned rows included', async () => {
    expect(await visible(w.users.admin)).toEqual(Object.values(deals).sort((a, b) => a - b));
  });

  it("refuses scopes whose rows the actor may not see, though a rep sees their team's totals elsewhere", async () => {
    const { eastRep, eastManager } = w.users;
    const list = (user: UserRow, scope: string) => codeOf(visible(user, { scope }));
    expect(await list(eastManager, `team:${w.teams.west.id}`)).toBe('forbidden');
    expect(await list(eastManager, `rep:${w.users.westRep.id}`)).toBe('forbidden');
    expect(await list(eastManager, `team:${w.teams.juniors.id}`)).toBe('ok');
    expect(await list(eastRep, `team:${w.teams.east.id}`)).toBe('forbidden');
    expect(await list(eastRep, `rep:${w.users.eastRep2.id}`)).toBe('forbidden');
    expect(await visible(eastRep, { scope: `rep:${eastRep.id}` })).toEqual([deals.eastRep]);
    expect(await visible(eastManager, { scope: `team:${w.teams.juniors.id}` })).toEqual([deals.junior]);
  });

  it('answers "not found" for a row outside the actor\'s reach, as for one of another org', async () => {
    const get = (user: UserRow | 'system', id: number, org = w.org) =>
      codeOf(getFact({ ctx: ctxAs(w, user, org), input: { entity: 'deals', id } }));
    expect(await get(w.users.eastRep, deals.eastRep)).toBe('ok');
    expect(await get(w.users.eastRep, deals.eastRep2)).toBe('not_found');
    expect(await get(w.users.eastManager, deals.westRep)).toBe('not_found');
    expect(await get('system', deals.eastRep, w.other)).toBe('not_found');
  });

  it('keeps spend to admins', async () => {
    await insertFactRow(store.db, w.org.id, 'spend', {
      period_start: '2027-01-01',
      period_end: '2027-01-31',
      category: 'marketing',
      amount: 10_000,
      currency: 'SAR',
    });
    const spend = (user: UserRow) =>
      codeOf(listFacts({ ctx: ctxAs(w, user), input: { entity: 'spend', query: {} } }));
    expect(await spend(w.users.admin)).toBe('ok');
    expect(await spend(w.users.eastManager)).toBe('forbidden');
    expect(await spend(w.users.eastRep)).toBe('forbidden');
  });

  it('shows a rep the people and the team of their own team; a manager those of their subtree', async () => {
    const names = async (user: UserRow, entity: string) =>
      (
        await listFacts({ ctx: ctxAs(w, user), input: { entity, query: { sort: 'name', limit: 500 } } })
      ).items.map((i) => i.name);
    expect(await names(w.users.eastRep, 'teams')).toEqual(['East']);
    expect(await names(w.users.eastManager, 'teams')).toEqual(['East', 'East Juniors']);
    expect(await names(w.users.eastRep, 'users')).toEqual(['Mona Manager', 'Omar East', 'Sara East']);
    expect(await names(w.users.eastManager, 'users')).toEqual([
      'Jana Junior',
      'Mona Manager',
      'Omar East',
      'Sara East',
    ]);
  });
});

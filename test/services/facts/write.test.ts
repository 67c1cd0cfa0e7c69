import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HadafError } from '../../../src/core/errors.ts';
import { createFact } from '../../../src/services/facts/create.ts';
import { deleteFact } from '../../../src/services/facts/delete.ts';
import { listFacts } from '../../../src/services/facts/list.ts';
import { updateFact } from '../../../src/services/facts/update.ts';
import { computeMetric } from '../../../src/services/metrics/compute.ts';
import { countFactRows, insertFactRow } from '../../../src/store/fact-queries.ts';
import { refreshRollups } from '../../../src/store/rollups.ts';
import type { UserRow } from '../../../src/store/schema.ts';
import { rollupRows } from '../../helpers/rollups.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildFactWorld, ctxAs, type FactWorld, MOVED_AT } from './world.ts';

const day = (y: number, m: number, d: number, h = 12) => Date.UTC(y, m - 1, d, h);

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    if (error instanceof HadafError) return `${error.code}:${error.field ?? ''}`;
    throw error;
  }
}

describe.each(dialects)('writing facts on %s', (dialect) => {
  let store: TestStore;
  let w: FactWorld;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildFactWorld(store);
  });
  afterAll(() => store?.drop());

  const create = (user: UserRow | 'system', entity: string, body: Record<string, unknown>) =>
    createFact({ ctx: ctxAs(w, user), input: { entity, body } });
  const wonDeal = (owner: UserRow, closedAt: number, extra: Record<string, unknown> = {}) => ({
    amount: 250_000,
    ownerId: owner.id,
    status: 'won',
    createdAt: closedAt - 20 * 86_400_000,
    closedAt,
    ...extra,
  });
  const dealCount = () =>
    countFactRows(store.db, w.org.id, 'deal', { scope: { type: 'org' }, reach: { type: 'all' } });

  it("attributes a deal to its owner's team when it closed, an open one to the team when it was created", async () => {
    const lena = w.users.lena;
    const closedInEast = await create('system', 'deals', wonDeal(lena, MOVED_AT - 86_400_000));
    const closedInWest = await create('system', 'deals', wonDeal(lena, MOVED_AT + 86_400_000));
    const openFromEast = await create('system', 'deals', {
      amount: 10,
      ownerId: lena.id,
      createdAt: MOVED_AT - 1,
    });
    expect([closedInEast.teamId, closedInWest.teamId, openFromEast.teamId]).toEqual([
      w.teams.east.id,
      w.teams.west.id,
      w.teams.east.id,
    ]);
    expect(closedInEast).toMatchObject({
      ownerName: 'Lena Mover',
      teamName: 'East',
      currency: 'SAR',
      stage: 'won',
    });
    // closing the open deal after the move moves it to West
    const closed = await updateFact({
      ctx: ctxAs(w, 'system'),
      input: {
        entity: 'deals',
        id: openFromEast.id as number,
        body: { status: 'won', closedAt: MOVED_AT + 5 },
      },
    });
    expect(closed.teamId).toBe(w.teams.west.id);
  });

  it('refuses references to rows of another org, naming the field, and writes nothing', async () => {
    const otherAccount = await insertFactRow(store.db, w.other.id, 'account', {
      name: 'Theirs',
      created_at: 0,
    });
    const before = await dealCount();
    expect(await failure(create('system', 'deals', { amount: 1, ownerId: w.users.otherRep.id }))).toBe(
      'invalid_input:ownerId',
    );
    expect(
      await failure(
        create('system', 'deals', { amount: 1, ownerId: w.users.eastRep.id, accountId: otherAccount }),
      ),
    ).toBe('invalid_input:accountId');
    expect(
      await failure(create('system', 'subscriptions', { accountId: otherAccount, mrr: 5, startedAt: 0 })),
    ).toBe('invalid_input:accountId');
    expect(await dealCount()).toBe(before);
  });

  it('checks a body as a whole and names the field at fault', async () => {
    const rep = w.users.eastRep;
    expect(await failure(create('system', 'deals', { amount: 5, ownerId: rep.id, status: 'won' }))).toBe(
      'invalid_input:closedAt',
    );
    expect(await failure(create('system', 'deals', { amount: 5, closedAt: day(2027, 2, 1) }))).toBe(
      'invalid_input:closedAt',
    );
    expect(
      await failure(create('system', 'deals', wonDeal(rep, day(2027, 2, 1), { createdAt: day(2027, 3, 1) }))),
    ).toBe('invalid_input:closedAt');
    expect(await failure(create('system', 'deals', { amount: 5, currency: 'USD' }))).toBe(
      'invalid_input:currency',
    );
    expect(await failure(create('system', 'deals', { amount: -5 }))).toBe('invalid_input:amount');
    expect(await failure(create('system', 'deals', { amount: 5, amout: 6 }))).toBe('invalid_input:amout');
    expect(await failure(create('system', 'deals', {}))).toBe('invalid_input:amount');
    expect(await failure(create('system', 'activities', { type: 'call', occurredAt: 0, bookedAt: 0 }))).toBe(
      'invalid_input:bookedAt',
    );
    expect(
      await failure(
        create('system', 'spend', {
          periodStart: '2027-02-01',
          periodEnd: '2027-01-31',
          category: 'sales',
          amount: 1,
        }),
      ),
    ).toBe('invalid_input:periodEnd');
    expect(await failure(create('system', 'coaching', { kind: 'coaching', hours: 1, occurredAt: 0 }))).toBe(
      'invalid_input:repId',
    );
  });

  it('lets managers write within their subtree, reps only their own activities, and admins anything', async () => {
    const { eastManager, eastRep, eastRep2, westRep, junior, admin } = w.users;
    const at = day(2027, 3, 3);
    expect(await failure(create(eastManager, 'deals', wonDeal(junior, at)))).toBe('ok');
    expect(await failure(create(eastManager, 'deals', wonDeal(eastManager, at)))).toBe('ok');
    // West's people are not even visible to East's manager
    expect(await failure(create(eastManager, 'deals', wonDeal(westRep, at)))).toBe('invalid_input:ownerId');
    expect(await failure(create(eastManager, 'deals', wonDeal(w.users.lena, at)))).toBe(
      'invalid_input:ownerId',
    );
    expect(await failure(create(eastManager, 'deals', { amount: 1 }))).toBe('forbidden:');
    expect(await failure(create(eastRep, 'deals', wonDeal(eastRep, at)))).toBe('forbidden:');
    expect(
      await failure(
        create(eastManager, 'spend', {
          periodStart: '2027-01-01',
          periodEnd: '2027-01-31',
          category: 'sales',
          amount: 1,
        }),
      ),
    ).toBe('forbidden:');
    expect(
      await failure(
        create(admin, 'spend', {
          periodStart: '2027-01-01',
          periodEnd: '2027-01-31',
          category: 'sales',
          amount: 1,
        }),
      ),
    ).toBe('ok');
    expect(await failure(create(admin, 'deals', { amount: 1 }))).toBe('ok');
    // a rep logs their own activity (the owner defaults to them), not a teammate's
    const call = await create(eastRep, 'activities', { type: 'call', occurredAt: at });
    expect(call).toMatchObject({ ownerId: eastRep.id, teamId: w.teams.east.id, qualified: false });
    expect(
      await failure(create(eastRep, 'activities', { type: 'call', occurredAt: at, ownerId: eastRep2.id })),
    ).toBe('forbidden:');
    const ctx = ctxAs(w, eastRep);
    const edited = await updateFact({
      ctx,
      input: { entity: 'activities', id: call.id as number, body: { qualified: true } },
    });
    expect(edited.qualified).toBe(true);
    // ...and cannot hand it to a teammate
    expect(
      await failure(
        updateFact({
          ctx,
          input: { entity: 'activities', id: call.id as number, body: { ownerId: eastRep2.id } },
        }),
      ),
    ).toBe('forbidden:');
    // a manager cannot move a deal of their subtree out of it
    const deal = await create(eastManager, 'deals', wonDeal(eastRep, at));
    expect(
      await failure(
        updateFact({
          ctx: ctxAs(w, eastManager),
          input: { entity: 'deals', id: deal.id as number, body: { ownerId: westRep.id } },
        }),
      ),
    ).toBe('invalid_input:ownerId');
  });

  it('merges a patch, clears with null, keeps external ids unique, and audits every change', async () => {
    const ctx = ctxAs(w, w.users.admin);
    const a = await create(w.users.admin, 'leads', {
      name: 'Jawad',
      ownerId: w.users.eastRep.id,
      externalId: 'crm-1',
      channel: 'web',
    });
    const b = await create(w.users.admin, 'leads', { name: 'Huda', externalId: 'crm-2' });
    const patched = await updateFact({
      ctx,
      input: { entity: 'leads', id: a.id as number, body: { channel: null, industry: 'retail' } },
    });
    expect(patched).toMatchObject({ name: 'Jawad', channel: null, industry: 'retail', externalId: 'crm-1' });
    expect(
      await failure(
        updateFact({ ctx, input: { entity: 'leads', id: b.id as number, body: { externalId: 'crm-1' } } }),
      ),
    ).toBe('conflict:externalId');
    expect(await failure(create(w.users.admin, 'leads', { externalId: 'crm-2' }))).toBe(
      'conflict:externalId',
    );
    await deleteFact({ ctx, input: { entity: 'leads', id: b.id as number } });
    expect(await failure(deleteFact({ ctx, input: { entity: 'leads', id: b.id as number } }))).toBe(
      'not_found:',
    );
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['entity_id', 'action', 'before', 'after'])
      .where('org_id', '=', w.org.id)
      .where('entity', '=', 'lead')
      .orderBy('id')
      .execute();
    expect(audit.map((r) => [r.entity_id, r.action])).toEqual([
      [a.id, 'create'],
      [b.id, 'create'],
      [a.id, 'update'],
      [b.id, 'delete'],
    ]);
    expect(JSON.parse(audit[2]?.before ?? '{}').channel).toBe('web');
    expect(JSON.parse(audit[2]?.after ?? '{}').channel).toBeNull();
  });

  it('keeps metrics current: revenue read from the rollups moves with every deal written', async () => {
    const world = await buildFactWorld(store);
    const ctx = ctxAs(world, world.users.admin);
    await refreshRollups(store.db, world.org.id);
    const revenue = async () => {
      const result = await computeMetric({ ctx, input: { metric: 'revenue', period: '2027-Q1' } });
      expect(result.source).toBe('rollup');
      return result.value;
    };
    expect(await revenue()).toBeNull();
    const body = { ownerId: world.users.eastRep.id, status: 'won', createdAt: day(2027, 1, 5) };
    const deal = await createFact({
      ctx,
      input: { entity: 'deals', body: { ...body, amount: 400_000, closedAt: day(2027, 2, 1) } },
    });
    await createFact({
      ctx,
      input: { entity: 'deals', body: { ...body, amount: 100_000, closedAt: day(2027, 3, 9) } },
    });
    // 400,000 + 100,000 halalas
    expect(await revenue()).toBe(500_000);
    // moving the close into April takes it out of Q1: 500,000 - 400,000
    await updateFact({
      ctx,
      input: { entity: 'deals', id: deal.id as number, body: { closedAt: day(2027, 4, 2) } },
    });
    expect(await revenue()).toBe(100_000);
    await updateFact({
      ctx,
      input: { entity: 'deals', id: deal.id as number, body: { closedAt: day(2027, 3, 30), amount: 50_000 } },
    });
    expect(await revenue()).toBe(150_000);
    await deleteFact({ ctx, input: { entity: 'deals', id: deal.id as number } });
    expect(await revenue()).toBe(100_000);
    const page = await listFacts({
      ctx,
      input: { entity: 'deals', query: { period: '2027-Q1', status: 'won' } },
    });
    // the drill-down lists exactly the rows behind the number
    expect(page.items.map((i) => i.amount)).toEqual([100_000]);
  });

  it('leaves every rollup table as a full rebuild would, refreshing only the days and sources a write touches', async () => {
    const world = await buildFactWorld(store);
    const ctx = ctxAs(world, world.users.admin);
    await refreshRollups(store.db, world.org.id);
    const { eastRep, westRep } = world.users;
    const write = {
      create: (entity: string, body: Record<string, unknown>) => createFact({ ctx, input: { entity, body } }),
      update: (entity: string, id: unknown, body: Record<string, unknown>) =>
        updateFact({ ctx, input: { entity, id: id as number, body } }),
      delete: (entity: string, id: unknown) => deleteFact({ ctx, input: { entity, id: id as number } }),
    };
    // a deal created in January and won in March: the days between hold none of its events
    const deal = await write.create('deals', {
      ownerId: eastRep.id,
      amount: 70_000,
      status: 'won',
      channel: 'web',
      createdAt: day(2027, 1, 10),
      closedAt: day(2027, 3, 20),
    });
    const open = await write.create('deals', {
      ownerId: westRep.id,
      amount: 9_000,
      status: 'open',
      stage: 'proposal',
      probability: 40,
      createdAt: day(2027, 2, 1),
    });
    const lead = await write.create('leads', {
      ownerId: westRep.id,
      channel: 'events',
      createdAt: day(2027, 1, 31, 23),
      mqlAt: day(2027, 2, 14),
      convertedAt: day(2027, 4, 2),
    });
    const call = await write.create('activities', {
      ownerId: eastRep.id,
      type: 'call',
      occurredAt: day(2027, 2, 28),
    });
    const coaching = await write.create('coaching', {
      coachId: world.users.eastManager.id,
      repId: eastRep.id,
      kind: 'coaching',
      hours: 1.5,
      occurredAt: day(2027, 3, 1),
    });
    const account = await write.create('accounts', {
      name: 'Najm',
      ownerId: eastRep.id,
      acquiredAt: day(2027, 1, 20),
    });
    await write.create('subscriptions', { accountId: account.id, mrr: 12_000, startedAt: day(2027, 1, 20) });
    // changes that move events across months, owners and teams
    await write.update('deals', deal.id, { closedAt: day(2027, 5, 2), ownerId: westRep.id, channel: null });
    await write.update('leads', lead.id, { convertedAt: null, sqlAt: day(2027, 3, 3) });
    await write.update('activities', call.id, { occurredAt: day(2027, 1, 2), ownerId: westRep.id });
    await write.update('coaching', coaching.id, { hours: 2 });
    await write.update('accounts', account.id, { ownerId: westRep.id, churnedAt: day(2027, 6, 30) });
    await write.update('deals', open.id, { stage: 'negotiation', probability: 70, segment: 'smb' });
    await write.update('deals', open.id, { status: 'lost', closedAt: day(2027, 3, 31, 22) });
    await write.delete('deals', deal.id);
    const written = await rollupRows(store.db, world.org.id);
    // the writes left rows behind: the comparison is not between two empty sets
    expect(Object.values(written).some((rows) => rows.length > 0)).toBe(true);
    await refreshRollups(store.db, world.org.id);
    expect(written).toEqual(await rollupRows(store.db, world.org.id));
  });

  it("moves the MRR of an account's subscriptions with the account's owner", async () => {
    const world = await buildFactWorld(store);
    const ctx = ctxAs(world, world.users.admin);
    await refreshRollups(store.db, world.org.id);
    const account = await createFact({
      ctx,
      input: {
        entity: 'accounts',
        body: { name: 'Ruwad', ownerId: world.users.eastRep.id, acquiredAt: day(2027, 1, 3) },
      },
    });
    await createFact({
      ctx,
      input: {
        entity: 'subscriptions',
        body: { accountId: account.id, mrr: 30_000, startedAt: day(2027, 1, 3) },
      },
    });
    const mrrOf = async (user: UserRow) =>
      (await computeMetric({ ctx, input: { metric: 'mrr', period: '2027-03', scope: `rep:${user.email}` } }))
        .value;
    expect(await mrrOf(world.users.eastRep)).toBe(30_000);
    await updateFact({
      ctx,
      input: { entity: 'accounts', id: account.id as number, body: { ownerId: world.users.westRep.id } },
    });
    expect(await mrrOf(world.users.westRep)).toBe(30_000);
    expect(await mrrOf(world.users.eastRep)).not.toBe(30_000);
  });
});

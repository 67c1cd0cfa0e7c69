import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { computeMetric } from '../../src/services/metrics/compute.ts';
import type { Member } from '../../src/store/account-queries.ts';
import { insertFactRow } from '../../src/store/fact-queries.ts';
import { refreshRollups } from '../../src/store/rollups.ts';
import type { UserRow } from '../../src/store/schema.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { buildFactWorld, ctxAs, type FactWorld, seedDeal } from '../services/facts/world.ts';
import { type Credentials, injectAs, sessionOf } from './signed-in.ts';

describe.each(dialects)('fact routes on %s', (dialect) => {
  let store: TestStore;
  let w: FactWorld;
  let app: FastifyInstance;
  let admin: Credentials;
  let rep: Credentials;
  const now = Date.UTC(2027, 5, 1);

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildFactWorld(store, now);
    app = await buildServer({ store, now: () => now, mailer: null });
    const signIn = (user: UserRow) => sessionOf(store, user as Member, now);
    admin = await signIn(w.users.admin);
    rep = await signIn(w.users.eastRep);
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  const get = (who: Credentials | null, url: string) => injectAs(app, who, { method: 'GET', url });

  it('pages through a list with nextCursor, the total on every page', async () => {
    const world = await buildFactWorld(store, now);
    const who = await sessionOf(store, world.users.admin as Member, now);
    for (const amount of [300, 100, 200]) await seedDeal(world, world.users.eastRep, { amount });
    const first = await get(who, '/api/deals?limit=2&sort=amount:desc');
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items.map((d: { amount: number }) => d.amount)).toEqual([300, 200]);
    expect(page1.total).toBe(3);
    const page2 = (await get(who, `/api/deals?limit=2&sort=amount:desc&cursor=${page1.nextCursor}`)).json();
    expect(page2).toMatchObject({ total: 3, nextCursor: null });
    expect(page2.items.map((d: { amount: number }) => d.amount)).toEqual([100]);
    expect(page2.items[0]).toMatchObject({ ownerName: 'Sara East', teamName: 'East', currency: 'SAR' });
  });

  it('answers bad parameters and bodies with 400 and the field', async () => {
    const cases: Array<[string, string]> = [
      ['/api/deals?limit=501', 'limit'],
      ['/api/deals?sort=password', 'sort'],
      ['/api/deals?period=2027-13', 'period'],
      ['/api/deals?from=2027-1-1', 'from'],
      ['/api/deals?scope=everything', 'scope'],
      ['/api/activities?channel=web', 'channel'],
      ['/api/deals?limit=5&color=red', 'color'],
    ];
    for (const [url, field] of cases) {
      const res = await get(admin, url);
      expect([url, res.statusCode, res.json().error.field]).toEqual([url, 400, field]);
      expect(res.json().error).toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(/\S/),
      });
    }
    // an empty parameter is no parameter, as in the metric API
    expect((await get(admin, '/api/deals?status=&channel=&limit=')).statusCode).toBe(200);
    const post = (payload: Record<string, unknown>) =>
      injectAs(app, admin, { method: 'POST', url: '/api/deals', payload });
    expect((await post({ amount: '12' })).json().error).toMatchObject({
      code: 'invalid_input',
      field: 'amount',
    });
    expect((await post({ amount: 1, stage: 'x', color: 'red' })).json().error.field).toBe('color');
    expect((await post({ amount: 1, status: 'won' })).json().error.field).toBe('closedAt');
  });

  it("never shows, changes or deletes another org's rows: 404, or 400 for ids used as input", async () => {
    const theirs = await insertFactRow(store.db, w.other.id, 'deal', {
      amount: 777,
      currency: 'SAR',
      stage: 'open',
      status: 'open',
      created_at: 0,
      owner_id: w.users.otherRep.id,
    });
    expect((await get(admin, `/api/deals/${theirs}`)).statusCode).toBe(404);
    const patch = await injectAs(app, admin, {
      method: 'PATCH',
      url: `/api/deals/${theirs}`,
      payload: { amount: 1 },
    });
    expect(patch.statusCode).toBe(404);
    expect((await injectAs(app, admin, { method: 'DELETE', url: `/api/deals/${theirs}` })).statusCode).toBe(
      404,
    );
    const post = await injectAs(app, admin, {
      method: 'POST',
      url: '/api/deals',
      payload: { amount: 5, ownerId: w.users.otherRep.id },
    });
    expect([post.statusCode, post.json().error.field]).toEqual([400, 'ownerId']);
    expect((await get(admin, `/api/deals?scope=team:${w.teams.otherTeam.id}`)).statusCode).toBe(404);
    expect((await get(admin, `/api/users/${w.users.otherRep.id}`)).statusCode).toBe(404);
    const list = await get(admin, '/api/deals?limit=500');
    expect(list.body).not.toContain('777');
    const row = await store.db
      .selectFrom('deal')
      .select('amount')
      .where('id', '=', theirs)
      .executeTakeFirst();
    expect(row?.amount).toBe(777);
  });

  it("lists a rep's own rows to them, and only after sign-in", async () => {
    const mine = await seedDeal(w, w.users.eastRep, { name: 'mine' });
    await seedDeal(w, w.users.eastRep2, { name: 'teammate' });
    const res = await get(rep, '/api/deals?limit=500');
    const names = res.json().items.map((d: { name: string }) => d.name);
    expect(names).toContain('mine');
    expect(names).not.toContain('teammate');
    expect(res.json().items.every((d: { ownerId: number }) => d.ownerId === w.users.eastRep.id)).toBe(true);
    expect((await get(rep, `/api/deals/${mine.id}`)).statusCode).toBe(200);
    expect((await get(null, '/api/deals')).statusCode).toBe(401);
  });

  it('exports every matching row as CSV: quoted text, decimal money, local ISO times', async () => {
    const world = await buildFactWorld(store, now);
    const who = await sessionOf(store, world.users.admin as Member, now);
    const owner = world.users.eastRep;
    await seedDeal(world, owner, {
      name: 'Acme, "Gulf"\nbranch',
      amount: 1_234_505,
      status: 'won',
      closed_at: Date.UTC(2027, 2, 31, 21, 30),
      created_at: Date.UTC(2027, 0, 2, 6),
    });
    await seedDeal(world, owner, { name: 'نخلة', amount: 7, created_at: Date.UTC(2027, 0, 3, 6) });
    const res = await get(who, '/api/deals?format=csv&sort=id&limit=1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="deals-${world.org.slug}-2027-06-01.csv"`,
    );
    const text = res.body;
    expect(text.startsWith('\uFEFF')).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'id,external_id,name,account_id,account,owner_id,owner,team_id,team,amount,currency,units,product,stage,status,probability,channel,industry,segment,created_at,closed_at,expected_close_at',
    );
    const [first, second] = (await store.db
      .selectFrom('deal')
      .select('id')
      .where('org_id', '=', world.org.id)
      .orderBy('id')
      .execute()) as Array<{ id: number }>;
    const o = owner.id;
    const east = world.teams.east.id;
    // 1,234,505 halalas = 1234505 / 100 SAR; 21:30 UTC on 31 March = 00:30 on 1 April in Riyadh (UTC+3)
    expect(lines[1]).toBe(
      `${first?.id},,"Acme, ""Gulf""\nbranch",,,${o},Sara East,${east},East,12345.05,SAR,1,,won,won,,,,,2027-01-02T09:00:00+03:00,2027-04-01T00:30:00+03:00,`,
    );
    expect(lines[2]).toBe(
      `${second?.id},,نخلة,,,${o},Sara East,${east},East,0.07,SAR,1,,open,open,,,,,2027-01-03T09:00:00+03:00,,`,
    );
    expect(lines.slice(3)).toEqual(['']);
  });

  it('streams all rows, past every page, with the filters of the list', async () => {
    const world = await buildFactWorld(store, now);
    const who = await sessionOf(store, world.users.admin as Member, now);
    const rows = Array.from({ length: 1205 }, (_, i) => ({
      org_id: world.org.id,
      owner_id: i % 2 ? world.users.eastRep.id : world.users.westRep.id,
      team_id: i % 2 ? world.teams.east.id : world.teams.west.id,
      type: 'call' as const,
      occurred_at: Date.UTC(2027, 1, 1) + i * 60_000,
    }));
    for (let i = 0; i < rows.length; i += 250) {
      await store.db
        .insertInto('activity')
        .values(rows.slice(i, i + 250))
        .execute();
    }
    const all = await get(who, '/api/activities?format=csv');
    // a header, 1,205 rows, and the empty string after the last CRLF
    expect(all.body.split('\r\n')).toHaveLength(1207);
    const east = await get(who, `/api/activities?format=csv&scope=team:${world.teams.east.id}`);
    // the odd indexes of 0..1204: 602 rows
    expect(east.body.split('\r\n')).toHaveLength(604);
    expect((await get(who, '/api/activities?format=csv&cursor=abc')).json().error.field).toBe('cursor');
    expect((await get(rep, '/api/spend?format=csv')).statusCode).toBe(403);
  });

  it('keeps metrics current after a deal is created over HTTP', async () => {
    const world = await buildFactWorld(store, now);
    const who = await sessionOf(store, world.users.admin as Member, now);
    await refreshRollups(store.db, world.org.id);
    const revenue = async () => {
      const ctx = ctxAs(world, world.users.admin);
      const result = await computeMetric({ ctx, input: { metric: 'revenue', period: '2027-Q1' } });
      expect(result.source).toBe('rollup');
      return result.value;
    };
    expect(await revenue()).toBeNull();
    const res = await injectAs(app, who, {
      method: 'POST',
      url: '/api/deals',
      payload: {
        amount: 90_000,
        ownerId: world.users.eastRep.id,
        status: 'won',
        createdAt: Date.UTC(2027, 0, 2),
        closedAt: Date.UTC(2027, 1, 2),
      },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ amount: 90_000, teamId: world.teams.east.id, status: 'won' });
    expect(await revenue()).toBe(90_000);
  });

  it('documents the lists, their parameters and the bodies in the OpenAPI document', async () => {
    const doc = (await get(null, '/api/openapi.json')).json();
    const list = doc.paths['/api/deals'].get;
    const names = list.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['limit', 'cursor', 'sort', 'scope', 'period', 'status', 'format']),
    );
    expect(list.responses['200'].content['application/json'].schema.properties.items).toBeDefined();
    const create = doc.paths['/api/deals'].post;
    expect(create.requestBody.content['application/json'].schema.required).toEqual(['amount']);
    for (const path of [
      '/api/teams',
      '/api/accounts/{id}',
      '/api/coaching',
      '/api/spend/{id}',
      '/api/users/{id}',
    ]) {
      expect(doc.paths[path], path).toBeDefined();
    }
  });
});

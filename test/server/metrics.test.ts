import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METRICS } from '../../src/core/metrics/index.ts';
import { buildServer } from '../../src/server/app.ts';
import { startSession } from '../../src/services/accounts/sessions.ts';
import { createUser } from '../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { at, buildFixture, type Fixture } from '../services/metrics/fixture.ts';

describe.each(dialects)('metric routes on %s', (dialect) => {
  let store: TestStore;
  let f: Fixture;
  let app: Awaited<ReturnType<typeof buildServer>>;
  const cookies: Record<string, string> = {};
  const now = at('2027-02-10');

  beforeAll(async () => {
    store = await freshStore(dialect);
    f = await buildFixture(store);
    app = await buildServer({ store, now: () => now });
    const admin = await createUser(
      store.db,
      f.org.id,
      { name: 'Ada', email: 'ada@acme.test', role: 'admin' },
      0,
    );
    cookies.admin = `hadaf_session=${(await startSession(store.db, now, f.org.id, admin.id)).token}`;
    cookies.alice = `hadaf_session=${(await startSession(store.db, now, f.org.id, f.users.alice.id)).token}`;
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  const get = (url: string, who = 'admin') =>
    app.inject({ method: 'GET', url, headers: { cookie: cookies[who] ?? '' } });

  it('lists the catalog with labels, units, directions, kinds, formulas and filters', async () => {
    const res = await get('/api/metrics');
    expect(res.statusCode).toBe(200);
    const { metrics } = res.json();
    expect(metrics).toHaveLength(METRICS.length);
    expect(metrics.find((m: { id: string }) => m.id === 'win_rate')).toEqual({
      id: 'win_rate',
      label: { en: 'Win rate', ar: 'معدل الفوز' },
      unit: 'percent',
      direction: 'higher',
      kind: 'ratio',
      formula: 'deals won / (deals won + deals lost), deals closed in P',
      filters: ['channel', 'segment', 'industry', 'product'],
      scopes: ['org', 'team', 'rep'],
      breakdowns: ['rep', 'team', 'channel', 'segment', 'industry', 'product'],
      defaultBreakdown: null,
    });
  });

  it('answers one value for a scope, period and filter', async () => {
    const res = await get('/api/metrics/revenue?period=2027-Q1&scope=team:North&industry=tech');
    expect(res.statusCode).toBe(200);
    // North subtree in tech: D2 20000 + D4 30000
    expect(res.json()).toMatchObject({
      shape: 'value',
      metric: 'revenue',
      unit: 'currency',
      currency: 'USD',
      scope: { type: 'team', id: f.teams.north.id, label: 'North' },
      filters: { industry: 'tech' },
      period: { label: '2027-Q1', start: '2027-01-01', end: '2027-03-31' },
      value: 50000,
      parts: { won_amount: 50000 },
    });
  });

  it('says why a value is null', async () => {
    const res = await get('/api/metrics/avg_deal_size?period=2027-Q1&scope=rep:Frank');
    expect(res.json()).toMatchObject({ value: null, reason: 'zero_denominator', parts: { deals_won: 0 } });
  });

  it('defaults to the org and the current quarter', async () => {
    const res = await get('/api/metrics/deals_won');
    expect(res.json()).toMatchObject({ scope: { type: 'org' }, period: { label: '2027-Q1' }, value: 7 });
  });

  it('breaks down by rep, and gives a monthly series split by rep', async () => {
    const split = await get('/api/metrics/revenue?period=2027-Q1&scope=team:South&by=rep');
    expect(split.statusCode).toBe(200);
    expect(split.json().shape).toBe('breakdown');
    // Dan D9 18000, Carol D6 15000, Frank nothing
    expect(split.json().rows.map((r: { label: string; value: number }) => [r.label, r.value])).toEqual([
      ['Dan', 18000],
      ['Carol', 15000],
      ['Frank', 0],
    ]);
    const series = await get('/api/metrics/revenue?period=2027-Q1&by=month&group=team');
    expect(series.statusCode).toBe(200);
    const body = series.json();
    expect(body.shape).toBe('series');
    // Jan 37000, Feb 20500, Mar 48000
    expect(body.points.map((p: { value: number }) => p.value)).toEqual([37000, 20500, 48000]);
    expect(body.series.map((s: { label: string }) => s.label)).toEqual(['Sales', '(no team)']);
  });

  it('refuses bad questions with a clear error and the field', async () => {
    const cases: Array<[string, number, string, string | undefined]> = [
      ['/api/metrics/happiness?period=2027-Q1', 404, 'not_found', 'metric'],
      ['/api/metrics/revenue?period=2027-Q9', 400, 'invalid_input', 'period'],
      ['/api/metrics/revenue?period=2027-Q1&scope=team:Atlantis', 404, 'not_found', undefined],
      ['/api/metrics/revenue?period=2027-Q1&scope=planet:Mars', 400, 'invalid_input', 'scope'],
      ['/api/metrics/calls?period=2027-Q1&channel=web', 400, 'invalid_input', 'channel'],
      ['/api/metrics/revenue?period=2027-Q1&by=galaxy', 400, 'invalid_input', 'by'],
    ];
    for (const [url, status, code, field] of cases) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(status);
      expect(res.json().error.code, url).toBe(code);
      expect(res.json().error.message, url).toMatch(/\w/);
      if (field) expect(res.json().error.field, url).toBe(field);
    }
  });

  it('needs a sign-in, and keeps a rep to the figures they may see', async () => {
    expect((await get('/api/metrics/revenue?period=2027-Q1', 'nobody')).statusCode).toBe(401);
    expect((await get('/api/metrics/revenue?period=2027-Q1&scope=rep:Alice', 'alice')).json().value).toBe(
      30000,
    );
    const org = await get('/api/metrics/revenue?period=2027-Q1', 'alice');
    expect(org.statusCode).toBe(403);
    expect(org.json().error.code).toBe('forbidden');
  });
});

import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Org } from '../../../src/core/org.ts';
import type { Ctx } from '../../../src/services/context.ts';
import { DeferredIndexes } from '../../../src/store/bulk-insert.ts';
import type { Db } from '../../../src/store/db.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { refreshRollups } from '../../../src/store/rollups.ts';
import { createTeam } from '../../../src/store/team-queries.ts';
import { createUser, moveUserToTeam } from '../../../src/store/user-queries.ts';
import { rollupRows } from '../../helpers/rollups.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { instantOf, type When, ZONES } from '../../store/metrics/random-org.ts';
import { importText } from './setup.ts';

/**
 * A deals import updates the rollups from the changes it summed while it
 * wrote (DealRollupDelta), not from the facts: after any import, the rollup
 * rows must be exactly those a full rebuild from the facts gives.
 */

/** The deal table's indexes and their definitions, as the database stores them. */
async function dealIndexes(db: Db, dialect: string) {
  const { rows } =
    dialect === 'postgres'
      ? await sql<{ name: string; definition: string }>`select indexname as name, indexdef as definition
          from pg_indexes where schemaname = current_schema() and tablename = 'deal' order by 1`.execute(db)
      : await sql<{ name: string; definition: string }>`select name, sql as definition from sqlite_master
          where type = 'index' and tbl_name = 'deal' order by 1`.execute(db);
  return rows;
}

const when = fc.record({
  day: fc.integer({ min: 0, max: 400 }),
  ms: fc.integer({ min: -1, max: 86_399_999 }),
  edge: fc.boolean(),
});

const dealArb = fc.record({
  id: fc.integer({ min: 0, max: 30 }),
  owner: fc.integer({ min: 0, max: 3 }),
  status: fc.constantFrom('open', 'won', 'lost'),
  stage: fc.constantFrom('', 'Demo', 'Proposal'),
  probability: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  amount: fc.integer({ min: 0, max: 9_999_999 }),
  units: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
  channel: fc.constantFrom('web', 'Referral', ''),
  product: fc.constantFrom('pro', 'basic', ''),
  segment: fc.constantFrom('smb', ''),
  created: when,
  cycleMs: fc.integer({ min: 0, max: 90 * 86_400_000 }),
});
type DealCase = typeof dealArb extends fc.Arbitrary<infer T> ? T : never;

const OWNERS = ['ann@r.test', 'bob@r.test', 'cy@r.test', ''];

function csv(rows: readonly DealCase[], zone: string): string {
  const iso = (ms: number) => new Date(ms).toISOString();
  const lines = [
    'external_id,owner,amount,units,status,stage,probability,created_at,closed_at,channel,product,segment',
  ];
  const seen = new Set<number>();
  for (const d of rows) {
    // One row per external id in a file (a repeat is refused, which another test covers).
    if (seen.has(d.id)) continue;
    seen.add(d.id);
    const created = instantOf(d.created as When, zone);
    const closed = d.status === 'open' ? '' : iso(created + d.cycleMs);
    lines.push(
      [
        `D${d.id}`,
        OWNERS[d.owner],
        (d.amount / 100).toFixed(2),
        d.units ?? '',
        d.status,
        d.stage,
        d.probability ?? '',
        iso(created),
        closed,
        d.channel,
        d.product,
        d.segment,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

describe.each(dialects)('rollups after a deals import on %s', (dialect) => {
  let store: TestStore;
  let orgs = 0;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(async () => {
    await store?.drop();
  });

  /** An org with two teams and three reps; Bob changes team during the year, so team attribution varies. */
  async function newOrg(zone: string): Promise<Ctx> {
    const org: Org = await createOrg(
      store.db,
      { name: 'R', slug: `r${++orgs}`, currency: 'USD', timeZone: zone },
      0,
    );
    const north = (await createTeam(store.db, org.id, { name: 'North' }, 0)).id;
    const south = (await createTeam(store.db, org.id, { name: 'South' }, 0)).id;
    const reps = [
      ['Ann', 'ann@r.test', north],
      ['Bob', 'bob@r.test', north],
      ['Cy', 'cy@r.test', south],
    ] as const;
    for (const [name, email, teamId] of reps) {
      const user = await createUser(store.db, org.id, { name, email, role: 'rep', teamId }, 0);
      if (name === 'Bob') await moveUserToTeam(store.db, org.id, user.id, south, Date.UTC(2026, 5, 1));
    }
    return {
      db: store.db,
      dialect,
      org,
      actor: { kind: 'system', label: 'test' },
      now: Date.UTC(2027, 0, 1),
    };
  }

  async function expectRebuildAgrees(ctx: Ctx) {
    const imported = await rollupRows(store.db, ctx.org.id);
    await refreshRollups(store.db, ctx.org.id);
    expect(imported).toEqual(await rollupRows(store.db, ctx.org.id));
  }

  it('leaves exactly the rows a full rebuild gives, after a first import and after one that changes deals', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(dealArb, { minLength: 1, maxLength: 25 }),
        fc.array(dealArb, { minLength: 1, maxLength: 25 }),
        async (zone, first, second) => {
          const ctx = await newOrg(zone);
          const one = await importText(ctx, 'deals', csv(first, zone));
          expect(one.committed).toBe(true);
          await expectRebuildAgrees(ctx);
          // Same ids again with other owners, statuses, amounts, days and dimensions, plus new ones.
          const two = await importText(ctx, 'deals', csv(second, zone));
          expect(two.committed).toBe(true);
          await expectRebuildAgrees(ctx);
        },
      ),
      { numRuns: dialect === 'postgres' ? 8 : 15 },
    );
  });

  it('builds the rollups of deals already stored before applying an import to them', async () => {
    const ctx = await newOrg('Europe/Berlin');
    const owner = await store.db
      .selectFrom('app_user')
      .select(['id', 'team_id'])
      .where('org_id', '=', ctx.org.id)
      .where('email', '=', 'ann@r.test')
      .executeTakeFirstOrThrow();
    // A deal written without refreshing rollups: the org has facts but no rollups yet.
    await store.db
      .insertInto('deal')
      .values({
        org_id: ctx.org.id,
        external_id: 'OLD',
        owner_id: owner.id,
        team_id: owner.team_id,
        amount: 70_000,
        currency: 'USD',
        stage: 'won',
        status: 'won',
        created_at: Date.UTC(2026, 2, 1, 9),
        closed_at: Date.UTC(2026, 2, 29, 9),
      })
      .execute();
    const report = await importText(
      ctx,
      'deals',
      'external_id,owner,amount,status,created_at,closed_at\nNEW,ann@r.test,100.00,won,2026-03-02T09:00:00Z,2026-03-29T10:00:00Z\n',
    );
    expect(report).toMatchObject({ inserted: 1, committed: true });
    const { rows } = await sql<{ won: number; amount: number }>`
      select sum(deals_won) as won, sum(won_amount) as amount from rollup_deal_month
      where org_id = ${ctx.org.id}`.execute(store.db);
    // Both deals won in March 2026: 700.00 + 100.00, in cents.
    expect(rows.map((r) => [Number(r.won), Number(r.amount)])).toEqual([[2, 80_000]]);
    await expectRebuildAgrees(ctx);
  });

  it('puts the deal indexes back after a large import, and after a dry run of one', async () => {
    const ctx = await newOrg('Asia/Riyadh');
    const indexes = await dealIndexes(store.db, dialect);
    expect(indexes.map((i) => i.name)).toContain('deal_created');
    // More rows than the table held and than DEFER_INDEXES_AFTER: on SQLite the plain indexes are rebuilt at the end.
    const size = 12_100;
    const lines = ['external_id,owner,amount,status,created_at,closed_at'];
    for (let i = 0; i < size; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      lines.push(`L${i},ann@r.test,${i % 100}.00,won,2026-02-${day}T08:00:00Z,2026-03-${day}T08:00:00Z`);
    }
    const text = `${lines.join('\n')}\n`;
    const dry = await importText(ctx, 'deals', text, { dryRun: true });
    expect(dry).toMatchObject({ inserted: size, committed: false });
    expect(await dealIndexes(store.db, dialect)).toEqual(indexes);

    const real = await importText(ctx, 'deals', text);
    expect(real).toMatchObject({ inserted: size, committed: true });
    expect(await dealIndexes(store.db, dialect)).toEqual(indexes);
    const { rows } = await sql<{ n: number; amount: number; won: number }>`
      select count(*) as n, sum(amount) as amount,
        (select sum(won_amount) from rollup_deal_month where org_id = ${ctx.org.id}) as won
      from deal where org_id = ${ctx.org.id}`.execute(store.db);
    // 121 rows of each of 0.00 ... 99.00: 121 × 4,950.00 = 598,950.00, in cents; all won.
    expect(rows.map((r) => [Number(r.n), Number(r.amount), Number(r.won)])).toEqual([
      [size, 59_895_000, 59_895_000],
    ]);
    await expectRebuildAgrees(ctx);
  });

  it('counts nothing of a row refused for repeating the id of a row in an earlier batch', async () => {
    const ctx = await newOrg('Asia/Riyadh');
    // 2,100 rows: the repeat of L7 comes in the second batch of 2,000, with another owner, status and amount.
    const lines = ['external_id,owner,amount,status,stage,created_at,closed_at'];
    for (let i = 0; i < 2100; i++) {
      lines.push(`L${i},ann@r.test,10.00,won,Signed,2026-02-0${1 + (i % 9)}T08:00:00Z,2026-03-01T08:00:00Z`);
    }
    lines.push('L7,cy@r.test,999.00,lost,Gone,2026-01-05T08:00:00Z,2026-01-09T08:00:00Z');
    const report = await importText(ctx, 'deals', `${lines.join('\n')}\n`, { skipInvalid: true });
    expect(report).toMatchObject({ inserted: 2100, rejectedRows: 1, committed: true });
    expect(report.rejected.map((p) => [p.line, p.reason])).toEqual([
      [2102, '"L7" is the same row as an earlier line: each row needs its own external id'],
    ]);
    const { rows } = await sql<{ won: number; lost: number; amount: number }>`
      select sum(deals_won) as won, sum(deals_lost) as lost, sum(won_amount) as amount
      from rollup_deal_month where org_id = ${ctx.org.id}`.execute(store.db);
    expect(rows.map((r) => [Number(r.won), Number(r.lost), Number(r.amount)])).toEqual([
      [2100, 0, 2_100_000],
    ]);
    await expectRebuildAgrees(ctx);
  });

  it('drops only the plain indexes, on SQLite only, and a rollback brings them back', async () => {
    const before = await dealIndexes(store.db, dialect);
    let dropped: string[] = [];
    await expect(
      store.db.transaction().execute(async (tx) => {
        const deferred = await DeferredIndexes.drop(tx, dialect, 'deal');
        expect(deferred === null).toBe(dialect === 'postgres');
        const now = await dealIndexes(tx, dialect);
        const nowNames = now.map((i) => i.name);
        dropped = before.map((i) => i.name).filter((name) => !nowNames.includes(name));
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // The unique external id index stays: it finds existing rows and keeps them unique.
    expect(dropped).not.toContain('deal_external_id');
    expect(dropped.length).toBe(dialect === 'postgres' ? 0 : before.length - 1);
    expect(await dealIndexes(store.db, dialect)).toEqual(before);
  });
});

import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { appliedMigration, latestMigration, migrateToLatest } from '../../src/store/migrate.ts';
import { createOrg } from '../../src/store/org-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';

describe.each(dialects)('migrations on %s', (dialect) => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('apply to an empty database and a second run changes nothing', async () => {
    store = await freshStore(dialect, { migrate: false });
    expect(await appliedMigration(store.db)).toBeNull();
    expect(await migrateToLatest(store.db)).toBe(latestMigration());
    await createOrg(store.db, { name: 'Acme', slug: 'acme' }, 0);
    expect(await migrateToLatest(store.db)).toBe(latestMigration());
    expect(await appliedMigration(store.db)).toBe(latestMigration());
    const { n } = await store.db
      .selectFrom('org')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBe(1);
  });

  it('creates every table of the data model', async () => {
    store = await freshStore(dialect);
    const expected = [
      'org',
      'team',
      'app_user',
      'team_membership',
      'account',
      'subscription',
      'lead',
      'deal',
      'activity',
      'spend',
      'coaching',
      'goal',
      'goal_target_change',
      'goal_bonus_tier',
      'goal_checkin',
      'audit_log',
    ];
    const tables = (await store.db.introspection.getTables()).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(expected));
  });

  it('enforces foreign keys and value checks', async () => {
    store = await freshStore(dialect);
    const org = await createOrg(store.db, { name: 'Acme', slug: 'acme' }, 0);
    const deal = {
      org_id: org.id,
      amount: 100,
      currency: 'USD',
      stage: 'new',
      status: 'open' as const,
      created_at: 0,
    };
    await expect(
      store.db
        .insertInto('deal')
        .values({ ...deal, owner_id: 999 })
        .execute(),
    ).rejects.toThrow();
    await expect(
      store.db
        .insertInto('deal')
        .values({ ...deal, amount: -1 })
        .execute(),
    ).rejects.toThrow();
    await expect(
      store.db
        .insertInto('deal')
        .values({ ...deal, status: 'maybe' as 'open' })
        .execute(),
    ).rejects.toThrow();
    await store.db.insertInto('deal').values(deal).execute();
    const row = await store.db.selectFrom('deal').select(['amount', 'created_at']).executeTakeFirstOrThrow();
    expect(row).toEqual({ amount: 100, created_at: 0 });
    // bigint columns come back as numbers on both dialects
    const big = 1_790_000_000_000;
    await store.db.updateTable('deal').set({ created_at: big, amount: 5_000_000_000 }).execute();
    const sum = await sql<{ s: number }>`select sum(amount) as s from deal`.execute(store.db);
    expect(Number(sum.rows[0]?.s)).toBe(5_000_000_000);
    expect(
      (await store.db.selectFrom('deal').select('created_at').executeTakeFirstOrThrow()).created_at,
    ).toBe(big);
  });
});

import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { BulkWriter, claimIds, syncIdSequences, withIndexesDeferred } from '../../src/store/bulk-insert.ts';
import type { Db } from '../../src/store/db.ts';
import type { Dialect } from '../../src/store/dialect.ts';
import { createOrg } from '../../src/store/org-queries.ts';
import { createTeam } from '../../src/store/team-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';

const TEAM = { name: 'team', columns: ['id', 'org_id', 'name', 'parent_id', 'path', 'created_at'] } as const;
const MEMBERSHIP = {
  name: 'team_membership',
  columns: ['id', 'org_id', 'user_id', 'team_id', 'from_at', 'to_at'],
} as const;
const USER = {
  name: 'app_user',
  columns: ['id', 'org_id', 'name', 'email', 'role', 'team_id', 'created_at'],
} as const;

async function coachingIndexes(db: Db, dialect: Dialect): Promise<string[]> {
  const { rows } =
    dialect === 'postgres'
      ? await sql<{ name: string }>`select indexname as name from pg_indexes
          where tablename = 'coaching' and indexname not like '%pkey' order by 1`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master
          where type = 'index' and tbl_name = 'coaching' and sql is not null order by 1`.execute(db);
  return rows.map((r) => r.name);
}

describe.each(dialects)('bulk insert on %s', (dialect) => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('writes parents before children in statements of many rows, and counts what it wrote', async () => {
    store = await freshStore(dialect);
    const org = await createOrg(store.db, { name: 'Acme', slug: 'acme' }, 0);
    // Children are added first: the writer still inserts teams before the users that point at them.
    await store.db.transaction().execute(async (trx) => {
      const writer = new BulkWriter(trx, dialect, [TEAM, USER, MEMBERSHIP]);
      for (let i = 1; i <= 600; i++) {
        writer.add('app_user', [i, org.id, `User ${i}`, `u${i}@acme.test`, 'rep', 1 + (i % 3), 0]);
        writer.add('team_membership', [i, org.id, i, 1 + (i % 3), 0, null]);
      }
      for (let id = 1; id <= 3; id++) writer.add('team', [id, org.id, `Team ${id}`, null, `/${id}/`, 0]);
      expect(writer.buffered).toBe(1203);
      await writer.flush();
      expect(writer.buffered).toBe(0);
      expect(writer.written).toEqual({ team: 3, app_user: 600, team_membership: 600 });
    });
    const { rows } = await sql<{
      n: number;
    }>`select count(*) as n from app_user where org_id = ${org.id}`.execute(store.db);
    expect(Number(rows[0]?.n)).toBe(600);
  });

  it('claims ids after every id ever used, even deleted ones, and moves sequences past explicit ids', async () => {
    store = await freshStore(dialect);
    const org = await createOrg(store.db, { name: 'Acme', slug: 'acme' }, 0);
    for (const name of ['a', 'b', 'c']) await createTeam(store.db, org.id, { name }, 0);
    await store.db.deleteFrom('team').where('name', '=', 'c').execute();
    await store.db.transaction().execute(async (trx) => {
      const ids = await claimIds(trx, dialect, ['team', 'app_user']);
      // teams 1..3 were used (3 deleted); no user yet
      expect(ids).toEqual({ team: 4, app_user: 1 });
      const writer = new BulkWriter(trx, dialect, [TEAM]);
      writer.add('team', [ids.team, org.id, 'bulk', null, `/${ids.team}/`, 0]);
      writer.add('team', [ids.team + 1, org.id, 'bulk 2', null, `/${ids.team + 1}/`, 0]);
      await writer.flush();
      await syncIdSequences(trx, dialect, ['team']);
    });
    const next = await createTeam(store.db, org.id, { name: 'after' }, 0);
    expect(next.id).toBe(6);
  });

  it('drops and rebuilds the indexes of empty tables around a load', async () => {
    store = await freshStore(dialect);
    const before = await coachingIndexes(store.db, dialect);
    expect(before.length).toBeGreaterThan(0);
    const during = await store.db
      .transaction()
      .execute((trx) => withIndexesDeferred(trx, dialect, ['coaching'], () => coachingIndexes(trx, dialect)));
    expect(during).toEqual([]);
    expect(await coachingIndexes(store.db, dialect)).toEqual(before);
  });

  it('keeps the indexes of tables that already hold rows', async () => {
    store = await freshStore(dialect);
    const org = await createOrg(store.db, { name: 'Acme', slug: 'acme' }, 0);
    await store.db
      .insertInto('coaching')
      .values({ org_id: org.id, kind: 'training', hours: 2, occurred_at: 0 })
      .execute();
    const before = await coachingIndexes(store.db, dialect);
    const during = await store.db
      .transaction()
      .execute((trx) => withIndexesDeferred(trx, dialect, ['coaching'], () => coachingIndexes(trx, dialect)));
    expect(during).toEqual(before);
  });

  it('restores dropped indexes when the load fails', async () => {
    store = await freshStore(dialect);
    const before = await coachingIndexes(store.db, dialect);
    const failing = store.db.transaction().execute((trx) =>
      withIndexesDeferred(trx, dialect, ['coaching'], async () => {
        throw new Error('load failed');
      }),
    );
    await expect(failing).rejects.toThrow('load failed');
    expect(await coachingIndexes(store.db, dialect)).toEqual(before);
  });
});

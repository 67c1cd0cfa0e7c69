import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type CopyProgress, copyDatabase } from '../../../src/services/admin/copy.ts';
import { listTables, tablesWithRows } from '../../../src/services/admin/schema.ts';
import { fileKind } from '../../../src/services/admin/sqlite-files.ts';
import type { Db } from '../../../src/store/db.ts';
import { latestMigration } from '../../../src/store/migrate.ts';
import * as initial from '../../../src/store/migrations/0001-initial.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { dumpTables, metricFigures, seedEveryKind } from './fixture.ts';

describe.each(dialects)('hadaf copy from SQLite into %s', (dialect) => {
  const stores: TestStore[] = [];
  const fresh = async (d: typeof dialect, options = { migrate: false }) => {
    const store = await freshStore(d, options);
    stores.push(store);
    return store;
  };
  const seededSource = async () => {
    const source = await fresh('sqlite', { migrate: true });
    await seedEveryKind(source.db);
    return source;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.drop();
  });

  it('copies every table with its ids, and a copy back to SQLite is identical in every table and metric', async () => {
    const source = await seededSource();
    const target = await fresh(dialect);
    const progress: CopyProgress[] = [];
    const rebuilds: number[] = [];
    const result = await copyDatabase({
      from: source.location,
      to: target.location,
      // one row per batch: a parent team or goal with a larger id arrives after its child
      batchSize: 1,
      onProgress: (p) => progress.push(p),
      onRebuild: () => rebuilds.push(progress.length),
    });
    // once, after the last row
    expect(rebuilds).toEqual([progress.length]);

    const order = result.tables.map((t) => t.name);
    expect([...order].sort()).toEqual(await listTables(target.db, dialect));
    for (const [parent, child] of [
      ['org', 'team'],
      ['team', 'app_user'],
      ['deal', 'activity'],
      ['goal', 'goal_checkin'],
      ['org', 'rollup_deal_day'],
    ]) {
      expect(order.indexOf(parent as string)).toBeLessThan(order.indexOf(child as string));
    }
    expect(result.tables.find((t) => t.name === 'deal')?.rows).toBe(3);
    expect(progress.filter((p) => p.table === 'deal').map((p) => `${p.copied}/${p.total}`)).toEqual([
      '0/3',
      '1/3',
      '2/3',
      '3/3',
    ]);

    const original = await dumpTables(source.db, 'sqlite');
    expect(await dumpTables(target.db, dialect)).toEqual(original);
    const figures = await metricFigures(source);
    expect(figures.revenue).toMatchObject({ value: 5_000_000_000, source: 'rollup' });
    expect(await metricFigures(target)).toEqual(figures);

    const back = await fresh('sqlite');
    await copyDatabase({ from: target.location, to: back.location });
    expect(await dumpTables(back.db, 'sqlite')).toEqual(original);
    expect(await metricFigures(back)).toEqual(figures);
  });

  it('keeps awkward values exactly, there and back: escapes, nulls, empty text, integers past 2^32, doubles', async () => {
    const source = await seededSource();
    await addAwkwardValues(source.db);
    const target = await fresh(dialect);
    await copyDatabase({ from: source.location, to: target.location });
    const original = await dumpTables(source.db, 'sqlite');
    expect(await dumpTables(target.db, dialect)).toEqual(original);
    const { name, amount } = await target.db
      .selectFrom('deal')
      .select(['name', 'amount'])
      .where('amount', '=', 2 ** 53 - 1)
      .executeTakeFirstOrThrow();
    expect([name, amount]).toEqual([awkwardTexts[0], 2 ** 53 - 1]);

    const back = await fresh('sqlite');
    await copyDatabase({ from: target.location, to: back.location });
    expect(await dumpTables(back.db, 'sqlite')).toEqual(original);
  });

  it('continues every id after the largest copied one', async () => {
    const source = await seededSource();
    const target = await fresh(dialect);
    await copyDatabase({ from: source.location, to: target.location });
    // orgs 1 and 3 were copied (2 was deleted before): the next org is 4
    expect((await createOrg(target.db, { name: 'New', slug: 'new' }, 0)).id).toBe(4);
    const { max } = await target.db
      .selectFrom('deal')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirstOrThrow();
    const next = await target.db
      .insertInto('deal')
      .values({ org_id: 4, amount: 1, currency: 'SAR', stage: 'new', status: 'open', created_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(next.id).toBe(Number(max) + 1);
  });

  it('refuses a target that already holds data and leaves it as it was', async () => {
    const source = await seededSource();
    const target = await fresh(dialect, { migrate: true });
    await createOrg(target.db, { name: 'Keep', slug: 'keep' }, 0);
    await expect(copyDatabase({ from: source.location, to: target.location })).rejects.toThrow(
      /already holds data \(tables org\): copy only into an empty database/,
    );
    expect((await target.db.selectFrom('org').select('slug').execute()).map((o) => o.slug)).toEqual(['keep']);
  });

  it('leaves the target empty when the copy fails midway', async () => {
    const source = await seededSource();
    const target = await fresh(dialect);
    const copied: string[] = [];
    const failing = copyDatabase({
      from: source.location,
      to: target.location,
      onProgress: ({ table, copied: n }) => {
        if (n > 0) copied.push(table);
        if (table === 'deal' && n > 0) throw new Error('the disk is full');
      },
    });
    await expect(failing).rejects.toThrow(
      /Copy failed in table deal: the disk is full\. The target .* was left empty/,
    );
    expect(copied).toEqual(expect.arrayContaining(['org', 'team', 'app_user', 'deal']));
    expect(await tablesWithRows(target.db, dialect)).toEqual([]);
  });
});

/** Text that breaks a naive COPY or CSV line, and text that only looks special. */
const awkwardTexts = [
  'tab\there, comma, "double" and \'single\' quotes',
  'back\\slash, \\N and \\t written out, ends in one\\',
  'two\nlines\r\nand a carriage return\r',
  '\\.',
  '\\N',
  '',
  'NULL',
  'شركة الأفق — ü 🚀',
];

/** Rows of deals, check-ins, coaching and audit entries holding the awkward values, next to the seed's. */
async function addAwkwardValues(db: Db) {
  const org = await db.selectFrom('org').select('id').where('slug', '=', 'horizon').executeTakeFirstOrThrow();
  const checkin = await db.selectFrom('goal_checkin').selectAll().executeTakeFirstOrThrow();
  const amounts = [2 ** 53 - 1, 2 ** 31, 2 ** 32 + 1, 0];
  const doubles = [1e-300, 1.7976931348623157e308, 5e-324, -1 / 3, 123456789.12345679, null];
  for (const [i, text] of awkwardTexts.entries()) {
    await db
      .insertInto('deal')
      .values({
        org_id: org.id,
        name: text,
        product: i % 2 === 0 ? null : text,
        amount: amounts[i % amounts.length] as number,
        currency: 'SAR',
        stage: 'new',
        status: 'open',
        // before 1970, and far after
        created_at: i % 2 === 0 ? -86_400_000 : 253_402_300_799_000,
      })
      .execute();
    await db
      .insertInto('goal_checkin')
      .values({ ...checkin, id: undefined, comment: text, value: doubles[i % doubles.length] ?? null })
      .execute();
    await db
      .insertInto('audit_log')
      .values({
        org_id: org.id,
        actor_label: text,
        at: 0,
        entity: 'deal',
        entity_id: i,
        action: 'update',
        before: JSON.stringify({ text }),
        after: null,
      })
      .execute();
  }
  await db
    .insertInto('coaching')
    .values({ org_id: org.id, kind: 'coaching', hours: 1 / 3, occurred_at: 1 })
    .execute();
}

describe.each(dialects.filter((d) => d === 'postgres'))('hadaf copy into %s', (dialect) => {
  const stores: TestStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.drop();
  });

  it('leaves the tables analyzed, and their rows frozen where nothing else refers to them', async () => {
    const source = await freshStore('sqlite');
    const target = await freshStore(dialect, { migrate: false });
    stores.push(source, target);
    await seedEveryKind(source.db);
    await copyDatabase({ from: source.location, to: target.location });
    const { rows } = await sql<{ name: string; pages: number; visible: number; analyzed: boolean }>`
      select c.relname as name, c.relpages as pages, c.relallvisible as visible,
             exists (select 1 from pg_stats s where s.tablename = c.relname) as analyzed
        from pg_class c where c.relname in ('deal', 'activity', 'org') order by 1`.execute(target.db);
    expect(rows).toEqual([
      { name: 'activity', pages: 1, visible: 1, analyzed: true },
      { name: 'deal', pages: 1, visible: 1, analyzed: true },
      // org_data_version refers to org: no TRUNCATE, so no FREEZE
      { name: 'org', pages: 1, visible: 0, analyzed: true },
    ]);
  });

  it('rolls the whole copy back when PostgreSQL rejects a value SQLite accepted', async () => {
    const source = await freshStore('sqlite');
    const target = await freshStore(dialect, { migrate: false });
    stores.push(source, target);
    await seedEveryKind(source.db);
    // SQLite keeps text that does not look like a number even in a bigint column
    await sql`update deal set created_at = 'yesterday' where id = (select max(id) from deal)`.execute(
      source.db,
    );
    await expect(copyDatabase({ from: source.location, to: target.location })).rejects.toThrow(
      /Copy failed in table deal: invalid input syntax for type bigint: "yesterday"/,
    );
    expect(await tablesWithRows(target.db, dialect)).toEqual([]);
  });
});

describe('hadaf copy checks its source', () => {
  const stores: TestStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.drop();
  });

  it('refuses a source that does not exist, without creating either file', async () => {
    const target = await freshStore('sqlite', { migrate: false });
    stores.push(target);
    const missing = target.location.replace(/test\.db$/, 'missing.db');
    await expect(copyDatabase({ from: missing, to: `${missing}.copy` })).rejects.toThrow(/No database at/);
    expect(fileKind(missing)).toBe('none');
    expect(fileKind(`${missing}.copy`)).toBe('none');
  });

  it('refuses to copy a database onto itself', async () => {
    const store = await freshStore('sqlite');
    stores.push(store);
    await expect(copyDatabase({ from: store.location, to: store.location })).rejects.toThrow(
      /--from and --to name the same database/,
    );
  });

  it('refuses a source at an older migration and says how to fix it', async () => {
    const source = await freshStore('sqlite', { migrate: false });
    const target = await freshStore('sqlite', { migrate: false });
    stores.push(source, target);
    const first = new Migrator({
      db: source.db,
      provider: { getMigrations: async () => ({ '0001-initial': initial }) },
    });
    expect((await first.migrateToLatest()).error).toBeUndefined();
    await expect(copyDatabase({ from: source.location, to: target.location })).rejects.toThrow(
      `is at migration 0001-initial but this Hadaf is at ${latestMigration()}: run \`hadaf migrate --db <from>\` first`,
    );
  });

  it('refuses a source that is not a Hadaf database', async () => {
    const source = await freshStore('sqlite', { migrate: false });
    const target = await freshStore('sqlite', { migrate: false });
    stores.push(source, target);
    await sql`create table customers (id integer primary key)`.execute(source.db);
    await expect(copyDatabase({ from: source.location, to: target.location })).rejects.toThrow(
      /is not a Hadaf database: no migration was ever applied/,
    );
  });
});

import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CopyColumn,
  copyIn,
  copyText,
  emptyForFreeze,
  openPgSession,
  type PgSession,
  sqliteCopyChunks,
  sqliteMakesCopyText,
} from '../../src/store/pg-load.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';

/** Text that breaks a naive COPY line, and text that only looks special. */
const awkwardTexts = [
  'tab\there',
  'back\\slash, \\N and \\t written out',
  'ends in a backslash\\',
  'two\nlines\r\nand a carriage return\r',
  '\\.',
  '\\N',
  '',
  'null',
  'comma, "double" and \'single\' quotes',
  'شركة الأفق — ü 🚀',
  '007',
];

describe('COPY text', () => {
  it('escapes backslash, tab, newline and carriage return, writes \\N for null and numbers exactly', () => {
    expect(
      copyText([
        [null, undefined, 'a\tb\\c\nd\re', '\\N', '', 'قيمة, "x" 🚀'],
        [12, -3.5, 0.1 + 0.2, 2n ** 63n - 1n, true, false, 5e-324, 1.7976931348623157e308],
      ]),
    ).toBe(
      '\\N\t\\N\ta\\tb\\\\c\\nd\\re\t\\\\N\t\tقيمة, "x" 🚀\n' +
        '12\t-3.5\t0.30000000000000004\t9223372036854775807\tt\tf\t5e-324\t1.7976931348623157e+308\n',
    );
  });

  it('is made by SQLite the same way, in rowid chunks, its reals giving the very same doubles back', () => {
    const db = new SQLite(':memory:');
    try {
      expect(sqliteMakesCopyText(db)).toBe(true);
      db.exec(`create table awkward (id integer primary key, n bigint, label text, x double precision)`);
      const insert = db.prepare('insert into awkward (id, n, label, x) values (?, ?, ?, ?)');
      const rows: unknown[][] = awkwardTexts.map((text, i) => [
        i * 3 + 1,
        [2 ** 53 - 1, -(2 ** 31), 0, null][i % 4],
        text,
        [0.1 + 0.2, -1 / 3, 1e-300, null, 5e-324][i % 5],
      ]);
      for (const row of rows) insert.run(...row);
      const columns: CopyColumn[] = [
        { name: 'id', type: 'integer' },
        { name: 'n', type: 'bigint' },
        { name: 'label', type: 'text' },
        { name: 'x', type: 'double precision' },
      ];
      const chunks = [...sqliteCopyChunks(db, 'awkward', columns, 4)];
      expect(chunks.map((c) => c.rows)).toEqual([4, 4, 3]);
      // SQLite writes reals with 17 significant digits where JavaScript writes the
      // shortest form ("-0.33333333333333332" for "-0.3333333333333333"): the same doubles
      const lines = (text: string) =>
        text
          .trimEnd()
          .split('\n')
          .map((line) => line.split('\t'))
          .map(([id, n, label, x]) => [id, n, label, x === '\\N' ? x : Number(x)]);
      expect(lines(Buffer.concat(chunks.map((c) => c.bytes)).toString())).toEqual(lines(copyText(rows)));

      // doubles over the whole range, and the integral ones SQLite writes as "3.0"
      db.exec('delete from awkward');
      const doubles = [3, -0.5, 1.7976931348623157e308, 2.2250738585072014e-308];
      for (let i = 0; i < 2000; i++) doubles.push((Math.random() - 0.5) * 10 ** (Math.random() * 600 - 300));
      for (const [i, x] of doubles.entries()) insert.run(i + 1, null, null, x);
      const text = Buffer.concat(
        [...sqliteCopyChunks(db, 'awkward', columns, 500)].map((c) => c.bytes),
      ).toString();
      expect(
        text
          .trimEnd()
          .split('\n')
          .map((line) => Number(line.split('\t')[3])),
      ).toEqual(doubles);
    } finally {
      db.close();
    }
  });

  it('escapes a value SQLite kept in a column of another type, so PostgreSQL rejects it whole', () => {
    const db = new SQLite(':memory:');
    try {
      db.exec(`create table t (id integer primary key, n bigint, label text)`);
      // SQLite keeps text that is not a number in an integer column, and a number in a text one as text
      db.prepare('insert into t values (1, ?, ?)').run('not\ta\nnumber', 42n);
      const columns: CopyColumn[] = [
        { name: 'id', type: 'integer' },
        { name: 'n', type: 'bigint' },
        { name: 'label', type: 'text' },
      ];
      expect([...sqliteCopyChunks(db, 't', columns, 10)].map((c) => c.bytes.toString())).toEqual([
        '1\tnot\\ta\\nnumber\t42\n',
      ]);
    } finally {
      db.close();
    }
  });
});

describe.each(dialects.filter((d) => d === 'postgres'))('COPY into %s', (dialect) => {
  let store: TestStore | undefined;
  let session: PgSession | undefined;
  afterEach(async () => {
    await session?.close();
    await store?.drop();
    session = undefined;
    store = undefined;
  });
  const open = async () => {
    store = await freshStore(dialect);
    const url = new URL(process.env.DATABASE_URL as string);
    url.pathname = new URL(store.location).pathname;
    session = await openPgSession(url.toString());
    return session;
  };

  it('stores awkward values exactly, from chunks of whole lines, and counts the rows', async () => {
    const { client, db } = await open();
    await sql`create table awkward (id integer, n bigint, label text, x double precision, ok boolean, code varchar(40))`.execute(
      db,
    );
    const rows = awkwardTexts.map((text, i) => [
      i + 1,
      [2n ** 63n - 1n, -(2 ** 53) + 1, 0, null][i % 4],
      text,
      [0.1 + 0.2, 5e-324, 1.7976931348623157e308, -1 / 3, null][i % 5],
      [true, false, null][i % 3],
      text.slice(0, 40),
    ]);
    const columns = ['id', 'n', 'label', 'x', 'ok', 'code'];
    const stored = await copyIn(client, 'awkward', columns, [
      copyText(rows.slice(0, 5)),
      copyText(rows.slice(5)),
    ]);
    expect(stored).toBe(rows.length);

    const { rows: back } = await sql<Record<string, unknown>>`
      select id, n::text as n, label, x, ok, code from awkward order by id`.execute(db);
    // the bigint column read as text, to see all 64 bits
    const expected = rows.map(([id, n, ...rest]) => [id, n === null ? null : String(n), ...rest]);
    expect(back.map((r) => columns.map((c) => r[c]))).toEqual(expected);
  });

  it('a chunk source that throws aborts the COPY, stores nothing, and the session goes on', async () => {
    const { client, db } = await open();
    await sql`create table t (id integer primary key)`.execute(db);
    function* chunks() {
      yield '1\n2\n';
      throw new Error('the source went away');
    }
    await expect(db.transaction().execute(() => copyIn(client, 't', ['id'], chunks()))).rejects.toThrow(
      'the source went away',
    );
    const { rows } = await sql<{ n: number }>`select count(*) as n from t`.execute(db);
    expect(rows[0]?.n).toBe(0);
  });

  it('empties a table for COPY FREEZE, refuses one that holds rows, and leaves one that others refer to', async () => {
    const { client, db } = await open();
    await db.transaction().execute(async (trx) => {
      expect(await emptyForFreeze(trx, 'spend')).toBe(true);
      // org_data_version refers to org, so TRUNCATE would refuse
      expect(await emptyForFreeze(trx, 'org')).toBe(false);
      await copyIn(
        client,
        'org',
        ['id', 'name', 'slug', 'currency', 'time_zone', 'created_at'],
        ['7\tAcme\tacme\tSAR\tAsia/Riyadh\t0\n'],
      );
      const stored = await copyIn(
        client,
        'spend',
        ['org_id', 'period_start', 'period_end', 'category', 'amount', 'currency'],
        ['7\t2027-01-01\t2027-01-31\tsales\t100\tSAR\n'],
        { freeze: true },
      );
      expect(stored).toBe(1);
    });
    // frozen rows: their page is all-visible at once, with no vacuum (ANALYZE reads the count)
    await sql`analyze spend, org`.execute(db);
    const { rows: pages } = await sql<{ relname: string; relpages: number; relallvisible: number }>`
      select relname, relpages, relallvisible from pg_class where relname in ('spend', 'org') order by relname`.execute(
      db,
    );
    expect(pages).toEqual([
      { relname: 'org', relpages: 1, relallvisible: 0 },
      { relname: 'spend', relpages: 1, relallvisible: 1 },
    ]);

    await expect(db.transaction().execute((trx) => emptyForFreeze(trx, 'spend'))).rejects.toThrow(
      'table spend holds rows, which a load that freezes would remove',
    );
    const { rows } = await sql<{ n: number }>`select count(*) as n from spend`.execute(db);
    expect(rows[0]?.n).toBe(1);
  });
});

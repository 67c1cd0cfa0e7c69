import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../../src/services/import/run.ts';
import type { Db } from '../../../src/store/db.ts';
import { hasDims, ROLLUP_SOURCES, rollupTable } from '../../../src/store/metric-sources.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { importText, snapshot, world } from './setup.ts';

/**
 * What a large import does differently, and must not show: rows read on the
 * parse worker, foreign keys checked by the import itself on SQLite, no
 * lookups by external id while the org has no deals yet.
 */

/** Deals of every kind a CRM export has: new owners and accounts, quoted names over two lines, bad rows. */
function dealsCsv(rows: number): string {
  const lines = ['external_id,name,owner,account,amount,stage,probability,created_at,closed_at,channel'];
  for (let i = 0; i < rows; i++) {
    const name = i % 50 === 0 ? `"Deal ${i}, ""renewal""\nfor two years"` : `Deal ${i}`;
    const owner = i % 400 === 7 ? `newrep${i}@acme.test` : i % 2 ? 'sara@acme.test' : 'omar@acme.test';
    const amount = i % 333 === 0 ? '-5' : `"${(i * 13).toLocaleString('en')}.25"`;
    const stage = ['Discovery', 'Proposal', 'Closed Won', 'Closed Lost'][i % 4] as string;
    const closed = stage.startsWith('Closed') ? `2024-0${1 + (i % 6)}-2${i % 8}` : '';
    const probability = i % 5 === 0 ? '' : String(i % 101);
    lines.push(
      `D${i},${name},${owner},Account ${i % 37},${amount},${stage},${probability},2024-0${1 + (i % 6)}-0${1 + (i % 9)} 10:30,${closed},${['Web', 'Partner', ''][i % 3]}`,
    );
  }
  // A repeat of an id from the first batch of 2,000, in a later one.
  lines.push('D3,Again,sara@acme.test,Account 1,1.00,Discovery,,2024-01-01,,');
  return `${lines.join('\r\n')}\r\n`;
}

/** Every rollup row of the org, in key order (ids are the same in two fresh databases built alike). */
async function rollups(db: Db, orgId: number) {
  const out: Record<string, unknown[]> = {};
  const tables = ['rollup_deal_stage_day', 'rollup_deal_open_day'];
  for (const source of ROLLUP_SOURCES) {
    for (const keyed of hasDims(source) ? (['owner', 'dim'] as const) : (['owner'] as const)) {
      tables.push(rollupTable(source, keyed, 'day'), rollupTable(source, keyed, 'month'));
    }
  }
  for (const table of tables) {
    const { rows } = await sql`select * from ${sql.table(table)} where org_id = ${orgId}`.execute(db);
    out[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return out;
}

const withoutTimes = ({ ms: _ms, rollupMs: _rollupMs, ...report }: ImportReport) => report;

describe.each(dialects)('large imports on %s', (dialect) => {
  const stores: TestStore[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.drop();
  });

  async function fresh() {
    const store = await freshStore(dialect);
    stores.push(store);
    return { store, w: await world(store) };
  }

  it('imports through the parse worker exactly what it imports on one thread: report, rows, rollups', async () => {
    const text = dealsCsv(4500);
    const results = [];
    for (const worker of [false, true]) {
      const { store, w } = await fresh();
      const report = await importText(w.ctx, 'deals', text, {
        worker,
        skipInvalid: true,
        createMissing: true,
      });
      results.push({
        report: withoutTimes(report),
        rows: await snapshot(store.db, w.org.id),
        rollups: await rollups(store.db, w.org.id),
      });
    }
    const [here, worker] = results;
    expect(here?.report).toMatchObject({ rows: 4501, inserted: 4486, rejectedRows: 15, committed: true });
    expect(here?.report.created).toEqual({ users: 12, teams: 0, accounts: 37 });
    expect(here?.report.rejected.at(-1)).toMatchObject({
      line: 4592,
      reason: '"D3" is the same row as an earlier line: each row needs its own external id',
    });
    expect(worker).toEqual(here);
  });

  it('changes nothing when a large file is imported again', async () => {
    const { store, w } = await fresh();
    const text = dealsCsv(2500);
    const first = await importText(w.ctx, 'deals', text, {
      worker: true,
      skipInvalid: true,
      createMissing: true,
    });
    const before = { rows: await snapshot(store.db, w.org.id), rollups: await rollups(store.db, w.org.id) };
    const again = await importText(w.ctx, 'deals', text, {
      worker: true,
      skipInvalid: true,
      createMissing: true,
    });
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: first.inserted, committed: true });
    expect({ rows: await snapshot(store.db, w.org.id), rollups: await rollups(store.db, w.org.id) }).toEqual(
      before,
    );
  });

  it('refuses to import into an org that does not exist, writing nothing', async () => {
    const { store, w } = await fresh();
    const before = await snapshot(store.db, w.org.id);
    const gone = { ...w.ctx, org: { ...w.org, id: w.org.id + 1000 } };
    await expect(importText(gone, 'deals', dealsCsv(10))).rejects.toMatchObject({ code: 'not_found' });
    expect(await snapshot(store.db, w.org.id)).toEqual(before);
  });
});

describe('large imports on SQLite', () => {
  let store: TestStore | undefined;
  afterEach(async () => {
    await store?.drop();
    store = undefined;
  });

  it('checks foreign keys again after an import, and every reference it wrote is valid', async () => {
    store = await freshStore('sqlite');
    const db = store.db;
    const w = await world(store);
    const enforced = async () =>
      Number((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys);
    const ok = await importText(w.ctx, 'deals', dealsCsv(300), { skipInvalid: true, createMissing: true });
    expect(ok.committed).toBe(true);
    expect(await enforced()).toBe(1);
    expect((await sql`pragma foreign_key_check`.execute(db)).rows).toEqual([]);
    // A refused file rolls back, and the checks are back on as well.
    const refused = await importText(w.ctx, 'deals', dealsCsv(300));
    expect(refused.committed).toBe(false);
    expect(await enforced()).toBe(1);
    await expect(
      sql`insert into deal (org_id, owner_id, amount, currency, stage, status, created_at)
        values (${w.org.id}, 999999, 0, 'USD', 'x', 'open', 0)`.execute(db),
    ).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });
});

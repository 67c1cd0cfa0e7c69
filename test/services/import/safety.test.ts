import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { rejectsPathFor } from '../../../src/services/import/run.ts';
import type { Db } from '../../../src/store/db.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { deals, fixture, importFile, importText, snapshot, world } from './setup.ts';

async function wonAmountInRollups(db: Db, orgId: number): Promise<number> {
  const { rows } = await sql<{
    s: number | null;
  }>`select sum(won_amount) as s from rollup_deal_day where org_id = ${orgId}`.execute(db);
  return Number(rows[0]?.s ?? 0);
}

describe.each(dialects)('import safety on %s', (dialect) => {
  let store: TestStore;
  let dir: string | undefined;
  afterEach(async () => {
    await store?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('changes nothing when the same file is imported twice, and updates only what changed', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    await importFile(w.ctx, 'deals', 'hubspot-deals.csv', { createMissing: true });
    const before = await snapshot(store.db, w.org.id);
    const again = await importFile(w.ctx, 'deals', 'hubspot-deals.csv', { createMissing: true });
    expect(again).toMatchObject({
      rows: 5,
      inserted: 0,
      updated: 0,
      unchanged: 5,
      created: { accounts: 0 },
      committed: true,
    });
    expect(await snapshot(store.db, w.org.id)).toEqual(before);
    // Won: 12,500.00 + 15,000.00 = 27,500.00, in cents.
    expect(await wonAmountInRollups(store.db, w.org.id)).toBe(2_750_000);

    const edited = readFileSync(fixture('hubspot-deals.csv'), 'utf8').replace(
      '"Umbrella, Q2 upsell","Closed Won (Sales Pipeline)","15000"',
      '"Umbrella, Q2 upsell","Closed Won (Sales Pipeline)","16000"',
    );
    const changed = await importText(w.ctx, 'deals', edited);
    expect(changed).toMatchObject({ inserted: 0, updated: 1, unchanged: 4 });
    // Rollups follow the update: 12,500.00 + 16,000.00.
    expect(await wonAmountInRollups(store.db, w.org.id)).toBe(2_850_000);
  });

  it('writes nothing at all when one row is bad, not even the good rows or created accounts', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    await importFile(w.ctx, 'deals', 'quirks-deals.csv');
    const before = await snapshot(store.db, w.org.id);
    const rollupsBefore = await wonAmountInRollups(store.db, w.org.id);
    const text = `${readFileSync(fixture('hubspot-deals.csv'), 'utf8')}"18734599","Bad","Closed Won","-1","Sara Ali","2024-03-01","2024-02-01","Sales Pipeline","New Co"\n`;
    const report = await importText(w.ctx, 'deals', text, { createMissing: true });
    expect(report).toMatchObject({
      committed: false,
      rejectedRows: 1,
      inserted: 5,
      created: { accounts: 4 },
    });
    expect(await snapshot(store.db, w.org.id)).toEqual(before);
    expect(await wonAmountInRollups(store.db, w.org.id)).toBe(rollupsBefore);
  });

  it('commits the valid rows under skip-invalid and writes the bad ones beside the input with the reason', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    dir = mkdtempSync(join(tmpdir(), 'hadaf-rejects-'));
    const rejectsPath = rejectsPathFor(join(dir, 'bad-deals.csv'));
    expect(rejectsPath).toBe(join(dir, 'bad-deals.rejects.csv'));
    const report = await importFile(w.ctx, 'deals', 'bad-deals.csv', { skipInvalid: true, rejectsPath });
    expect(report).toMatchObject({ committed: true, inserted: 2, rejectedRows: 3, rejectsPath });
    expect((await deals(store.db, w.org.id)).map((d) => d.external_id)).toEqual(['B-1', 'B-5']);
    expect(readFileSync(rejectsPath, 'utf8')).toBe(
      [
        'external_id,name,amount,status,created_at,closed_at,reason',
        'B-2,Negative,-500,open,2024-01-02,,"amount: ""-500"" is negative: amounts must be 0 or more"',
        'B-3,Won no close,700,won,2024-01-03,,closed_at: a won deal needs a close date',
        'B-4,Bad date,300,lost,31/02/2024,2024-02-10,"created_at: ""31/02/2024"" is not a date (expected YYYY-MM-DD)"',
        '',
      ].join('\r\n'),
    );
  });

  it('writes nothing on a dry run and reports what a real run would do', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    dir = mkdtempSync(join(tmpdir(), 'hadaf-rejects-'));
    const before = await snapshot(store.db, w.org.id);
    const rejectsPath = join(dir, 'x.rejects.csv');
    const report = await importFile(w.ctx, 'deals', 'hubspot-deals.csv', {
      dryRun: true,
      createMissing: true,
      rejectsPath,
      skipInvalid: true,
    });
    expect(report).toMatchObject({ dryRun: true, committed: false, inserted: 5, created: { accounts: 4 } });
    expect(await snapshot(store.db, w.org.id)).toEqual(before);
    expect(existsSync(rejectsPath)).toBe(false);
    const bad = await importFile(w.ctx, 'deals', 'bad-deals.csv', { dryRun: true });
    expect(bad).toMatchObject({ inserted: 2, rejectedRows: 3, committed: false });
    expect(await snapshot(store.db, w.org.id)).toEqual(before);
  });

  it('refuses a row repeating an external id, within a batch and across batches', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    // 2,500 rows span two batches of 2,000; D-1 comes back on the last line.
    const lines = ['external_id,amount,created_at'];
    for (let i = 1; i <= 2500; i++) lines.push(`D-${i},1,2024-01-01`);
    lines.push('D-2500,2,2024-01-01', 'D-1,3,2024-01-01');
    const report = await importText(w.ctx, 'deals', `${lines.join('\n')}\n`, { skipInvalid: true });
    expect(report).toMatchObject({ rows: 2502, inserted: 2500, rejectedRows: 2 });
    expect(report.rejected).toEqual([
      {
        line: 2502,
        column: 'external_id',
        value: 'D-2500',
        reason: '"D-2500" is the same row as line 2501: each row needs its own external id',
      },
      {
        line: 2503,
        column: 'external_id',
        value: 'D-1',
        reason: '"D-1" is the same row as an earlier line: each row needs its own external id',
      },
    ]);
    const again = await importText(w.ctx, 'deals', `${lines.slice(0, 2501).join('\n')}\n`);
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 2500 });
  });

  it('rolls back everything when the file itself breaks mid-way, and leaves no rejects file', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    dir = mkdtempSync(join(tmpdir(), 'hadaf-rejects-'));
    const rejectsPath = join(dir, 'broken.rejects.csv');
    const before = await snapshot(store.db, w.org.id);
    const text = 'external_id,amount,created_at\nOK-1,1,2024-01-01\nBAD,-1,2024-01-01\nOK-2,"2,2024-01-01\n';
    await expect(importText(w.ctx, 'deals', text, { skipInvalid: true, rejectsPath })).rejects.toThrow(
      /line 4: a quoted value is never closed/,
    );
    expect(await snapshot(store.db, w.org.id)).toEqual(before);
    expect(existsSync(rejectsPath)).toBe(false);
  });
});

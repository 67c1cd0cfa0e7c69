import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { deals, fixture, importFile, importText, riyadh, world } from './setup.ts';

describe.each(dialects)('file quirks on %s', (dialect) => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('reads a BOM, CRLF line ends, quoted commas and quotes, thousands separators, blanks and unpadded hours', async () => {
    const bytes = readFileSync(fixture('quirks-deals.csv'));
    // The fixture must keep its quirks (an editor or git could strip them).
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toContain('\r\n');
    store = await freshStore(dialect);
    const w = await world(store);
    const report = await importFile(w.ctx, 'deals', 'quirks-deals.csv');
    expect(report).toMatchObject({ rows: 3, inserted: 3, rejectedRows: 0, committed: true });
    expect(await deals(store.db, w.org.id)).toEqual([
      expect.objectContaining({
        external_id: 'Q-1',
        name: 'Acme, Inc. renewal',
        amount: 123_456_789, // "1,234,567.89"
        status: 'won',
        owner_id: w.sara, // by e-mail
        team_id: w.north,
        created_at: riyadh(2024, 3, 1, 9, 5), // "9:05"
        closed_at: riyadh(2024, 3, 20),
      }),
      expect.objectContaining({
        external_id: 'Q-2',
        name: null, // blank cell
        amount: 0,
        status: 'open',
        owner_id: null,
        team_id: null,
        created_at: riyadh(2024, 3, 2, 14, 30),
        closed_at: null,
      }),
      expect.objectContaining({
        external_id: 'Q-3',
        name: 'Says "hello"',
        amount: 25_000, // "  250  "
        status: 'won',
        owner_id: w.omar, // by name
        created_at: riyadh(2024, 3, 3, 9, 5, 7),
        closed_at: riyadh(2024, 3, 4, 7),
      }),
    ]);
  });

  it('reads mixed-case booleans and loosely written choices', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const report = await importFile(w.ctx, 'activities', 'quirks-activities.csv');
    expect(report).toMatchObject({ inserted: 4, rejectedRows: 0 });
    const rows = await store.db
      .selectFrom('activity')
      .select(['external_id', 'owner_id', 'team_id', 'type', 'occurred_at', 'qualified'])
      .where('org_id', '=', w.org.id)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        external_id: 'A-1',
        owner_id: w.sara,
        team_id: w.north,
        type: 'call',
        occurred_at: riyadh(2024, 3, 1, 9, 5),
        qualified: 1,
      },
      {
        external_id: 'A-2',
        owner_id: w.sara,
        team_id: w.north,
        type: 'discovery_call',
        occurred_at: riyadh(2024, 3, 1, 10),
        qualified: 1,
      },
      {
        external_id: 'A-3',
        owner_id: w.omar,
        team_id: w.south,
        type: 'demo',
        occurred_at: riyadh(2024, 3, 2, 11, 30),
        qualified: 0,
      },
      {
        external_id: 'A-4',
        owner_id: w.omar,
        team_id: w.south,
        type: 'email',
        occurred_at: riyadh(2024, 3, 2, 8),
        qualified: 0,
      },
    ]);
    const bad = await importText(
      w.ctx,
      'activities',
      'external_id,type,occurred_at,qualified\nA-9,call,2024-03-01,maybe\nA-10,lunch,2024-03-01,no\n',
    );
    expect(bad.rejected.map((p) => p.reason)).toEqual([
      '"maybe" is not true or false (use true/false, yes/no or 1/0)',
      '"lunch" is not one of call, email, meeting, demo, discovery_call',
    ]);
  });

  it('refuses negative amounts, won deals without a close date and impossible dates, with line and column', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const report = await importFile(w.ctx, 'deals', 'bad-deals.csv');
    expect(report.rejected).toEqual([
      { line: 3, column: 'amount', value: '-500', reason: '"-500" is negative: amounts must be 0 or more' },
      { line: 4, column: 'closed_at', value: '', reason: 'a won deal needs a close date' },
      {
        line: 5,
        column: 'created_at',
        value: '31/02/2024',
        reason: '"31/02/2024" is not a date (expected YYYY-MM-DD)',
      },
    ]);
  });

  it('refuses a row with more values than the header has columns', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const report = await importText(
      w.ctx,
      'deals',
      'external_id,amount,created_at\nX-1,1,200.00,2024-01-01\n',
    );
    expect(report.rejected).toEqual([
      {
        line: 2,
        column: '',
        value: '',
        reason: 'has 4 values but the header has 3 columns (an unquoted comma?)',
      },
    ]);
  });
});

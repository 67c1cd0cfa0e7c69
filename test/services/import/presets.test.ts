import { afterEach, describe, expect, it } from 'vitest';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { addAccounts, deals, importFile, riyadh, world } from './setup.ts';

describe.each(dialects)('CRM presets on %s', (dialect) => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('reads a HubSpot deal export: labels and internal stage names, close date by status', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const report = await importFile(w.ctx, 'deals', 'hubspot-deals.csv', { createMissing: true });
    expect(report).toMatchObject({
      preset: 'hubspot',
      ignoredColumns: ['Pipeline'],
      rows: 5,
      inserted: 5,
      rejectedRows: 0,
      created: { users: 0, teams: 0, accounts: 4 },
      committed: true,
    });
    const accounts = await store.db
      .selectFrom('account')
      .select(['id', 'name'])
      .where('org_id', '=', w.org.id)
      .orderBy('id')
      .execute();
    expect(accounts.map((a) => a.name)).toEqual(['Acme Corp', 'Globex', 'Initech', 'Umbrella']);
    const [acme, globex, initech, umbrella] = accounts.map((a) => a.id);
    expect(await deals(store.db, w.org.id)).toEqual([
      {
        external_id: '18734501',
        name: 'Acme Renewal 2024',
        amount: 1_250_000, // 12500 USD in cents
        currency: 'USD',
        stage: 'Closed Won',
        status: 'won',
        owner_id: w.sara,
        // closed 2024-03-28, before Sara moved to South on 2024-04-01
        team_id: w.north,
        account_id: acme,
        probability: null,
        created_at: riyadh(2024, 1, 15, 10, 12),
        closed_at: riyadh(2024, 3, 28),
        expected_close_at: null,
      },
      {
        external_id: '18734502',
        name: 'Globex expansion',
        amount: 800_050,
        currency: 'USD',
        stage: 'closedlost',
        status: 'lost',
        owner_id: w.omar,
        team_id: w.south,
        account_id: globex,
        probability: null,
        created_at: riyadh(2024, 2, 1, 9, 5),
        closed_at: riyadh(2024, 4, 2),
        expected_close_at: null,
      },
      {
        external_id: '18734503',
        name: 'Initech pilot',
        amount: 425_000, // "4,250"
        currency: 'USD',
        stage: 'Contract Sent',
        status: 'open',
        owner_id: w.sara,
        // open: the team at creation (2024-03-10, North)
        team_id: w.north,
        account_id: initech,
        probability: null,
        created_at: riyadh(2024, 3, 10, 16, 45),
        closed_at: null,
        // an open deal's Close Date is its expected close
        expected_close_at: riyadh(2024, 6, 30),
      },
      {
        external_id: '18734504',
        name: 'Umbrella, Q2 upsell',
        amount: 1_500_000,
        currency: 'USD',
        stage: 'Closed Won (Sales Pipeline)',
        status: 'won',
        owner_id: w.omar,
        team_id: w.south,
        account_id: umbrella,
        probability: null,
        created_at: riyadh(2024, 4, 1, 11),
        closed_at: riyadh(2024, 5, 20),
        expected_close_at: null,
      },
      {
        external_id: '18734505',
        name: 'Hooli onboarding',
        amount: 0, // blank amount
        currency: 'USD',
        stage: 'appointmentscheduled',
        status: 'open',
        owner_id: w.sara,
        team_id: w.south, // created 2024-05-05, after the move
        account_id: null,
        probability: null,
        created_at: riyadh(2024, 5, 5, 8, 30),
        closed_at: null,
        expected_close_at: null,
      },
    ]);
  });

  it('reads a Salesforce report export: M/D/YYYY dates, $ amounts, probability, derived ids', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const ids = await addAccounts(store.db, w.org.id, [
      ['Acme Corp', null],
      ['Globex', null],
      ['Initech', null],
      ['Umbrella', null],
    ]);
    const report = await importFile(w.ctx, 'deals', 'salesforce-report.csv');
    expect(report).toMatchObject({ preset: 'salesforce', inserted: 4, rejectedRows: 0, committed: true });
    const rows = await deals(store.db, w.org.id);
    expect(rows.every((r) => r.external_id?.startsWith('~'))).toBe(true);
    expect(rows.map(({ external_id, ...rest }) => rest)).toEqual([
      {
        name: 'Acme - 200 seats',
        amount: 2_400_000, // "$24,000.00"
        currency: 'USD',
        stage: 'Closed Won',
        status: 'won',
        owner_id: w.sara,
        team_id: w.north, // closed 2024-03-31
        account_id: ids['Acme Corp'],
        probability: 100,
        created_at: riyadh(2024, 1, 2),
        closed_at: riyadh(2024, 3, 31),
        expected_close_at: null,
      },
      {
        name: 'Globex - Renewal',
        amount: 950_000,
        currency: 'USD',
        stage: 'Negotiation/Review',
        status: 'open',
        owner_id: w.omar,
        team_id: w.south,
        account_id: ids.Globex,
        probability: 90,
        created_at: riyadh(2024, 4, 20),
        closed_at: null,
        expected_close_at: riyadh(2024, 7, 15),
      },
      {
        name: 'Initech - New Logo',
        amount: 320_000,
        currency: 'USD',
        stage: 'Closed Lost',
        status: 'lost',
        owner_id: w.omar,
        team_id: w.south,
        account_id: ids.Initech,
        probability: 0,
        created_at: riyadh(2024, 1, 5),
        closed_at: riyadh(2024, 2, 29),
        expected_close_at: null,
      },
      {
        name: 'Umbrella, Services',
        amount: 0,
        currency: 'USD',
        stage: 'Prospecting',
        status: 'open',
        owner_id: w.sara,
        team_id: w.south, // open, created 2024-05-01
        account_id: ids.Umbrella,
        probability: 10,
        created_at: riyadh(2024, 5, 1),
        closed_at: null,
        expected_close_at: riyadh(2024, 9, 30),
      },
    ]);
  });

  it('reads a Salesforce Data Loader export: ids for owners and accounts, IsWon/IsClosed over stage', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    // An account named like another's Salesforce id must not be matched: AccountId holds ids only.
    const ids = await addAccounts(store.db, w.org.id, [
      ['Acme', '0015g00000Acme1'],
      ['Globex', '0015g00000Glob1'],
      ['Initech', '0015g00000Init1'],
      ['0015g00000Acme1', null],
    ]);
    const report = await importFile(w.ctx, 'deals', 'salesforce-dataloader.csv');
    expect(report).toMatchObject({ preset: 'salesforce', inserted: 3, rejectedRows: 0 });
    expect(await deals(store.db, w.org.id)).toEqual([
      expect.objectContaining({
        external_id: '0065g00000AbCdE1',
        status: 'won',
        owner_id: w.sara,
        team_id: w.north,
        account_id: ids.Acme,
        amount: 2_400_000,
        // written with an offset (+0000): not the org's zone
        created_at: Date.UTC(2024, 0, 2, 9, 15),
        closed_at: riyadh(2024, 3, 31),
      }),
      expect.objectContaining({
        external_id: '0065g00000AbCdE2',
        status: 'open',
        owner_id: w.omar,
        account_id: ids.Globex,
        created_at: Date.UTC(2024, 3, 20, 13),
        closed_at: null,
        expected_close_at: riyadh(2024, 7, 15),
      }),
      expect.objectContaining({
        external_id: '0065g00000AbCdE3',
        // a custom stage name, but IsClosed=True and IsWon=False
        stage: 'Lost to competitor',
        status: 'lost',
        account_id: ids.Initech,
        created_at: Date.UTC(2024, 0, 5, 7, 30),
        closed_at: riyadh(2024, 2, 29),
      }),
    ]);
  });

  it('reads a Pipedrive deal export: status decides, won and lost times close, currencies per row', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const ids = await addAccounts(store.db, w.org.id, [
      ['Acme Corp', null],
      ['Globex', null],
      ['Initech', null],
    ]);
    const report = await importFile(w.ctx, 'deals', 'pipedrive-deals.csv');
    expect(report).toMatchObject({ preset: 'pipedrive', inserted: 4, rejectedRows: 0, ignoredColumns: [] });
    expect(await deals(store.db, w.org.id)).toEqual([
      {
        external_id: '101',
        name: 'Acme annual plan',
        amount: 1_200_000,
        currency: 'USD',
        stage: 'Negotiations Started',
        status: 'won',
        owner_id: w.sara,
        team_id: w.north, // won 2024-03-01
        account_id: ids['Acme Corp'],
        probability: null,
        created_at: riyadh(2024, 1, 10, 9),
        closed_at: riyadh(2024, 3, 1, 15, 20),
        expected_close_at: riyadh(2024, 3, 15),
      },
      {
        external_id: '102',
        name: 'Globex trial',
        amount: 50_000, // 500 EUR in cents
        currency: 'EUR',
        stage: 'Demo Scheduled',
        status: 'open',
        owner_id: w.omar,
        team_id: w.south,
        account_id: ids.Globex,
        probability: null,
        created_at: riyadh(2024, 2, 11, 10, 30),
        closed_at: null,
        expected_close_at: riyadh(2024, 6, 30),
      },
      {
        external_id: '103',
        name: 'Initech migration',
        amount: 730_050,
        currency: 'USD',
        stage: 'Proposal Made',
        status: 'lost',
        owner_id: w.omar,
        team_id: w.south,
        account_id: ids.Initech,
        probability: null,
        created_at: riyadh(2024, 2, 20, 14),
        closed_at: riyadh(2024, 4, 5, 11),
        expected_close_at: null,
      },
      {
        external_id: '104',
        name: 'Kuwait distributor',
        amount: 1_250_125, // 1,250.125 KWD: three minor digits
        currency: 'KWD',
        stage: 'Qualified',
        status: 'open',
        owner_id: w.sara,
        team_id: w.north, // created 2024-03-01, before the move
        account_id: null,
        probability: null,
        created_at: riyadh(2024, 3, 1, 8),
        closed_at: null,
        expected_close_at: null,
      },
    ]);
  });
});

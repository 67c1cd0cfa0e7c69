import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { addAccounts, deals, fixture, importFile, riyadh, world } from './setup.ts';

const mappingOf = (name: string) => JSON.parse(readFileSync(fixture(name), 'utf8')) as unknown;

describe.each(dialects)('mapping files on %s', (dialect) => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('builds region -> manager team -> rep from a rep, manager, region file, then imports deals by it', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const reps = await importFile(w.ctx, 'users', 'reps.csv', {
      mapping: mappingOf('reps-mapping.json'),
      createMissing: true,
    });
    expect(reps).toMatchObject({
      rows: 4,
      // Huda and Yusuf are new; Sara and Omar exist and move into Layla's team
      inserted: 2,
      updated: 2,
      unchanged: 0,
      rejectedRows: 0,
      created: { users: 2, teams: 4, accounts: 0 },
      committed: true,
    });
    const teams = await store.db
      .selectFrom('team')
      .select(['id', 'name', 'parent_id', 'manager_id', 'path'])
      .where('org_id', '=', w.org.id)
      .orderBy('id')
      .execute();
    const team = (name: string) => teams.find((t) => t.name === name) as (typeof teams)[number];
    const users = await store.db
      .selectFrom('app_user')
      .select(['id', 'name', 'role', 'team_id'])
      .where('org_id', '=', w.org.id)
      .orderBy('id')
      .execute();
    const user = (name: string) => users.find((u) => u.name === name) as (typeof users)[number];
    expect(team('West').parent_id).toBeNull();
    expect(team("Layla Nasser's team")).toMatchObject({
      parent_id: team('West').id,
      manager_id: user('Layla Nasser').id,
      path: `/${team('West').id}/${team("Layla Nasser's team").id}/`,
    });
    expect(team("Faisal Aziz's team")).toMatchObject({
      parent_id: team('East').id,
      manager_id: user('Faisal Aziz').id,
    });
    expect(users.map((u) => [u.name, u.role, teams.find((t) => t.id === u.team_id)?.name])).toEqual([
      ['Sara Ali', 'rep', "Layla Nasser's team"],
      ['Omar Haddad', 'rep', "Layla Nasser's team"],
      ['Layla Nasser', 'manager', "Layla Nasser's team"],
      // a row's manager is created before the row's rep
      ['Faisal Aziz', 'manager', "Faisal Aziz's team"],
      ['Huda Karim', 'rep', "Faisal Aziz's team"],
      ['Yusuf Salem', 'rep', "Faisal Aziz's team"],
    ]);
    // Sara's history: North, South from 2024-04-01, Layla's team from the import (ctx.now).
    const history = await store.db
      .selectFrom('team_membership')
      .select(['team_id', 'from_at', 'to_at'])
      .where('user_id', '=', w.sara)
      .orderBy('from_at')
      .execute();
    expect(history).toEqual([
      { team_id: w.north, from_at: riyadh(2023, 1, 1), to_at: riyadh(2024, 4, 1) },
      { team_id: w.south, from_at: riyadh(2024, 4, 1), to_at: w.ctx.now },
      { team_id: team("Layla Nasser's team").id, from_at: w.ctx.now, to_at: null },
    ]);

    const ids = await addAccounts(store.db, w.org.id, [
      ['Acme Corp', null],
      ['Globex', null],
      ['Initech', null],
    ]);
    const report = await importFile(w.ctx, 'deals', 'deals-eu.csv', {
      mapping: mappingOf('deals-eu-mapping.json'),
    });
    expect(report).toMatchObject({ preset: null, inserted: 3, rejectedRows: 0, committed: true });
    expect(await deals(store.db, w.org.id)).toEqual([
      {
        external_id: 'EU-1',
        name: null,
        amount: 123_450, // "1.234,50" EUR
        currency: 'EUR',
        stage: 'Won',
        status: 'won',
        owner_id: w.sara,
        team_id: w.north, // closed 2024-02-28, Sara was in North
        account_id: ids['Acme Corp'],
        probability: null,
        created_at: riyadh(2024, 1, 3, 9, 5), // "03/01/2024 9:05" is day first
        closed_at: riyadh(2024, 2, 28, 17, 30),
        expected_close_at: null,
      },
      {
        external_id: 'EU-2',
        name: null,
        amount: 98_000,
        currency: 'EUR',
        stage: 'Lost',
        status: 'lost',
        owner_id: w.omar,
        team_id: w.south,
        account_id: ids.Globex,
        probability: null,
        created_at: riyadh(2024, 1, 15, 14),
        closed_at: riyadh(2024, 3, 1),
        expected_close_at: null,
      },
      {
        external_id: 'EU-3',
        name: null,
        amount: 1_200_000, // "12.000,00"
        currency: 'EUR',
        stage: 'In progress',
        status: 'open', // "*" -> open
        owner_id: user('Huda Karim').id,
        // no team history reaches back to 2024-02-20: Huda's current team
        team_id: team("Faisal Aziz's team").id,
        account_id: ids.Initech,
        probability: null,
        created_at: riyadh(2024, 2, 20, 11, 15),
        closed_at: null,
        expected_close_at: null,
      },
    ]);

    const again = await importFile(w.ctx, 'users', 'reps.csv', {
      mapping: mappingOf('reps-mapping.json'),
      createMissing: true,
    });
    expect(again).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 4,
      created: { users: 0, teams: 0, accounts: 0 },
    });
    const dealsAgain = await importFile(w.ctx, 'deals', 'deals-eu.csv', {
      mapping: mappingOf('deals-eu-mapping.json'),
    });
    expect(dealsAgain).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });
  });

  it('refuses rows naming unknown people or teams without --create-missing, saying how to fix it', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const report = await importFile(w.ctx, 'users', 'reps.csv', { mapping: mappingOf('reps-mapping.json') });
    expect(report.committed).toBe(false);
    expect(report.rejectedRows).toBe(4);
    expect(report.rejected.slice(0, 2)).toEqual([
      {
        line: 2,
        column: 'region',
        value: 'West',
        reason: 'no team is named "West" (--create-missing creates it)',
      },
      {
        line: 2,
        column: 'manager',
        value: 'Layla Nasser',
        reason: 'no user has the name "Layla Nasser" (--create-missing creates one)',
      },
    ]);
  });
});

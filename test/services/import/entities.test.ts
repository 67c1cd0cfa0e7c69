import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createUser } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { importText, riyadh, world } from './setup.ts';

describe.each(dialects)('importing each entity on %s', (dialect) => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('teams: parents defined further down come first; existing teams are matched by name and moved', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const file =
      'external_id,name,parent,manager\nT-3,West Reps,West,sara@acme.test\nT-1,West,,\nT-2,East,,omar@acme.test\n';
    expect(await importText(w.ctx, 'teams', file)).toMatchObject({
      inserted: 3,
      rejectedRows: 0,
      committed: true,
    });
    const teams = await store.db
      .selectFrom('team')
      .select(['id', 'external_id', 'name', 'parent_id', 'manager_id', 'path'])
      .where('org_id', '=', w.org.id)
      .orderBy('id')
      .execute();
    const byName = Object.fromEntries(teams.map((t) => [t.name, t]));
    expect(byName['West Reps']).toMatchObject({
      external_id: 'T-3',
      parent_id: byName.West?.id,
      manager_id: w.sara,
      path: `/${byName.West?.id}/${byName['West Reps']?.id}/`,
    });
    expect(byName.East).toMatchObject({ parent_id: null, manager_id: w.omar });
    expect(await importText(w.ctx, 'teams', file)).toMatchObject({ inserted: 0, updated: 0, unchanged: 3 });

    const moved = await importText(w.ctx, 'teams', 'name,parent\nNorth,Region 1\n', { createMissing: true });
    expect(moved).toMatchObject({ updated: 1, created: { teams: 1 } });
    const north = await store.db
      .selectFrom('team')
      .select(['path', 'parent_id'])
      .where('id', '=', w.north)
      .executeTakeFirstOrThrow();
    const region = await store.db
      .selectFrom('team')
      .select(['id'])
      .where('name', '=', 'Region 1')
      .executeTakeFirstOrThrow();
    expect(north).toEqual({ parent_id: region.id, path: `/${region.id}/${w.north}/` });

    const loop = await importText(w.ctx, 'teams', 'name,parent\nA,B\nB,A\n', { createMissing: true });
    expect(loop.committed).toBe(false);
    expect(loop.rejected[0]?.reason).toMatch(/is part of a loop of parents/);
    const inside = await importText(w.ctx, 'teams', 'name,parent\nRegion 1,North\n');
    expect(inside.rejected[0]?.reason).toBe('would put "Region 1" inside its own sub-team "North"');
  });

  it('users: matched by e-mail, moved to their new team from the import, new ones join from their hire date', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const file =
      'external_id,name,email,role,team,segment,hired_at\nU-1,Sara Ali,SARA@acme.test,rep,North,Enterprise,2023-01-01\nU-9,Nora Saleh,nora@acme.test,manager,North,,2024-02-01\n';
    expect(await importText(w.ctx, 'users', file)).toMatchObject({
      inserted: 1,
      updated: 1,
      rejectedRows: 0,
    });
    const users = await store.db
      .selectFrom('app_user')
      .select(['id', 'external_id', 'name', 'email', 'role', 'team_id', 'segment', 'hired_at'])
      .where('org_id', '=', w.org.id)
      .orderBy('id')
      .execute();
    expect(users).toEqual([
      {
        id: w.sara,
        external_id: 'U-1',
        name: 'Sara Ali',
        email: 'sara@acme.test',
        role: 'rep',
        team_id: w.north,
        segment: 'Enterprise',
        hired_at: riyadh(2023, 1, 1),
      },
      expect.objectContaining({ name: 'Omar Haddad' }),
      expect.objectContaining({
        external_id: 'U-9',
        email: 'nora@acme.test',
        role: 'manager',
        team_id: w.north,
        hired_at: riyadh(2024, 2, 1),
      }),
    ]);
    const nora = users[2]?.id as number;
    const memberships = await store.db
      .selectFrom('team_membership')
      .select(['user_id', 'team_id', 'from_at', 'to_at'])
      .where('org_id', '=', w.org.id)
      .where('user_id', 'in', [w.sara, nora])
      .orderBy('user_id')
      .orderBy('from_at')
      .execute();
    expect(memberships).toEqual([
      { user_id: w.sara, team_id: w.north, from_at: riyadh(2023, 1, 1), to_at: riyadh(2024, 4, 1) },
      { user_id: w.sara, team_id: w.south, from_at: riyadh(2024, 4, 1), to_at: w.ctx.now },
      { user_id: w.sara, team_id: w.north, from_at: w.ctx.now, to_at: null },
      { user_id: nora, team_id: w.north, from_at: riyadh(2024, 2, 1), to_at: null },
    ]);
    expect(await importText(w.ctx, 'users', file)).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
  });

  it('accounts adopt a same-named account that has no external id; subscriptions find them by id or name', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const existing = await store.db
      .insertInto('account')
      .values({ org_id: w.org.id, name: 'Acme Corp', created_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const accounts =
      'external_id,name,industry,segment,channel,owner,acquired_at,churned_at\nC-1,Acme Corp,Software,Enterprise,Referral,Sara Ali,2024-01-15,\nC-2,Globex,Retail,SMB,Web,Omar Haddad,2024-02-01,2024-05-01\n';
    expect(await importText(w.ctx, 'accounts', accounts)).toMatchObject({ inserted: 1, updated: 1 });
    const rows = await store.db
      .selectFrom('account')
      .select(['id', 'external_id', 'name', 'owner_id', 'team_id', 'acquired_at', 'churned_at', 'created_at'])
      .where('org_id', '=', w.org.id)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      {
        id: existing.id,
        external_id: 'C-1',
        name: 'Acme Corp',
        owner_id: w.sara,
        team_id: w.north,
        acquired_at: riyadh(2024, 1, 15),
        churned_at: null,
        created_at: 0,
      },
      // a new account without created_at is created when it was acquired
      expect.objectContaining({
        external_id: 'C-2',
        owner_id: w.omar,
        team_id: w.south,
        acquired_at: riyadh(2024, 2, 1),
        churned_at: riyadh(2024, 5, 1),
        created_at: riyadh(2024, 2, 1),
      }),
    ]);
    expect(await importText(w.ctx, 'accounts', accounts)).toMatchObject({ unchanged: 2 });

    const subscriptions =
      'external_id,account,mrr,currency,started_at,ended_at\nS-1,C-1,"1,500.00",USD,2024-01-15,\nS-2,Globex,99,SAR,2024-02-01,2024-05-01\nS-3,Nobody Inc,10,USD,2024-02-01,\n';
    const report = await importText(w.ctx, 'subscriptions', subscriptions, { skipInvalid: true });
    expect(report).toMatchObject({ inserted: 2, rejectedRows: 1 });
    expect(report.rejected[0]?.reason).toBe(
      'no account has the external id or name "Nobody Inc" (--create-missing creates it)',
    );
    const subs = await store.db
      .selectFrom('subscription')
      .select(['external_id', 'account_id', 'mrr', 'currency', 'started_at', 'ended_at'])
      .where('org_id', '=', w.org.id)
      .orderBy('id')
      .execute();
    expect(subs).toEqual([
      {
        external_id: 'S-1',
        account_id: existing.id,
        mrr: 150_000,
        currency: 'USD',
        started_at: riyadh(2024, 1, 15),
        ended_at: null,
      },
      {
        external_id: 'S-2',
        account_id: rows[1]?.id,
        mrr: 9_900,
        currency: 'SAR',
        started_at: riyadh(2024, 2, 1),
        ended_at: riyadh(2024, 5, 1),
      },
    ]);
  });

  it("moving an account to another owner moves its subscriptions' MRR in the rollups too", async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    await importText(
      w.ctx,
      'accounts',
      'external_id,name,owner,acquired_at\nC-1,Acme Corp,Sara Ali,2024-01-15\n',
    );
    await importText(w.ctx, 'subscriptions', 'external_id,account,mrr,started_at\nS-1,C-1,100,2023-06-01\n');
    const mrrByOwner = async () => {
      const { rows } = await sql<{ owner_id: number; mrr: number }>`select owner_id, sum(mrr_started) as mrr
        from rollup_account_day where org_id = ${w.org.id} group by owner_id having sum(mrr_started) > 0`.execute(
        store.db,
      );
      return rows.map((r) => [r.owner_id, Number(r.mrr)]);
    };
    expect(await mrrByOwner()).toEqual([[w.sara, 10_000]]);
    // The new owner's import says nothing of 2023-06-01, the subscription's day.
    await importText(
      w.ctx,
      'accounts',
      'external_id,name,owner,acquired_at\nC-1,Acme Corp,Omar Haddad,2024-01-15\n',
    );
    expect(await mrrByOwner()).toEqual([[w.omar, 10_000]]);
  });

  it('accounts are matched by name in any case and alphabet, the same on both databases', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const cafe = await store.db
      .insertInto('account')
      .values({ org_id: w.org.id, name: 'Émile Café', created_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const riyadhAccount = await store.db
      .insertInto('account')
      .values({ org_id: w.org.id, name: 'شركة الرياض', created_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const deals = 'external_id,account,created_at\nX-1,ÉMILE  café,2024-01-01\nX-2,شركة الرياض,2024-01-01\n';
    expect(await importText(w.ctx, 'deals', deals)).toMatchObject({ inserted: 2, rejectedRows: 0 });
    const rows = await store.db
      .selectFrom('deal')
      .select(['external_id', 'account_id'])
      .where('org_id', '=', w.org.id)
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { external_id: 'X-1', account_id: cafe.id },
      { external_id: 'X-2', account_id: riyadhAccount.id },
    ]);
    // Without external ids, a name repeated later in the file is the same account twice.
    const accounts = 'name,industry\nInitech,Software\nGlobex,Retail\ninitech,Hardware\n';
    const report = await importText(w.ctx, 'accounts', accounts);
    expect(report.rejected).toEqual([
      {
        line: 4,
        column: 'external_id',
        value: '',
        reason: 'is the same row as line 2: each row needs its own external id',
      },
    ]);
  });

  it('leads, spend and coaching, with derived external ids that make re-imports idempotent', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    const leads =
      'name,owner,channel,created_at,mql_at,sql_at,converted_at\nLina,sara@acme.test,Web,2024-03-01 10:00,2024-03-02,2024-03-05,\n';
    const spend =
      'period,channel,category,amount\n2024-03,Google Ads,marketing,"12,000"\n2024-Q2,,sales,5000\n';
    const coaching =
      'coach,rep,kind,hours,occurred_at\nOmar Haddad,Sara Ali,Coaching,1.5,2024-03-10 16:00\nOmar Haddad,Sara Ali,training,2,2024-04-10 9:00\n';
    expect(await importText(w.ctx, 'leads', leads)).toMatchObject({ inserted: 1 });
    expect(await importText(w.ctx, 'spend', spend)).toMatchObject({ inserted: 2 });
    expect(await importText(w.ctx, 'coaching', coaching)).toMatchObject({ inserted: 2 });
    expect(
      await store.db
        .selectFrom('lead')
        .select(['name', 'owner_id', 'team_id', 'channel', 'created_at', 'mql_at', 'sql_at', 'converted_at'])
        .execute(),
    ).toEqual([
      {
        name: 'Lina',
        owner_id: w.sara,
        team_id: w.north,
        channel: 'Web',
        created_at: riyadh(2024, 3, 1, 10),
        mql_at: riyadh(2024, 3, 2),
        sql_at: riyadh(2024, 3, 5),
        converted_at: null,
      },
    ]);
    expect(
      await store.db
        .selectFrom('spend')
        .select(['period_start', 'period_end', 'channel', 'category', 'amount', 'currency'])
        .orderBy('id')
        .execute(),
    ).toEqual([
      {
        period_start: '2024-03-01',
        period_end: '2024-03-31',
        channel: 'Google Ads',
        category: 'marketing',
        amount: 1_200_000,
        currency: 'USD',
      },
      {
        period_start: '2024-04-01',
        period_end: '2024-06-30',
        channel: null,
        category: 'sales',
        amount: 500_000,
        currency: 'USD',
      },
    ]);
    expect(
      await store.db
        .selectFrom('coaching')
        .select(['coach_id', 'rep_id', 'team_id', 'kind', 'hours', 'occurred_at'])
        .orderBy('id')
        .execute(),
    ).toEqual([
      // the rep's team when it happened: North before 2024-04-01, South after
      {
        coach_id: w.omar,
        rep_id: w.sara,
        team_id: w.north,
        kind: 'coaching',
        hours: 1.5,
        occurred_at: riyadh(2024, 3, 10, 16),
      },
      {
        coach_id: w.omar,
        rep_id: w.sara,
        team_id: w.south,
        kind: 'training',
        hours: 2,
        occurred_at: riyadh(2024, 4, 10, 9),
      },
    ]);
    expect(await importText(w.ctx, 'leads', leads)).toMatchObject({ unchanged: 1 });
    expect(await importText(w.ctx, 'spend', spend)).toMatchObject({ unchanged: 2 });
    expect(await importText(w.ctx, 'coaching', coaching)).toMatchObject({ unchanged: 2 });
  });

  it('owners: unknown ones are bad rows unless --create-missing, ambiguous names are always bad rows', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    await createUser(store.db, w.org.id, { name: 'Sam Lee', email: 'sam1@acme.test', role: 'rep' }, 0);
    await createUser(store.db, w.org.id, { name: 'Sam  lee', email: 'sam2@acme.test', role: 'rep' }, 0);
    const file = 'external_id,owner,created_at\nO-1,Dana Noor,2024-01-01\nO-2,Sam Lee,2024-01-01\n';
    const refused = await importText(w.ctx, 'deals', file);
    expect(refused.rejected.map((p) => p.reason)).toEqual([
      'no user has the external id, e-mail or name "Dana Noor" (--create-missing creates one)',
      '2 users match "Sam Lee": reference them by e-mail or external id',
    ]);
    const created = await importText(w.ctx, 'deals', file, { createMissing: true, skipInvalid: true });
    expect(created).toMatchObject({ inserted: 1, rejectedRows: 1, created: { users: 1 } });
    const dana = await store.db
      .selectFrom('app_user')
      .select(['name', 'email', 'role', 'team_id'])
      .where('name', '=', 'Dana Noor')
      .executeTakeFirstOrThrow();
    expect(dana).toEqual({ name: 'Dana Noor', email: 'dana.noor@users.invalid', role: 'rep', team_id: null });
  });

  it('refuses an unknown entity, a preset for another entity and a mapping for another entity', async () => {
    store = await freshStore(dialect);
    const w = await world(store);
    await expect(importText(w.ctx, 'invoices', 'a\n1\n')).rejects.toThrow(
      /"invoices" is not something Hadaf imports/,
    );
    await expect(importText(w.ctx, 'leads', 'a\n1\n', { preset: 'hubspot' })).rejects.toThrow(
      /Presets read CRM deal exports/,
    );
    await expect(importText(w.ctx, 'leads', 'a\n1\n', { mapping: { entity: 'deals' } })).rejects.toThrow(
      /The mapping file is for deals, not leads/,
    );
    await expect(importText(w.ctx, 'deals', '')).rejects.toThrow(/The file is empty/);
  });
});

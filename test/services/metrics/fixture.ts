import type { Org } from '../../../src/core/org.ts';
import { startOfDayMs } from '../../../src/core/periods/index.ts';
import type { Ctx } from '../../../src/services/context.ts';
import { systemActor } from '../../../src/services/context.ts';
import type { Store } from '../../../src/store/db.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { refreshRollups } from '../../../src/store/rollups.ts';
import type { TeamRow, UserRow } from '../../../src/store/schema.ts';
import { createTeam } from '../../../src/store/team-queries.ts';
import { createUser, moveUserToTeam } from '../../../src/store/user-queries.ts';

/**
 * The hand-built org every hand-computed metric test reads (docs of each
 * figure are in metrics.test.ts). Asia/Riyadh has no daylight saving, so
 * every fact at 10:00 local is 07:00 UTC and the arithmetic stays on days.
 *
 * Teams: Sales > North > North-East, Sales > South.
 * Reps: Alice (North), Bob (North-East), Carol (South), Dan (North, moved
 * to South on 2027-02-15), Eve (North, left 2027-02-28), Frank (South,
 * hired 2027-02-01); Mona is the Sales manager and a coach.
 */
export const TZ = 'Asia/Riyadh';

/** An instant at `hour`:00 local time on `day`. */
export const at = (day: string, hour = 10) => startOfDayMs(day, TZ) + hour * 3_600_000;

export interface Fixture {
  org: Org;
  otherOrg: Org;
  teams: { sales: TeamRow; north: TeamRow; northEast: TeamRow; south: TeamRow };
  users: Record<'alice' | 'bob' | 'carol' | 'dan' | 'eve' | 'frank' | 'mona', UserRow>;
  ctx: Ctx;
}

export async function buildFixture(store: Store, options: { refresh?: boolean } = {}): Promise<Fixture> {
  const db = store.db;
  const now = at('2027-04-15');
  const org = await createOrg(
    db,
    { name: 'Acme', slug: 'acme', timeZone: TZ, weekStart: 0, settings: { grossMargin: 0.8 } },
    0,
  );
  const otherOrg = await createOrg(db, { name: 'Globex', slug: 'globex', timeZone: TZ }, 0);
  const sales = await createTeam(db, org.id, { name: 'Sales' }, 0);
  const north = await createTeam(db, org.id, { name: 'North', parentId: sales.id }, 0);
  const northEast = await createTeam(db, org.id, { name: 'North-East', parentId: north.id }, 0);
  const south = await createTeam(db, org.id, { name: 'South', parentId: sales.id }, 0);
  const user = (name: string, role: UserRow['role'], teamId: number, hired: string, left?: string) =>
    createUser(
      db,
      org.id,
      {
        name,
        email: `${name.toLowerCase()}@acme.test`,
        role,
        teamId,
        hiredAt: at(hired),
        leftAt: left ? at(left) : null,
        externalId: `crm-${name.toLowerCase()}`,
      },
      0,
    );
  const users = {
    alice: await user('Alice', 'rep', north.id, '2025-01-01'),
    bob: await user('Bob', 'rep', northEast.id, '2026-01-01'),
    carol: await user('Carol', 'rep', south.id, '2024-05-01'),
    dan: await user('Dan', 'rep', north.id, '2026-06-01'),
    eve: await user('Eve', 'rep', north.id, '2026-03-01', '2027-02-28'),
    frank: await user('Frank', 'rep', south.id, '2027-02-01'),
    mona: await user('Mona', 'manager', sales.id, '2020-01-01'),
  };
  await moveUserToTeam(db, org.id, users.dan.id, south.id, at('2027-02-15'));

  const T = { north: north.id, ne: northEast.id, south: south.id };
  const U = Object.fromEntries(Object.entries(users).map(([k, v]) => [k, v.id])) as Record<
    keyof typeof users,
    number
  >;

  // Deals. team_id is the owner's team at close (at creation while open).
  const deal = (
    externalId: string,
    owner: number | null,
    team: number | null,
    status: 'won' | 'lost' | 'open',
    amount: number,
    created: string,
    closed: string | null,
    more: Partial<{
      units: number;
      product: string;
      channel: string;
      industry: string;
      segment: string;
      expected: string;
      closedHour: number;
      createdHour: number;
    }> = {},
  ) => ({
    org_id: org.id,
    external_id: externalId,
    owner_id: owner,
    team_id: team,
    status,
    stage: status,
    amount,
    currency: 'USD',
    units: more.units ?? 1,
    product: more.product ?? null,
    channel: more.channel ?? null,
    industry: more.industry ?? null,
    segment: more.segment ?? null,
    created_at: at(created, more.createdHour ?? 10),
    closed_at: closed ? at(closed, more.closedHour ?? 10) : null,
    expected_close_at: more.expected ? at(more.expected) : null,
  });
  const web = { channel: 'web' };
  const ref = { channel: 'referral' };
  await db
    .insertInto('deal')
    .values([
      deal('D1', U.alice, T.north, 'won', 10000, '2027-01-05', '2027-01-20', {
        units: 2,
        product: 'pro',
        ...web,
        industry: 'retail',
        segment: 'smb',
      }),
      deal('D2', U.alice, T.north, 'won', 20000, '2026-12-20', '2027-02-10', {
        product: 'basic',
        ...ref,
        industry: 'tech',
        segment: 'enterprise',
      }),
      deal('D3', U.alice, T.north, 'lost', 5000, '2027-01-10', '2027-02-15', {
        product: 'pro',
        ...web,
        industry: 'retail',
        segment: 'smb',
      }),
      deal('D4', U.bob, T.ne, 'won', 30000, '2027-02-01', '2027-03-03', {
        units: 3,
        product: 'pro',
        ...web,
        industry: 'tech',
        segment: 'smb',
      }),
      deal('D5', U.bob, T.ne, 'open', 40000, '2027-03-01', null, {
        product: 'pro',
        ...web,
        expected: '2027-03-25',
      }),
      deal('D6', U.carol, T.south, 'won', 15000, '2027-01-15', '2027-01-25', {
        product: 'basic',
        ...web,
        industry: 'retail',
        segment: 'smb',
      }),
      deal('D7', U.carol, T.south, 'lost', 8000, '2027-02-20', '2027-03-10', { ...web }),
      deal('D8', U.dan, T.north, 'won', 12000, '2027-01-02', '2027-01-30', {
        product: 'pro',
        ...ref,
        industry: 'retail',
        segment: 'smb',
      }),
      deal('D9', U.dan, T.south, 'won', 18000, '2027-02-20', '2027-03-05', {
        units: 2,
        product: 'basic',
        ...web,
        industry: 'tech',
        segment: 'enterprise',
      }),
      deal('D10', U.alice, T.north, 'won', 7000, '2027-03-20', '2027-04-10'),
      // Closed at the very first instant of April: April's, not the first quarter's.
      deal('D11', U.carol, T.south, 'won', 1000, '2027-03-31', '2027-04-01', {
        closedHour: 0,
        createdHour: 12,
      }),
      deal('D12', U.bob, T.ne, 'open', 25000, '2027-03-15', null, { expected: '2027-03-28' }),
      deal('D13', null, null, 'won', 500, '2027-02-01', '2027-02-05'),
    ])
    .execute();

  const lead = (
    externalId: string,
    owner: number,
    team: number,
    created: string,
    more: Partial<{
      mql: string;
      sql: string;
      converted: string;
      channel: string;
      industry: string;
      segment: string;
    }>,
  ) => ({
    org_id: org.id,
    external_id: externalId,
    owner_id: owner,
    team_id: team,
    channel: more.channel ?? null,
    industry: more.industry ?? null,
    segment: more.segment ?? null,
    created_at: at(created),
    mql_at: more.mql ? at(more.mql) : null,
    sql_at: more.sql ? at(more.sql) : null,
    converted_at: more.converted ? at(more.converted) : null,
  });
  await db
    .insertInto('lead')
    .values([
      lead('L1', U.alice, T.north, '2027-01-03', {
        mql: '2027-01-10',
        sql: '2027-01-20',
        converted: '2027-02-02',
        channel: 'web',
        industry: 'retail',
        segment: 'smb',
      }),
      lead('L2', U.alice, T.north, '2027-01-15', {
        mql: '2027-02-01',
        channel: 'referral',
        industry: 'tech',
        segment: 'enterprise',
      }),
      lead('L3', U.bob, T.ne, '2027-02-10', {
        mql: '2027-02-12',
        sql: '2027-02-20',
        converted: '2027-03-22',
        channel: 'web',
        industry: 'tech',
        segment: 'smb',
      }),
      lead('L4', U.carol, T.south, '2026-12-01', {
        mql: '2026-12-05',
        sql: '2027-01-05',
        converted: '2027-01-31',
        channel: 'web',
        industry: 'retail',
        segment: 'smb',
      }),
      lead('L5', U.carol, T.south, '2027-03-30', {}),
      lead('L6', U.dan, T.north, '2027-01-20', { channel: 'web', industry: 'retail', segment: 'smb' }),
    ])
    .execute();

  const account = (
    externalId: string,
    owner: number,
    team: number,
    channel: string,
    industry: string,
    segment: string,
    acquired: string,
    churned?: string,
  ) => ({
    org_id: org.id,
    external_id: externalId,
    name: externalId,
    owner_id: owner,
    team_id: team,
    channel,
    industry,
    segment,
    acquired_at: at(acquired),
    churned_at: churned ? at(churned) : null,
    created_at: at(acquired),
  });
  const accounts = await db
    .insertInto('account')
    .values([
      account('A1', U.alice, T.north, 'web', 'retail', 'smb', '2026-06-15'),
      account('A2', U.bob, T.ne, 'web', 'tech', 'smb', '2026-10-01', '2027-02-20'),
      account('A3', U.carol, T.south, 'referral', 'retail', 'enterprise', '2027-01-10'),
      account('A4', U.alice, T.north, 'web', 'tech', 'smb', '2027-02-05'),
      account('A5', U.dan, T.south, 'web', 'retail', 'smb', '2027-03-15'),
      account('A6', U.carol, T.south, 'web', 'retail', 'smb', '2025-05-01', '2027-01-15'),
    ])
    .returning(['id', 'external_id'])
    .execute();
  const A = Object.fromEntries(accounts.map((a) => [a.external_id, a.id])) as Record<string, number>;
  const sub = (externalId: string, accountId: number, mrr: number, started: string, ended?: string) => ({
    org_id: org.id,
    external_id: externalId,
    account_id: accountId,
    mrr,
    currency: 'USD',
    started_at: at(started),
    ended_at: ended ? at(ended) : null,
  });
  await db
    .insertInto('subscription')
    .values([
      sub('S1', A.A1 as number, 1000, '2026-06-15'),
      sub('S2', A.A2 as number, 2000, '2026-10-01', '2027-02-20'),
      sub('S3', A.A3 as number, 1500, '2027-01-10'),
      sub('S4', A.A4 as number, 500, '2027-02-05'),
      // A downgrade: A1 keeps S1, so this is contraction, not churn.
      sub('S5', A.A1 as number, 300, '2026-09-01', '2027-01-31'),
      sub('S6', A.A5 as number, 800, '2027-03-15'),
      sub('S7', A.A6 as number, 700, '2025-05-01', '2027-01-15'),
    ])
    .execute();

  const activity = (
    externalId: string,
    owner: number,
    team: number,
    type: 'call' | 'email' | 'meeting' | 'demo' | 'discovery_call',
    occurred: string,
    more: Partial<{ booked: string; qualified: boolean; account: number }> = {},
  ) => ({
    org_id: org.id,
    external_id: externalId,
    owner_id: owner,
    team_id: team,
    type,
    occurred_at: at(occurred),
    booked_at: more.booked ? at(more.booked) : null,
    qualified: (more.qualified ? 1 : 0) as 0 | 1,
    account_id: more.account ?? null,
  });
  await db
    .insertInto('activity')
    .values([
      activity('AC1', U.alice, T.north, 'call', '2027-01-05', { qualified: true, account: A.A1 }),
      activity('AC2', U.alice, T.north, 'email', '2027-02-20', { account: A.A1 }),
      activity('AC3', U.alice, T.north, 'meeting', '2027-03-10', { qualified: true, account: A.A1 }),
      activity('AC4', U.alice, T.north, 'call', '2027-03-20', { account: A.A1 }),
      activity('AC5', U.carol, T.south, 'discovery_call', '2027-02-12', { qualified: true, account: A.A3 }),
      // Before A4 was acquired: not a touch of its first window.
      activity('AC6', U.alice, T.north, 'email', '2027-02-04', { account: A.A4 }),
      activity('AC7', U.bob, T.ne, 'demo', '2027-03-05', { booked: '2027-02-25', qualified: true }),
      activity('AC8', U.bob, T.ne, 'demo', '2027-04-02', { booked: '2027-03-30' }),
      activity('AC9', U.dan, T.north, 'call', '2027-01-10'),
      activity('AC10', U.dan, T.south, 'call', '2027-03-01'),
      activity('AC11', U.carol, T.south, 'email', '2026-12-30'),
    ])
    .execute();

  const coaching = (
    externalId: string,
    coach: number | null,
    rep: number,
    team: number,
    kind: 'coaching' | 'training',
    hours: number,
    occurred: string,
  ) => ({
    org_id: org.id,
    external_id: externalId,
    coach_id: coach,
    rep_id: rep,
    team_id: team,
    kind,
    hours,
    occurred_at: at(occurred),
  });
  await db
    .insertInto('coaching')
    .values([
      coaching('C1', U.mona, U.alice, T.north, 'coaching', 1.5, '2027-01-12'),
      coaching('C2', U.mona, U.bob, T.ne, 'coaching', 2.25, '2027-02-12'),
      coaching('C3', U.mona, U.carol, T.south, 'training', 3, '2027-03-02'),
      coaching('C4', U.alice, U.dan, T.north, 'coaching', 0.5, '2027-03-15'),
      coaching('C5', null, U.carol, T.south, 'training', 8, '2027-03-20'),
    ])
    .execute();

  const spend = (
    externalId: string,
    start: string,
    end: string,
    category: 'sales' | 'marketing',
    amount: number,
    channel: string | null,
  ) => ({
    org_id: org.id,
    external_id: externalId,
    period_start: start,
    period_end: end,
    category,
    amount,
    channel,
    currency: 'USD',
  });
  await db
    .insertInto('spend')
    .values([
      spend('SP1', '2027-01-01', '2027-01-31', 'marketing', 31000, 'web'),
      spend('SP2', '2027-02-01', '2027-02-28', 'sales', 28000, null),
      spend('SP3', '2027-03-01', '2027-03-31', 'marketing', 3100, 'referral'),
      // 62 days at 100 a day: 3,100 of it falls in January.
      spend('SP4', '2026-12-01', '2027-01-31', 'marketing', 6200, 'web'),
    ])
    .execute();

  const goal = (scopeType: 'org' | 'team' | 'rep', scopeId: number | null, target: number) => ({
    org_id: org.id,
    title: `Q1 revenue ${scopeType}`,
    metric: 'revenue',
    scope_type: scopeType,
    scope_id: scopeId,
    target,
    target_mode: 'absolute' as const,
    direction: 'increase' as const,
    period_start: '2027-01-01',
    period_end: '2027-03-31',
    kind: 'outcome' as const,
    layer: 'team' as const,
    status: 'active' as const,
    created_at: 0,
    updated_at: 0,
  });
  await db
    .insertInto('goal')
    .values([goal('org', null, 200000), goal('team', north.id, 100000)])
    .execute();

  // Another org's facts must never leak into Acme's figures.
  await db
    .insertInto('deal')
    .values({
      org_id: otherOrg.id,
      owner_id: null,
      team_id: null,
      status: 'won',
      stage: 'won',
      amount: 999999,
      currency: 'USD',
      created_at: at('2027-01-02'),
      closed_at: at('2027-01-03'),
    })
    .execute();

  if (options.refresh !== false) {
    await refreshRollups(db, org.id);
    await refreshRollups(db, otherOrg.id);
  }
  const ctx: Ctx = { db, dialect: store.dialect, org, actor: systemActor('test'), now };
  return { org, otherOrg, teams: { sales, north, northEast, south }, users, ctx };
}

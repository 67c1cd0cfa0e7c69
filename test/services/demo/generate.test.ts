import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HadafError } from '../../../src/core/errors.ts';
import { type DemoResult, generateDemo } from '../../../src/services/demo/generate.ts';
import type { Db } from '../../../src/store/db.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';

/** A Wednesday in Q2: the current fiscal year is 2026, the two full years before it 2024 and 2025. */
const NOW = Date.UTC(2026, 4, 20, 9, 0);
const SEED = 7;
const RIYADH_MS = 3 * 3_600_000;
const local = (instant: number) => new Date(instant + RIYADH_MS);
const yearOf = (instant: number) => local(instant).getUTCFullYear();
const quarterOf = (instant: number) => Math.floor(local(instant).getUTCMonth() / 3) + 1;

async function rows<T>(db: Db, query: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await query.execute(db)).rows;
}

/** sha256 of every row of every table (the migrator's bookkeeping aside), in id order. */
async function contentHash(db: Db): Promise<string> {
  const hash = createHash('sha256');
  const tables = (await db.introspection.getTables())
    .filter((t) => !t.name.startsWith('kysely_'))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const table of tables) {
    const ordered = table.columns.some((c) => c.name === 'id');
    const all = await rows<Record<string, unknown>>(
      db,
      ordered
        ? sql`select * from ${sql.table(table.name)} order by id`
        : sql`select * from ${sql.table(table.name)}`,
    );
    // When the rollups were last refreshed is wall-clock bookkeeping, not content.
    const lines = all.map(({ refreshed_at: _when, ...row }) => JSON.stringify(Object.values(row)));
    if (!ordered) lines.sort();
    hash.update(`${table.name}:${table.columns.map((c) => c.name).join(',')}:${lines.length}\n`);
    for (const line of lines) hash.update(`${line}\n`);
  }
  return hash.digest('hex');
}

/** Row count of every table: enough to see that a refused load wrote nothing. */
async function tableCounts(db: Db): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await db.introspection.getTables()) {
    const [row] = await rows<{ n: number }>(db, sql`select count(*) as n from ${sql.table(table.name)}`);
    counts[table.name] = Number(row?.n);
  }
  return counts;
}

function pearson(xs: number[], ys: number[]): number {
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  let [sxy, sxx, syy] = [0, 0, 0];
  xs.forEach((x, i) => {
    const dy = (ys[i] as number) - my;
    sxy += (x - mx) * dy;
    sxx += (x - mx) ** 2;
    syy += dy ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

const hashes = new Map<string, string>();

describe.each(dialects)('demo org generator on %s', (dialect) => {
  let store: TestStore;
  let demo: DemoResult;
  let db: Db;
  const progress: { table: string; done: number; total: number }[] = [];

  beforeAll(async () => {
    store = await freshStore(dialect);
    db = store.db;
    demo = await generateDemo(store, { seed: SEED, scale: 1, now: NOW, onProgress: (p) => progress.push(p) });
  });
  afterAll(() => store?.drop());

  it('writes every entity table, and reports the rows it wrote', async () => {
    const tables = [
      'team',
      'app_user',
      'team_membership',
      'account',
      'subscription',
      'lead',
      'deal',
      'activity',
      'spend',
      'coaching',
      'goal',
      'goal_target_change',
      'goal_bonus_tier',
    ];
    for (const table of tables) {
      const [count] = await rows<{ n: number }>(
        db,
        sql`select count(*) as n from ${sql.table(table)} where org_id = ${demo.org.id}`,
      );
      expect(Number(count?.n), table).toBeGreaterThan(0);
      expect(demo.rows[table], table).toBe(Number(count?.n));
    }
    expect(demo.totalRows).toBe(Object.values(demo.rows).reduce((a, b) => a + b, 0));
    expect(demo.totalRows).toBeGreaterThan(150_000);
    expect(demo.totalRows).toBeLessThan(400_000);
  });

  it('sets the company up in Riyadh: SAR, fiscal year from January, Sunday to Thursday', () => {
    expect(demo.org).toMatchObject({
      name: 'Nakhla Software',
      slug: 'demo',
      currency: 'SAR',
      timeZone: 'Asia/Riyadh',
      fiscalYearStartMonth: 1,
      weekStart: 0,
      workingDays: [0, 1, 2, 3, 4],
    });
  });

  it('builds three regions with managed sub-teams and a consistent team path', async () => {
    const teams = await db.selectFrom('team').selectAll().where('org_id', '=', demo.org.id).execute();
    const users = await db.selectFrom('app_user').selectAll().where('org_id', '=', demo.org.id).execute();
    const regions = teams.filter((t) => t.parent_id == null);
    expect(regions.map((r) => r.name).sort()).toEqual(['Central Region', 'Eastern Region', 'Western Region']);
    for (const region of regions) {
      const subTeams = teams.filter((t) => t.parent_id === region.id);
      expect(subTeams.length, region.name).toBeGreaterThanOrEqual(1);
      expect(subTeams.length, region.name).toBeLessThanOrEqual(2);
      expect(region.path).toBe(`/${region.id}/`);
      for (const sub of subTeams) expect(sub.path).toBe(`${region.path}${sub.id}/`);
    }
    for (const team of teams) {
      const manager = users.find((u) => u.id === team.manager_id);
      expect(manager?.role, team.name).toBe('manager');
      expect(manager?.team_id, team.name).toBe(team.id);
    }
  });

  it('staffs about 30 reps in enterprise and SMB, one admin, all at demo.hadaf.dev', async () => {
    const users = await db.selectFrom('app_user').selectAll().where('org_id', '=', demo.org.id).execute();
    const reps = users.filter((u) => u.role === 'rep');
    expect(reps.length).toBeGreaterThanOrEqual(28);
    expect(reps.length).toBeLessThanOrEqual(34);
    expect(new Set(reps.map((r) => r.segment))).toEqual(new Set(['enterprise', 'smb']));
    expect(users.filter((u) => u.role === 'admin').map((u) => u.email)).toEqual(['admin@demo.hadaf.dev']);
    expect(users.every((u) => u.email.endsWith('@demo.hadaf.dev'))).toBe(true);
    expect(new Set(users.map((u) => u.email)).size).toBe(users.length);
    // Both Arabic and international names.
    expect(users.some((u) => / Al-|Bin /.test(u.name))).toBe(true);
    expect(users.some((u) => !/ Al-|Bin /.test(u.name))).toBe(true);
  });

  it('keeps memberships in step with users, and one rep moved teams last year', async () => {
    const users = await db.selectFrom('app_user').selectAll().where('org_id', '=', demo.org.id).execute();
    const memberships = await db
      .selectFrom('team_membership')
      .selectAll()
      .where('org_id', '=', demo.org.id)
      .execute();
    for (const user of users.filter((u) => u.team_id != null)) {
      const own = memberships.filter((m) => m.user_id === user.id).sort((a, b) => a.from_at - b.from_at);
      expect(own[0]?.from_at, user.name).toBe(user.hired_at);
      expect(own.at(-1)?.team_id, user.name).toBe(user.team_id);
      expect(own.at(-1)?.to_at, user.name).toBe(user.left_at);
    }
    const movers = users.filter((u) => memberships.filter((m) => m.user_id === u.id).length === 2);
    expect(movers).toHaveLength(1);
    const [before, after] = memberships
      .filter((m) => m.user_id === movers[0]?.id)
      .sort((a, b) => a.from_at - b.from_at);
    expect(before?.to_at).toBe(after?.from_at);
    expect(yearOf(after?.from_at as number)).toBe(2025);
    // Their deals carry the team they were in when each deal closed.
    const deals = await db
      .selectFrom('deal')
      .select(['team_id', 'closed_at'])
      .where('owner_id', '=', movers[0]?.id as number)
      .where('status', '!=', 'open')
      .execute();
    const teamsSeen = new Set(deals.map((d) => d.team_id));
    expect(teamsSeen).toEqual(new Set([before?.team_id, after?.team_id]));
    for (const deal of deals) {
      expect(deal.team_id).toBe(
        (deal.closed_at as number) < (after?.from_at as number) ? before?.team_id : after?.team_id,
      );
    }
  });

  it('attributes every fact to the owner team at the time of the event', async () => {
    const memberships = await db
      .selectFrom('team_membership')
      .selectAll()
      .where('org_id', '=', demo.org.id)
      .execute();
    const teamAt = (userId: number, at: number) =>
      memberships
        .filter((m) => m.user_id === userId && m.from_at <= at)
        .sort((a, b) => b.from_at - a.from_at)[0]?.team_id ??
      memberships.find((m) => m.user_id === userId)?.team_id;
    const deals = await db
      .selectFrom('deal')
      .select(['owner_id', 'team_id', 'created_at', 'closed_at'])
      .where('org_id', '=', demo.org.id)
      .execute();
    const wrongDeals = deals.filter(
      (d) => d.team_id !== teamAt(d.owner_id as number, d.closed_at ?? d.created_at),
    );
    expect(wrongDeals).toEqual([]);
    const activities = await db
      .selectFrom('activity')
      .select(['owner_id', 'team_id', 'occurred_at'])
      .where('org_id', '=', demo.org.id)
      .execute();
    const wrongActivities = activities.filter(
      (a) => a.team_id !== teamAt(a.owner_id as number, a.occurred_at),
    );
    expect(wrongActivities).toEqual([]);
  });

  it('has two leavers with nothing recorded for them after they left', async () => {
    const leavers = await db
      .selectFrom('app_user')
      .select(['id', 'left_at'])
      .where('org_id', '=', demo.org.id)
      .where('left_at', 'is not', null)
      .execute();
    expect(leavers).toHaveLength(2);
    for (const { id, left_at } of leavers) {
      const leftAt = left_at as number;
      expect(leftAt).toBeLessThan(NOW);
      const [late] = await rows<{ deals: number; activities: number; leads: number; coaching: number }>(
        db,
        sql`select
          (select count(*) from deal where owner_id = ${id}
            and (created_at > ${leftAt} or coalesce(closed_at, ${leftAt + 1}) > ${leftAt})) as deals,
          (select count(*) from activity where owner_id = ${id}
            and (occurred_at > ${leftAt} or coalesce(booked_at, 0) > ${leftAt})) as activities,
          (select count(*) from lead where owner_id = ${id} and (created_at > ${leftAt}
            or coalesce(mql_at, 0) > ${leftAt} or coalesce(sql_at, 0) > ${leftAt}
            or coalesce(converted_at, 0) > ${leftAt} or coalesce(disqualified_at, 0) > ${leftAt})) as leads,
          (select count(*) from coaching where rep_id = ${id} and occurred_at > ${leftAt}) as coaching`,
      );
      expect(late).toEqual({ deals: 0, activities: 0, leads: 0, coaching: 0 });
      const [before] = await rows<{ n: number }>(
        db,
        sql`select count(*) as n from deal where owner_id = ${id}`,
      );
      expect(Number(before?.n)).toBeGreaterThan(0);
    }
  });

  it('has new hires ramping up: fewer wins in their first three months than the median tenured rep', async () => {
    const reps = await db
      .selectFrom('app_user')
      .select(['id', 'segment', 'hired_at', 'left_at'])
      .where('org_id', '=', demo.org.id)
      .where('role', '=', 'rep')
      .execute();
    const month = 30.44 * 86_400_000;
    const newHires = reps.filter((r) => (r.hired_at as number) > NOW - 7.5 * month);
    expect(newHires).toHaveLength(3);
    const wins = await rows<{ owner_id: number; closed_at: number }>(
      db,
      sql`select owner_id, closed_at from deal where org_id = ${demo.org.id} and status = 'won'`,
    );
    const yearAgo = NOW - 12 * month;
    for (const hire of newHires) {
      const hiredAt = hire.hired_at as number;
      const firstMonths = Math.min(3 * month, NOW - hiredAt);
      const hireRate =
        wins.filter((w) => w.owner_id === hire.id && w.closed_at < hiredAt + firstMonths).length /
        (firstMonths / month);
      const tenured = reps.filter(
        (r) =>
          r.segment === hire.segment && r.left_at == null && (r.hired_at as number) < yearAgo - 6 * month,
      );
      const rates = tenured
        .map((r) => wins.filter((w) => w.owner_id === r.id && w.closed_at > yearAgo).length / 12)
        .sort((a, b) => a - b);
      // Ramp 25/50/75% plus the weeks before a first pipeline closes: even a top performer stays below.
      expect(hireRate).toBeLessThan(rates[Math.floor(rates.length / 2)] as number);
    }
  });

  it('orders every lead through the funnel and records nothing after now but booked demos', async () => {
    const [bad] = await rows<{ unordered: number; future: number }>(
      db,
      sql`select
        sum(case when mql_at < created_at or sql_at < mql_at or (sql_at is not null and mql_at is null)
          or converted_at < sql_at or disqualified_at < created_at then 1 else 0 end) as unordered,
        sum(case when created_at > ${NOW} or mql_at > ${NOW} or sql_at > ${NOW} or converted_at > ${NOW}
          or disqualified_at > ${NOW} then 1 else 0 end) as future
        from lead where org_id = ${demo.org.id}`,
    );
    expect(bad).toEqual({ unordered: 0, future: 0 });
    const future = await db
      .selectFrom('activity')
      .select(['type', 'booked_at'])
      .where('org_id', '=', demo.org.id)
      .where('occurred_at', '>', NOW)
      .execute();
    expect(future.every((a) => a.type === 'demo' && (a.booked_at as number) <= NOW)).toBe(true);
    const [stages] = await rows<{ mqls: number; sqls: number; converted: number; disqualified: number }>(
      db,
      sql`select count(mql_at) as mqls, count(sql_at) as sqls, count(converted_at) as converted,
        count(disqualified_at) as disqualified from lead where org_id = ${demo.org.id}`,
    );
    expect(Number(stages?.mqls)).toBeGreaterThan(Number(stages?.sqls));
    expect(Number(stages?.sqls)).toBeGreaterThan(Number(stages?.converted));
    expect(Number(stages?.converted)).toBeGreaterThan(0);
    expect(Number(stages?.disqualified)).toBeGreaterThan(0);
  });

  it('closes won and lost deals after they were created, with amounts, and keeps open pipeline', async () => {
    const deals = await db.selectFrom('deal').selectAll().where('org_id', '=', demo.org.id).execute();
    const closed = deals.filter((d) => d.status !== 'open');
    expect(
      closed.every((d) => d.closed_at != null && d.closed_at >= d.created_at && d.closed_at <= NOW),
    ).toBe(true);
    expect(
      deals.filter((d) => d.status === 'won').every((d) => d.amount > 0 && d.stage === 'closed_won'),
    ).toBe(true);
    const open = deals.filter((d) => d.status === 'open');
    expect(open.length).toBeGreaterThan(0);
    expect(
      open.every(
        (d) =>
          d.closed_at == null &&
          (d.expected_close_at as number) > NOW &&
          ['qualification', 'proposal', 'negotiation'].includes(d.stage),
      ),
    ).toBe(true);
    expect(new Set(deals.map((d) => d.product)).size).toBeGreaterThanOrEqual(3);
    expect(deals.every((d) => d.currency === 'SAR' && d.units >= 1)).toBe(true);
    const meanWon = (segment: string) => {
      const won = deals.filter((d) => d.status === 'won' && d.segment === segment);
      return won.reduce((sum, d) => sum + d.amount, 0) / won.length;
    };
    expect(meanWon('enterprise')).toBeGreaterThan(5 * meanWon('smb'));
    const won = closed.filter((d) => d.status === 'won').length;
    expect(won / closed.length).toBeGreaterThan(0.2);
    expect(won / closed.length).toBeLessThan(0.35);
  });

  it("copies each deal's channel, industry and segment from its account", async () => {
    const [mismatch] = await rows<{ n: number }>(
      db,
      sql`select count(*) as n from deal d join account a on a.id = d.account_id
        where d.org_id = ${demo.org.id}
        and (d.channel != a.channel or d.industry != a.industry or d.segment != a.segment)`,
    );
    expect(Number(mismatch?.n)).toBe(0);
    const channels = await rows<{ channel: string }>(
      db,
      sql`select distinct channel from lead where org_id = ${demo.org.id} order by channel`,
    );
    expect(channels.map((c) => c.channel)).toEqual([
      'events',
      'linkedin',
      'outbound',
      'partner',
      'referral',
      'website',
    ]);
  });

  it('books every demo before it takes place, and logs every kind of activity', async () => {
    const types = await rows<{ type: string; n: number; qualified: number; unbooked: number; late: number }>(
      db,
      sql`select type, count(*) as n, sum(qualified) as qualified,
        sum(case when booked_at is null then 1 else 0 end) as unbooked,
        sum(case when booked_at > occurred_at then 1 else 0 end) as late
        from activity where org_id = ${demo.org.id} group by type order by type`,
    );
    expect(types.map((t) => t.type)).toEqual(['call', 'demo', 'discovery_call', 'email', 'meeting']);
    const demos = types.find((t) => t.type === 'demo');
    expect(Number(demos?.unbooked)).toBe(0);
    expect(Number(demos?.late)).toBe(0);
    expect(Number(types.find((t) => t.type === 'discovery_call')?.qualified)).toBeGreaterThan(0);
    expect(Number(types.find((t) => t.type === 'email')?.qualified)).toBe(0);
  });

  it('gives reps who do more activities more wins', async () => {
    const perRep = await rows<{ id: number; activities: number; wins: number }>(
      db,
      sql`select u.id,
        (select count(*) from activity a where a.owner_id = u.id) as activities,
        (select count(*) from deal d where d.owner_id = u.id and d.status = 'won') as wins
        from app_user u where u.org_id = ${demo.org.id} and u.role = 'rep'`,
    );
    const r = pearson(
      perRep.map((p) => Number(p.activities)),
      perRep.map((p) => Number(p.wins)),
    );
    expect(r).toBeGreaterThan(0.5);
    // And skill differs: the best rep wins at least twice as many deals as the weakest tenured one.
    const wins = perRep.map((p) => Number(p.wins)).sort((a, b) => a - b);
    expect(wins.at(-1)).toBeGreaterThan(2 * (wins[3] as number));
  });

  it('shows seasonality (Q4 strongest, Q3 weakest) and year-over-year growth', async () => {
    const won = await rows<{ amount: number; closed_at: number }>(
      db,
      sql`select amount, closed_at from deal where org_id = ${demo.org.id} and status = 'won'`,
    );
    const byQuarter = [0, 0, 0, 0];
    const byYear = new Map<number, number>();
    for (const deal of won) {
      const year = yearOf(deal.closed_at);
      byYear.set(year, (byYear.get(year) ?? 0) + deal.amount);
      const quarter = quarterOf(deal.closed_at) - 1;
      if (year === 2024 || year === 2025) byQuarter[quarter] = (byQuarter[quarter] as number) + deal.amount;
    }
    expect(Math.max(...byQuarter)).toBe(byQuarter[3]);
    expect(Math.min(...byQuarter)).toBe(byQuarter[2]);
    const growth = (byYear.get(2025) as number) / (byYear.get(2024) as number) - 1;
    expect(growth).toBeGreaterThan(0.03);
    expect(growth).toBeLessThan(0.2);
  });

  it('acquires accounts through won deals, churns some, and ends their subscriptions with them', async () => {
    const [wonAccounts] = await rows<{ unacquired: number; late: number }>(
      db,
      sql`select sum(case when a.acquired_at is null then 1 else 0 end) as unacquired,
        sum(case when a.acquired_at > d.closed_at then 1 else 0 end) as late
        from deal d join account a on a.id = d.account_id
        where d.org_id = ${demo.org.id} and d.status = 'won'`,
    );
    expect(wonAccounts).toEqual({ unacquired: 0, late: 0 });
    const [subs] = await rows<{ churned: number; unended: number; mismatched: number; free: number }>(
      db,
      sql`select count(distinct a.id) as churned,
        sum(case when s.ended_at is null then 1 else 0 end) as unended,
        sum(case when s.ended_at != a.churned_at then 1 else 0 end) as mismatched,
        sum(case when s.mrr <= 0 then 1 else 0 end) as free
        from account a join subscription s on s.account_id = a.id
        where a.org_id = ${demo.org.id} and a.churned_at is not null`,
    );
    expect(Number(subs?.churned)).toBeGreaterThan(0);
    expect({
      unended: Number(subs?.unended),
      mismatched: Number(subs?.mismatched),
      free: Number(subs?.free),
    }).toEqual({ unended: 0, mismatched: 0, free: 0 });
    // An installed base: customers on the books when the data starts.
    const [base] = await rows<{ n: number }>(
      db,
      sql`select count(*) as n from account where org_id = ${demo.org.id}
        and acquired_at < ${Date.UTC(2024, 0, 1) - RIYADH_MS}
        and (churned_at is null or churned_at >= ${Date.UTC(2024, 0, 1) - RIYADH_MS})`,
    );
    expect(Number(base?.n)).toBeGreaterThan(1000);
  });

  it('records spend for every month, by channel for marketing and as one sales line', async () => {
    const spend = await db.selectFrom('spend').selectAll().where('org_id', '=', demo.org.id).execute();
    const months = new Set(spend.map((s) => s.period_start));
    // January 2024 to May 2026: 24 + 5 months.
    expect(months.size).toBe(29);
    for (const month of months) {
      const lines = spend.filter((s) => s.period_start === month);
      expect(
        lines.filter((s) => s.category === 'sales' && s.channel == null),
        month,
      ).toHaveLength(1);
      expect(lines.filter((s) => s.category === 'marketing').length, month).toBeGreaterThanOrEqual(4);
      expect(month.endsWith('-01')).toBe(true);
      expect(lines.every((s) => s.period_end.slice(0, 7) === month.slice(0, 7) && s.amount > 0)).toBe(true);
    }
    expect(spend.find((s) => s.period_start === '2026-05-01')?.period_end).toBe('2026-05-20');
    expect(spend.find((s) => s.period_start === '2024-02-01')?.period_end).toBe('2024-02-29');
  });

  it("coaches each rep through their team's manager, and trains them", async () => {
    const sessions = await rows<{ kind: string; coach_id: number; team_id: number; manager_id: number }>(
      db,
      sql`select c.kind, c.coach_id, c.team_id, t.manager_id from coaching c join team t on t.id = c.team_id
        where c.org_id = ${demo.org.id}`,
    );
    const coaching = sessions.filter((s) => s.kind === 'coaching');
    expect(coaching.length).toBeGreaterThan(100);
    expect(coaching.every((s) => s.coach_id === s.manager_id)).toBe(true);
    expect(sessions.some((s) => s.kind === 'training')).toBe(true);
  });

  it('sets goals on all five layers, each with its initial target effective from its start', async () => {
    const goals = await db.selectFrom('goal').selectAll().where('org_id', '=', demo.org.id).execute();
    expect(new Set(goals.map((g) => g.layer))).toEqual(
      new Set(['annual', 'team', 'individual', 'activity', 'stretch']),
    );
    const changes = await db
      .selectFrom('goal_target_change')
      .selectAll()
      .where('org_id', '=', demo.org.id)
      .execute();
    expect(changes).toHaveLength(goals.length);
    for (const goal of goals) {
      const change = changes.find((c) => c.goal_id === goal.id);
      expect(change?.target, goal.title).toBe(goal.target);
      expect(change?.effective_from, goal.title).toBe(goal.period_start);
      expect(goal.created_at, goal.title).toBeLessThanOrEqual(NOW);
      expect(goal.period_start >= '2026-01-01' && goal.period_end <= '2026-12-31', goal.title).toBe(true);
      expect(goal.period_end > goal.period_start, goal.title).toBe(true);
    }
    expect(goals.filter((g) => g.period_end >= '2026-05-20').every((g) => g.status === 'active')).toBe(true);
    const metrics = new Set(goals.map((g) => g.metric));
    for (const metric of ['revenue', 'new_customers', 'win_rate', 'churn_rate', 'calls', 'demos_booked']) {
      expect(metrics.has(metric), metric).toBe(true);
    }
  });

  it('cascades goals so that children sum exactly to their parent', async () => {
    const goals = await db.selectFrom('goal').selectAll().where('org_id', '=', demo.org.id).execute();
    const parents = goals.filter((g) => goals.some((c) => c.parent_id === g.id));
    // org -> 3 regions -> 12 quarters, current quarter -> 5 sub-teams -> reps; calls and demos per team -> reps
    expect(parents.length).toBeGreaterThanOrEqual(1 + 3 + 3 + 5 + 10);
    for (const parent of parents) {
      const children = goals.filter((c) => c.parent_id === parent.id);
      expect(children.every((c) => c.metric === parent.metric)).toBe(true);
      expect(
        children.reduce((sum, c) => sum + c.target, 0),
        parent.title,
      ).toBe(parent.target);
    }
    const individual = goals.filter((g) => g.layer === 'individual');
    expect(individual.length).toBeGreaterThanOrEqual(25);
    expect(individual.every((g) => g.scope_type === 'rep' && g.parent_id != null && g.target > 0)).toBe(true);
  });

  it('derives the annual revenue goal from last year: +12% over 2025 won revenue', async () => {
    const [last] = await rows<{ revenue: number }>(
      db,
      sql`select sum(amount) as revenue from deal where org_id = ${demo.org.id} and status = 'won'
        and closed_at >= ${Date.UTC(2025, 0, 1) - RIYADH_MS} and closed_at < ${Date.UTC(2026, 0, 1) - RIYADH_MS}`,
    );
    const annual = await db
      .selectFrom('goal')
      .selectAll()
      .where('org_id', '=', demo.org.id)
      .where('layer', '=', 'annual')
      .where('metric', '=', 'revenue')
      .where('filters', '=', '{}')
      .executeTakeFirstOrThrow();
    expect(annual.baseline).toBe(Number(last?.revenue));
    // rounded to whole thousands of riyals (100,000 halalas)
    expect(annual.target).toBe(Math.round((Number(last?.revenue) * 1.12) / 100_000) * 100_000);
    expect(annual).toMatchObject({
      period_start: '2026-01-01',
      period_end: '2026-12-31',
      target_mode: 'relative',
      target_change: 0.12,
      scope_type: 'org',
      status: 'active',
    });
  });

  it('puts bonus tiers on individual goals', async () => {
    const tiers = await rows<{ goal_id: number; attainment: number; payout: number; layer: string }>(
      db,
      sql`select t.goal_id, t.attainment, t.payout, g.layer from goal_bonus_tier t join goal g on g.id = t.goal_id
        where t.org_id = ${demo.org.id} order by t.goal_id, t.attainment`,
    );
    const individualIds = new Set(tiers.filter((t) => t.layer === 'individual').map((t) => t.goal_id));
    expect(individualIds.size).toBeGreaterThanOrEqual(25);
    for (const id of individualIds) {
      const own = tiers.filter((t) => t.goal_id === id);
      expect(own.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < own.length; i++)
        expect(own[i]?.payout).toBeGreaterThan(own[i - 1]?.payout as number);
    }
  });

  it('reports progress through the org chart, every rep, spend and goals', () => {
    const facts = progress.filter((p) => p.table === 'facts');
    expect(facts.at(-1)).toEqual({ table: 'facts', done: facts[0]?.total, total: facts[0]?.total });
    expect(progress.map((p) => p.table).filter((t, i, all) => all.indexOf(t) === i)).toEqual([
      'team',
      'facts',
      'spend',
      'goal',
    ]);
  });

  it('leaves PostgreSQL with statistics of the tables it loaded, and SQLite without', async () => {
    if (dialect === 'postgres') {
      const analyzed = await rows<{ relname: string }>(
        db,
        sql`select relname from pg_stat_user_tables
          where relname in ('deal', 'activity', 'lead') and last_analyze is not null order by 1`,
      );
      expect(analyzed.map((r) => r.relname)).toEqual(['activity', 'deal', 'lead']);
    } else {
      // SQLite's plans are written for a database without statistics (the `+org_id` of metric-sql.ts)
      expect(await rows(db, sql`select name from sqlite_master where name = 'sqlite_stat1'`)).toEqual([]);
    }
  });

  it('leaves every index, key and id sequence as the migrations made them', async () => {
    const fresh = await freshStore(dialect);
    try {
      const indexes = async (target: Db) =>
        dialect === 'postgres'
          ? (
              await rows<{ name: string }>(
                target,
                sql`select indexname as name from pg_indexes where schemaname = current_schema() order by 1`,
              )
            ).map((r) => r.name)
          : (
              await rows<{ name: string }>(
                target,
                sql`select name from sqlite_master where type = 'index' order by 1`,
              )
            ).map((r) => r.name);
      expect(await indexes(db)).toEqual(await indexes(fresh.db));
      if (dialect === 'postgres') {
        const keys = async (target: Db) =>
          (
            await rows<{ name: string }>(
              target,
              sql`select conname as name from pg_constraint where contype = 'f' order by 1`,
            )
          ).map((r) => r.name);
        expect(await keys(db)).toEqual(await keys(fresh.db));
      } else {
        expect(await rows(db, sql`pragma foreign_key_check`)).toEqual([]);
      }
    } finally {
      await fresh.drop();
    }
    // An ordinary insert after the load gets the next id.
    const [max] = await rows<{ id: number }>(db, sql`select max(id) as id from deal`);
    const inserted = await db
      .insertInto('deal')
      .values({
        org_id: demo.org.id,
        amount: 1,
        currency: 'SAR',
        stage: 'qualification',
        status: 'open',
        created_at: NOW,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(inserted.id).toBe(Number(max?.id) + 1);
    await db.deleteFrom('deal').where('id', '=', inserted.id).execute();
  });

  it('refuses to load a second org with the same slug, and changes nothing', async () => {
    const before = await tableCounts(db);
    const attempt = generateDemo(store, { seed: SEED, scale: 1, now: NOW });
    await expect(attempt).rejects.toBeInstanceOf(HadafError);
    await expect(attempt).rejects.toMatchObject({ code: 'conflict', field: 'slug' });
    await expect(attempt).rejects.toThrow(/--slug.*--db/);
    expect(await tableCounts(db)).toEqual(before);
  });

  it('rejects a seed or scale that is not a whole number, and changes nothing', async () => {
    const before = await tableCounts(db);
    await expect(generateDemo(store, { seed: 1.5, scale: 1, now: NOW, slug: 'x' })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'seed',
    });
    await expect(generateDemo(store, { seed: 1, scale: 0, now: NOW, slug: 'x' })).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'scale',
    });
    await expect(
      generateDemo(store, { seed: 1, scale: 1, now: NOW, slug: 'Not A Slug' }),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'slug',
    });
    expect(await tableCounts(db)).toEqual(before);
  });

  it('is deterministic: the same seed and now give identical tables, another seed different ones', async () => {
    const hash = await contentHash(db);
    hashes.set(dialect, hash);
    const again = await freshStore(dialect);
    const other = await freshStore(dialect);
    try {
      await generateDemo(again, { seed: SEED, scale: 1, now: NOW });
      await generateDemo(other, { seed: SEED + 1, scale: 1, now: NOW });
      expect(await contentHash(again.db)).toBe(hash);
      expect(await contentHash(other.db)).not.toBe(hash);
    } finally {
      await again.drop();
      await other.drop();
    }
  }, 240_000);

  it('handles a "now" in the first days of a fiscal year', async () => {
    const early = await freshStore(dialect);
    try {
      const now = Date.UTC(2027, 0, 3, 6, 0);
      const result = await generateDemo(early, { seed: 3, scale: 1, now });
      const goals = await early.db
        .selectFrom('goal')
        .selectAll()
        .where('org_id', '=', result.org.id)
        .execute();
      expect(
        goals.filter((g) => g.layer === 'individual').every((g) => g.period_start === '2027-01-01'),
      ).toBe(true);
      const [late] = await rows<{ n: number }>(
        early.db,
        sql`select count(*) as n from deal where closed_at > ${now}`,
      );
      expect(Number(late?.n)).toBe(0);
    } finally {
      await early.drop();
    }
  }, 120_000);
});

if (dialects.length > 1) {
  describe('demo org generator across dialects', () => {
    it('writes the same rows on SQLite and PostgreSQL', () => {
      expect(hashes.size).toBe(dialects.length);
      expect(new Set(hashes.values()).size).toBe(1);
    });
  });
}

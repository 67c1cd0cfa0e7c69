import fc from 'fast-check';
import type { Org } from '../../../src/core/org.ts';
import { addDays, startOfDayMs } from '../../../src/core/periods/index.ts';
import type { Db } from '../../../src/store/db.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { createTeam } from '../../../src/store/team-queries.ts';
import { createUser, moveUserToTeam } from '../../../src/store/user-queries.ts';

/**
 * Random orgs for the rollup == raw property: facts of every kind, spread
 * over two years of an org whose zone has daylight saving (or odd offsets),
 * with instants deliberately placed on local midnights and a millisecond
 * either side, where a day-keyed rollup would go wrong first.
 */

export const ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Asia/Riyadh',
  'UTC',
] as const;

/** Day 0 of the generated data. */
export const BASE_DAY = '2026-01-01';
export const SPAN_DAYS = 730;

/** An instant as the generator describes it: a day, and either a time of day or a midnight edge. */
export interface When {
  day: number;
  /** Milliseconds into the day, or -1 / 0 / 1 for the day's first instant minus 1, exactly, plus 1. */
  ms: number;
  edge: boolean;
}

const when = (maxDay = SPAN_DAYS): fc.Arbitrary<When> =>
  fc.record({
    day: fc.integer({ min: 0, max: maxDay }),
    ms: fc.integer({ min: -1, max: 86_399_999 }),
    edge: fc.boolean(),
  });

export const instantOf = (w: When, tz: string) => {
  const start = startOfDayMs(addDays(BASE_DAY, w.day), tz);
  return w.edge ? start + Math.max(-1, Math.min(1, w.ms)) : start + Math.max(0, w.ms);
};

const pick = <T>(values: readonly T[]) => fc.constantFrom(...values);
const CHANNELS = ['web', 'referral', null] as const;
const SEGMENTS = ['smb', 'enterprise', null] as const;
const INDUSTRIES = ['retail', 'tech', null] as const;
const PRODUCTS = ['pro', 'basic', null] as const;
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

export const dealArb = fc.record({
  owner: fc.integer({ min: 0, max: 5 }),
  team: fc.integer({ min: 0, max: 4 }),
  status: pick(['open', 'won', 'lost'] as const),
  amount: fc.integer({ min: 0, max: 1_000_000 }),
  units: fc.integer({ min: 0, max: 5 }),
  product: pick(PRODUCTS),
  channel: pick(CHANNELS),
  industry: pick(INDUSTRIES),
  segment: pick(SEGMENTS),
  created: when(),
  closed: optional(when()),
  expected: optional(when()),
});
export type RandomDeal = typeof dealArb extends fc.Arbitrary<infer T> ? T : never;

export const orgArb = fc.record({
  zone: pick(ZONES),
  reps: fc.array(
    fc.record({
      team: fc.integer({ min: 0, max: 3 }),
      hired: optional(when(400)),
      left: optional(when()),
      move: optional(fc.record({ to: fc.integer({ min: 0, max: 3 }), at: when() })),
    }),
    { minLength: 5, maxLength: 5 },
  ),
  deals: fc.array(dealArb, { maxLength: 30 }),
  leads: fc.array(
    fc.record({
      owner: fc.integer({ min: 0, max: 5 }),
      team: fc.integer({ min: 0, max: 4 }),
      channel: pick(CHANNELS),
      industry: pick(INDUSTRIES),
      segment: pick(SEGMENTS),
      created: when(),
      mql: optional(when()),
      sql: optional(when()),
      converted: optional(when()),
    }),
    { maxLength: 20 },
  ),
  accounts: fc.array(
    fc.record({
      owner: fc.integer({ min: 0, max: 5 }),
      team: fc.integer({ min: 0, max: 4 }),
      channel: pick(CHANNELS),
      industry: pick(INDUSTRIES),
      segment: pick(SEGMENTS),
      acquired: optional(when()),
      churned: optional(when()),
      subscriptions: fc.array(
        fc.record({ mrr: fc.integer({ min: 0, max: 50_000 }), started: when(), ended: optional(when()) }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 10 },
  ),
  activities: fc.array(
    fc.record({
      owner: fc.integer({ min: 0, max: 5 }),
      team: fc.integer({ min: 0, max: 4 }),
      type: pick(['call', 'email', 'meeting', 'demo', 'discovery_call'] as const),
      occurred: when(),
      booked: optional(when()),
      qualified: fc.boolean(),
      account: optional(fc.integer({ min: 0, max: 9 })),
    }),
    { maxLength: 30 },
  ),
  coaching: fc.array(
    fc.record({
      coach: fc.integer({ min: 0, max: 5 }),
      rep: fc.integer({ min: 0, max: 5 }),
      team: fc.integer({ min: 0, max: 4 }),
      kind: pick(['coaching', 'training'] as const),
      // quarters of an hour, and awkward floats such as 1/3 h
      hours: fc.oneof(
        fc.integer({ min: 0, max: 40 }).map((q) => q / 4),
        fc.integer({ min: 1, max: 9 }).map((n) => n / 3),
      ),
      occurred: when(),
    }),
    { maxLength: 8 },
  ),
  spend: fc.array(
    fc.record({
      start: fc.integer({ min: 0, max: SPAN_DAYS }),
      days: fc.integer({ min: 1, max: 90 }),
      channel: pick(CHANNELS),
      category: pick(['sales', 'marketing'] as const),
      amount: fc.integer({ min: 0, max: 100_000 }),
    }),
    { maxLength: 5 },
  ),
});
export type RandomOrg = typeof orgArb extends fc.Arbitrary<infer T> ? T : never;

export interface Built {
  org: Org;
  teamIds: number[];
  userIds: number[];
  accountIds: number[];
  dealIds: number[];
}

/** Writes a random org; `tag` keeps slugs and e-mails unique when many share a database. */
export async function writeRandomOrg(db: Db, spec: RandomOrg, tag: string): Promise<Built> {
  const tz = spec.zone;
  const t = (w: When) => instantOf(w, tz);
  const org = await createOrg(db, { name: `Random ${tag}`, slug: `random-${tag}`, timeZone: tz }, 0);
  // A > B > C and D: a subtree with depth, and a sibling root.
  const a = await createTeam(db, org.id, { name: 'A' }, 0);
  const b = await createTeam(db, org.id, { name: 'B', parentId: a.id }, 0);
  const c = await createTeam(db, org.id, { name: 'C', parentId: b.id }, 0);
  const d = await createTeam(db, org.id, { name: 'D' }, 0);
  const teamIds = [a.id, b.id, c.id, d.id];
  const team = (i: number) => teamIds[i] ?? null;
  const userIds: number[] = [];
  for (const [i, rep] of spec.reps.entries()) {
    const hired = rep.hired ? t(rep.hired) : null;
    const left = rep.left ? t(rep.left) : null;
    const user = await createUser(
      db,
      org.id,
      {
        name: `Rep ${i}`,
        email: `rep${i}.${tag}@example.test`,
        role: i === 4 ? 'manager' : 'rep',
        teamId: team(rep.team),
        hiredAt: hired,
        leftAt: left,
      },
      0,
    );
    userIds.push(user.id);
    if (rep.move) await moveUserToTeam(db, org.id, user.id, team(rep.move.to) as number, t(rep.move.at));
  }
  const user = (i: number) => userIds[i] ?? null;

  const dealIds: number[] = [];
  if (spec.deals.length > 0) {
    const rows = await db
      .insertInto('deal')
      .values(spec.deals.map((deal) => dealRow(org.id, deal, tz, user, team)))
      .returning('id')
      .execute();
    dealIds.push(...rows.map((r) => r.id));
  }
  if (spec.leads.length > 0) {
    await db
      .insertInto('lead')
      .values(
        spec.leads.map((l) => ({
          org_id: org.id,
          owner_id: user(l.owner),
          team_id: team(l.team),
          channel: l.channel,
          industry: l.industry,
          segment: l.segment,
          created_at: t(l.created),
          mql_at: l.mql ? t(l.mql) : null,
          sql_at: l.sql ? t(l.sql) : null,
          converted_at: l.converted ? t(l.converted) : null,
        })),
      )
      .execute();
  }
  const accountIds: number[] = [];
  for (const [i, acc] of spec.accounts.entries()) {
    const row = await db
      .insertInto('account')
      .values({
        org_id: org.id,
        name: `Account ${i}`,
        owner_id: user(acc.owner),
        team_id: team(acc.team),
        channel: acc.channel,
        industry: acc.industry,
        segment: acc.segment,
        acquired_at: acc.acquired ? t(acc.acquired) : null,
        churned_at: acc.churned ? t(acc.churned) : null,
        created_at: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    accountIds.push(row.id);
    for (const sub of acc.subscriptions) {
      await db
        .insertInto('subscription')
        .values({
          org_id: org.id,
          account_id: row.id,
          mrr: sub.mrr,
          currency: 'USD',
          started_at: t(sub.started),
          ended_at: sub.ended ? t(sub.ended) : null,
        })
        .execute();
    }
  }
  if (spec.activities.length > 0) {
    await db
      .insertInto('activity')
      .values(
        spec.activities.map((act) => ({
          org_id: org.id,
          owner_id: user(act.owner),
          team_id: team(act.team),
          type: act.type,
          occurred_at: t(act.occurred),
          booked_at: act.booked ? t(act.booked) : null,
          qualified: (act.qualified ? 1 : 0) as 0 | 1,
          account_id: act.account === null ? null : (accountIds[act.account] ?? null),
        })),
      )
      .execute();
  }
  if (spec.coaching.length > 0) {
    await db
      .insertInto('coaching')
      .values(
        spec.coaching.map((c) => ({
          org_id: org.id,
          coach_id: user(c.coach),
          rep_id: user(c.rep),
          team_id: team(c.team),
          kind: c.kind,
          hours: c.hours,
          occurred_at: t(c.occurred),
        })),
      )
      .execute();
  }
  if (spec.spend.length > 0) {
    await db
      .insertInto('spend')
      .values(
        spec.spend.map((s) => ({
          org_id: org.id,
          period_start: addDays(BASE_DAY, s.start),
          period_end: addDays(BASE_DAY, s.start + s.days - 1),
          channel: s.channel,
          category: s.category,
          amount: s.amount,
          currency: 'USD',
        })),
      )
      .execute();
  }
  return { org, teamIds, userIds, accountIds, dealIds };
}

export function dealRow(
  orgId: number,
  deal: RandomDeal,
  tz: string,
  user: (i: number) => number | null,
  team: (i: number) => number | null,
) {
  return {
    org_id: orgId,
    owner_id: user(deal.owner),
    team_id: team(deal.team),
    status: deal.status,
    stage: deal.status,
    amount: deal.amount,
    currency: 'USD',
    units: deal.units,
    product: deal.product,
    channel: deal.channel,
    industry: deal.industry,
    segment: deal.segment,
    created_at: instantOf(deal.created, tz),
    closed_at: deal.closed ? instantOf(deal.closed, tz) : null,
    expected_close_at: deal.expected ? instantOf(deal.expected, tz) : null,
  };
}

import type { BulkTable, BulkWriter, TableName } from '../../store/bulk-insert.ts';
import { atWorkingTime, DAY_MS, monthIndex, monthStart } from './local-time.ts';
import {
  type Channel,
  companyName,
  type Industry,
  PRODUCTS,
  type Product,
  personName,
  type Segment,
} from './names.ts';
import { Random, Weights } from './random.ts';
import { clamp, type PlannedTeam, type PlannedUser, type RepTraits, type Roster, teamAt } from './roster.ts';
import type { DemoStats } from './stats.ts';

/**
 * One rep's facts: leads, accounts, deals, subscriptions, activities and the
 * coaching they received, generated from the rep's own random stream.
 *
 * Deals are drawn by the month they close (seasonal, growing year over year,
 * scaled by the rep's hustle and ramp-up), then their history is laid out
 * backwards: deal created a sales cycle earlier, the lead's SQL, MQL and
 * creation before that. Whatever would happen after `now` does not exist yet
 * (open deals, leads still in the funnel); a leaver's chains that would run
 * past their last day are never started.
 */

export const FACT_TABLES: readonly BulkTable[] = [
  {
    name: 'account',
    columns: [
      'id',
      'org_id',
      'name',
      'industry',
      'segment',
      'channel',
      'owner_id',
      'team_id',
      'acquired_at',
      'churned_at',
      'created_at',
    ],
  },
  {
    name: 'lead',
    columns: [
      'id',
      'org_id',
      'name',
      'owner_id',
      'team_id',
      'account_id',
      'channel',
      'industry',
      'segment',
      'created_at',
      'mql_at',
      'sql_at',
      'converted_at',
      'disqualified_at',
    ],
  },
  {
    name: 'deal',
    columns: [
      'id',
      'org_id',
      'name',
      'account_id',
      'owner_id',
      'team_id',
      'amount',
      'currency',
      'units',
      'product',
      'stage',
      'status',
      'probability',
      'channel',
      'industry',
      'segment',
      'created_at',
      'closed_at',
      'expected_close_at',
    ],
  },
  {
    name: 'subscription',
    columns: ['id', 'org_id', 'account_id', 'mrr', 'currency', 'started_at', 'ended_at'],
  },
  {
    name: 'activity',
    columns: [
      'id',
      'org_id',
      'owner_id',
      'team_id',
      'type',
      'occurred_at',
      'booked_at',
      'qualified',
      'deal_id',
      'lead_id',
      'account_id',
    ],
  },
  {
    name: 'coaching',
    columns: ['id', 'org_id', 'coach_id', 'rep_id', 'team_id', 'kind', 'hours', 'occurred_at'],
  },
];

/** Weight of each calendar month: a Q4 budget rush, a slow summer. */
export const SEASONALITY = [0.9, 0.95, 1.05, 0.95, 1.0, 0.85, 0.65, 0.7, 0.95, 1.1, 1.2, 1.4];
/** Deals closing per month for a rep with hustle 1, fully ramped, in the first month of data. */
const DEALS_PER_MONTH: Record<Segment, number> = { enterprise: 8, smb: 33 };
/** Leads that never become a deal, per deal. */
const DEAD_END_LEADS_PER_DEAL = 1.8;
const WIN_RATE: Record<Segment, number> = { enterprise: 0.21, smb: 0.27 };
const CHANNEL_WIN: Record<Channel, number> = {
  website: 1,
  referral: 1.35,
  linkedin: 0.9,
  events: 0.95,
  outbound: 0.75,
  partner: 1.15,
};
const CHANNEL_MIX: Record<Segment, Weights<Channel>> = {
  enterprise: new Weights({ website: 10, referral: 20, linkedin: 15, events: 20, outbound: 20, partner: 15 }),
  smb: new Weights({ website: 35, referral: 15, linkedin: 15, events: 8, outbound: 17, partner: 10 }),
};
const INDUSTRY_MIX = new Weights<Industry>({
  retail: 22,
  hospitality: 14,
  healthcare: 14,
  manufacturing: 12,
  logistics: 12,
  construction: 10,
  education: 8,
  financial_services: 8,
});
/** Median sales cycle of a won deal, in days. */
const CYCLE_DAYS: Record<Segment, number> = { enterprise: 80, smb: 21 };
const MONTHLY_CHURN: Record<Segment, number> = { enterprise: 0.005, smb: 0.013 };
/** Share of new customers who buy a second product later. */
const EXPANSION_CHANCE = 0.3;
/** How far back the installed base of customers won before the data goes. */
const EARLIER_CUSTOMER_MONTHS = 36;
/** Deals are drawn until this many months after `now`, so long enterprise cycles leave open pipeline. */
export const HORIZON_MONTHS = 9;
const MONTH_MS = 30.44 * DAY_MS;
/** A demo may be booked today for up to three weeks ahead. */
const SCHEDULE_AHEAD_MS = 21 * DAY_MS;

const TOUCH_TYPES = new Weights({ call: 5, email: 3, meeting: 2 });
/** Which product a customer buys: ERP leads in enterprise, POS in SMB; shops and restaurants want POS, clinics and schools HR. */
const PRODUCT_MIX = Object.fromEntries(
  (['enterprise', 'smb'] as const).map((segment) => [
    segment,
    Object.fromEntries(
      INDUSTRY_MIX.keys.map((industry) => {
        const weights =
          segment === 'enterprise'
            ? { 'Nakhla ERP': 45, 'Nakhla POS': 15, 'Nakhla HR': 25, 'Nakhla Analytics': 15 }
            : { 'Nakhla ERP': 25, 'Nakhla POS': 40, 'Nakhla HR': 25, 'Nakhla Analytics': 10 };
        if (industry === 'retail' || industry === 'hospitality') weights['Nakhla POS'] *= 2.5;
        if (industry === 'healthcare' || industry === 'education') weights['Nakhla HR'] *= 1.8;
        return [industry, new Weights(weights)];
      }),
    ),
  ]),
) as Record<Segment, Record<Industry, Weights<string>>>;
const productFor = (name: string) => PRODUCTS.find((p) => p.name === name) as Product;

const STAGE_PROBABILITY = { qualification: 20, proposal: 50, negotiation: 75 } as const;

export interface FactContext {
  orgId: number;
  currency: string;
  seed: number;
  now: number;
  firstYear: number;
  /** Year-over-year growth of deal volume. */
  growth: number;
  roster: Roster;
  stats: DemoStats;
  writer: BulkWriter;
  /** Next id per table; advanced as rows are made. */
  ids: Record<TableName, number>;
}

export function generateRepFacts(ctx: FactContext, rep: PlannedUser): void {
  if (!rep.traits || !rep.segment) throw new Error(`${rep.name} is not a rep`);
  const traits: RepTraits = rep.traits;
  const segment: Segment = rep.segment;
  const { orgId, currency, now, firstYear, stats, writer, ids } = ctx;
  const rng = new Random(ctx.seed, traits.stream);
  /** Nothing this rep does is recorded after this instant. */
  const lastFact = rep.leftAt ?? now;
  const monthOf = (at: number) => monthIndex(at, firstYear);
  const windowStart = monthStart(firstYear, 0);
  /**
   * Wins are drawn by systematic sampling: each deal adds its win chance and
   * wins when the sum passes a whole number. Each rep then wins their expected
   * share (which deals win still varies), so with a few hundred enterprise
   * deals a year, year-over-year growth shows the plan rather than luck.
   */
  let winCarry = rng.next();

  const after = (base: number, days: number) => Math.max(base, atWorkingTime(base + days * DAY_MS, rng));
  const before = (base: number, days: number) => Math.min(base, atWorkingTime(base - days * DAY_MS, rng));
  const within = (from: number, to: number) =>
    Math.max(from, atWorkingTime(from + rng.next() * Math.max(0, to - from), rng));

  function activity(
    type: 'call' | 'email' | 'meeting' | 'demo' | 'discovery_call',
    at: number,
    links: { deal?: number; lead?: number; account?: number },
    qualified: boolean,
    bookedAt: number | null = null,
  ) {
    const scheduled = type === 'demo' && bookedAt != null && bookedAt <= lastFact && rep.leftAt == null;
    if (at > lastFact && !(scheduled && at <= now + SCHEDULE_AHEAD_MS)) return;
    const teamId = teamAt(rep, at) as number;
    writer.add('activity', [
      ids.activity++,
      orgId,
      rep.id,
      teamId,
      type,
      at,
      bookedAt,
      qualified ? 1 : 0,
      links.deal ?? null,
      links.lead ?? null,
      links.account ?? null,
    ]);
    if (type === 'call' && at <= now) stats.addCall(rep.id, teamId, monthOf(at));
    if (type === 'demo' && bookedAt != null) stats.addDemoBooked(rep.id, teamId, monthOf(bookedAt));
  }

  /** Touches of a new customer: monthly for 3 months, then every few weeks, as diligently as this rep works. */
  function customerTouches(accountId: number, acquiredAt: number, churnedAt: number | null) {
    const end = Math.min(acquiredAt + 365 * DAY_MS, churnedAt ?? Number.POSITIVE_INFINITY, lastFact);
    const touch = (at: number) => {
      if (at >= end || at < windowStart) return;
      const type = rng.weighted(TOUCH_TYPES);
      activity(type, at, { account: accountId }, type === 'meeting' && rng.chance(0.3));
    };
    for (let month = 0; month < 3; month++) {
      if (rng.chance(traits.diligence)) {
        touch(within(acquiredAt + month * 30 * DAY_MS, acquiredAt + (month + 1) * 30 * DAY_MS));
      }
    }
    for (let at = acquiredAt + 90 * DAY_MS; at < end; ) {
      at += traits.touchEveryDays * rng.between(0.7, 1.3) * DAY_MS;
      touch(atWorkingTime(at, rng));
    }
  }

  function dealActivities(
    deal: {
      id: number;
      won: boolean;
      createdAt: number;
      closeAt: number;
      accountId: number;
      leadId: number | null;
    },
    sqlAt: number,
  ) {
    const links = { deal: deal.id, account: deal.accountId, lead: deal.leadId ?? undefined };
    const { createdAt, closeAt, won } = deal;
    const h = traits.hustle;
    const enterprise = segment === 'enterprise';
    const expansion = deal.leadId == null;
    if (rng.chance((won ? 0.95 : 0.8) * (expansion ? 0.5 : 1))) {
      activity(
        'discovery_call',
        within(sqlAt, Math.min(createdAt + 2 * DAY_MS, closeAt)),
        links,
        rng.chance(0.9),
      );
    }
    const demos = enterprise
      ? (won || rng.chance(0.55) ? 1 : 0) + (won && rng.chance(0.4) ? 1 : 0)
      : rng.chance(won ? 0.9 : 0.35)
        ? 1
        : 0;
    for (let i = 0; i < demos; i++) {
      const bookedAt = within(createdAt, createdAt + (closeAt - createdAt) * 0.3);
      const occurredAt = Math.min(after(bookedAt, rng.between(1, 9)), Math.max(bookedAt, closeAt));
      activity('demo', occurredAt, links, true, bookedAt);
    }
    const meetings = enterprise ? (won ? rng.int(2, 4) : rng.int(0, 2)) : won && rng.chance(0.3) ? 1 : 0;
    const calls = rng.poisson((enterprise ? (won ? 2.5 : 1.2) : won ? 1 : 0.4) * h);
    const emails = rng.poisson((enterprise ? (won ? 3.5 : 1.5) : won ? 1 : 0.4) * h);
    for (let i = 0; i < meetings; i++)
      activity('meeting', within(createdAt, closeAt), links, rng.chance(0.6));
    for (let i = 0; i < calls; i++) activity('call', within(createdAt, closeAt), links, rng.chance(0.25));
    for (let i = 0; i < emails; i++) activity('email', within(createdAt, closeAt), links, false);
  }

  function price(industry: Industry) {
    const product = productFor(rng.weighted(PRODUCT_MIX[segment][industry]));
    const [low, high] = product.units[segment];
    // Log-normal around the middle of the range: most deals typical, a few large.
    const units = clamp(
      Math.round(rng.logNormal(Math.sqrt(low * high), Math.log(high / low) / 6)),
      low,
      high,
    );
    const amount = Math.round((units * product.unitPrice * (1 - rng.between(0, 0.2))) / 100) * 100;
    return { product, units, amount };
  }

  /** When a customer acquired at `acquiredAt` will leave (possibly after `now`: then not yet). */
  const churnAfter = (acquiredAt: number) =>
    atWorkingTime(acquiredAt + rng.exponential(1 / MONTHLY_CHURN[segment]) * MONTH_MS, rng);

  interface Customer {
    id: number;
    name: string;
    industry: Industry;
    channel: Channel;
    churnedAt: number | null;
  }

  /**
   * A deal that closes (or would close) at `closeAt`, with everything before it.
   * `existing` makes it an expansion of a customer's account rather than a new lead.
   */
  function dealChain(closeTarget: number, existing: Customer | null) {
    const channel = existing?.channel ?? rng.weighted(CHANNEL_MIX[segment]);
    const industry = existing?.industry ?? rng.weighted(INDUSTRY_MIX);
    const winChance = WIN_RATE[segment] * traits.skill ** 0.9 * CHANNEL_WIN[channel];
    winCarry += clamp(existing ? winChance * 1.8 : winChance, 0.04, 0.8);
    const won = winCarry >= 1;
    if (won) winCarry -= 1;
    const median = CYCLE_DAYS[segment];
    const cycle =
      clamp(rng.logNormal(median, 0.45), median / 4, median * 3) * (won ? 1 : rng.between(0.35, 0.9));
    const closeAt = closeTarget;
    const createdAt = before(closeAt, cycle);
    const sqlAt = before(createdAt, rng.between(0, 2));
    const mqlAt = before(sqlAt, rng.between(1, 18));
    const leadAt = existing ? createdAt : before(mqlAt, rng.between(0, 10));
    if (leadAt < rep.hiredAt || leadAt > now || (existing && createdAt < windowStart)) return;
    if (rep.leftAt != null && closeAt > rep.leftAt) return;

    const person = existing ? '' : personName(rng).name;
    const company = existing?.name ?? companyName(industry, rng);
    if (!existing) stats.addLead(channel, monthOf(leadAt));
    if (createdAt > now) {
      // Still a lead: the opportunity has not been opened yet.
      const leadId = ids.lead++;
      writer.add('lead', [
        leadId,
        orgId,
        `${person} (${company})`,
        rep.id,
        teamAt(rep, leadAt),
        null,
        channel,
        industry,
        segment,
        leadAt,
        mqlAt <= now ? mqlAt : null,
        sqlAt <= now ? sqlAt : null,
        null,
        null,
      ]);
      if (rng.chance(0.4))
        activity(rng.chance(0.5) ? 'call' : 'email', within(leadAt, mqlAt), { lead: leadId }, false);
      return;
    }

    const closed = closeAt <= now;
    const { product, units, amount } = price(industry);
    const acquired = closed && won && !existing;
    let churnedAt: number | null = null;
    if (closed && won) {
      const churnAt = churnAfter(closeAt);
      churnedAt = existing ? existing.churnedAt : churnAt <= now ? churnAt : null;
    }

    let accountId: number;
    if (existing) accountId = existing.id;
    else {
      accountId = ids.account++;
      writer.add('account', [
        accountId,
        orgId,
        company,
        industry,
        segment,
        channel,
        rep.id,
        teamAt(rep, sqlAt),
        acquired ? closeAt : null,
        acquired ? churnedAt : null,
        sqlAt,
      ]);
    }
    let leadId: number | null = null;
    if (!existing) {
      leadId = ids.lead++;
      writer.add('lead', [
        leadId,
        orgId,
        `${person} (${company})`,
        rep.id,
        teamAt(rep, leadAt),
        accountId,
        channel,
        industry,
        segment,
        leadAt,
        mqlAt,
        sqlAt,
        acquired ? closeAt : null,
        null,
      ]);
    }

    const stage = closed
      ? won
        ? 'closed_won'
        : 'closed_lost'
      : stageOf((now - createdAt) / Math.max(1, closeAt - createdAt));
    const dealId = ids.deal++;
    const dealTeam = teamAt(rep, closed ? closeAt : createdAt) as number;
    writer.add('deal', [
      dealId,
      orgId,
      `${company} – ${product.name} (${units} ${product.unit})`,
      accountId,
      rep.id,
      dealTeam,
      amount,
      currency,
      units,
      product.name,
      stage,
      closed ? (won ? 'won' : 'lost') : 'open',
      closed ? (won ? 100 : 0) : STAGE_PROBABILITY[stage as keyof typeof STAGE_PROBABILITY],
      channel,
      industry,
      segment,
      createdAt,
      closed ? closeAt : null,
      closed ? null : closeAt,
    ]);
    if (closed && won) stats.addWon(rep.id, dealTeam, monthOf(closeAt), amount, channel);
    if (closed && !won) stats.addLost(monthOf(closeAt));

    if (leadId != null && rng.chance(0.4)) {
      activity(rng.chance(0.5) ? 'call' : 'email', within(leadAt, mqlAt), { lead: leadId }, false);
    }
    dealActivities({ id: dealId, won, createdAt, closeAt, accountId, leadId }, sqlAt);

    if (closed && won) {
      writer.add('subscription', [
        ids.subscription++,
        orgId,
        accountId,
        Math.round(amount / 12),
        currency,
        closeAt,
        churnedAt,
      ]);
    }
    if (acquired) {
      stats.addCustomer(monthOf(closeAt), closeAt, churnedAt, churnedAt == null ? -1 : monthOf(churnedAt));
      customerTouches(accountId, closeAt, churnedAt);
      maybeExpand({ id: accountId, name: company, industry, channel, churnedAt }, closeAt);
    }
  }

  /** Some customers buy a second product some months later. */
  function maybeExpand(customer: Customer, acquiredAt: number) {
    if (!rng.chance(EXPANSION_CHANCE)) return;
    const closeAt = atWorkingTime(acquiredAt + rng.between(120, 420) * DAY_MS, rng);
    if (customer.churnedAt == null || closeAt < customer.churnedAt) dealChain(closeAt, customer);
  }

  /**
   * A customer won before the data starts: its account and subscription (the
   * deal itself predates the data), so that MRR, churn and expansions have an
   * installed base from the first day.
   */
  function earlierCustomer(acquiredAt: number) {
    const churnAt = churnAfter(acquiredAt);
    if (churnAt < windowStart) return;
    const churnedAt = churnAt <= now ? churnAt : null;
    const channel = rng.weighted(CHANNEL_MIX[segment]);
    const industry = rng.weighted(INDUSTRY_MIX);
    const company = companyName(industry, rng);
    const { amount } = price(industry);
    const accountId = ids.account++;
    writer.add('account', [
      accountId,
      orgId,
      company,
      industry,
      segment,
      channel,
      rep.id,
      teamAt(rep, acquiredAt),
      acquiredAt,
      churnedAt,
      before(acquiredAt, CYCLE_DAYS[segment]),
    ]);
    writer.add('subscription', [
      ids.subscription++,
      orgId,
      accountId,
      Math.round(amount / 12),
      currency,
      acquiredAt,
      churnedAt,
    ]);
    stats.addCustomer(-1, acquiredAt, churnedAt, churnedAt == null ? -1 : monthOf(churnedAt));
    customerTouches(accountId, acquiredAt, churnedAt);
    maybeExpand({ id: accountId, name: company, industry, channel, churnedAt }, acquiredAt);
  }

  /** A lead that never becomes an opportunity: it stalls, or is disqualified. */
  function deadEndLead(createdAt: number) {
    if (createdAt < rep.hiredAt || createdAt > lastFact) return;
    const channel = rng.weighted(CHANNEL_MIX[segment]);
    const industry = rng.weighted(INDUSTRY_MIX);
    let mqlAt: number | null = rng.chance(0.4) ? after(createdAt, rng.between(0, 10)) : null;
    let sqlAt: number | null = mqlAt != null && rng.chance(0.12) ? after(mqlAt, rng.between(1, 15)) : null;
    const last = sqlAt ?? mqlAt ?? createdAt;
    let disqualifiedAt: number | null = rng.chance(0.85) ? after(last, rng.between(3, 45)) : null;
    if (mqlAt != null && mqlAt > lastFact) mqlAt = sqlAt = disqualifiedAt = null;
    if (sqlAt != null && sqlAt > lastFact) sqlAt = disqualifiedAt = null;
    if (disqualifiedAt != null && disqualifiedAt > lastFact) disqualifiedAt = null;
    const leadId = ids.lead++;
    writer.add('lead', [
      leadId,
      orgId,
      `${personName(rng).name} (${companyName(industry, rng)})`,
      rep.id,
      teamAt(rep, createdAt),
      null,
      channel,
      industry,
      segment,
      createdAt,
      mqlAt,
      sqlAt,
      null,
      disqualifiedAt,
    ]);
    stats.addLead(channel, monthOf(createdAt));
    if (rng.chance(0.25)) {
      const type = rng.chance(0.5) ? ('call' as const) : ('email' as const);
      activity(type, within(createdAt, (sqlAt ?? mqlAt ?? createdAt) + 3 * DAY_MS), { lead: leadId }, false);
    }
  }

  const lastMonth = monthOf(now) + HORIZON_MONTHS;
  for (let month = -EARLIER_CUSTOMER_MONTHS; month <= lastMonth; month++) {
    const start = monthStart(firstYear, month);
    const end = monthStart(firstYear, month + 1);
    const ramp = rampAt(rep.hiredAt, (start + end) / 2);
    if (ramp === 0) continue;
    const volume =
      DEALS_PER_MONTH[segment] *
      (SEASONALITY[(month + 12 * EARLIER_CUSTOMER_MONTHS) % 12] as number) *
      (1 + ctx.growth) ** (month / 12) *
      traits.hustle *
      ramp;
    if (month < 0) {
      const customers = rng.count(volume * WIN_RATE[segment] * traits.skill ** 0.9);
      for (let i = 0; i < customers; i++)
        earlierCustomer(atWorkingTime(start + rng.next() * (end - start), rng));
      continue;
    }
    const deals = rng.count(volume);
    for (let i = 0; i < deals; i++) dealChain(atWorkingTime(start + rng.next() * (end - start), rng), null);
    if (start <= lastFact) {
      const leads = rng.count(volume * DEAD_END_LEADS_PER_DEAL);
      for (let i = 0; i < leads; i++) deadEndLead(atWorkingTime(start + rng.next() * (end - start), rng));
    }
  }
  coaching(ctx, rep, rng);
}

/** New hires ramp 25/50/75/100% over their first months. */
export function rampAt(hiredAt: number, at: number): number {
  if (at < hiredAt) return 0;
  return Math.min(1, 0.25 * (1 + Math.floor((at - hiredAt) / MONTH_MS)));
}

function stageOf(progress: number): 'qualification' | 'proposal' | 'negotiation' {
  if (progress < 0.35) return 'qualification';
  return progress < 0.7 ? 'proposal' : 'negotiation';
}

/**
 * Coaching from the manager of the rep's team at the time (more in the first
 * months), quarterly trainings given by the regional head, and onboarding
 * trainings in a new hire's first two weeks.
 */
function coaching(ctx: FactContext, rep: PlannedUser, rng: Random) {
  const { orgId, now, firstYear, writer, ids, roster } = ctx;
  const from = Math.max(monthStart(firstYear, 0), rep.hiredAt);
  const until = rep.leftAt ?? now;
  const teamOf = (at: number) => roster.teamById.get(teamAt(rep, at) as number) as PlannedTeam;
  const add = (kind: 'coaching' | 'training', coachId: number, hours: number, at: number) => {
    if (at < from || at > until) return;
    writer.add('coaching', [ids.coaching++, orgId, coachId, rep.id, teamAt(rep, at), kind, hours, at]);
  };
  const coachOf = (team: PlannedTeam) => roster.userById.get(team.managerId) as PlannedUser;

  if (rep.hiredAt >= from) {
    for (let day = 0; day < 3; day++) {
      const team = teamOf(rep.hiredAt);
      add('training', team.managerId, 8, atWorkingTime(rep.hiredAt + (day * 4 + 1) * DAY_MS, rng));
    }
  }
  for (let month = monthIndex(from, firstYear); month <= monthIndex(until, firstYear); month++) {
    const start = Math.max(from, monthStart(firstYear, month));
    const end = Math.min(until, monthStart(firstYear, month + 1));
    if (end <= start) continue;
    const team = teamOf(start);
    const newcomer = start - rep.hiredAt < 3 * MONTH_MS;
    const sessions = rng.poisson(coachOf(team).coachingRate + (newcomer ? 1.5 : 0));
    for (let i = 0; i < sessions; i++) {
      const at = atWorkingTime(start + rng.next() * (end - start), rng);
      add('coaching', teamOf(at).managerId, rng.pick([0.5, 0.75, 1, 1, 1.5]), at);
    }
    if (month % 3 === 1 && rng.chance(0.6)) {
      const at = atWorkingTime(start + rng.next() * (end - start), rng);
      const region = roster.teamById.get(teamOf(at).parentId as number) as PlannedTeam;
      add('training', region.managerId, rng.pick([2, 3, 4, 6, 8]), at);
    }
  }
}

import { type RawBuilder, sql } from 'kysely';
import type { FilterName, FlowPart, StockPart } from '../core/metrics/index.ts';
import type { Dialect } from './dialect.ts';

/**
 * Where every flow part comes from: one definition that the raw queries
 * (metric-raw.ts), the rollup refresh (rollups.ts) and the rollup reads
 * (metric-rollup.ts) all build their SQL from, so the three cannot drift.
 *
 * A source is a fact table (aliased `f`; subscriptions join their account as
 * `f`) with an owner, a team and filter dimensions. An event is one instant
 * of a fact (a deal is created, then closed) with the parts it adds to the
 * day it falls on. All SQL here is fixed text; values are bound by callers.
 */

export type RollupSource = 'deal' | 'lead' | 'account' | 'activity' | 'coaching';
export const ROLLUP_SOURCES: readonly RollupSource[] = ['deal', 'lead', 'account', 'activity', 'coaching'];

export interface EventSpec {
  name: string;
  /** FROM clause; `f` is the row that carries owner, team and dimensions. */
  from: string;
  /** The row's org column. */
  org: string;
  /** The event instant. */
  time: string;
  /**
   * Plain columns such that the event instant lies in [s, e) only if one of
   * them does: they let an index find the rows of a few days when `time` is
   * an expression (a clamped instant).
   */
  timeColumns: readonly string[];
  /** The table (with its alias) that holds `timeColumns`, for finding the data's first and last instants. */
  timeTable: string;
  /**
   * Which rows have the event. Not-null tests are written `+column is not
   * null` so that SQLite does not answer them through a (partial) time index
   * and a random lookup per row when it reads every row anyway.
   */
  where: string | null;
  /** The amount each row adds to a part (summed). */
  parts: Partial<Record<FlowPart, string>>;
}

export interface SourceSpec {
  source: RollupSource;
  owner: string;
  team: string;
  dims: Partial<Record<FilterName, string>>;
  parts: readonly FlowPart[];
  events: readonly EventSpec[];
}

const won = (expr: string) => `case when f.status = 'won' then ${expr} else 0 end`;

/**
 * Coaching hours are summed as whole seconds so that sums agree to the bit
 * on both databases in any order (floats do not); floor(x + 0.5) rounds the
 * same way on both. SQLite's cast truncates, which is floor for hours ≥ 0.
 */
const coachingSeconds = (dialect: Dialect) =>
  dialect === 'postgres'
    ? `cast(floor(f.hours * 3600 + 0.5) as bigint)`
    : `cast(f.hours * 3600 + 0.5 as integer)`;

export function sourceSpecs(dialect: Dialect): Record<RollupSource, SourceSpec> {
  const accountDims = { channel: 'f.channel', segment: 'f.segment', industry: 'f.industry' };
  const subscription = 'subscription s join account f on f.id = s.account_id';
  return {
    deal: {
      source: 'deal',
      owner: 'f.owner_id',
      team: 'f.team_id',
      dims: { channel: 'f.channel', segment: 'f.segment', industry: 'f.industry', product: 'f.product' },
      parts: ['deals_created', 'deals_won', 'won_amount', 'won_units', 'won_cycle_ms', 'deals_lost'],
      events: [
        {
          name: 'created',
          from: 'deal f',
          org: 'f.org_id',
          time: 'f.created_at',
          timeColumns: ['f.created_at'],
          timeTable: 'deal f',
          where: null,
          parts: { deals_created: '1' },
        },
        {
          name: 'closed',
          from: 'deal f',
          org: 'f.org_id',
          time: 'f.closed_at',
          timeColumns: ['f.closed_at'],
          timeTable: 'deal f',
          where: `f.status in ('won', 'lost') and +f.closed_at is not null`,
          parts: {
            deals_won: won('1'),
            won_amount: won('f.amount'),
            won_units: won('f.units'),
            won_cycle_ms: won('f.closed_at - f.created_at'),
            deals_lost: `case when f.status = 'lost' then 1 else 0 end`,
          },
        },
      ],
    },
    lead: {
      source: 'lead',
      owner: 'f.owner_id',
      team: 'f.team_id',
      dims: { channel: 'f.channel', segment: 'f.segment', industry: 'f.industry' },
      parts: ['leads_created', 'mqls', 'sqls', 'leads_converted', 'converted_ms'],
      events: [
        leadEvent('created', 'f.created_at', { leads_created: '1' }),
        leadEvent('mql', 'f.mql_at', { mqls: '1' }),
        leadEvent('sql', 'f.sql_at', { sqls: '1' }),
        leadEvent('converted', 'f.converted_at', {
          leads_converted: '1',
          converted_ms: 'f.converted_at - f.created_at',
        }),
      ],
    },
    account: {
      source: 'account',
      owner: 'f.owner_id',
      team: 'f.team_id',
      dims: accountDims,
      parts: ['customers_acquired', 'customers_churned', 'mrr_started', 'mrr_ended', 'mrr_churned'],
      events: [
        {
          name: 'acquired',
          from: 'account f',
          org: 'f.org_id',
          time: 'f.acquired_at',
          timeColumns: ['f.acquired_at'],
          timeTable: 'account f',
          where: '+f.acquired_at is not null',
          parts: { customers_acquired: '1' },
        },
        {
          // A churn dated before the acquisition is taken as churn at acquisition:
          // the customer was never active, and active counts can never go negative.
          name: 'churned',
          from: 'account f',
          org: 'f.org_id',
          time: 'case when f.churned_at < f.acquired_at then f.acquired_at else f.churned_at end',
          timeColumns: ['f.churned_at', 'f.acquired_at'],
          timeTable: 'account f',
          where: '+f.acquired_at is not null and +f.churned_at is not null',
          parts: { customers_churned: '1' },
        },
        {
          name: 'subscription_started',
          from: subscription,
          org: 's.org_id',
          time: 's.started_at',
          timeColumns: ['s.started_at'],
          timeTable: 'subscription s',
          where: null,
          parts: { mrr_started: 's.mrr' },
        },
        {
          name: 'subscription_ended',
          from: subscription,
          org: 's.org_id',
          time: 'case when s.ended_at < s.started_at then s.started_at else s.ended_at end',
          timeColumns: ['s.ended_at', 's.started_at'],
          timeTable: 'subscription s',
          where: '+s.ended_at is not null',
          parts: {
            mrr_ended: 's.mrr',
            mrr_churned: 'case when f.churned_at is not null then s.mrr else 0 end',
          },
        },
      ],
    },
    activity: {
      source: 'activity',
      owner: 'f.owner_id',
      team: 'f.team_id',
      dims: {},
      parts: ['calls', 'emails', 'meetings', 'discovery_calls', 'qualified_conversations', 'demos_booked'],
      events: [
        {
          name: 'occurred',
          from: 'activity f',
          org: 'f.org_id',
          time: 'f.occurred_at',
          timeColumns: ['f.occurred_at'],
          timeTable: 'activity f',
          where: null,
          parts: {
            calls: `case when f.type = 'call' then 1 else 0 end`,
            emails: `case when f.type = 'email' then 1 else 0 end`,
            meetings: `case when f.type = 'meeting' then 1 else 0 end`,
            discovery_calls: `case when f.type = 'discovery_call' then 1 else 0 end`,
            qualified_conversations: `case when f.qualified = 1 then 1 else 0 end`,
          },
        },
        {
          name: 'booked',
          from: 'activity f',
          org: 'f.org_id',
          time: 'f.booked_at',
          timeColumns: ['f.booked_at'],
          timeTable: 'activity f',
          where: `f.type = 'demo' and +f.booked_at is not null`,
          parts: { demos_booked: '1' },
        },
      ],
    },
    coaching: {
      source: 'coaching',
      // Hours count for the coach who gave them, a training for the rep who took it.
      owner: `case when f.kind = 'coaching' then f.coach_id else f.rep_id end`,
      team: 'f.team_id',
      dims: {},
      parts: ['coaching_seconds', 'trainings'],
      events: [
        {
          name: 'occurred',
          from: 'coaching f',
          org: 'f.org_id',
          time: 'f.occurred_at',
          timeColumns: ['f.occurred_at'],
          timeTable: 'coaching f',
          where: null,
          parts: {
            coaching_seconds: `case when f.kind = 'coaching' then ${coachingSeconds(dialect)} else 0 end`,
            trainings: `case when f.kind = 'training' then 1 else 0 end`,
          },
        },
      ],
    },
  };
}

function leadEvent(name: string, column: string, parts: EventSpec['parts']): EventSpec {
  return {
    name,
    from: 'lead f',
    org: 'f.org_id',
    time: column,
    timeColumns: [column],
    timeTable: 'lead f',
    where: `+${column} is not null`,
    parts,
  };
}

/** The alias of `table` in an event's FROM clause (`deal f`, `subscription s join account f`), if it is there. */
export const tableAlias = (from: string, table: string): string | undefined =>
  new RegExp(`(?:^|\\bjoin )${table} (\\w+)`).exec(from)?.[1];

/**
 * The rollup sources whose events read `table` (a fact table): what a
 * write to it can change. A subscription is part of its account's source.
 */
export function sourcesOfTable(table: string): RollupSource[] {
  return Object.values(sourceSpecs('sqlite'))
    .filter((spec) => spec.events.some((event) => tableAlias(event.from, table) !== undefined))
    .map((spec) => spec.source);
}

const sourceOfPart = new Map<FlowPart, RollupSource>();
for (const spec of Object.values(sourceSpecs('sqlite'))) {
  for (const part of spec.parts) sourceOfPart.set(part, spec.source);
}

export function sourceOf(part: FlowPart): RollupSource {
  return sourceOfPart.get(part) as RollupSource;
}

/**
 * Stocks read at an instant t, straight from the facts (the reference for
 * the rollups, which get them as running sums of their start and end events).
 * The same rule everywhere: active at t when it began before t and had not
 * ended before t.
 */
export interface StockSpec {
  source: RollupSource;
  from: string;
  org: string;
  activeAt: (t: RawBuilder<unknown>) => RawBuilder<unknown>;
  amount: string;
  /** The flow parts whose running sum (first minus second) is the stock. */
  delta: readonly [FlowPart, FlowPart];
}

export const STOCK_SPECS: Record<StockPart, StockSpec> = {
  mrr: {
    source: 'account',
    from: 'subscription s join account f on f.id = s.account_id',
    org: 's.org_id',
    activeAt: (t) => sql`s.started_at < ${t} and (s.ended_at is null or s.ended_at >= ${t})`,
    amount: 's.mrr',
    delta: ['mrr_started', 'mrr_ended'],
  },
  customers: {
    source: 'account',
    from: 'account f',
    org: 'f.org_id',
    activeAt: (t) => sql`f.acquired_at < ${t} and (f.churned_at is null or f.churned_at >= ${t})`,
    amount: '1',
    delta: ['customers_acquired', 'customers_churned'],
  },
};

/** Rollup table names: per source, by owner or by dimension, per day or per month. */
export function rollupTable(source: RollupSource, keyed: 'owner' | 'dim', grain: 'day' | 'month'): string {
  return `rollup_${source}_${keyed === 'dim' ? 'dim_' : ''}${grain}`;
}

export function hasDims(source: RollupSource): boolean {
  return Object.keys(sourceSpecs('sqlite')[source].dims).length > 0;
}

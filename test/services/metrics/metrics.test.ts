import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetricFilters } from '../../../src/core/metrics/index.ts';
import {
  computeMetric,
  type Engine,
  metricBreakdown,
  metricSeries,
  type ScopeInput,
} from '../../../src/services/metrics/index.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildFixture, type Fixture } from './fixture.ts';

/**
 * Every metric of the catalog against values worked out by hand from the
 * fixture (fixture.ts lists every fact), on both dialects, through the
 * rollups and through the facts. Q1 is 2027-01-01..2027-03-31, Asia/Riyadh.
 */
describe.each(dialects)('metrics of the hand-built org on %s', (dialect) => {
  let store: TestStore;
  let f: Fixture;
  beforeAll(async () => {
    store = await freshStore(dialect);
    f = await buildFixture(store);
  });
  afterAll(() => store?.drop());

  const scopes = () => ({
    north: `team:North`,
    northEast: `team:North-East`,
    south: `team:South`,
    sales: `team:Sales`,
    alice: `rep:alice@acme.test`,
    bob: `rep:crm-bob`,
    carol: `rep:Carol`,
    dan: `rep:dan@acme.test`,
    frank: `rep:Frank`,
    mona: `rep:mona@acme.test`,
  });

  async function value(
    metric: string,
    input: { period?: string; scope?: ScopeInput; filters?: MetricFilters; target?: number } = {},
  ) {
    const results = await Promise.all(
      (['auto', 'raw'] as Engine[]).map((engine) =>
        computeMetric({
          ctx: f.ctx,
          input: { metric, period: input.period ?? '2027-Q1', engine, ...input },
        }),
      ),
    );
    const [rollup, raw] = results;
    // The rollups and the facts must agree on every hand-computed figure.
    expect(rollup?.value).toEqual(raw?.value);
    expect(rollup?.reason).toEqual(raw?.reason);
    return rollup as NonNullable<typeof rollup>;
  }
  const v = async (...args: Parameters<typeof value>) => (await value(...args)).value;

  describe('deal metrics', () => {
    it('revenue sums won deals closed in the period, for the team at close time', async () => {
      const s = scopes();
      // D1 10000 + D2 20000 + D4 30000 + D6 15000 + D8 12000 + D9 18000 + D13 500 (no owner)
      expect(await v('revenue')).toBe(105500);
      // North subtree (North, North-East): D1 10000 + D2 20000 + D4 30000 + D8 12000 (Dan, still in North)
      expect(await v('revenue', { scope: s.north })).toBe(72000);
      // South: D6 15000 + D9 18000 (Dan closed D9 after moving to South)
      expect(await v('revenue', { scope: s.south })).toBe(33000);
      // Dan, whatever his team: D8 12000 + D9 18000
      expect(await v('revenue', { scope: s.dan })).toBe(30000);
      // months: Jan D1+D6+D8 = 37000; Feb D2+D13 = 20500; Mar D4+D9 = 48000
      expect(await v('revenue', { period: '2027-01' })).toBe(37000);
      expect(await v('revenue', { period: '2027-02' })).toBe(20500);
      expect(await v('revenue', { period: '2027-03' })).toBe(48000);
      // D11 closed at 00:00 on April 1 belongs to April: D10 7000 + D11 1000
      expect(await v('revenue', { period: '2027-04' })).toBe(8000);
      // fiscal year = calendar 2027 here: 105500 + 8000
      expect(await v('revenue', { period: 'FY2027' })).toBe(113500);
      // custom range: D1 (Jan 20) 10000 + D6 (Jan 25) 15000
      expect(await v('revenue', { period: '2027-01-20..2027-01-25' })).toBe(25000);
    });

    it('revenue under filters: one dimension, a rep with a filter, two dimensions, a team with a filter', async () => {
      const s = scopes();
      // web: D1 10000 + D4 30000 + D6 15000 + D9 18000
      expect(await v('revenue', { filters: { channel: 'web' } })).toBe(73000);
      // pro: D1 10000 + D4 30000 + D8 12000
      expect(await v('revenue', { filters: { product: 'pro' } })).toBe(52000);
      // tech: D2 20000 + D4 30000 + D9 18000
      expect(await v('revenue', { filters: { industry: 'tech' } })).toBe(68000);
      // enterprise: D2 20000 + D9 18000
      expect(await v('revenue', { filters: { segment: 'enterprise' } })).toBe(38000);
      // Alice on web: D1 10000 (D2 came by referral)
      expect(await v('revenue', { scope: s.alice, filters: { channel: 'web' } })).toBe(10000);
      // web and smb: D1 10000 + D4 30000 + D6 15000
      expect(await v('revenue', { filters: { channel: 'web', segment: 'smb' } })).toBe(55000);
      // North subtree in tech: D2 20000 + D4 30000
      expect(await v('revenue', { scope: s.north, filters: { industry: 'tech' } })).toBe(50000);
      // nobody ever sold on instagram: a real 0
      expect(await v('revenue', { filters: { channel: 'instagram' } })).toBe(0);
    });

    it('deals_won and units_sold count the same deals', async () => {
      const s = scopes();
      expect(await v('deals_won')).toBe(7);
      // Alice: D1, D2
      expect(await v('deals_won', { scope: s.alice })).toBe(2);
      // South: D6, D9
      expect(await v('deals_won', { scope: s.south })).toBe(2);
      // April: D10, D11
      expect(await v('deals_won', { period: '2027-04' })).toBe(2);
      // units: D1 2 + D2 1 + D4 3 + D6 1 + D8 1 + D9 2 + D13 1
      expect(await v('units_sold')).toBe(11);
      // Bob: D4 3
      expect(await v('units_sold', { scope: s.bob })).toBe(3);
      // North subtree: D1 2 + D2 1 + D4 3 + D8 1
      expect(await v('units_sold', { scope: s.north })).toBe(7);
    });

    it('avg_deal_size is revenue over deals won, and null without a won deal', async () => {
      const s = scopes();
      expect(await v('avg_deal_size')).toBe(105500 / 7);
      // Alice: (10000 + 20000) / 2
      expect(await v('avg_deal_size', { scope: s.alice })).toBe(15000);
      const frank = await value('avg_deal_size', { scope: s.frank });
      expect(frank.value).toBeNull();
      expect(frank.reason).toBe('zero_denominator');
    });

    it('win_rate is won over won plus lost among deals closed in the period', async () => {
      const s = scopes();
      // won 7; lost D3 (Feb 15), D7 (Mar 10)
      expect(await v('win_rate')).toBe(7 / 9);
      // Alice: D1, D2 won; D3 lost
      expect(await v('win_rate', { scope: s.alice })).toBe(2 / 3);
      // Carol: D6 won, D7 lost
      expect(await v('win_rate', { scope: s.carol })).toBe(1 / 2);
      expect(await v('win_rate', { scope: s.frank })).toBeNull();
    });

    it('close_rate is deals won over deals created in the period', async () => {
      const s = scopes();
      // created in Q1: D1 D3 D4 D5 D6 D7 D8 D9 D10 D11 D12 D13 = 12 (D2 was created in December)
      expect(await v('close_rate')).toBe(7 / 12);
      // Alice: won D1, D2; created D1, D3, D10
      expect(await v('close_rate', { scope: s.alice })).toBe(2 / 3);
      // North-East: won D4; created D4, D5, D12
      expect(await v('close_rate', { scope: s.northEast })).toBe(1 / 3);
    });

    it('sales_cycle_days is the mean time from creation to a win, in days', async () => {
      const s = scopes();
      // D1 15 + D2 52 + D4 30 + D6 10 + D8 28 + D9 13 + D13 4 = 152 days over 7 deals
      expect(await v('sales_cycle_days')).toBeCloseTo(152 / 7, 12);
      // Dan: D8 28 + D9 13
      expect(await v('sales_cycle_days', { scope: s.dan })).toBe(20.5);
      expect(await v('sales_cycle_days', { scope: s.frank })).toBeNull();
    });

    it('pipeline_coverage is open pipeline expected in the period over the target still to reach', async () => {
      const s = scopes();
      // open D5 40000 + D12 25000 expected in March; org goal 200000 − revenue 105500 = 94500
      expect(await v('pipeline_coverage')).toBe(65000 / 94500);
      // North goal 100000 − 72000 = 28000; D5 and D12 belong to North-East
      expect(await v('pipeline_coverage', { scope: s.north })).toBe(65000 / 28000);
      // a given target: 120000 − 105500 = 14500
      expect(await v('pipeline_coverage', { target: 120000 })).toBe(65000 / 14500);
      const south = await value('pipeline_coverage', { scope: s.south });
      expect(south).toMatchObject({ value: null, reason: 'no_target' });
      // the target is already beaten: nothing left to cover
      const beaten = await value('pipeline_coverage', { target: 100000 });
      expect(beaten).toMatchObject({ value: null, reason: 'zero_denominator' });
      expect(beaten.parts).toMatchObject({ target: 100000, won_amount: 105500, open_pipeline: 65000 });
    });
  });

  describe('lead metrics', () => {
    it('leads, mqls and sqls count leads by their own instant', async () => {
      const s = scopes();
      // created: L1, L2, L6 (Jan), L3 (Feb), L5 (Mar)
      expect(await v('leads')).toBe(5);
      // North subtree: L1, L2, L6 (North), L3 (North-East)
      expect(await v('leads', { scope: s.north })).toBe(4);
      expect(await v('leads', { scope: s.carol })).toBe(1);
      // L4 was created in December 2026
      expect(await v('leads', { period: '2026-12' })).toBe(1);
      // web: L1, L3, L6
      expect(await v('leads', { filters: { channel: 'web' } })).toBe(3);
      // MQL: L1 Jan 10, L2 Feb 1, L3 Feb 12 (L4's was in December)
      expect(await v('mqls')).toBe(3);
      expect(await v('mqls', { period: '2027-01' })).toBe(1);
      expect(await v('mqls', { period: '2026-12' })).toBe(1);
      // SQL: L4 Jan 5, L1 Jan 20, L3 Feb 20
      expect(await v('sqls')).toBe(3);
      expect(await v('sqls', { scope: s.south })).toBe(1);
      expect(await v('sqls', { period: '2027-02' })).toBe(1);
    });

    it('lead_to_customer_days is the mean time from lead to conversion', async () => {
      const s = scopes();
      // L1 30 (Jan 3 → Feb 2), L3 40 (Feb 10 → Mar 22), L4 61 (Dec 1 → Jan 31)
      expect(await v('lead_to_customer_days')).toBeCloseTo(131 / 3, 12);
      expect(await v('lead_to_customer_days', { scope: s.south })).toBe(61);
      expect(await v('lead_to_customer_days', { scope: s.alice })).toBe(30);
      expect(await v('lead_to_customer_days', { period: '2027-03' })).toBe(40);
      expect(await v('lead_to_customer_days', { scope: s.frank })).toBeNull();
    });

    it('prospects_by_industry counts new leads and breaks down by industry', async () => {
      expect(await v('prospects_by_industry')).toBe(5);
      // retail: L1, L6
      expect(await v('prospects_by_industry', { filters: { industry: 'retail' } })).toBe(2);
      const split = await metricBreakdown({
        ctx: f.ctx,
        input: { metric: 'prospects_by_industry', period: '2027-Q1', by: 'industry' },
      });
      // retail L1 L6, tech L2 L3, no industry L5
      expect(split.rows.map((r) => [r.label, r.value])).toEqual([
        ['retail', 2],
        ['tech', 2],
        ['(none)', 1],
      ]);
      expect(split.total.value).toBe(5);
    });
  });

  describe('customer and subscription metrics', () => {
    it('new_customers counts accounts acquired in the period', async () => {
      const s = scopes();
      // A3 Jan, A4 Feb, A5 Mar
      expect(await v('new_customers')).toBe(3);
      expect(await v('new_customers', { scope: s.north })).toBe(1);
      expect(await v('new_customers', { scope: s.dan })).toBe(1);
      expect(await v('new_customers', { filters: { channel: 'referral' } })).toBe(1);
      expect(await v('new_customers', { period: '2026-10' })).toBe(1);
    });

    it('mrr is the MRR of subscriptions active at the end of the period', async () => {
      const s = scopes();
      // end of Q1: S1 1000 + S3 1500 + S4 500 + S6 800
      expect(await v('mrr')).toBe(3800);
      // end of 2026: S1 1000 + S2 2000 + S5 300 + S7 700
      expect(await v('mrr', { period: '2026-12' })).toBe(4000);
      // end of January: S1 1000 + S2 2000 + S3 1500 (S5 ended Jan 31, S7 Jan 15)
      expect(await v('mrr', { period: '2027-01' })).toBe(4500);
      // end of February: S1 1000 + S3 1500 + S4 500 (S2 ended Feb 20)
      expect(await v('mrr', { period: '2027-02' })).toBe(3000);
      // South: S3 1500 + S6 800; North: S1 1000 + S4 500; Alice owns A1 and A4
      expect(await v('mrr', { scope: s.south })).toBe(2300);
      expect(await v('mrr', { scope: s.north })).toBe(1500);
      expect(await v('mrr', { scope: s.alice })).toBe(1500);
      // retail accounts A1 (S1 1000), A3 (S3 1500), A5 (S6 800)
      expect(await v('mrr', { filters: { industry: 'retail' } })).toBe(3300);
    });

    it('mrr_growth compares the MRR at the end of the period with its start', async () => {
      const s = scopes();
      // (3800 − 4000) / 4000
      expect(await v('mrr_growth')).toBe(-0.05);
      // February: (3000 − 4500) / 4500
      expect(await v('mrr_growth', { period: '2027-02' })).toBe(-1500 / 4500);
      // South: S7 700 at the start, 2300 at the end
      expect(await v('mrr_growth', { scope: s.south })).toBe(1600 / 700);
      const frank = await value('mrr_growth', { scope: s.frank });
      expect(frank).toMatchObject({ value: null, reason: 'zero_denominator' });
    });

    it('churn_rate is customers churned over customers active at the start', async () => {
      const s = scopes();
      // churned A6 (Jan 15), A2 (Feb 20); active at the start A1, A2, A6
      expect(await v('churn_rate')).toBe(2 / 3);
      expect(await v('churn_rate', { period: '2027-01' })).toBe(1 / 3);
      // North: A2 churned; A1, A2 at the start
      expect(await v('churn_rate', { scope: s.north })).toBe(1 / 2);
      // South: A6 churned; A6 at the start
      expect(await v('churn_rate', { scope: s.south })).toBe(1);
      // April: nobody churned out of A1, A3, A4, A5
      expect(await v('churn_rate', { period: '2027-04' })).toBe(0);
    });

    it('revenue_churn_rate counts the MRR of churned customers only, not downgrades', async () => {
      // S2 2000 (A2 churned) + S7 700 (A6 churned); S5 ended but A1 stayed
      expect(await v('revenue_churn_rate')).toBe(2700 / 4000);
      expect(await v('revenue_churn_rate', { period: '2027-01' })).toBe(700 / 4000);
      expect(await v('revenue_churn_rate', { period: '2027-02' })).toBe(2000 / 4500);
    });

    it('ltv is ARPA times gross margin over the monthly churn rate', async () => {
      // ARPA 3800 / 4 = 950; × 0.8 = 760; churn 2/3 over 3 months = 2/9 a month; 760 / (2/9)
      expect(await v('ltv')).toBeCloseTo(3420, 9);
      // January: ARPA 4500 / 3 (A1, A2, A3) = 1500; × 0.8 = 1200; churn 1/3 a month; 1200 / (1/3)
      expect(await v('ltv', { period: '2027-01' })).toBeCloseTo(3600, 9);
      // April: no churn, no finite lifetime
      expect(await value('ltv', { period: '2027-04' })).toMatchObject({
        value: null,
        reason: 'zero_denominator',
      });
    });

    it('cac is prorated sales and marketing spend over new customers, for the org and its channels', async () => {
      // SP1 31000 + SP2 28000 + SP3 3100 + SP4's January 31 × 100 = 3100; over A3, A4, A5
      expect(await v('cac')).toBe(65200 / 3);
      // web: SP1 31000 + SP4 3100 over A4, A5
      expect(await v('cac', { filters: { channel: 'web' } })).toBe(34100 / 2);
      // referral: SP3 3100 over A3
      expect(await v('cac', { filters: { channel: 'referral' } })).toBe(3100);
      expect(await v('cac', { period: '2027-01' })).toBe(34100);
      // Jan 16..31: SP1 16/31 × 31000 = 16000, SP4 16 × 100 = 1600; nobody acquired
      const half = await value('cac', { period: '2027-01-16..2027-01-31' });
      expect(half).toMatchObject({ value: null, reason: 'zero_denominator' });
      expect(half.parts.spend).toBe(17600);
      // no spend recorded for June 2026 at all: no data, not a free customer
      expect(await value('cac', { period: '2026-06' })).toMatchObject({ value: null, reason: 'no_data' });
    });
  });

  describe('activity metrics', () => {
    it('counts calls, emails and meetings by type and owner, for the team at the time', async () => {
      const s = scopes();
      // AC1, AC4 (Alice), AC9 (Dan in North), AC10 (Dan in South)
      expect(await v('calls')).toBe(4);
      expect(await v('calls', { scope: s.north })).toBe(3);
      expect(await v('calls', { scope: s.south })).toBe(1);
      expect(await v('calls', { scope: s.dan })).toBe(2);
      expect(await v('calls', { period: '2027-03' })).toBe(2);
      // AC2, AC6 (AC11 was in December)
      expect(await v('emails')).toBe(2);
      expect(await v('emails', { period: '2026-12' })).toBe(1);
      expect(await v('emails', { scope: s.alice })).toBe(2);
      expect(await v('meetings')).toBe(1);
      expect(await v('meetings', { scope: s.carol })).toBe(0);
    });

    it('demos_booked counts demos by when they were booked, not held', async () => {
      const s = scopes();
      // AC7 booked Feb 25, AC8 booked Mar 30 (held Apr 2)
      expect(await v('demos_booked')).toBe(2);
      expect(await v('demos_booked', { period: '2027-03' })).toBe(1);
      expect(await v('demos_booked', { period: '2027-04' })).toBe(0);
      expect(await v('demos_booked', { scope: s.bob })).toBe(2);
    });

    it('discovery_calls and qualified_conversations', async () => {
      const s = scopes();
      expect(await v('discovery_calls')).toBe(1);
      expect(await v('discovery_calls', { scope: s.south })).toBe(1);
      expect(await v('discovery_calls', { scope: s.north })).toBe(0);
      // AC1, AC3, AC5, AC7
      expect(await v('qualified_conversations')).toBe(4);
      expect(await v('qualified_conversations', { scope: s.bob })).toBe(1);
      // AC1, AC3 (North), AC7 (North-East)
      expect(await v('qualified_conversations', { scope: s.north })).toBe(3);
    });

    it('new_customer_touch_rate checks each new customer against the monthly-then-biweekly rule', async () => {
      const s = scopes();
      // March: due A1 (Feb 16–Mar 1, Mar 2–15, Mar 16–29: touched Feb 20, Mar 10, Mar 20),
      // A3 (Feb 10–Mar 9: Feb 12), A4 (Feb 5–Mar 4: only a touch before it was acquired); A5 has none due
      expect(await v('new_customer_touch_rate', { period: '2027-03' })).toBe(2 / 3);
      // Alice: A1 met, A4 not
      expect(await v('new_customer_touch_rate', { period: '2027-03', scope: s.alice })).toBe(1 / 2);
      expect(await v('new_customer_touch_rate', { period: '2027-03', scope: s.carol })).toBe(1);
      expect(
        await v('new_customer_touch_rate', { period: '2027-03', filters: { channel: 'referral' } }),
      ).toBe(1);
      // Q1: A1 missed Dec 22–Jan 4, A3 missed Jan 10–Feb 9, A4 missed its first month: a real 0
      expect(await v('new_customer_touch_rate')).toBe(0);
    });
  });

  describe('coaching and team metrics', () => {
    it('coaching_hours counts hours given by the coach; trainings count for the trainee', async () => {
      const s = scopes();
      // C1 1.5 + C2 2.25 + C4 0.5
      expect(await v('coaching_hours')).toBe(4.25);
      expect(await v('coaching_hours', { scope: s.mona })).toBe(3.75);
      expect(await v('coaching_hours', { scope: s.alice })).toBe(0.5);
      expect(await v('coaching_hours', { scope: s.north })).toBe(4.25);
      expect(await v('coaching_hours', { scope: s.south })).toBe(0);
      expect(await v('coaching_hours', { period: '2027-03' })).toBe(0.5);
      // C3, C5
      expect(await v('trainings')).toBe(2);
      expect(await v('trainings', { scope: s.carol })).toBe(2);
      expect(await v('trainings', { scope: s.mona })).toBe(0);
      expect(await v('trainings', { scope: s.south })).toBe(2);
      expect(await v('trainings', { period: '2027-02' })).toBe(0);
    });

    it('rep_turnover is leavers over mean headcount, with team moves and hires', async () => {
      const s = scopes();
      // start: Alice, Bob, Carol, Dan, Eve; end: Alice, Bob, Carol, Dan, Frank; Eve left: 1 / 5
      expect(await v('rep_turnover')).toBe(0.2);
      // North: start Alice, Bob, Dan, Eve; end Alice, Bob (Dan moved, Eve left); 1 / 3
      expect(await v('rep_turnover', { scope: s.north })).toBe(1 / 3);
      // South: start Carol; end Carol, Dan, Frank; nobody left
      expect(await v('rep_turnover', { scope: s.south })).toBe(0);
      // February: Frank hired on Feb 1 at 10:00, after its first instant; Eve left: 1 / 5
      expect(await v('rep_turnover', { period: '2027-02' })).toBe(0.2);
    });
  });

  describe('no data, zero and isolation', () => {
    it('says "no data" for a period before the data begins, and 0 once it has begun', async () => {
      // deals begin with D2, created 2026-12-20
      expect(await value('revenue', { period: '2026-11' })).toMatchObject({ value: null, reason: 'no_data' });
      expect(await value('revenue', { period: '2026-12' })).toMatchObject({ value: 0 });
      expect(await value('win_rate', { period: '2026-11' })).toMatchObject({
        value: null,
        reason: 'no_data',
      });
      // subscriptions begin with S7 on 2025-05-01
      expect(await value('mrr', { period: '2025-04' })).toMatchObject({ value: null, reason: 'no_data' });
      // a rep with no deals has a real 0, and a future quarter is 0 so far
      expect(await v('revenue', { scope: scopes().frank })).toBe(0);
      expect(await v('revenue', { period: '2030-Q1' })).toBe(0);
    });

    it('never mixes orgs: the other org has its own deal and no subscriptions at all', async () => {
      const other = { ...f.ctx, org: f.otherOrg };
      const revenue = await computeMetric({ ctx: other, input: { metric: 'revenue', period: '2027-Q1' } });
      expect(revenue.value).toBe(999999);
      const mrr = await computeMetric({ ctx: other, input: { metric: 'mrr', period: '2027-Q1' } });
      expect(mrr).toMatchObject({ value: null, reason: 'no_data' });
      const calls = await computeMetric({ ctx: other, input: { metric: 'calls', period: '2027-Q1' } });
      expect(calls).toMatchObject({ value: null, reason: 'no_data' });
    });
  });

  describe('breakdowns and series', () => {
    it('breaks revenue down by rep, listing every rep of the team even at 0', async () => {
      const split = await metricBreakdown({
        ctx: f.ctx,
        input: { metric: 'revenue', period: '2027-Q1', by: 'rep', scope: 'team:North' },
      });
      // Alice D1+D2, Bob D4, Dan D8 (closed while in North), Eve nothing (left in the quarter)
      expect(split.rows.map((r) => [r.label, r.value])).toEqual([
        ['Alice', 30000],
        ['Bob', 30000],
        ['Dan', 12000],
        ['Eve', 0],
      ]);
      expect(split.total.value).toBe(72000);
      expect(split.source).toBe('rollup');
    });

    it('breaks a region down into its child teams, each with its subtree', async () => {
      const sales = await metricBreakdown({
        ctx: f.ctx,
        input: { metric: 'revenue', period: '2027-Q1', by: 'team', scope: 'team:Sales' },
      });
      expect(sales.rows.map((r) => [r.label, r.value])).toEqual([
        ['North', 72000],
        ['South', 33000],
      ]);
      const org = await metricBreakdown({
        ctx: f.ctx,
        input: { metric: 'revenue', period: '2027-Q1', by: 'team' },
      });
      // the org's only top-level team, and D13 that has no team
      expect(org.rows.map((r) => [r.label, r.value])).toEqual([
        ['Sales', 105000],
        ['(no team)', 500],
      ]);
      expect(org.total.value).toBe(105500);
    });

    it('breaks a ratio down by rep best first, with no-data rows last', async () => {
      const split = await metricBreakdown({
        ctx: f.ctx,
        input: { metric: 'win_rate', period: '2027-Q1', by: 'rep' },
      });
      expect(split.rows.map((r) => [r.label, r.value])).toEqual([
        ['(no owner)', 1],
        ['Bob', 1],
        ['Dan', 1],
        ['Alice', 2 / 3],
        ['Carol', 1 / 2],
        ['Eve', null],
        ['Frank', null],
      ]);
      expect(split.total.value).toBe(7 / 9);
    });

    it('breaks revenue down by channel, and a filtered breakdown by team reads the dimension rollup', async () => {
      const byChannel = await metricBreakdown({
        ctx: f.ctx,
        input: { metric: 'revenue', period: '2027-Q1', by: 'channel' },
      });
      expect(byChannel.rows.map((r) => [r.label, r.value])).toEqual([
        ['web', 73000],
        ['referral', 32000],
        ['(none)', 500],
      ]);
      const webByTeam = await metricBreakdown({
        ctx: f.ctx,
        input: {
          metric: 'revenue',
          period: '2027-Q1',
          by: 'team',
          scope: 'team:Sales',
          filters: { channel: 'web' },
        },
      });
      // North: D1 10000 + D4 30000; South: D6 15000 + D9 18000
      expect(webByTeam.rows.map((r) => [r.label, r.value])).toEqual([
        ['North', 40000],
        ['South', 33000],
      ]);
      expect(webByTeam.source).toBe('rollup');
    });

    it('gives a monthly series, and one per rep in the same evaluation', async () => {
      const series = await metricSeries({
        ctx: f.ctx,
        input: { metric: 'revenue', grain: 'month', range: '2027-Q1', scope: 'team:South', by: 'rep' },
      });
      // South: Jan D6 15000; Feb nothing; Mar D9 18000
      expect(series.points.map((p) => [p.period.label, p.value])).toEqual([
        ['2027-01', 15000],
        ['2027-02', 0],
        ['2027-03', 18000],
      ]);
      const byRep = Object.fromEntries(
        (series.series ?? []).map((s) => [s.label, s.points.map((p) => p.value)]),
      );
      // Carol D6; Dan D9 (his D8 counted for North); Frank, hired in February, nothing
      expect(byRep).toEqual({ Carol: [15000, 0, 0], Dan: [0, 0, 18000], Frank: [0, 0, 0] });
      const mrr = await metricSeries({
        ctx: f.ctx,
        input: { metric: 'mrr', grain: 'month', range: '2027-Q1' },
      });
      expect(mrr.points.map((p) => p.value)).toEqual([4500, 3000, 3800]);
    });
  });

  describe('bad questions', () => {
    it('refuses unknown metrics, scopes, filters and breakdowns with a clear error', async () => {
      const ask = (input: Parameters<typeof computeMetric>[0]['input']) =>
        computeMetric({ ctx: f.ctx, input });
      await expect(ask({ metric: 'happiness', period: '2027-Q1' })).rejects.toMatchObject({
        code: 'not_found',
        message: expect.stringContaining('There is no metric "happiness"'),
      });
      await expect(ask({ metric: 'revenue', period: '2027-Q5' })).rejects.toMatchObject({
        code: 'invalid_input',
      });
      await expect(
        ask({ metric: 'revenue', period: '2027-Q1', scope: 'team:Atlantis' }),
      ).rejects.toMatchObject({
        code: 'not_found',
        message: 'There is no team "Atlantis" in this org: use a team\'s name or id.',
      });
      await expect(
        ask({ metric: 'revenue', period: '2027-Q1', scope: 'rep:zed@acme.test' }),
      ).rejects.toMatchObject({
        code: 'not_found',
      });
      await expect(ask({ metric: 'revenue', period: '2027-Q1', scope: 'galaxy' })).rejects.toMatchObject({
        code: 'invalid_input',
        field: 'scope',
      });
      await expect(
        ask({ metric: 'calls', period: '2027-Q1', filters: { channel: 'web' } }),
      ).rejects.toMatchObject({
        code: 'invalid_input',
        message: 'calls cannot be filtered by channel: it accepts no filters.',
      });
      await expect(ask({ metric: 'cac', period: '2027-Q1', scope: 'team:North' })).rejects.toMatchObject({
        code: 'invalid_input',
        field: 'scope',
      });
      await expect(
        ask({ metric: 'rep_turnover', period: '2027-Q1', scope: 'rep:Alice' }),
      ).rejects.toMatchObject({
        code: 'invalid_input',
      });
      await expect(
        metricBreakdown({ ctx: f.ctx, input: { metric: 'calls', period: '2027-Q1', by: 'channel' } }),
      ).rejects.toMatchObject({ code: 'invalid_input', field: 'by' });
    });

    it('finds teams by id and reps by e-mail, external id or name', async () => {
      const byId = await computeMetric({
        ctx: f.ctx,
        input: { metric: 'revenue', period: '2027-Q1', scope: `team:${f.teams.south.id}` },
      });
      expect(byId.scope).toEqual({
        type: 'team',
        id: f.teams.south.id,
        label: 'South',
        text: `team:${f.teams.south.id}`,
      });
      for (const scope of [
        'rep:BOB@acme.test',
        'rep:crm-bob',
        'rep:bob',
        `rep:${f.users.bob.id}`,
        { type: 'rep' as const, id: f.users.bob.id },
      ]) {
        const r = await computeMetric({ ctx: f.ctx, input: { metric: 'revenue', period: '2027-Q1', scope } });
        expect(r.scope.label).toBe('Bob');
        expect(r.value).toBe(30000);
      }
    });
  });
});

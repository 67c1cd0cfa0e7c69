import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf, periodBounds } from '../../../src/core/periods/index.ts';
import { goalProgress } from '../../../src/services/tracking/progress.ts';
import { listMembersOfTeams } from '../../../src/store/account-queries.ts';
import { closedDealsByStage, openStageProbabilities } from '../../../src/store/progress-queries.ts';
import { refreshRollups, rollupsUsable } from '../../../src/store/rollups.ts';
import { closedDealsByStageOnDays, openStagesFromRollup } from '../../../src/store/stage-rollup.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { HALFWAY, insertGoal, type SalesOrg, salesOrg, systemCtx, utc } from './fixtures.ts';

const ZONES = ['UTC', 'Asia/Riyadh', 'America/New_York', 'Pacific/Chatham'];
const STAGES = ['Discovery', 'Proposal', 'Negotiation', 'Closed Won'];
/** Deals close from 2025-12-01 to 2027-03-01, a little over the 365-day window before HALFWAY on both sides. */
const FIRST_CLOSE = utc('2025-12-01T00:00:00');
const CLOSE_SPAN_MS = 455 * 86_400_000;
/** Hours near local midnights land on both sides of a window edge. */
const closedAt = fc.integer({ min: 0, max: CLOSE_SPAN_MS - 1 }).map((ms) => FIRST_CLOSE + ms);

const closedDeal = fc.record({
  status: fc.constantFrom('won' as const, 'lost' as const),
  stage: fc.constantFrom(...STAGES),
  closedAt,
  amount: fc.integer({ min: 1, max: 90_000 }),
});
const openDeal = fc.record({
  stage: fc.constantFrom(...STAGES.slice(0, 3)),
  probability: fc.constantFrom(10, 40, 70, 33, null),
  created: closedAt,
  amount: fc.integer({ min: 1, max: 90_000 }),
  expected: fc.integer({ min: 0, max: 80 }).map((d) => utc(`${addDays('2027-02-01', d)}T00:00:00`)),
});
/** A later change of one closed deal: a new status, stage or close instant, or reopened. */
const change = fc.record({
  pick: fc.nat(),
  status: fc.constantFrom('won' as const, 'lost' as const, 'open' as const),
  stage: fc.constantFrom(...STAGES),
  closedAt,
  probability: fc.constantFrom(null, 20, 90),
});

describe.each(dialects)('stage win rates from the per-day rollup on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store?.drop());

  type Closed = { status: 'won' | 'lost'; stage: string; closedAt: number; amount: number };
  async function insertDeals(
    o: SalesOrg,
    closed: Closed[],
    open: Array<{
      stage: string;
      probability: number | null;
      amount: number;
      expected: number;
      created: number;
    }>,
  ) {
    const base = { org_id: o.org.id, owner_id: o.sara.id, team_id: o.riyadh.id, currency: 'USD' };
    const rows = [
      ...closed.map((d) => ({
        ...base,
        amount: d.amount,
        stage: d.stage,
        status: d.status,
        created_at: d.closedAt - 86_400_000,
        closed_at: d.closedAt,
      })),
      ...open.map((d) => ({
        ...base,
        amount: d.amount,
        stage: d.stage,
        status: 'open',
        probability: d.probability,
        created_at: d.created,
        expected_close_at: d.expected,
      })),
    ];
    if (rows.length > 0)
      await store.db
        .insertInto('deal')
        .values(rows as never)
        .returning('id')
        .execute();
    const ids = await store.db
      .selectFrom('deal')
      .select(['id', 'closed_at', 'created_at'])
      .where('org_id', '=', o.org.id)
      .where('status', '!=', 'open')
      .orderBy('id')
      .execute();
    return ids.map((r) => ({ id: r.id, closedAt: Number(r.closed_at), createdAt: Number(r.created_at) }));
  }

  it('gives the same closed counts and the same forecast as a scan of the deals, after any refreshes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ZONES),
        fc.array(closedDeal, { minLength: 1, maxLength: 40 }),
        fc.array(openDeal, { minLength: 1, maxLength: 6 }),
        fc.array(change, { maxLength: 6 }),
        fc.array(closedDeal, { maxLength: 10 }),
        fc.integer({ min: 0, max: 454 }),
        async (zone, closed, open, changes, otherOrgDeals, windowStart) => {
          const o = await salesOrg(store);
          await store.db.updateTable('org').set({ time_zone: zone }).where('id', '=', o.org.id).execute();
          const org = { ...o.org, timeZone: zone };
          // another org's deals, with rollups of their own, must not count
          const other = await salesOrg(store);
          await insertDeals(other, otherOrgDeals, []);
          await refreshRollups(store.db, other.org.id);

          const ids = await insertDeals(o, closed, open);
          await refreshRollups(store.db, o.org.id);
          // each change refreshes the days of the old and new close instants, as writers do
          for (const c of changes) {
            const deal = ids[c.pick % Math.max(1, ids.length)];
            if (!deal) break;
            await store.db
              .updateTable('deal')
              .set({
                status: c.status,
                stage: c.stage,
                probability: c.probability,
                closed_at: c.status === 'open' ? null : c.closedAt,
              })
              .where('id', '=', deal.id)
              .execute();
            // the range covers every event instant of the deal before and after: created, old and new close
            const instants = [deal.createdAt, deal.closedAt, c.closedAt];
            await refreshRollups(store.db, o.org.id, {
              fromMs: Math.min(...instants),
              toMs: Math.max(...instants),
            });
            deal.closedAt = c.closedAt;
          }
          expect(await rollupsUsable(store.db, o.org.id, zone)).toBe(true);

          // any window of local days: the rollup's counts are the scan's
          const first = dayOf(FIRST_CLOSE + windowStart * 86_400_000, zone);
          const last = addDays(first, 60);
          const window = periodBounds({ start: first, end: last }, zone);
          const scanned = await closedDealsByStage(store.db, o.org.id, {
            fromMs: window.startMs,
            toMs: window.endMs,
          });
          expect(await closedDealsByStageOnDays(store.db, o.org.id, { first, last })).toEqual(scanned);

          // the open stages' mean probabilities: the rollup's are the scan's, to the bit
          expect(await openStagesFromRollup(store.db, o.org.id)).toEqual(
            await openStageProbabilities(store.db, o.org.id),
          );

          // the forecast: from the rollup, then from the deals (no rollups built: the scan)
          const goalId = await insertGoal(store.db, o.org.id, { metric: 'revenue', target: 500_000 });
          const ctx = systemCtx(store, org, HALFWAY);
          const fromRollup = (await goalProgress({ ctx, input: { goalId } })).progress;
          await sql`delete from rollup_state where org_id = ${o.org.id}`.execute(store.db);
          expect(await rollupsUsable(store.db, o.org.id, zone)).toBe(false);
          const fromScan = (await goalProgress({ ctx, input: { goalId } })).progress;
          expect(fromRollup.pipeline).toEqual(fromScan.pipeline);
          expect(fromRollup.forecast).toEqual(fromScan.forecast);
        },
      ),
      { numRuns: dialect === 'sqlite' ? 40 : 15 },
    );
  }, 240_000);

  it('counts a hand-made example: two won and three lost in the window, one of each outside it, and the open stages', async () => {
    const o = await salesOrg(store);
    await insertDeals(
      o,
      [
        { status: 'won', stage: 'Closed Won', closedAt: utc('2026-03-01T10:00:00'), amount: 1 },
        { status: 'won', stage: 'Closed Won', closedAt: utc('2026-03-31T23:59:59'), amount: 1 },
        { status: 'lost', stage: 'Discovery', closedAt: utc('2026-03-02T00:00:00'), amount: 1 },
        { status: 'lost', stage: 'Discovery', closedAt: utc('2026-03-15T12:00:00'), amount: 1 },
        { status: 'lost', stage: 'Proposal', closedAt: utc('2026-03-20T12:00:00'), amount: 1 },
        { status: 'won', stage: 'Closed Won', closedAt: utc('2026-04-01T00:00:00'), amount: 1 },
        { status: 'lost', stage: 'Proposal', closedAt: utc('2026-02-28T23:59:59'), amount: 1 },
      ],
      [
        {
          stage: 'Discovery',
          probability: 10,
          amount: 1,
          expected: utc('2026-06-01T00:00:00'),
          created: utc('2026-01-05T00:00:00'),
        },
        {
          stage: 'Discovery',
          probability: 40,
          amount: 1,
          expected: utc('2026-06-01T00:00:00'),
          created: utc('2026-02-05T00:00:00'),
        },
        {
          stage: 'Discovery',
          probability: null,
          amount: 1,
          expected: utc('2026-06-01T00:00:00'),
          created: utc('2026-02-05T00:00:00'),
        },
        {
          stage: 'Proposal',
          probability: null,
          amount: 1,
          expected: utc('2026-06-01T00:00:00'),
          created: utc('2026-03-05T00:00:00'),
        },
      ],
    );
    await refreshRollups(store.db, o.org.id);
    expect(
      await closedDealsByStageOnDays(store.db, o.org.id, { first: '2026-03-01', last: '2026-03-31' }),
    ).toEqual([
      { stage: 'Closed Won', won: 2, lost: 0 },
      { stage: 'Discovery', won: 0, lost: 2 },
      { stage: 'Proposal', won: 0, lost: 1 },
    ]);
    // Discovery: (10 + 40) / 2, the deal without a probability left out; Proposal: none has one
    expect(await openStagesFromRollup(store.db, o.org.id)).toEqual([
      { stage: 'Discovery', meanProbability: 25 },
      { stage: 'Proposal', meanProbability: null },
    ]);
    // org isolation: another org reading the same days sees none of them
    const other = await salesOrg(store);
    await refreshRollups(store.db, other.org.id);
    expect(
      await closedDealsByStageOnDays(store.db, other.org.id, { first: '2026-03-01', last: '2026-03-31' }),
    ).toEqual([]);
    expect(await openStagesFromRollup(store.db, other.org.id)).toEqual([]);
  });

  it("lists a team's members for its dashboard, never another org's, even given that org's team ids", async () => {
    const o = await salesOrg(store);
    const other = await salesOrg(store);
    const names = (members: Array<{ name: string }>) => members.map((m) => m.name);
    expect(names(await listMembersOfTeams(store.db, o.org.id, [o.riyadh.id]))).toEqual([
      'Omar',
      'Rami',
      'Sara',
    ]);
    expect(names(await listMembersOfTeams(store.db, o.org.id, [o.sales.id, o.riyadh.id]))).toEqual([
      'Maha',
      'Omar',
      'Rami',
      'Sara',
    ]);
    expect(await listMembersOfTeams(store.db, o.org.id, [other.riyadh.id, other.sales.id])).toEqual([]);
    expect(await listMembersOfTeams(store.db, o.org.id, [])).toEqual([]);
  });
});

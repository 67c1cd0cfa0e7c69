import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, periodsInRange } from '../../../src/core/periods/index.ts';
import type { Ctx } from '../../../src/services/context.ts';
import { computeMetric } from '../../../src/services/metrics/index.ts';
import { dashboard, progressInputs } from '../../../src/services/tracking/progress.ts';
import { loadGoals } from '../../../src/services/tracking/sources.ts';
import type { Db } from '../../../src/store/db.ts';
import { refreshRollups } from '../../../src/store/rollups.ts';
import { createUser } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { HALFWAY, insertGoal, type SalesOrg, salesOrg, systemCtx, utc, wonDeal } from './fixtures.ts';

/**
 * A dashboard measures its goals together: goals of one scope and filters
 * in one evaluation whatever their metrics and ranges, rep goals of several
 * reps in one evaluation broken down by rep, seasonal weights with them.
 * Every figure must still be what the goal's own metric gives alone, and
 * the queries must not grow with the goals.
 */
describe.each(dialects)('goals measured together on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store.drop());

  /** Deals (won and lost, this year and last) and calls for Sara and Rami; nothing for Nour, who has left. */
  async function world() {
    const o = await salesOrg(store);
    const nour = await createUser(
      store.db,
      o.org.id,
      { name: 'Nour', email: `nour${o.org.id}@acme.test`, role: 'rep', teamId: o.riyadh.id, leftAt: 0 },
      0,
    );
    const days = ['2026-01-12', '2026-02-03', '2026-03-20', '2027-01-05', '2027-01-28', '2027-02-09'];
    for (const [i, day] of days.entries()) {
      const rep = i % 2 === 0 ? o.sara : o.rami;
      await wonDeal(store.db, o.org.id, {
        ownerId: rep.id,
        teamId: o.riyadh.id,
        amount: 10_000 * (i + 1),
        closedAt: utc(`${day}T10:00:00`),
      });
      await lostDeal(store.db, o.org.id, rep.id, o.riyadh.id, utc(`${day}T12:00:00`));
      await calls(store.db, o.org.id, rep.id, o.riyadh.id, utc(`${day}T08:00:00`), i + 2);
    }
    await refreshRollups(store.db, o.org.id);
    return { o, nour, goals: await goalsOf(o, nour.id) };
  }

  /** Goals of many metrics, ranges and paces on the Sales team, its sub-team and three reps. */
  async function goalsOf(o: SalesOrg, nourId: number): Promise<number[]> {
    const team = (metric: string, extra: Record<string, unknown> = {}) =>
      insertGoal(store.db, o.org.id, {
        metric,
        target: 100,
        scope_type: 'team',
        scope_id: o.sales.id,
        ...extra,
      });
    const rep = (metric: string, id: number, extra: Record<string, unknown> = {}) =>
      insertGoal(store.db, o.org.id, { metric, target: 100, scope_type: 'rep', scope_id: id, ...extra });
    return [
      await team('revenue'),
      await team('deals_won', { pace_model: 'seasonal' }),
      await team('win_rate'),
      await team('calls', { period_start: '2027-02-01', period_end: '2027-02-28' }),
      await team('revenue', { period_start: '2027-03-01', period_end: '2027-03-31' }), // not begun
      await team('revenue', { filters: JSON.stringify({ channel: 'web' }) }),
      await team('deals_won', { scope_id: o.riyadh.id }),
      await rep('revenue', o.sara.id),
      await rep('revenue', o.rami.id, { pace_model: 'seasonal' }),
      await rep('avg_deal_size', o.rami.id),
      await rep('calls', o.sara.id, { period_start: '2027-02-01', period_end: '2027-02-28' }),
      await rep('revenue', nourId),
      await rep('avg_deal_size', nourId),
    ];
  }

  /** The goal's own metric over `start..end`, alone. */
  async function alone(
    ctx: Ctx,
    goal: { metric: string; scope: { type: string; id: number | null }; filters: object },
    start: string,
    end: string,
  ) {
    const result = await computeMetric({
      ctx,
      input: {
        metric: goal.metric,
        scope: goal.scope as { type: 'team' | 'rep'; id: number },
        period: { start, end },
        filters: goal.filters,
      },
    });
    return result.value;
  }

  it('gives every goal the actual and the seasonal weights its own metric gives alone', async () => {
    const { o, goals } = await world();
    const ctx = systemCtx(store, o.org, HALFWAY);
    const board = await dashboard({ ctx, input: { scope: `team:${o.sales.id}` } });
    expect(board.goals.map((g) => g.goal.id).sort((a, b) => a - b)).toEqual(goals);
    const lastDay = '2027-02-14';
    const inputs = await progressInputs(ctx, await loadGoals(ctx, { ids: goals }));
    for (const { goal, actual } of inputs) {
      const end = goal.period.end < lastDay ? goal.period.end : lastDay;
      const expected = goal.period.start > lastDay ? null : await alone(ctx, goal, goal.period.start, end);
      expect({ goal: goal.title, actual }).toEqual({ goal: goal.title, actual: expected });
      const shown = board.goals.find((g) => g.goal.id === goal.id)?.progress.actual;
      if (expected !== null) expect(shown).toBe(expected);
    }
    // figures that could hide a wrong batch: sales, a ratio, an empty rep, a period not begun
    const actualOf = (metric: string, scope: string) =>
      board.goals.filter(
        (g) => g.goal.metric === metric && `${g.goal.scope.type}:${g.goal.scope.id}` === scope,
      );
    expect(actualOf('revenue', `rep:${o.sara.id}`)[0]?.progress.actual).toBe(50_000);
    expect(actualOf('revenue', `rep:${o.rami.id}`)[0]?.progress.actual).toBe(40_000 + 60_000);
    expect(actualOf('avg_deal_size', `rep:${o.rami.id}`)[0]?.progress.actual).toBe(50_000);

    const seasonal = inputs.filter((i) => i.goal.paceModel === 'seasonal');
    expect(seasonal).toHaveLength(2);
    for (const input of seasonal) {
      const months = periodsInRange('month', input.goal.period, o.org);
      const weights = [];
      for (const m of months)
        weights.push(await alone(ctx, input.goal, addMonths(m.start, -12), addMonths(m.end, -12)));
      expect(input.seasonal?.map((b) => b.weight)).toEqual(weights);
      expect(weights.some((w) => w !== 0)).toBe(true);
    }
  });

  it('reads no more for more goals: a dashboard of 26 goals makes the queries of one of 13', async () => {
    const { o, nour } = await world();
    const ctx = systemCtx(store, o.org, HALFWAY);
    const scope = { scope: `team:${o.sales.id}` };
    const before = await queriesOf(ctx, scope);
    // other metrics (of both sources) and other ranges, on the same scopes
    const january = { period_start: '2027-01-01', period_end: '2027-01-31' };
    const more = [
      ['emails', 'team', o.sales.id, {}],
      ['meetings', 'team', o.sales.id, january],
      ['avg_deal_size', 'team', o.sales.id, {}],
      ['close_rate', 'team', o.sales.id, january],
      ['units_sold', 'team', o.sales.id, { filters: JSON.stringify({ channel: 'web' }) }],
      ['revenue', 'team', o.riyadh.id, january],
      ['calls', 'team', o.riyadh.id, {}],
      ['deals_won', 'rep', o.sara.id, {}],
      ['emails', 'rep', o.rami.id, january],
      ['win_rate', 'rep', o.sara.id, { pace_model: 'seasonal' }],
      ['meetings', 'rep', nour.id, {}],
      ['revenue', 'rep', o.rami.id, january],
      ['calls', 'rep', o.rami.id, {}],
    ] as const;
    for (const [metric, type, id, extra] of more)
      await insertGoal(store.db, o.org.id, { metric, target: 100, scope_type: type, scope_id: id, ...extra });
    expect((await dashboard({ ctx, input: scope })).goals).toHaveLength(26);
    expect(await queriesOf(ctx, scope)).toBe(before);
    // the data version, teams, members, goals, targets, snapshots, time zone, stage rates (2), open pipeline,
    // one query per question (the team's, the sub-team's, the filtered one's, the reps'), where data begins, people
    expect(before).toBe(16);
  });

  /** The queries one uncached dashboard makes (a database handle of its own: nothing cached). */
  async function queriesOf(ctx: Ctx, input: { scope: string }): Promise<number> {
    let count = 0;
    const db = ctx.db.withPlugin({
      transformQuery: ({ node }) => node,
      transformResult: async ({ result }) => {
        count++;
        return result;
      },
    });
    await dashboard({ ctx: { ...ctx, db }, input });
    return count;
  }
});

async function lostDeal(db: Db, orgId: number, ownerId: number, teamId: number, closedAt: number) {
  await db
    .insertInto('deal')
    .values({
      org_id: orgId,
      owner_id: ownerId,
      team_id: teamId,
      amount: 5_000,
      currency: 'USD',
      stage: 'Closed Lost',
      status: 'lost',
      created_at: closedAt - 20 * 86_400_000,
      closed_at: closedAt,
    })
    .execute();
}

async function calls(db: Db, orgId: number, ownerId: number, teamId: number, at: number, count: number) {
  for (let i = 0; i < count; i++) {
    await db
      .insertInto('activity')
      .values({
        org_id: orgId,
        owner_id: ownerId,
        team_id: teamId,
        type: 'call',
        occurred_at: at + i * 60_000,
      })
      .execute();
  }
}

import { expect } from 'vitest';
import type { Org } from '../../../src/core/org.ts';
import * as goals from '../../../src/store/goal-queries.ts';
import type { TestStore } from '../../helpers/stores.ts';

/**
 * Org-isolation probes for src/store/goal-queries.ts, in the shape of
 * test/store/org-isolation.test.ts: each makes a goal in org A and calls the
 * function with org B's id, which must see nothing of A and change nothing.
 */
export interface IsolationWorld {
  a: Org;
  b: Org;
  aTeam: number;
  aUser: number;
  bTeam: number;
}

type Probe = (store: TestStore, w: IsolationWorld) => Promise<unknown>;

async function goalOfA(store: TestStore, w: IsolationWorld) {
  const row = await goals.insertGoal(store.db, w.a.id, {
    title: 'A only',
    metric: 'revenue',
    scope_type: 'team',
    scope_id: w.aTeam,
    target: 100,
    target_mode: 'absolute',
    direction: 'increase',
    period_start: '2027-01-01',
    period_end: '2027-03-31',
    kind: 'outcome',
    layer: 'team',
    status: 'active',
    created_at: 0,
    updated_at: 0,
  });
  await goals.insertTargetChange(store.db, w.a.id, row.id, {
    target: 100,
    effectiveFrom: '2027-01-01',
    changedBy: null,
    changedAt: 0,
    reason: 'created',
  });
  await goals.replaceBonusTiers(store.db, w.a.id, row.id, [{ attainment: 1, payout: 10 }]);
  return row;
}

export const goalQueriesOrgIndependent: Record<string, string> = {
  'goal-queries.toGoal': 'pure row mapper',
};

export const goalQueryProbes: Record<string, Probe> = {
  'goal-queries.insertGoal': async (s, w) => {
    const row = await goalOfA(s, w);
    expect(row.org_id).toBe(w.a.id);
  },
  'goal-queries.findGoal': async (s, w) => {
    const row = await goalOfA(s, w);
    expect(await goals.findGoal(s.db, w.b.id, row.id)).toBeUndefined();
  },
  'goal-queries.listGoals': async (s, w) => {
    await goalOfA(s, w);
    const rows = await goals.listGoals(s.db, w.b.id, { reach: { all: true }, limit: 500, offset: 0 });
    expect(rows.every((r) => r.org_id === w.b.id)).toBe(true);
    const reached = await goals.listGoals(s.db, w.b.id, {
      reach: { all: false, teamIds: [w.aTeam], userIds: [w.aUser] },
      limit: 500,
      offset: 0,
    });
    expect(reached).toEqual([]);
  },
  'goal-queries.listChildGoals': async (s, w) => {
    const parent = await goalOfA(s, w);
    const child = await goalOfA(s, w);
    await goals.updateGoalRow(s.db, w.a.id, child.id, { parent_id: parent.id });
    expect(await goals.listChildGoals(s.db, w.b.id, parent.id)).toEqual([]);
  },
  'goal-queries.updateGoalRow': async (s, w) => {
    const row = await goalOfA(s, w);
    await expect(goals.updateGoalRow(s.db, w.b.id, row.id, { title: 'hijacked' })).rejects.toThrow(
      /does not exist/,
    );
    expect((await goals.findGoal(s.db, w.a.id, row.id))?.title).toBe('A only');
  },
  'goal-queries.insertTargetChange': async (s, w) => {
    const row = await goalOfA(s, w);
    const change = { target: 5, effectiveFrom: '2027-02-01', changedBy: null, changedAt: 1, reason: 'x' };
    await expect(goals.insertTargetChange(s.db, w.b.id, row.id, change)).rejects.toThrow(/does not exist/);
    expect(await goals.listTargetChanges(s.db, w.a.id, [row.id])).toHaveLength(1);
  },
  'goal-queries.deleteTargetChanges': async (s, w) => {
    const row = await goalOfA(s, w);
    await goals.deleteTargetChanges(s.db, w.b.id, row.id);
    expect(await goals.listTargetChanges(s.db, w.a.id, [row.id])).toHaveLength(1);
  },
  'goal-queries.listTargetChanges': async (s, w) => {
    const row = await goalOfA(s, w);
    expect(await goals.listTargetChanges(s.db, w.b.id, [row.id])).toEqual([]);
  },
  'goal-queries.replaceBonusTiers': async (s, w) => {
    const row = await goalOfA(s, w);
    await expect(goals.replaceBonusTiers(s.db, w.b.id, row.id, [])).rejects.toThrow(/does not exist/);
    expect(await goals.listBonusTiers(s.db, w.a.id, row.id)).toEqual([{ attainment: 1, payout: 10 }]);
  },
  'goal-queries.listBonusTiers': async (s, w) => {
    const row = await goalOfA(s, w);
    expect(await goals.listBonusTiers(s.db, w.b.id, row.id)).toEqual([]);
  },
};

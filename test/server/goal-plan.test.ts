import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { createApiToken } from '../../src/services/accounts/api-tokens.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { buildGoalWorld, type GoalWorld, NOW } from '../services/goals/world.ts';

const fy2027 = { start: '2027-01-01', end: '2027-12-31' };
const how = 'Use consultative selling to grow revenue of our core product with existing enterprise accounts.';

interface GoalBody {
  id: number;
  title: string;
  target: number;
  status: string;
  parentId: number | null;
  scope: { type: string; id: number | null };
  metric: string;
  kind: string;
  period: { start: string; end: string };
  splitRule: unknown;
}

describe.each(dialects)('goal plan API (goal + split + funnel in one) on %s', (dialect) => {
  let store: TestStore;
  let w: GoalWorld;
  let app: Awaited<ReturnType<typeof buildServer>>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildGoalWorld(store);
    app = await buildServer({ store, now: () => NOW, mailer: null });
    for (const name of ['admin', 'manager'] as const) {
      const { token } = await createApiToken({
        ctx: w.ctx(w.users[name]),
        input: { name: 'test', scopes: ['read', 'write'] },
      });
      tokens[name] = token;
    }
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  const call = (who: string, method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${tokens[who]}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const goalCount = async () =>
    (await store.db.selectFrom('goal').select('id').where('org_id', '=', w.org.id).execute()).length;

  /** Sales split between East and West 2:1; 100,000,001 cents do not divide by 3. */
  const salesPlan = () => ({
    goal: {
      title: 'Sales revenue 2027',
      description: how,
      metric: 'revenue',
      scope: { type: 'team', id: w.teams.sales.id },
      target: 100_000_001,
      period: fy2027,
    },
    split: {
      by: 'member',
      method: 'weights',
      members: [
        { type: 'team', id: w.teams.east.id, weight: 2 },
        { type: 'team', id: w.teams.west.id, weight: 1 },
      ],
    },
  });

  it('previews the children and the funnel of an unsaved goal, and stores nothing', async () => {
    const before = await goalCount();
    const res = await call('admin', 'POST', '/api/goals/plan/preview', salesPlan());
    expect(res.statusCode).toBe(200);
    const preview = res.json();
    // exact shares 66,666,667.33 and 33,333,333.67: the floors leave one cent, which goes to the larger fraction
    expect(preview.split.children.map((c: { name: string; target: number }) => [c.name, c.target])).toEqual([
      ['East', 66_666_667],
      ['West', 33_333_334],
    ]);
    expect(preview.split.inherited).toBe(false);
    expect(preview.goal).toMatchObject({ target: 100_000_001, layer: 'team', kind: 'outcome' });
    expect(preview.funnel.steps.map((s: { id: string }) => s.id)).toContain('deals_won');
    expect(preview.funnel).not.toHaveProperty('goalId');
    expect(await goalCount()).toBe(before);
  });

  it('resolves a relative target in the preview as saving would', async () => {
    const res = await call('admin', 'POST', '/api/goals/plan/preview', {
      goal: {
        title: 'Revenue 2027 +10%',
        description: how,
        metric: 'revenue',
        scope: { type: 'org' },
        targetMode: 'relative',
        targetChange: 0.1,
        period: fy2027,
      },
      split: { by: 'period', grain: 'quarter' },
    });
    expect(res.statusCode).toBe(200);
    const preview = res.json();
    // $700,000 in 2026 → +10% = $770,000 = 77,000,000 cents, split equally into 4 quarters
    expect(preview.goal).toMatchObject({ target: 77_000_000, baseline: 70_000_000 });
    expect(preview.split.children.map((c: { target: number }) => c.target)).toEqual(
      Array(4).fill(19_250_000),
    );
    expect(preview.split.children.map((c: { name: string }) => c.name)).toEqual([
      '2027-Q1',
      '2027-Q2',
      '2027-Q3',
      '2027-Q4',
    ]);
  });

  it('creates the goal, its split children and its funnel activity goals in one call', async () => {
    const preview = (await call('admin', 'POST', '/api/goals/plan/preview', salesPlan())).json();
    const calls = preview.funnel.steps.find((s: { id: string }) => s.id === 'calls');
    expect(calls.total).toBeGreaterThan(0);
    const res = await call('admin', 'POST', '/api/goals/plan', {
      ...salesPlan(),
      goal: { ...salesPlan().goal, status: 'active' },
      funnel: { steps: ['calls'] },
    });
    expect(res.statusCode).toBe(201);
    const { goal, children, activities } = res.json() as {
      goal: GoalBody;
      children: GoalBody[];
      activities: GoalBody[];
    };
    expect(goal).toMatchObject({ status: 'active', target: 100_000_001 });
    expect(goal.splitRule).toMatchObject({ by: 'member', method: 'weights' });
    expect(children.map((c) => [c.scope, c.target, c.status, c.parentId])).toEqual([
      [{ type: 'team', id: w.teams.east.id }, 66_666_667, 'active', goal.id],
      [{ type: 'team', id: w.teams.west.id }, 33_333_334, 'active', goal.id],
    ]);
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({ metric: 'calls', kind: 'activity', target: calls.total });
    // the same children through the goal API, and the preview's funnel is the saved goal's funnel
    const listed = (await call('admin', 'GET', `/api/goals?parentId=${goal.id}`)).json().goals as GoalBody[];
    expect(listed.map((g) => g.id).sort((a, b) => a - b)).toEqual(
      [...children, ...activities].map((g) => g.id).sort((a, b) => a - b),
    );
    const saved = (await call('admin', 'GET', `/api/goals/${goal.id}/funnel`)).json();
    expect(saved.steps).toEqual(preview.funnel.steps);
  });

  it('writes nothing when the split is refused after the goal would have been created', async () => {
    const before = await goalCount();
    const res = await call('admin', 'POST', '/api/goals/plan', {
      goal: { ...salesPlan().goal, scope: { type: 'team', id: w.teams.east.id } },
      // West is not inside East
      split: { by: 'member', members: [{ type: 'team', id: w.teams.west.id }] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'invalid_input', field: 'split.members.0' });
    expect(res.json().error.message).toContain('is not inside East');
    expect(await goalCount()).toBe(before);

    const badStep = await call('admin', 'POST', '/api/goals/plan', {
      ...salesPlan(),
      funnel: { steps: ['revenue'] },
    });
    expect(badStep.statusCode).toBe(400);
    expect(badStep.json().error.field).toBe('funnel.steps.0');
    expect(await goalCount()).toBe(before);
  });

  it('names the field of a refused goal as the body does', async () => {
    const empty = await call('admin', 'POST', '/api/goals/plan/preview', {
      goal: { ...salesPlan().goal, title: '' },
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.field).toBe('goal.title');
    const noTarget = await call('admin', 'POST', '/api/goals/plan', {
      goal: { ...salesPlan().goal, target: null },
    });
    expect(noTarget.statusCode).toBe(400);
    expect(noTarget.json().error.field).toBe('goal.target');
    const oneQuarter = await call('admin', 'POST', '/api/goals/plan/preview', {
      goal: { ...salesPlan().goal, period: { start: '2027-01-01', end: '2027-03-31' } },
      split: { by: 'period', grain: 'quarter' },
    });
    expect(oneQuarter.statusCode).toBe(400);
    expect(oneQuarter.json().error.field).toBe('split.grain');
  });

  it('saves a draft with draft children, which communicating then activates', async () => {
    const draft = (
      await call('admin', 'POST', '/api/goals', {
        title: 'Grow East revenue',
        metric: 'revenue',
        scope: { type: 'team', id: w.teams.east.id },
        target: 80_000_000,
        period: fy2027,
        reason: 'East closes fewer deals than last year',
        status: 'draft',
      })
    ).json().goal as GoalBody;
    const res = await call('admin', 'POST', '/api/goals/plan', {
      draftId: draft.id,
      goal: {
        title: 'Grow East revenue by a third',
        description: how,
        metric: 'revenue',
        scope: { type: 'team', id: w.teams.east.id },
        target: 90_000_002,
        period: fy2027,
        status: 'draft',
      },
      split: {
        by: 'member',
        method: 'equal',
        members: [
          { type: 'rep', id: w.users.ali.id },
          { type: 'rep', id: w.users.badr.id },
        ],
      },
    });
    expect(res.statusCode).toBe(201);
    const { goal, children } = res.json() as { goal: GoalBody; children: GoalBody[] };
    expect(goal).toMatchObject({ id: draft.id, status: 'draft', title: 'Grow East revenue by a third' });
    expect(goal).toMatchObject({ target: 90_000_002 });
    expect(children.map((c) => [c.scope.id, c.target, c.status])).toEqual([
      [w.users.ali.id, 45_000_001, 'draft'],
      [w.users.badr.id, 45_000_001, 'draft'],
    ]);
    const shown = (await call('admin', 'GET', `/api/goals/${draft.id}`)).json();
    expect(shown.goal.reason).toBe('East closes fewer deals than last year');
    expect(shown.assignment).toMatchObject({ state: 'exact', assigned: 90_000_002 });

    const communicated = await call('admin', 'POST', `/api/goals/${draft.id}/communicate`, {});
    expect(communicated.statusCode).toBe(200);
    expect([...communicated.json().activated].sort((a: number, b: number) => a - b)).toEqual(
      [draft.id, ...children.map((c) => c.id)].sort((a, b) => a - b),
    );

    // now live: the form cannot save it as a draft again
    const again = await call('admin', 'POST', '/api/goals/plan', {
      draftId: draft.id,
      goal: { title: 'x', scope: { type: 'team', id: w.teams.east.id }, target: 1 },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.field).toBe('draftId');
  });

  it('refuses a plan outside the actor’s teams, and writes nothing', async () => {
    const before = await goalCount();
    const res = await call('manager', 'POST', '/api/goals/plan', salesPlan());
    expect(res.statusCode).toBe(403);
    const preview = await call('manager', 'POST', '/api/goals/plan/preview', salesPlan());
    expect(preview.statusCode).toBe(403);
    expect(await goalCount()).toBe(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearDashboardCache, readerKey } from '../../../src/services/tracking/dashboard-cache.ts';
import { dashboard } from '../../../src/services/tracking/progress.ts';
import { currentDataVersion, insertCheckin, insertSnapshot } from '../../../src/store/progress-queries.ts';
import { refreshRollups } from '../../../src/store/rollups.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import {
  HALFWAY,
  insertGoal,
  type SalesOrg,
  salesOrg,
  systemCtx,
  userCtx,
  utc,
  wonDeal,
} from './fixtures.ts';

/**
 * The dashboard cache serves what it read only while the org's data version
 * stands still: every kind of write a dashboard shows must change the next
 * response, on both dialects; and a cached view never reaches a reader who
 * may see less.
 */
describe.each(dialects)('dashboard cache on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store.drop());

  /** A won deal written the way every fact write is: the row, then its rollup days refreshed. */
  async function sale(o: SalesOrg, ownerId: number, amount: number, day: string) {
    const closedAt = utc(`${day}T10:00:00`);
    await wonDeal(store.db, o.org.id, { ownerId, teamId: o.riyadh.id, amount, closedAt });
    await refreshRollups(store.db, o.org.id, { fromMs: closedAt - 30 * 86_400_000, toMs: closedAt });
  }

  async function world() {
    const o = await salesOrg(store);
    await sale(o, o.sara.id, 100_000, '2027-01-10');
    const teamGoal = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 300_000,
      scope_type: 'team',
      scope_id: o.sales.id,
    });
    const saraGoal = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 150_000,
      scope_type: 'rep',
      scope_id: o.sara.id,
      parent_id: teamGoal,
    });
    const admin = systemCtx(store, o.org, HALFWAY);
    return { o, teamGoal, saraGoal, admin };
  }

  const byGoal = (d: Awaited<ReturnType<typeof dashboard>>, id: number) =>
    d.goals.find((g) => g.goal.id === id);

  it('serves a repeated dashboard from the cache, with the progress of the moment it is asked', async () => {
    const { o, teamGoal, admin } = await world();
    const hour = 3_600_000;
    const scope = { scope: `team:${o.sales.id}` };
    const first = await dashboard({ ctx: { ...admin, now: HALFWAY + hour }, input: scope });
    const second = await dashboard({ ctx: { ...admin, now: HALFWAY + 7 * hour }, input: scope });
    // the same goal objects: nothing was read again
    expect(byGoal(second, teamGoal)?.goal).toBe(byGoal(first, teamGoal)?.goal);
    expect(byGoal(second, teamGoal)?.progress.actual).toBe(100_000);
    // the expected value still moves with the clock: 45 days and 1 hour of 90 days, then 45 days and 7 hours
    expect(byGoal(first, teamGoal)?.progress.expected).toBeCloseTo((300_000 * (45 + 1 / 24)) / 90, 6);
    expect(byGoal(second, teamGoal)?.progress.expected).toBeCloseTo((300_000 * (45 + 7 / 24)) / 90, 6);
    expect(second.asOf).toBe(HALFWAY + 7 * hour);
    // the next local day reads again
    const nextDay = await dashboard({ ctx: { ...admin, now: HALFWAY + 25 * hour }, input: scope });
    expect(byGoal(nextDay, teamGoal)?.goal).not.toBe(byGoal(first, teamGoal)?.goal);
  });

  it('shows a new fact on the next dashboard (the rollup refresh bumps the version)', async () => {
    const { o, teamGoal, saraGoal, admin } = await world();
    const before = await dashboard({ ctx: admin, input: { scope: `team:${o.sales.id}` } });
    expect(byGoal(before, teamGoal)?.progress.actual).toBe(100_000);
    await sale(o, o.sara.id, 50_000, '2027-02-01');
    const after = await dashboard({ ctx: admin, input: { scope: `team:${o.sales.id}` } });
    expect(byGoal(after, teamGoal)?.progress.actual).toBe(150_000);
    expect(byGoal(after, saraGoal)?.progress.actual).toBe(150_000);
  });

  it('shows a goal change, a new goal and a removed goal on the next dashboard', async () => {
    const { o, teamGoal, saraGoal, admin } = await world();
    await dashboard({ ctx: admin, input: { scope: `team:${o.sales.id}` } });
    await store.db.updateTable('goal').set({ target: 400_000 }).where('id', '=', teamGoal).execute();
    const rami = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 90_000,
      scope_type: 'rep',
      scope_id: o.rami.id,
    });
    await store.db.updateTable('goal').set({ status: 'archived' }).where('id', '=', saraGoal).execute();
    const after = await dashboard({ ctx: admin, input: { scope: `team:${o.sales.id}` } });
    expect(byGoal(after, teamGoal)?.progress.target).toBe(400_000);
    expect(after.goals.map((g) => g.goal.id).sort()).toEqual([teamGoal, rami].sort());
  });

  it('moves the version on every kind of write a dashboard reads, in that org only', async () => {
    const { o, teamGoal } = await world();
    const other = await salesOrg(store);
    const v = () => currentDataVersion(store.db, o.org.id);
    const otherVersion = await currentDataVersion(store.db, other.org.id);
    const writes: Array<[string, () => Promise<unknown>]> = [
      [
        'a target change',
        () =>
          store.db
            .insertInto('goal_target_change')
            .values({
              org_id: o.org.id,
              goal_id: teamGoal,
              target: 350_000,
              effective_from: '2027-02-01',
              changed_by: null,
              changed_at: HALFWAY,
              reason: 'x',
            })
            .execute(),
      ],
      [
        'a snapshot',
        () =>
          insertSnapshot(
            store.db,
            o.org.id,
            {
              goal_id: teamGoal,
              day: '2027-02-10',
              actual: 1,
              target: 300_000,
              expected: 1,
              pace_ratio: 1,
              attainment: 0,
              forecast: null,
              forecast_low: null,
              forecast_high: null,
              status: 'on_track',
            },
            HALFWAY,
          ),
      ],
      [
        'a check-in',
        () =>
          insertCheckin(store.db, o.org.id, {
            goalId: teamGoal,
            userId: o.sara.id,
            at: HALFWAY,
            value: 1,
            comment: '',
            confidence: 3,
            private: false,
          }),
      ],
      [
        'a team rename',
        () => store.db.updateTable('team').set({ name: 'Najd' }).where('id', '=', o.riyadh.id).execute(),
      ],
      [
        'a role change',
        () => store.db.updateTable('app_user').set({ role: 'manager' }).where('id', '=', o.rami.id).execute(),
      ],
      [
        'an org setting',
        () => store.db.updateTable('org').set({ name: 'Acme renamed' }).where('id', '=', o.org.id).execute(),
      ],
      ['a deleted goal', () => store.db.deleteFrom('goal').where('id', '=', teamGoal).execute()],
    ];
    for (const [what, write] of writes) {
      const before = await v();
      await write();
      expect(await v(), what).toBeGreaterThan(before);
    }
    // org isolation: none of it moved the other org's version
    expect(await currentDataVersion(store.db, other.org.id)).toBe(otherVersion);
  });

  it('keys cached views by reader: a rep never gets the view cached for their manager', async () => {
    const { o, saraGoal } = await world();
    const ramiGoal = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 80_000,
      scope_type: 'rep',
      scope_id: o.rami.id,
    });
    const path = (
      await store.db.selectFrom('team').select('path').where('id', '=', o.riyadh.id).executeTakeFirstOrThrow()
    ).path;
    const omar = userCtx(store, o.org, HALFWAY, o.omar, path);
    const rami = userCtx(store, o.org, HALFWAY, o.rami, path);
    const scope = { scope: `team:${o.riyadh.id}` };
    const managerView = await dashboard({ ctx: omar, input: scope });
    expect(managerView.goals.map((g) => g.goal.id).sort()).toEqual([saraGoal, ramiGoal].sort());
    const repView = await dashboard({ ctx: rami, input: scope });
    expect(repView.goals.map((g) => g.goal.id)).toEqual([ramiGoal]);
    expect(readerKey(omar.actor)).not.toBe(readerKey(rami.actor));
    // two admins share one view; a rep's key names the rep
    expect(readerKey({ kind: 'user', userId: 1, role: 'admin', teamId: null, teamPath: null })).toBe(
      readerKey({ kind: 'user', userId: 2, role: 'admin', teamId: 3, teamPath: '/3/' }),
    );
  });

  it('drops a moved rep from their old manager’s next dashboard', async () => {
    const { o, saraGoal } = await world();
    const path = (
      await store.db.selectFrom('team').select('path').where('id', '=', o.riyadh.id).executeTakeFirstOrThrow()
    ).path;
    const omar = userCtx(store, o.org, HALFWAY, o.omar, path);
    const scope = { scope: `team:${o.riyadh.id}` };
    expect((await dashboard({ ctx: omar, input: scope })).goals.map((g) => g.goal.id)).toContain(saraGoal);
    await store.db.updateTable('app_user').set({ team_id: o.sales.id }).where('id', '=', o.sara.id).execute();
    expect((await dashboard({ ctx: omar, input: scope })).goals.map((g) => g.goal.id)).not.toContain(
      saraGoal,
    );
  });

  it('reads the same figures with the cache cleared as through it', async () => {
    const { o, admin } = await world();
    const cached = await dashboard({ ctx: admin, input: { scope: `team:${o.sales.id}` } });
    clearDashboardCache(store.db);
    const fresh = await dashboard({ ctx: admin, input: { scope: `team:${o.sales.id}` } });
    expect(fresh.goals[0]?.goal).not.toBe(cached.goals[0]?.goal);
    expect(fresh).toEqual(cached);
  });
});

import type { Org } from '../../../src/core/org.ts';
import { type Ctx, systemActor } from '../../../src/services/context.ts';
import type { Db } from '../../../src/store/db.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import type { NewGoal } from '../../../src/store/schema.ts';
import { createTeam } from '../../../src/store/team-queries.ts';
import { createUser } from '../../../src/store/user-queries.ts';
import type { TestStore } from '../../helpers/stores.ts';

export const utc = (text: string) => Date.parse(`${text}Z`);
/** Q1 2027 has 90 days; the start of Feb 15 is exactly halfway. */
export const QUARTER = { start: '2027-01-01', end: '2027-03-31' };
export const HALFWAY = utc('2027-02-15T00:00:00');

let unique = 0;
const next = () => ++unique;

/**
 * An org with a sales team (manager Maha) holding a sub-team (manager Omar)
 * with two reps, Sara and Rami; an admin Aisha. Sunday-Thursday week, UTC.
 */
export async function salesOrg(store: TestStore, settings: Partial<Org['settings']> = {}) {
  const n = next();
  const org = await createOrg(
    store.db,
    {
      name: `Acme ${n}`,
      slug: `acme-${n}`,
      currency: 'USD',
      timeZone: 'UTC',
      workingDays: [0, 1, 2, 3, 4],
      settings,
    },
    0,
  );
  const admin = await createUser(
    store.db,
    org.id,
    { name: 'Aisha', email: `aisha${n}@acme.test`, role: 'admin' },
    0,
  );
  const sales = await createTeam(store.db, org.id, { name: 'Sales' }, 0);
  const riyadh = await createTeam(store.db, org.id, { name: 'Riyadh', parentId: sales.id }, 0);
  const maha = await createUser(
    store.db,
    org.id,
    { name: 'Maha', email: `maha${n}@acme.test`, role: 'manager', teamId: sales.id },
    0,
  );
  const omar = await createUser(
    store.db,
    org.id,
    { name: 'Omar', email: `omar${n}@acme.test`, role: 'manager', teamId: riyadh.id, locale: 'ar' },
    0,
  );
  await store.db.updateTable('team').set({ manager_id: maha.id }).where('id', '=', sales.id).execute();
  await store.db.updateTable('team').set({ manager_id: omar.id }).where('id', '=', riyadh.id).execute();
  const sara = await createUser(
    store.db,
    org.id,
    { name: 'Sara', email: `sara${n}@acme.test`, role: 'rep', teamId: riyadh.id },
    0,
  );
  const rami = await createUser(
    store.db,
    org.id,
    { name: 'Rami', email: `rami${n}@acme.test`, role: 'rep', teamId: riyadh.id },
    0,
  );
  return { org, admin, sales, riyadh, maha, omar, sara, rami };
}

export type SalesOrg = Awaited<ReturnType<typeof salesOrg>>;

export const systemCtx = (store: TestStore, org: Org, now: number): Ctx => ({
  db: store.db,
  dialect: store.dialect,
  org,
  actor: systemActor('test'),
  now,
});

export const userCtx = (
  store: TestStore,
  org: Org,
  now: number,
  user: { id: number; role: 'admin' | 'manager' | 'rep'; team_id: number | null },
  teamPath: string | null,
): Ctx => ({
  db: store.db,
  dialect: store.dialect,
  org,
  actor: { kind: 'user', userId: user.id, role: user.role, teamId: user.team_id, teamPath },
  now,
});

export async function wonDeal(
  db: Db,
  orgId: number,
  deal: { ownerId: number; teamId: number; amount: number; closedAt: number; stage?: string },
) {
  await db
    .insertInto('deal')
    .values({
      org_id: orgId,
      owner_id: deal.ownerId,
      team_id: deal.teamId,
      amount: deal.amount,
      currency: 'USD',
      stage: deal.stage ?? 'Closed Won',
      status: 'won',
      created_at: deal.closedAt - 30 * 86_400_000,
      closed_at: deal.closedAt,
    })
    .execute();
}

export async function insertGoal(
  db: Db,
  orgId: number,
  goal: Partial<NewGoal> & Pick<NewGoal, 'metric' | 'target'>,
) {
  const row = await db
    .insertInto('goal')
    .values({
      org_id: orgId,
      title: `Goal ${next()}`,
      scope_type: 'org',
      scope_id: null,
      target_mode: 'absolute',
      direction: 'increase',
      period_start: QUARTER.start,
      period_end: QUARTER.end,
      kind: 'outcome',
      layer: 'team',
      status: 'active',
      created_at: 0,
      updated_at: 0,
      ...goal,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

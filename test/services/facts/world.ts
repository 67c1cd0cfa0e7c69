import type { Actor, Org } from '../../../src/core/org.ts';
import type { Ctx } from '../../../src/services/context.ts';
import { findFactRow, insertFactRow, type NewFact, teamOfUserAt } from '../../../src/store/fact-queries.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import type { TeamRow, UserRow } from '../../../src/store/schema.ts';
import { createTeam } from '../../../src/store/team-queries.ts';
import { createUser, moveUserToTeam } from '../../../src/store/user-queries.ts';
import type { TestStore } from '../../helpers/stores.ts';

/**
 * An org in Riyadh (UTC+3, no daylight saving) with a team tree
 *   Sales
 *   ├── East ── East Juniors
 *   └── West
 * its people, and a second org that must never show through.
 * Lena moved from East to West on MOVED_AT.
 */
export const MOVED_AT = Date.UTC(2027, 1, 15);
const HIRED = Date.UTC(2026, 0, 1);

export interface FactWorld {
  store: TestStore;
  org: Org;
  other: Org;
  teams: { sales: TeamRow; east: TeamRow; juniors: TeamRow; west: TeamRow; otherTeam: TeamRow };
  users: {
    admin: UserRow;
    eastManager: UserRow;
    eastRep: UserRow;
    eastRep2: UserRow;
    junior: UserRow;
    westRep: UserRow;
    lena: UserRow;
    otherRep: UserRow;
  };
  now: number;
}

let serial = 0;

export async function buildFactWorld(store: TestStore, now = Date.UTC(2027, 5, 1)): Promise<FactWorld> {
  const n = ++serial;
  const org = await createOrg(
    store.db,
    { name: `Nakhla ${n}`, slug: `nakhla-${n}`, currency: 'SAR', timeZone: 'Asia/Riyadh' },
    HIRED,
  );
  const other = await createOrg(store.db, { name: `Other ${n}`, slug: `other-${n}`, currency: 'SAR' }, HIRED);
  const sales = await createTeam(store.db, org.id, { name: 'Sales' }, HIRED);
  const east = await createTeam(store.db, org.id, { name: 'East', parentId: sales.id }, HIRED);
  const juniors = await createTeam(store.db, org.id, { name: 'East Juniors', parentId: east.id }, HIRED);
  const west = await createTeam(store.db, org.id, { name: 'West', parentId: sales.id }, HIRED);
  const otherTeam = await createTeam(store.db, other.id, { name: 'East' }, HIRED);
  const user = (name: string, role: UserRow['role'], team: TeamRow, orgId = org.id) =>
    createUser(
      store.db,
      orgId,
      {
        name,
        email: `${name.toLowerCase().replace(/\W/g, '.')}.${n}@x.test`,
        role,
        teamId: team.id,
        hiredAt: HIRED,
      },
      HIRED,
    );
  const users = {
    admin: await user('Ada Admin', 'admin', sales),
    eastManager: await user('Mona Manager', 'manager', east),
    eastRep: await user('Sara East', 'rep', east),
    eastRep2: await user('Omar East', 'rep', east),
    junior: await user('Jana Junior', 'rep', juniors),
    westRep: await user('Walid West', 'rep', west),
    lena: await user('Lena Mover', 'rep', east),
    otherRep: await user('Sara Other', 'rep', otherTeam, other.id),
  };
  await moveUserToTeam(store.db, org.id, users.lena.id, west.id, MOVED_AT);
  users.lena = { ...users.lena, team_id: west.id };
  return { store, org, other, teams: { sales, east, juniors, west, otherTeam }, users, now };
}

const pathOf = (w: FactWorld, teamId: number | null) =>
  Object.values(w.teams).find((t) => t.id === teamId)?.path ?? null;

export function actorOf(w: FactWorld, user: UserRow): Actor {
  return {
    kind: 'user',
    userId: user.id,
    role: user.role,
    teamId: user.team_id,
    teamPath: pathOf(w, user.team_id),
  };
}

export function ctxAs(w: FactWorld, user: UserRow | 'system', org: Org = w.org): Ctx {
  return {
    db: w.store.db,
    dialect: w.store.dialect,
    org,
    actor: user === 'system' ? { kind: 'system', label: 'test' } : actorOf(w, user),
    now: w.now,
  };
}

/** A deal written straight to the store, its team set as the API would (the owner's team at close or creation). */
export async function seedDeal(w: FactWorld, owner: UserRow | null, deal: Partial<NewFact<'deal'>> = {}) {
  const createdAt = deal.created_at ?? Date.UTC(2027, 0, 10);
  const at = deal.closed_at ?? createdAt;
  const id = await insertFactRow(w.store.db, w.org.id, 'deal', {
    amount: 1000,
    currency: 'SAR',
    stage: deal.status ?? 'open',
    status: 'open',
    created_at: createdAt,
    owner_id: owner?.id ?? null,
    team_id: owner ? await teamOfUserAt(w.store.db, w.org.id, owner.id, at) : null,
    ...deal,
  });
  return (await findFactRow(w.store.db, w.org.id, 'deal', id)) as NonNullable<
    Awaited<ReturnType<typeof findFactRow<'deal'>>>
  >;
}

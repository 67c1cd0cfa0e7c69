import type { Org } from '../../../src/core/org.ts';
import { hashPassword } from '../../../src/services/accounts/passwords.ts';
import { actorOf } from '../../../src/services/accounts/sessions.ts';
import type { Ctx } from '../../../src/services/context.ts';
import { findMember, type Member, setPasswordHash } from '../../../src/store/account-queries.ts';
import type { Store } from '../../../src/store/db.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import type { TeamRow } from '../../../src/store/schema.ts';
import { createTeam, setTeamManager } from '../../../src/store/team-queries.ts';
import { createUser } from '../../../src/store/user-queries.ts';

/** The password every user of a world signs in with. */
export const worldPassword = 'blue-harbour-lantern-42';
let sharedHash: Promise<string> | undefined;

export interface World {
  store: Store;
  org: Org;
  otherOrg: Org;
  teams: { sales: TeamRow; east: TeamRow; eastSmb: TeamRow; west: TeamRow; otherTeam: TeamRow };
  users: {
    admin: Member;
    eastManager: Member;
    westManager: Member;
    eastRep: Member;
    eastRep2: Member;
    smbRep: Member;
    westRep: Member;
    otherAdmin: Member;
  };
}

/**
 * Acme: Sales > East > East SMB, and Sales > West, an admin, a manager per
 * region, reps in each; plus Globex, another org with its own admin.
 * E-mails carry `tag` so several worlds can share a database.
 */
export async function buildWorld(store: Store, now: number, tag = 'w'): Promise<World> {
  sharedHash ??= hashPassword(worldPassword);
  const hash = await sharedHash;
  const org = await createOrg(store.db, { name: 'Acme', slug: `acme-${tag}` }, now);
  const otherOrg = await createOrg(store.db, { name: 'Globex', slug: `globex-${tag}` }, now);
  const sales = await createTeam(store.db, org.id, { name: 'Sales' }, now);
  const east = await createTeam(store.db, org.id, { name: 'East', parentId: sales.id }, now);
  const eastSmb = await createTeam(store.db, org.id, { name: 'East SMB', parentId: east.id }, now);
  const west = await createTeam(store.db, org.id, { name: 'West', parentId: sales.id }, now);
  const otherTeam = await createTeam(store.db, otherOrg.id, { name: 'Globex Sales' }, now);

  const add = async (o: Org, name: string, role: Member['role'], teamId: number | null) => {
    const email = `${name.toLowerCase().replace(/\s+/g, '.')}.${tag}@example.test`;
    const row = await createUser(store.db, o.id, { name, email, role, teamId }, now);
    await setPasswordHash(store.db, o.id, row.id, hash, now);
    return (await findMember(store.db, o.id, row.id)) as Member;
  };
  const users = {
    admin: await add(org, 'Amal Admin', 'admin', null),
    eastManager: await add(org, 'Emad Manager', 'manager', east.id),
    westManager: await add(org, 'Widad Manager', 'manager', west.id),
    eastRep: await add(org, 'Essa Rep', 'rep', east.id),
    eastRep2: await add(org, 'Eman Rep', 'rep', east.id),
    smbRep: await add(org, 'Sami Rep', 'rep', eastSmb.id),
    westRep: await add(org, 'Walid Rep', 'rep', west.id),
    otherAdmin: await add(otherOrg, 'Omar Admin', 'admin', otherTeam.id),
  };
  await setTeamManager(store.db, org.id, east.id, users.eastManager.id);
  await setTeamManager(store.db, org.id, west.id, users.westManager.id);
  return { store, org, otherOrg, teams: { sales, east, eastSmb, west, otherTeam }, users };
}

/** The service context of `user` acting at `now`. */
export function ctxOf(world: World, user: Member, now: number): Ctx {
  const org = user.org_id === world.org.id ? world.org : world.otherOrg;
  return { db: world.store.db, dialect: world.store.dialect, org, actor: actorOf(user), now };
}

export const baseOf = (world: World, now: number) => ({
  db: world.store.db,
  dialect: world.store.dialect,
  now,
});

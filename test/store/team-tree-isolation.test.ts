import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emailThrottleKey } from '../../src/services/accounts/login.ts';
import { recordLoginFailure } from '../../src/store/account-queries.ts';
import { createOrg } from '../../src/store/org-queries.ts';
import { findLockedUsers } from '../../src/store/people-queries.ts';
import {
  createTeam,
  deleteTeam,
  findTeam,
  reparentTeam,
  setTeamName,
  teamUsage,
} from '../../src/store/team-queries.ts';
import { createUser } from '../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';

/**
 * Org-isolation probes (see test/store/org-isolation.test.ts) for the
 * team-tree and people store functions: called with org B's id and org A's
 * rows, each changes nothing of A and reads nothing of A.
 */
describe.each(dialects)('team tree and people store isolation on %s', (dialect) => {
  let store: TestStore;
  let aOrg: number;
  let bOrg: number;
  let aTeam: { id: number; path: string };
  let aChild: { id: number; path: string };
  let bTeam: { id: number; path: string };
  const rule = { windowMs: 60_000, maxFailures: 1, lockMs: 60_000 };

  beforeAll(async () => {
    store = await freshStore(dialect);
    aOrg = (await createOrg(store.db, { name: 'A', slug: 'a' }, 0)).id;
    bOrg = (await createOrg(store.db, { name: 'B', slug: 'b' }, 0)).id;
    aTeam = await createTeam(store.db, aOrg, { name: 'A only' }, 0);
    aChild = await createTeam(store.db, aOrg, { name: 'A child', parentId: aTeam.id }, 0);
    bTeam = await createTeam(store.db, bOrg, { name: 'B team' }, 0);
    await createUser(store.db, aOrg, { name: 'A rep', email: 'a@x.test', role: 'rep', teamId: aTeam.id }, 0);
    await recordLoginFailure(store.db, emailThrottleKey('a@x.test'), 10, rule);
  });
  afterAll(() => store?.drop());

  it("'team-queries.setTeamName' does not rename A's team", async () => {
    await setTeamName(store.db, bOrg, aTeam.id, 'Taken over');
    expect((await findTeam(store.db, aOrg, aTeam.id))?.name).toBe('A only');
  });

  it("'team-queries.reparentTeam' does not move A's teams or rewrite their paths", async () => {
    await reparentTeam(store.db, bOrg, aChild, bTeam);
    expect(await findTeam(store.db, aOrg, aChild.id)).toMatchObject({
      parent_id: aTeam.id,
      path: `/${aTeam.id}/${aChild.id}/`,
    });
  });

  it("'team-queries.teamUsage' counts nothing of A's", async () => {
    expect(await teamUsage(store.db, bOrg, aTeam.id, 20)).toEqual({
      subTeams: 0,
      users: 0,
      memberships: 0,
      goals: 0,
      openInvitations: 0,
    });
    // and the same call in A sees A's child and rep
    expect(await teamUsage(store.db, aOrg, aTeam.id, 20)).toMatchObject({ subTeams: 1, users: 1 });
  });

  it("'team-queries.deleteTeam' does not delete A's team", async () => {
    expect(await deleteTeam(store.db, bOrg, aChild.id)).toBe(false);
    expect(await findTeam(store.db, aOrg, aChild.id)).toBeDefined();
  });

  it("'people-queries.findLockedUsers' does not list A's locked people", async () => {
    expect(await findLockedUsers(store.db, bOrg, 20)).toEqual([]);
    expect((await findLockedUsers(store.db, aOrg, 20)).map((l) => l.lockedUntil)).toEqual([60_010]);
  });
});

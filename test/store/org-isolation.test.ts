import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Org } from '../../src/core/org.ts';
import { createOrg } from '../../src/store/org-queries.ts';
import * as teams from '../../src/store/team-queries.ts';
import * as users from '../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';

/**
 * Every exported function of a src/store/*-queries.ts module is either called
 * here with org B's id and org A's row ids (and must return nothing of A, or
 * refuse), or listed as org-independent with the reason. A new store function
 * without a row fails the test.
 */
const orgIndependent: Record<string, string> = {
  'org-queries.createOrg': 'creates an org',
  'org-queries.findOrg': 'looks an org up by its own id',
  'org-queries.findOrgBySlug': 'looks an org up by its own slug',
  'org-queries.listOrgs': 'server-level: used by health and org selection',
  'org-queries.countOrgs': 'server-level: used by health',
  'org-queries.toOrg': 'pure row mapper',
};

interface World {
  a: Org;
  b: Org;
  aTeam: number;
  aUser: number;
  bTeam: number;
}

type Probe = (store: TestStore, w: World) => Promise<unknown>;

const probes: Record<string, Probe> = {
  'team-queries.createTeam': async (s, w) => {
    // a team in B cannot hang under A's team
    await expect(teams.createTeam(s.db, w.b.id, { name: 'x', parentId: w.aTeam }, 0)).rejects.toThrow(
      /does not exist/,
    );
  },
  'team-queries.findTeam': async (s, w) =>
    expect(await teams.findTeam(s.db, w.b.id, w.aTeam)).toBeUndefined(),
  'team-queries.findTeamByName': async (s, w) =>
    expect(await teams.findTeamByName(s.db, w.b.id, 'A only')).toBeUndefined(),
  'team-queries.listTeams': async (s, w) =>
    expect((await teams.listTeams(s.db, w.b.id)).map((t) => t.org_id)).toEqual([w.b.id]),
  'team-queries.teamSubtreeIds': async (s, w) =>
    expect(teams.teamSubtreeIds(s.db, w.b.id, w.aTeam)).rejects.toThrow(/does not exist/),
  'team-queries.setTeamManager': async (s, w) => {
    await teams.setTeamManager(s.db, w.b.id, w.aTeam, null);
    await expect(teams.setTeamManager(s.db, w.b.id, w.bTeam, w.aUser)).rejects.toThrow(/does not exist/);
    expect((await teams.findTeam(s.db, w.a.id, w.aTeam))?.manager_id).toBe(w.aUser);
  },
  'user-queries.createUser': async (s, w) => {
    const u = await users.createUser(s.db, w.b.id, { name: 'B2', email: 'a@x.test', role: 'rep' }, 0);
    expect(u.org_id).toBe(w.b.id);
    await expect(
      users.createUser(s.db, w.b.id, { name: 'B3', email: 'b3@x.test', role: 'rep', teamId: w.aTeam }, 0),
    ).rejects.toThrow(/does not exist/);
  },
  'user-queries.findUser': async (s, w) =>
    expect(await users.findUser(s.db, w.b.id, w.aUser)).toBeUndefined(),
  'user-queries.findUserByEmail': async (s, w) =>
    expect(await users.findUserByEmail(s.db, w.b.id, 'only-a@x.test')).toBeUndefined(),
  'user-queries.listUsers': async (s, w) =>
    expect((await users.listUsers(s.db, w.b.id)).every((u) => u.org_id === w.b.id)).toBe(true),
  'user-queries.moveUserToTeam': async (s, w) => {
    await expect(users.moveUserToTeam(s.db, w.b.id, w.aUser, w.bTeam, 5)).rejects.toThrow(/does not exist/);
    expect((await users.findUser(s.db, w.a.id, w.aUser))?.team_id).toBe(w.aTeam);
    const memberships = await s.db
      .selectFrom('team_membership')
      .selectAll()
      .where('user_id', '=', w.aUser)
      .execute();
    expect(memberships.map((m) => m.org_id)).toEqual([w.a.id]);
  },
};

const modules: Record<string, Record<string, unknown>> = {
  'team-queries': teams,
  'user-queries': users,
};

describe('org isolation: every store function is covered', () => {
  it('has a probe or an exemption for each exported store function', async () => {
    const storeDir = join(import.meta.dirname, '../../src/store');
    const names: string[] = [];
    for (const file of readdirSync(storeDir).filter((f) => f.endsWith('-queries.ts'))) {
      const mod = (await import(join(storeDir, file))) as Record<string, unknown>;
      const base = file.replace(/\.ts$/, '');
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value === 'function') names.push(`${base}.${name}`);
      }
    }
    const missing = names.filter((n) => !(n in probes) && !(n in orgIndependent));
    expect(missing, 'store functions without an org-isolation probe').toEqual([]);
  });
});

describe.each(dialects)('org isolation on %s', (dialect) => {
  let store: TestStore;
  let world: World;

  beforeAll(async () => {
    store = await freshStore(dialect);
    const a = await createOrg(store.db, { name: 'A', slug: 'a' }, 0);
    const b = await createOrg(store.db, { name: 'B', slug: 'b' }, 0);
    const aTeam = await teams.createTeam(store.db, a.id, { name: 'A only' }, 0);
    const bTeam = await teams.createTeam(store.db, b.id, { name: 'B team' }, 0);
    const aUser = await users.createUser(
      store.db,
      a.id,
      { name: 'A rep', email: 'only-a@x.test', role: 'rep', teamId: aTeam.id },
      0,
    );
    await teams.setTeamManager(store.db, a.id, aTeam.id, aUser.id);
    world = { a, b, aTeam: aTeam.id, aUser: aUser.id, bTeam: bTeam.id };
  });
  afterAll(() => store?.drop());

  for (const [name, probe] of Object.entries(probes)) {
    it(`${name} never reaches org A's rows from org B`, async () => {
      expect(modules[name.split('.')[0] as string]).toBeDefined();
      await probe(store, world);
    });
  }
});

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Org } from '../../src/core/org.ts';
import * as facts from '../../src/store/fact-queries.ts';
import { createOrg } from '../../src/store/org-queries.ts';
import * as teams from '../../src/store/team-queries.ts';
import * as users from '../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';

/**
 * Every exported function of a src/store/*-queries.ts module is either called
 * here with org B's id and org A's row ids (and must return nothing of A, or
 * refuse), or listed as org-independent with the reason, or probed the same
 * way in another test file named *isolation* or *probes*. A new store
 * function without a probe fails the test.
 */
const orgIndependent: Record<string, string> = {
  'org-queries.createOrg': 'creates an org',
  'org-queries.findOrg': 'looks an org up by its own id',
  'org-queries.findOrgBySlug': 'looks an org up by its own slug',
  'org-queries.listOrgs': 'server-level: used by health and org selection',
  'org-queries.countOrgs': 'server-level: used by health',
  'org-queries.toOrg': 'pure row mapper',
  'org-queries.updateOrg': 'changes the org named by its own id (callers pass ctx.org.id)',
  'org-queries.orgHasMoney': 'reads the org named by its own id',
  'progress-queries.acquireLease': 'scheduler lease: one per server, not per org',
  'progress-queries.releaseLease': 'scheduler lease: one per server, not per org',
  'progress-queries.startRun': 'scheduler run log: server-level',
  'progress-queries.finishRun': 'scheduler run log: server-level',
  'progress-queries.listRuns': 'scheduler run log: server-level',
  'progress-queries.pruneRuns': 'scheduler run log: server-level',
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
  'fact-queries.listFactRows': async (s, w) => {
    await aDeal(s, w);
    const all = { scope: { type: 'org' as const }, reach: { type: 'all' as const } };
    const byId = { column: 'id', direction: 'asc' as const };
    const deals = await facts.listFactRows(s.db, w.b.id, 'deal', all, byId, { limit: 500 });
    const people = await facts.listFactRows(s.db, w.b.id, 'app_user', all, byId, { limit: 500 });
    expect([...deals.rows, ...people.rows].map((r) => r.org_id).filter((o) => o !== w.b.id)).toEqual([]);
  },
  'fact-queries.countFactRows': async (s, w) => {
    const id = await aDeal(s, w);
    const equals = { external_id: `a-deal-${id}` };
    const query = { scope: { type: 'org' as const }, reach: { type: 'all' as const }, equals };
    expect(await facts.countFactRows(s.db, w.a.id, 'deal', query)).toBe(1);
    expect(await facts.countFactRows(s.db, w.b.id, 'deal', query)).toBe(0);
  },
  'fact-queries.findFactRow': async (s, w) => {
    expect(await facts.findFactRow(s.db, w.b.id, 'deal', await aDeal(s, w))).toBeUndefined();
    expect(await facts.findFactRow(s.db, w.b.id, 'app_user', w.aUser)).toBeUndefined();
    expect(await facts.findFactRow(s.db, w.b.id, 'team', w.aTeam)).toBeUndefined();
  },
  'fact-queries.lockFactRow': async (s, w) => {
    const id = await aDeal(s, w);
    expect(await facts.lockFactRow(s.db, w.b.id, 'deal', id)).toBe(false);
    expect(await facts.lockFactRow(s.db, w.a.id, 'deal', id)).toBe(true);
  },
  'fact-queries.lockDealRollupFacts': async (s, w) => {
    const id = await aDeal(s, w);
    expect(await facts.lockDealRollupFacts(s.db, w.b.id, id)).toBeUndefined();
    expect((await facts.lockDealRollupFacts(s.db, w.a.id, id))?.amount).toBe(100);
  },
  'fact-queries.insertFactRow': async (s, w) => {
    // a row of B cannot point at A's people, teams or accounts
    const deal = { amount: 1, currency: 'USD', stage: 'open', status: 'open' as const, created_at: 0 };
    await expect(facts.insertFactRow(s.db, w.b.id, 'deal', { ...deal, owner_id: w.aUser })).rejects.toThrow(
      /does not exist/,
    );
    await expect(facts.insertFactRow(s.db, w.b.id, 'deal', { ...deal, team_id: w.aTeam })).rejects.toThrow(
      /does not exist/,
    );
    const id = await facts.insertFactRow(s.db, w.b.id, 'deal', deal);
    expect((await facts.findFactRow(s.db, w.b.id, 'deal', id))?.org_id).toBe(w.b.id);
  },
  'fact-queries.updateFactRow': async (s, w) => {
    const id = await aDeal(s, w);
    expect(await facts.updateFactRow(s.db, w.b.id, 'deal', id, { amount: 999 })).toBe(false);
    expect((await facts.findFactRow(s.db, w.a.id, 'deal', id))?.amount).toBe(100);
    const mine = await facts.insertFactRow(s.db, w.b.id, 'activity', { type: 'call', occurred_at: 0 });
    await expect(facts.updateFactRow(s.db, w.b.id, 'activity', mine, { owner_id: w.aUser })).rejects.toThrow(
      /does not exist/,
    );
  },
  'fact-queries.deleteFactRow': async (s, w) => {
    const id = await aDeal(s, w);
    expect(await facts.deleteFactRow(s.db, w.b.id, 'deal', id)).toBe(false);
    expect(await facts.findFactRow(s.db, w.a.id, 'deal', id)).toBeDefined();
  },
  'fact-queries.teamOfUserAt': async (s, w) => {
    expect(await facts.teamOfUserAt(s.db, w.a.id, w.aUser, 10)).toBe(w.aTeam);
    expect(await facts.teamOfUserAt(s.db, w.b.id, w.aUser, 10)).toBeNull();
  },
  'fact-queries.subscriptionSpan': async (s, w) => {
    const account = await facts.insertFactRow(s.db, w.a.id, 'account', { name: 'A customer', created_at: 0 });
    await facts.insertFactRow(s.db, w.a.id, 'subscription', {
      account_id: account,
      mrr: 5,
      currency: 'USD',
      started_at: 10,
      ended_at: 20,
    });
    expect(await facts.subscriptionSpan(s.db, w.a.id, account)).toEqual({ fromMs: 10, toMs: 20 });
    expect(await facts.subscriptionSpan(s.db, w.b.id, account)).toBeNull();
  },
};

/** A deal of org A, owned by A's rep, for fact-query probes. */
async function aDeal(s: TestStore, w: World): Promise<number> {
  const id = await facts.insertFactRow(s.db, w.a.id, 'deal', {
    amount: 100,
    currency: 'USD',
    stage: 'open',
    status: 'open',
    created_at: 0,
    owner_id: w.aUser,
    team_id: w.aTeam,
  });
  await facts.updateFactRow(s.db, w.a.id, 'deal', id, { external_id: `a-deal-${id}` });
  return id;
}

const modules: Record<string, Record<string, unknown>> = {
  'fact-queries': facts,
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
    // Probes may also live beside a module's own tests, in a test file whose
    // name says isolation or probes: keyed by the same 'module.function' text,
    // or calling the function in a file that imports its module.
    const elsewhere = probeFiles(join(import.meta.dirname, '..')).map((f) => readFileSync(f, 'utf8'));
    const probedElsewhere = (n: string) => {
      const [module, fn] = n.split('.') as [string, string];
      return elsewhere.some(
        (text) =>
          text.includes(`'${n}'`) || (text.includes(`/store/${module}.ts'`) && text.includes(`${fn}(`)),
      );
    };
    const missing = names.filter((n) => !(n in probes) && !(n in orgIndependent) && !probedElsewhere(n));
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

function probeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return probeFiles(path);
    return /(isolation|probes)[^/]*\.ts$/.test(name) && path !== import.meta.filename ? [path] : [];
  });
}

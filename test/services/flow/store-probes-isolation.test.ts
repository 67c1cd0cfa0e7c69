import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Org } from '../../../src/core/org.ts';
import * as flow from '../../../src/store/flow-queries.ts';
import { insertGoal } from '../../../src/store/goal-queries.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { createTeam } from '../../../src/store/team-queries.ts';
import { createUser } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';

/**
 * Org-isolation probes for src/store/flow-queries.ts, in the shape of
 * test/store/org-isolation.test.ts: each makes rows in org A and calls the
 * function with org B's id, which must see nothing of A and change nothing.
 */
interface World {
  a: Org;
  b: Org;
  aUser: number;
  bUser: number;
  bGoal: number;
}

type Probe = (store: TestStore, w: World) => Promise<unknown>;

async function goalOf(store: TestStore, org: Org, teamId: number) {
  const row = await insertGoal(store.db, org.id, {
    title: `${org.name} only`,
    metric: 'revenue',
    scope_type: 'team',
    scope_id: teamId,
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
  return row.id;
}

let aTeam = 0;
/** A goal of A, told to and acknowledged by A's user, with A's user as an extra alert recipient. */
async function aGoal(s: TestStore, w: World) {
  const id = await goalOf(s, w.a, aTeam);
  await flow.recordNotified(s.db, w.a.id, id, w.aUser, 10);
  await flow.recordAcknowledged(s.db, w.a.id, id, w.aUser, 20);
  await flow.replaceAlertRecipients(s.db, w.a.id, id, [w.aUser], null, 30);
  return id;
}

const probes: Record<string, Probe> = {
  recordNotified: async (s, w) => {
    const id = await aGoal(s, w);
    await expect(flow.recordNotified(s.db, w.b.id, id, w.aUser, 99)).rejects.toThrow(/does not exist/);
    // B's own goal cannot be told to A's user either
    await expect(flow.recordNotified(s.db, w.b.id, w.bGoal, w.aUser, 99)).rejects.toThrow(/does not exist/);
    expect((await flow.listAcknowledgements(s.db, w.a.id, [id]))[0]?.notified_at).toBe(10);
  },
  recordAcknowledged: async (s, w) => {
    const id = await goalOf(s, w.a, aTeam);
    await expect(flow.recordAcknowledged(s.db, w.b.id, id, w.aUser, 99)).rejects.toThrow(/does not exist/);
    await expect(flow.recordAcknowledged(s.db, w.b.id, w.bGoal, w.aUser, 99)).rejects.toThrow(
      /does not exist/,
    );
    expect(await flow.listAcknowledgements(s.db, w.a.id, [id])).toEqual([]);
  },
  listAcknowledgements: async (s, w) => {
    const id = await aGoal(s, w);
    expect(await flow.listAcknowledgements(s.db, w.b.id, [id])).toEqual([]);
  },
  replaceAlertRecipients: async (s, w) => {
    const id = await aGoal(s, w);
    await expect(flow.replaceAlertRecipients(s.db, w.b.id, id, [], null, 99)).rejects.toThrow(
      /does not exist/,
    );
    await expect(flow.replaceAlertRecipients(s.db, w.b.id, w.bGoal, [w.aUser], null, 99)).rejects.toThrow(
      /does not exist/,
    );
    expect((await flow.listAlertRecipients(s.db, w.a.id, [id])).get(id)).toEqual([w.aUser]);
  },
  listAlertRecipients: async (s, w) => {
    const id = await aGoal(s, w);
    expect(await flow.listAlertRecipients(s.db, w.b.id, [id])).toEqual(new Map());
  },
};

describe('flow store: every function has an org-isolation probe', () => {
  it('covers each exported function', () => {
    const names = Object.entries(flow)
      .filter(([, v]) => typeof v === 'function')
      .map(([name]) => name);
    expect(names.filter((n) => !(n in probes))).toEqual([]);
  });
});

describe.each(dialects)('flow store org isolation on %s', (dialect) => {
  let store: TestStore;
  let world: World;
  beforeAll(async () => {
    store = await freshStore(dialect);
    const a = await createOrg(store.db, { name: 'A', slug: 'a' }, 0);
    const b = await createOrg(store.db, { name: 'B', slug: 'b' }, 0);
    aTeam = (await createTeam(store.db, a.id, { name: 'A team' }, 0)).id;
    const bTeam = (await createTeam(store.db, b.id, { name: 'B team' }, 0)).id;
    const user = (org: Org, email: string, teamId: number) =>
      createUser(store.db, org.id, { name: email, email, role: 'rep', teamId }, 0);
    const aUser = (await user(a, 'a@x.test', aTeam)).id;
    const bUser = (await user(b, 'b@x.test', bTeam)).id;
    world = { a, b, aUser, bUser, bGoal: await goalOf(store, b, bTeam) };
  });
  afterAll(() => store?.drop());

  for (const [name, probe] of Object.entries(probes)) {
    it(`flow-queries.${name} never reaches org A's rows from org B`, () => probe(store, world));
  }
});

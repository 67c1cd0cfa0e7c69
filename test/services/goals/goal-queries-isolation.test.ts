import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as goals from '../../../src/store/goal-queries.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { createTeam } from '../../../src/store/team-queries.ts';
import { createUser } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { goalQueriesOrgIndependent, goalQueryProbes, type IsolationWorld } from './store-probes.ts';

describe('goal store: every function has an org-isolation probe', () => {
  it('covers each exported function', () => {
    const names = Object.entries(goals)
      .filter(([, v]) => typeof v === 'function')
      .map(([name]) => `goal-queries.${name}`);
    expect(names.filter((n) => !(n in goalQueryProbes) && !(n in goalQueriesOrgIndependent))).toEqual([]);
  });
});

describe.each(dialects)('goal store org isolation on %s', (dialect) => {
  let store: TestStore;
  let world: IsolationWorld;
  beforeAll(async () => {
    store = await freshStore(dialect);
    const a = await createOrg(store.db, { name: 'A', slug: 'a' }, 0);
    const b = await createOrg(store.db, { name: 'B', slug: 'b' }, 0);
    const aTeam = await createTeam(store.db, a.id, { name: 'A team' }, 0);
    const bTeam = await createTeam(store.db, b.id, { name: 'B team' }, 0);
    const aUser = await createUser(
      store.db,
      a.id,
      { name: 'A rep', email: 'a@x.test', role: 'rep', teamId: aTeam.id },
      0,
    );
    world = { a, b, aTeam: aTeam.id, aUser: aUser.id, bTeam: bTeam.id };
  });
  afterAll(() => store?.drop());

  for (const [name, probe] of Object.entries(goalQueryProbes)) {
    it(`${name} never reaches org A's rows from org B`, () => probe(store, world));
  }
});

import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as queries from '../../../src/store/import-queries.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { createTeam } from '../../../src/store/team-queries.ts';
import { createUser } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';

/** Each import store function, called with org B's id and org A's rows, returns or changes nothing of A. */
describe.each(dialects)('import queries keep orgs apart on %s', (dialect) => {
  let store: TestStore;
  let a: number;
  let b: number;
  let aTeam: queries.ImportTeamRow;
  let aDeal: number;
  let aAccount: number;

  beforeAll(async () => {
    store = await freshStore(dialect);
    a = (await createOrg(store.db, { name: 'A', slug: 'a' }, 0)).id;
    b = (await createOrg(store.db, { name: 'B', slug: 'b' }, 0)).id;
    const team = await createTeam(store.db, a, { name: 'A team', externalId: 'T' }, 0);
    aTeam = { ...team };
    await createUser(
      store.db,
      a,
      { name: 'A rep', email: 'a@x.test', role: 'rep', teamId: team.id, externalId: 'U' },
      0,
    );
    aAccount = (await queries.insertAccount(store.db, a, { name: 'A account', externalId: 'C' }, 0)).id;
    aDeal = (
      await store.db
        .insertInto('deal')
        .values({
          org_id: a,
          external_id: 'D',
          amount: 1,
          currency: 'USD',
          stage: 's',
          status: 'open',
          created_at: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => store?.drop());

  it('reads only the given org', async () => {
    expect(await queries.loadPeople(store.db, b)).toEqual({ people: [], memberships: [] });
    expect(await queries.loadTeams(store.db, b)).toEqual([]);
    expect(await queries.findByExternalIds(store.db, b, 'deal', ['amount'], ['D'])).toEqual([]);
    expect(await queries.findByIds(store.db, b, 'deal', ['amount'], [aDeal])).toEqual([]);
    expect(await queries.loadAccounts(store.db, b)).toEqual([]);
    expect(await queries.findIdsByExternalId(store.db, b, 'deal', ['D'])).toEqual(new Map());
    // The same calls for org A do find the rows: the probes above could fail.
    expect(await queries.findIdsByExternalId(store.db, a, 'deal', ['D'])).toEqual(new Map([['D', aDeal]]));
    expect((await queries.loadAccounts(store.db, a)).map((r) => r.id)).toEqual([aAccount]);
    expect((await queries.findByIds(store.db, a, 'deal', ['amount'], [aDeal]))[0]?.amount).toBe(1);
  });

  it('changes only the given org', async () => {
    await queries.updateRow(store.db, b, 'deal', aDeal, { amount: 999 });
    await queries.renameTeam(store.db, b, aTeam.id, { name: 'stolen' });
    await expect(queries.moveTeam(store.db, b, aTeam, null)).rejects.toThrow(/does not exist in this org/);
    await expect(
      queries.insertTeam(store.db, b, { name: 'x', parent: aTeam, managerId: null, externalId: null }, 0),
    ).rejects.toThrow(/does not exist in this org/);
    expect((await queries.findByExternalIds(store.db, a, 'deal', ['amount'], ['D']))[0]?.amount).toBe(1);
    expect((await queries.loadTeams(store.db, a)).map((t) => t.name)).toEqual(['A team']);
    const created = await queries.insertAccount(store.db, b, { name: 'B account', externalId: 'C' }, 0);
    expect(await queries.loadAccounts(store.db, b)).toEqual([
      { id: created.id, name: 'B account', external_id: 'C' },
    ]);
  });

  it('maxRowId counts every org: it reveals a number, and rows above it are new', async () => {
    expect(await queries.maxRowId(store.db, 'deal')).toBe(aDeal);
  });

  it("orgHasNoRows and orgExists look at the given org only, and reveal nothing of another's rows", async () => {
    expect(await queries.orgHasNoRows(store.db, b, 'deal')).toBe(true);
    expect(await queries.orgHasNoRows(store.db, a, 'deal')).toBe(false);
    expect(await queries.orgExists(store.db, b)).toBe(true);
    expect(await queries.orgExists(store.db, a + b + 1000)).toBe(false);
  });
});

describe('withoutForeignKeys on SQLite', () => {
  it('turns the checks off for its work only, and back on when the work fails', async () => {
    const store = await freshStore('sqlite');
    try {
      const checks = async (db: typeof store.db) =>
        Number((await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db)).rows[0]?.foreign_keys);
      expect(await queries.withoutForeignKeys(store.db, (db) => checks(db))).toBe(0);
      expect(await checks(store.db)).toBe(1);
      await expect(
        queries.withoutForeignKeys(store.db, async () => {
          throw new Error('work failed');
        }),
      ).rejects.toThrow('work failed');
      expect(await checks(store.db)).toBe(1);
    } finally {
      await store.drop();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { createOrg } from '../../src/store/org-queries.ts';
import { openPipelinePieces } from '../../src/store/progress-queries.ts';
import { createTeam } from '../../src/store/team-queries.ts';
import { createUser } from '../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';

const UNTIL = Date.parse('2027-04-01T00:00:00Z');
const BEFORE = UNTIL - 86_400_000;

/**
 * A dashboard reads the open pipeline of its owners and teams only: the
 * owners' deals, then the teams' deals of other owners. A deal that is both
 * an owner's and a team's counts once; nothing else of the org, nor of
 * another org, comes in.
 */
describe.each(dialects)('open pipeline pieces of a reach on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store.drop());

  async function org(slug: string) {
    const o = await createOrg(store.db, { name: slug, slug }, 0);
    const team = await createTeam(store.db, o.id, { name: 'In' }, 0);
    const other = await createTeam(store.db, o.id, { name: 'Out' }, 0);
    const user = (name: string, teamId: number) =>
      createUser(store.db, o.id, { name, email: `${name}@${slug}.test`, role: 'rep', teamId }, 0);
    return { o, team, other, sara: await user('sara', team.id), rami: await user('rami', other.id) };
  }

  it('counts the owners’ deals and the teams’ deals of other owners, each once', async () => {
    const a = await org('pieces-a');
    const b = await org('pieces-b');
    const deal = (
      db: Db,
      orgId: number,
      owner: number | null,
      team: number | null,
      amount: number,
      extra = {},
    ) =>
      db
        .insertInto('deal')
        .values({
          org_id: orgId,
          owner_id: owner,
          team_id: team,
          amount,
          currency: 'USD',
          stage: 'Proposal',
          status: 'open',
          created_at: 0,
          expected_close_at: BEFORE,
          ...extra,
        })
        .execute();
    await deal(store.db, a.o.id, a.sara.id, a.team.id, 1); // the owner's and the team's: once
    await deal(store.db, a.o.id, a.sara.id, a.other.id, 10); // the owner's, booked on another team
    await deal(store.db, a.o.id, a.rami.id, a.team.id, 100); // another owner's, on the team
    await deal(store.db, a.o.id, null, a.team.id, 1_000); // nobody's, on the team
    await deal(store.db, a.o.id, a.rami.id, a.other.id, 10_000); // neither
    await deal(store.db, a.o.id, a.sara.id, a.team.id, 100_000, { status: 'won', closed_at: 0 }); // not open
    await deal(store.db, a.o.id, a.sara.id, a.team.id, 1_000_000, { expected_close_at: UNTIL }); // too late
    await deal(store.db, b.o.id, b.sara.id, b.team.id, 10_000_000); // another org's

    const pieces = await openPipelinePieces(store.db, a.o.id, UNTIL, {
      ownerIds: [a.sara.id],
      teamIds: [a.team.id],
    });
    expect(pieces.reduce((sum, p) => sum + p.amount, 0)).toBe(1 + 10 + 100 + 1_000);
    expect(pieces.reduce((sum, p) => sum + p.count, 0)).toBe(4);
    // the same as the org's whole open pipeline, kept to the reach
    const all = await openPipelinePieces(store.db, a.o.id, UNTIL);
    const reached = all.filter((p) => p.ownerId === a.sara.id || p.teamId === a.team.id);
    const byKey = (list: typeof pieces) =>
      list.map((p) => `${p.ownerId}|${p.teamId}|${p.stage}|${p.count}|${p.amount}|${p.amountSquared}`).sort();
    expect(byKey(pieces)).toEqual(byKey(reached));
    // owners only, teams only
    const owners = await openPipelinePieces(store.db, a.o.id, UNTIL, { ownerIds: [a.sara.id], teamIds: [] });
    expect(owners.reduce((sum, p) => sum + p.amount, 0)).toBe(11);
    const teams = await openPipelinePieces(store.db, a.o.id, UNTIL, { ownerIds: [], teamIds: [a.team.id] });
    expect(teams.reduce((sum, p) => sum + p.amount, 0)).toBe(1 + 100 + 1_000);
  });
});

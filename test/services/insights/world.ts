import type { Insertable } from 'kysely';
import type { Org } from '../../../src/core/org.ts';
import { actorOf } from '../../../src/services/accounts/sessions.ts';
import type { Ctx } from '../../../src/services/context.ts';
import { findMember, type Member } from '../../../src/store/account-queries.ts';
import type { Store } from '../../../src/store/db.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import type { DealTable, LeadTable, TeamRow } from '../../../src/store/schema.ts';
import { createTeam, setTeamManager } from '../../../src/store/team-queries.ts';
import { createUser } from '../../../src/store/user-queries.ts';

/**
 * A sales team with nine quarters of history (2024-Q4 .. 2026-Q4), built so
 * that every growth area can be worked out by hand. `now` is 15 Jan 2027, so
 * the judged window is 2026-Q4, "last year" is 2025-Q4 and goals default to
 * 2027-Q1.
 *
 * - Sales > East (manager Maha; reps Ali, Badr, Carla, Dana, and Eve hired
 *   1 Nov 2026), Sales > West (manager Walid; rep Wafa). Admin Amal.
 * - Every quarter each of Ali, Badr, Carla and Dana closes 10 won deals of
 *   $1,000 and 10 lost, all created 5 days before they close, inside the
 *   quarter. In 2026-Q4 only, Dana wins 2 and loses 18.
 *   So East in 2026-Q4: 32 won of 80 closed (40%) for $32,000, against
 *   40 of 80 (50%) for $40,000 every other quarter.
 * - Leads of East, owned by the four reps in turn: 100 a quarter, 50
 *   becoming MQLs and 25 SQLs; in 2026-Q4 only 25 MQLs and 13 SQLs.
 * - Globex, another org, sells $1,000,000 in 2026-Q4: none of it may show.
 */
export const NOW = Date.UTC(2027, 0, 15, 12);
export const DEAL = 100_000;

export interface InsightWorld {
  store: Store;
  org: Org;
  other: Org;
  teams: { sales: TeamRow; east: TeamRow; west: TeamRow };
  users: {
    admin: Member;
    maha: Member;
    walid: Member;
    ali: Member;
    badr: Member;
    carla: Member;
    dana: Member;
    eve: Member;
    wafa: Member;
    omar: Member;
  };
  ctx(user: Member | 'system', now?: number): Ctx;
}

const at = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 10);

/** The nine quarters as [year, first month]. */
const QUARTERS: Array<[number, number]> = [[2024, 10]];
for (const y of [2025, 2026]) for (const m of [1, 4, 7, 10]) QUARTERS.push([y, m]);

async function insertMany<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += 200) await insert(rows.slice(i, i + 200));
}

export async function buildInsightWorld(store: Store, tag = 'i'): Promise<InsightWorld> {
  const db = store.db;
  const org = await createOrg(db, { name: 'Acme', slug: `acme-${tag}`, currency: 'USD', timeZone: 'UTC' }, 0);
  const other = await createOrg(
    db,
    { name: 'Globex', slug: `globex-${tag}`, currency: 'USD', timeZone: 'UTC' },
    0,
  );
  const sales = await createTeam(db, org.id, { name: 'Sales' }, 0);
  const east = await createTeam(db, org.id, { name: 'East', parentId: sales.id }, 0);
  const west = await createTeam(db, org.id, { name: 'West', parentId: sales.id }, 0);
  const otherTeam = await createTeam(db, other.id, { name: 'Globex Sales' }, 0);
  const add = async (
    o: Org,
    name: string,
    role: Member['role'],
    teamId: number | null,
    hiredAt = at(2023, 1, 1),
  ) => {
    const row = await createUser(
      db,
      o.id,
      { name, email: `${name.toLowerCase()}.${tag}@acme.test`, role, teamId, hiredAt },
      0,
    );
    return (await findMember(db, o.id, row.id)) as Member;
  };
  const users = {
    admin: await add(org, 'Amal', 'admin', null),
    maha: await add(org, 'Maha', 'manager', east.id),
    walid: await add(org, 'Walid', 'manager', west.id),
    ali: await add(org, 'Ali', 'rep', east.id),
    badr: await add(org, 'Badr', 'rep', east.id),
    carla: await add(org, 'Carla', 'rep', east.id),
    dana: await add(org, 'Dana', 'rep', east.id),
    eve: await add(org, 'Eve', 'rep', east.id, at(2026, 11, 1)),
    wafa: await add(org, 'Wafa', 'rep', west.id),
    omar: await add(other, 'Omar', 'admin', otherTeam.id),
  };
  await setTeamManager(db, org.id, east.id, users.maha.id);
  await setTeamManager(db, org.id, west.id, users.walid.id);

  const deals: Insertable<DealTable>[] = [];
  const deal = (
    o: Org,
    owner: Member,
    teamId: number,
    status: 'won' | 'lost',
    closed: number,
    amount = DEAL,
  ) =>
    deals.push({
      org_id: o.id,
      owner_id: owner.id,
      team_id: teamId,
      amount,
      currency: 'USD',
      stage: status,
      status,
      created_at: closed - 5 * 86_400_000,
      closed_at: closed,
    });
  const leads: Insertable<LeadTable>[] = [];
  QUARTERS.forEach(([year, month], q) => {
    const judged = q === QUARTERS.length - 1;
    // the quarter's middle month, days 10 to 19: created and closed inside the quarter
    for (const rep of [users.ali, users.badr, users.carla, users.dana]) {
      const won = judged && rep === users.dana ? 2 : 10;
      for (let i = 0; i < 20; i++)
        deal(org, rep, east.id, i < won ? 'won' : 'lost', at(year, month + 1, 10 + (i % 10)));
    }
    const mqls = judged ? 25 : 50;
    const sqls = judged ? 13 : 25;
    const owners = [users.ali, users.badr, users.carla, users.dana];
    for (let i = 0; i < 100; i++) {
      leads.push({
        org_id: org.id,
        owner_id: (owners[i % 4] as Member).id,
        team_id: east.id,
        channel: 'web',
        created_at: at(year, month + 1, 3),
        mql_at: i < mqls ? at(year, month + 1, 5) : null,
        sql_at: i < sqls ? at(year, month + 1, 7) : null,
      });
    }
  });
  deal(other, users.omar, otherTeam.id, 'won', at(2026, 11, 12), 100_000_000);
  await insertMany(deals, (chunk) => db.insertInto('deal').values(chunk).execute());
  await insertMany(leads, (chunk) => db.insertInto('lead').values(chunk).execute());

  return {
    store,
    org,
    other,
    teams: { sales, east, west },
    users,
    ctx(user, now = NOW) {
      const o = user !== 'system' && user.org_id === other.id ? other : org;
      return {
        db: store.db,
        dialect: store.dialect,
        org: o,
        actor: user === 'system' ? { kind: 'system', label: 'test' } : actorOf(user),
        now,
      };
    },
  };
}

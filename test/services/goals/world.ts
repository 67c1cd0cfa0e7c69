import type { Insertable } from 'kysely';
import type { Actor, Org } from '../../../src/core/org.ts';
import type { Ctx } from '../../../src/services/context.ts';
import type { Store } from '../../../src/store/db.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import type { ActivityTable, DealTable, LeadTable, TeamRow, UserRow } from '../../../src/store/schema.ts';
import { createTeam, setTeamManager } from '../../../src/store/team-queries.ts';
import { createUser } from '../../../src/store/user-queries.ts';

/**
 * A small sales org with three years of history, built for goal tests:
 *
 * - Sales > East (manager Maha; reps Ali and Badr), Sales > West (rep Wafa, no sales).
 * - Revenue: one won deal a month each for Ali (60%) and Badr (40%), 2024-01..2026-12.
 *   2026 by month ($): 40k 45k 50k 55k 55k 60k 60k 60k 65k 65k 70k 75k = $700,000
 *   (quarters 135k, 170k, 185k, 210k); 2025 = 2026 ÷ 1.1 and 2024 = 2025 ÷ 1.1 per month,
 *   so every year-on-year change is +10%.
 * - One lost deal a month each (win rate 50%); deals are created 5 days before they close.
 * - 2026 only: 40 leads a month (20 become MQLs, 12 SQLs); per rep per month 30 calls,
 *   20 e-mails, 4 demos booked and 2 discovery calls.
 * - Customers: 40 a month in 2025-2026 from the web or referrals, never Instagram.
 * - Ali also won $50,000 on 2027-01-10.
 * `now` is 2027-01-15 12:00 UTC.
 */
export const NOW = Date.UTC(2027, 0, 15, 12);
export const MONTHLY_2026 = [
  40_000, 45_000, 50_000, 55_000, 55_000, 60_000, 60_000, 60_000, 65_000, 65_000, 70_000, 75_000,
];

export interface GoalWorld {
  store: Store;
  org: Org;
  other: Org;
  teams: { sales: TeamRow; east: TeamRow; west: TeamRow };
  users: { admin: UserRow; manager: UserRow; ali: UserRow; badr: UserRow; wafa: UserRow };
  ctx(user: UserRow | 'system'): Ctx;
}

const at = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d, 10);

/** Cents of each month's revenue: 2026 as listed, earlier years ÷ 1.1 per year. */
export function monthRevenue(year: number, month: number): number {
  let cents = (MONTHLY_2026[month - 1] as number) * 100;
  for (let y = 2026; y > year; y--) cents = Math.round(cents / 1.1);
  return cents;
}

async function insertMany<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += 200) await insert(rows.slice(i, i + 200));
}

export async function buildGoalWorld(store: Store): Promise<GoalWorld> {
  const db = store.db;
  const org = await createOrg(db, { name: 'Acme', slug: 'acme', currency: 'USD', timeZone: 'UTC' }, 0);
  const other = await createOrg(db, { name: 'Globex', slug: 'globex' }, 0);
  const sales = await createTeam(db, org.id, { name: 'Sales' }, 0);
  const east = await createTeam(db, org.id, { name: 'East', parentId: sales.id }, 0);
  const west = await createTeam(db, org.id, { name: 'West', parentId: sales.id }, 0);
  const hired = at(2023, 1, 1);
  const user = (name: string, role: UserRow['role'], teamId: number | null) =>
    createUser(
      db,
      org.id,
      { name, email: `${name.toLowerCase()}@acme.test`, role, teamId, hiredAt: hired },
      0,
    );
  const users = {
    admin: await user('Amal', 'admin', null),
    manager: await user('Maha', 'manager', east.id),
    ali: await user('Ali', 'rep', east.id),
    badr: await user('Badr', 'rep', east.id),
    wafa: await user('Wafa', 'rep', west.id),
  };
  await setTeamManager(db, org.id, east.id, users.manager.id);

  const deals: Insertable<DealTable>[] = [];
  const deal = (owner: UserRow, amount: number, status: 'won' | 'lost', closed: number, channel: string) =>
    deals.push({
      org_id: org.id,
      owner_id: owner.id,
      team_id: east.id,
      amount,
      currency: 'USD',
      stage: status,
      status,
      channel,
      created_at: closed - 5 * 86_400_000,
      closed_at: closed,
    });
  for (const year of [2024, 2025, 2026]) {
    for (let month = 1; month <= 12; month++) {
      const total = monthRevenue(year, month);
      const aliShare = Math.round(total * 0.6);
      deal(users.ali, aliShare, 'won', at(year, month, 15), 'web');
      deal(users.badr, total - aliShare, 'won', at(year, month, 16), 'referral');
      deal(users.ali, 1_000_000, 'lost', at(year, month, 17), 'web');
      deal(users.badr, 1_000_000, 'lost', at(year, month, 18), 'web');
    }
  }
  deal(users.ali, 5_000_000, 'won', at(2027, 1, 10), 'web');
  await insertMany(deals, (chunk) => db.insertInto('deal').values(chunk).execute());

  const leads: Insertable<LeadTable>[] = [];
  const activities: Insertable<ActivityTable>[] = [];
  for (let month = 1; month <= 12; month++) {
    for (let i = 0; i < 40; i++) {
      leads.push({
        org_id: org.id,
        owner_id: i % 2 ? users.ali.id : users.badr.id,
        team_id: east.id,
        channel: 'web',
        created_at: at(2026, month, 3),
        mql_at: i < 20 ? at(2026, month, 5) : null,
        sql_at: i < 12 ? at(2026, month, 7) : null,
      });
    }
    for (const rep of [users.ali, users.badr]) {
      const act = (type: ActivityTable['type'], n: number) => {
        for (let i = 0; i < n; i++) {
          activities.push({
            org_id: org.id,
            owner_id: rep.id,
            team_id: east.id,
            type,
            occurred_at: at(2026, month, 20),
            booked_at: type === 'demo' ? at(2026, month, 12) : null,
          });
        }
      };
      act('call', 30);
      act('email', 20);
      act('demo', 4);
      act('discovery_call', 2);
    }
  }
  await insertMany(leads, (chunk) => db.insertInto('lead').values(chunk).execute());
  await insertMany(activities, (chunk) => db.insertInto('activity').values(chunk).execute());
  const accounts = [];
  for (const year of [2025, 2026]) {
    for (let month = 1; month <= 12; month++) {
      for (let i = 0; i < 40; i++) {
        accounts.push({
          org_id: org.id,
          name: `Customer ${year}-${month}-${i}`,
          owner_id: users.ali.id,
          team_id: east.id,
          channel: i % 2 ? 'web' : 'referral',
          acquired_at: at(year, month, 8),
          created_at: at(year, month, 8),
        });
      }
    }
  }
  await insertMany(accounts, (chunk) => db.insertInto('account').values(chunk).execute());

  const paths = new Map([
    [east.id, east.path],
    [west.id, west.path],
  ]);
  return {
    store,
    org,
    other,
    teams: { sales, east, west },
    users,
    ctx(u) {
      const actor: Actor =
        u === 'system'
          ? { kind: 'system', label: 'test' }
          : {
              kind: 'user',
              userId: u.id,
              role: u.role,
              teamId: u.team_id,
              teamPath: u.team_id === null ? null : (paths.get(u.team_id) ?? null),
            };
      return { db: store.db, dialect: store.dialect, org, actor, now: NOW };
    },
  };
}

import type { Org } from '../../../src/core/org.ts';
import { describeTables } from '../../../src/services/admin/schema.ts';
import { systemActor } from '../../../src/services/context.ts';
import { computeMetric } from '../../../src/services/metrics/index.ts';
import type { Db, Store } from '../../../src/store/db.ts';
import type { Dialect } from '../../../src/store/dialect.ts';
import { findOrgBySlug } from '../../../src/store/org-queries.ts';
import { refreshRollups } from '../../../src/store/rollups.ts';

const at = (iso: string) => Date.parse(iso);

/**
 * One row or more in every table of 0001 plus the rollups, with what a copy
 * gets wrong first: gaps in ids, parents with a larger id than their child
 * (team and goal), nulls, Arabic text, quotes and new lines, money beyond
 * 2^32, floats that do not round (0.1 + 0.2), two orgs.
 */
export async function seedEveryKind(db: Db): Promise<{ org: Org }> {
  const insertOrg = (name: string, slug: string) =>
    db
      .insertInto('org')
      .values({
        name,
        slug,
        currency: 'SAR',
        time_zone: 'Asia/Riyadh',
        working_days: '0,1,2,3,4',
        settings: JSON.stringify({ grossMargin: 0.75 }),
        created_at: at('2026-01-01T00:00:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const { id: orgId } = await insertOrg('شركة الأفق "Horizon"', 'horizon');
  const { id: gone } = await insertOrg('Short-lived', 'gone');
  const { id: otherOrgId } = await insertOrg('Globex', 'globex');
  await db.deleteFrom('org').where('id', '=', gone).execute();

  const team = (org: number, name: string, parent: number | null) =>
    db
      .insertInto('team')
      .values({ org_id: org, name, parent_id: parent, path: '/', created_at: at('2026-01-02T00:00:00Z') })
      .returning('id')
      .executeTakeFirstOrThrow();
  const north = await team(orgId, 'الشمال', null);
  const sales = await team(orgId, 'Sales', null);
  // North hangs under Sales, created after it: the parent's id is the larger one.
  await db
    .updateTable('team')
    .set({ parent_id: sales.id, external_id: 'crm-north' })
    .where('id', '=', north.id)
    .execute();
  await team(otherOrgId, 'Globex team', null);

  const user = (name: string, role: 'rep' | 'manager', teamId: number) =>
    db
      .insertInto('app_user')
      .values({
        org_id: orgId,
        name,
        email: `${name.toLowerCase()}@horizon.test`,
        role,
        team_id: teamId,
        hired_at: at('2025-03-01T09:00:00Z'),
        created_at: at('2026-01-02T00:00:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const alice = await user('Alice', 'rep', north.id);
  const mona = await user('Mona', 'manager', sales.id);
  await db.updateTable('team').set({ manager_id: mona.id }).where('id', '=', sales.id).execute();
  await db
    .insertInto('team_membership')
    .values({ org_id: orgId, user_id: alice.id, team_id: north.id, from_at: at('2025-03-01T09:00:00Z') })
    .execute();

  const owned = { org_id: orgId, owner_id: alice.id, team_id: north.id };
  const account = await db
    .insertInto('account')
    .values({
      ...owned,
      name: 'Acme KSA',
      industry: 'Retail',
      channel: 'web',
      acquired_at: at('2027-01-20T07:00:00Z'),
      created_at: at('2027-01-20T07:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('subscription')
    .values({
      org_id: orgId,
      account_id: account.id,
      mrr: 250_000,
      currency: 'SAR',
      started_at: at('2027-01-20T07:00:00Z'),
    })
    .execute();
  const lead = await db
    .insertInto('lead')
    .values({
      ...owned,
      name: "Lead with 'quotes'",
      account_id: account.id,
      channel: 'web',
      created_at: at('2027-01-05T07:00:00Z'),
      mql_at: at('2027-01-06T07:00:00Z'),
      sql_at: at('2027-01-08T07:00:00Z'),
      converted_at: at('2027-01-20T07:00:00Z'),
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  const deal = (
    name: string | null,
    status: 'open' | 'won' | 'lost',
    amount: number,
    closed: string | null,
  ) =>
    db
      .insertInto('deal')
      .values({
        ...owned,
        name,
        account_id: account.id,
        amount,
        currency: 'SAR',
        units: 3,
        product: 'Pro',
        stage: status === 'open' ? 'proposal' : status,
        status,
        probability: status === 'open' ? 40 : null,
        channel: 'web',
        created_at: at('2027-01-10T07:00:00Z'),
        closed_at: closed ? at(closed) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const won = await deal('It\'s "big"\nsecond line', 'won', 5_000_000_000, '2027-02-10T07:00:00Z');
  const dropped = await deal('withdrawn', 'lost', 1, '2027-02-11T07:00:00Z');
  await deal(null, 'lost', 120_000, '2027-02-12T07:00:00Z');
  await deal('open one', 'open', 990_000, null);
  await db.deleteFrom('deal').where('id', '=', dropped.id).execute();

  await db
    .insertInto('activity')
    .values([
      // every row names every column: a multi-row insert cannot mix defaults on SQLite
      {
        ...owned,
        type: 'call',
        occurred_at: at('2027-02-01T07:00:00Z'),
        booked_at: null,
        qualified: 0,
        deal_id: won.id,
        lead_id: lead.id,
        account_id: null,
      },
      {
        ...owned,
        type: 'demo',
        occurred_at: at('2027-02-03T07:00:00Z'),
        booked_at: at('2027-02-01T08:00:00Z'),
        qualified: 1,
        deal_id: null,
        lead_id: null,
        account_id: account.id,
      },
    ])
    .execute();
  await db
    .insertInto('spend')
    .values({
      org_id: orgId,
      period_start: '2027-01-01',
      period_end: '2027-01-31',
      channel: 'web',
      category: 'marketing',
      amount: 3_000_000,
      currency: 'SAR',
    })
    .execute();
  await db
    .insertInto('coaching')
    .values([
      {
        org_id: orgId,
        coach_id: mona.id,
        rep_id: alice.id,
        kind: 'coaching',
        hours: 1.5,
        occurred_at: at('2027-02-02T07:00:00Z'),
      },
      {
        org_id: orgId,
        coach_id: null,
        rep_id: alice.id,
        kind: 'training',
        hours: 0.1 + 0.2,
        occurred_at: at('2027-02-04T07:00:00Z'),
      },
    ])
    .execute();

  const goal = (title: string, layer: 'annual' | 'individual', parent: number | null) =>
    db
      .insertInto('goal')
      .values({
        org_id: orgId,
        title,
        description: 'How: two demos a week.\nسطر ثانٍ',
        metric: 'revenue',
        scope_type: layer === 'annual' ? 'org' : 'rep',
        scope_id: layer === 'annual' ? null : alice.id,
        filters: JSON.stringify({ channel: 'web' }),
        target: 1_234_567.89,
        target_mode: 'absolute',
        direction: 'increase',
        period_start: '2027-01-01',
        period_end: '2027-12-31',
        kind: 'outcome',
        layer,
        owner_id: alice.id,
        parent_id: parent,
        status: 'active',
        created_by: mona.id,
        created_at: at('2026-12-20T07:00:00Z'),
        updated_at: at('2026-12-21T07:00:00Z'),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  const child = await goal('Alice: revenue 2027', 'individual', null);
  const annual = await goal('Revenue 2027', 'annual', null);
  await db.updateTable('goal').set({ parent_id: annual.id }).where('id', '=', child.id).execute();
  await db
    .insertInto('goal_target_change')
    .values({
      org_id: orgId,
      goal_id: child.id,
      target: 1_000_000,
      effective_from: '2027-04-01',
      changed_by: mona.id,
      changed_at: at('2027-03-30T07:00:00Z'),
      reason: 'Territory split',
    })
    .execute();
  await db
    .insertInto('goal_bonus_tier')
    .values([
      { org_id: orgId, goal_id: child.id, attainment: 1, payout: 500_000 },
      { org_id: orgId, goal_id: child.id, attainment: 1.1, payout: 750_000 },
    ])
    .execute();
  await db
    .insertInto('goal_checkin')
    .values({
      org_id: orgId,
      goal_id: child.id,
      user_id: alice.id,
      at: at('2027-02-05T07:00:00Z'),
      value: 3.75,
      comment: 'On track 🚀 — "quoted"',
      confidence: 4,
      private: 1,
    })
    .execute();
  await db
    .insertInto('audit_log')
    .values({
      org_id: orgId,
      actor_id: mona.id,
      actor_label: 'Mona',
      at: at('2027-03-30T07:00:00Z'),
      entity: 'goal',
      entity_id: child.id,
      action: 'update',
      before: JSON.stringify({ target: 1_234_567.89 }),
      after: JSON.stringify({ target: 1_000_000 }),
    })
    .execute();

  await refreshRollups(db, orgId);
  const org = await findOrgBySlug(db, 'horizon');
  if (!org) throw new Error('seed org missing');
  return { org };
}

/** Every table's rows, sorted the same way whatever order the database returns them in. */
export async function dumpTables(db: Db, dialect: Dialect): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of await describeTables(db, dialect)) {
    const rows = (await db
      .selectFrom(table.name as 'org')
      .selectAll()
      .execute()) as Array<Record<string, unknown>>;
    dump[table.name] = rows
      .map((row) =>
        JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))),
      )
      .sort()
      .map((text) => JSON.parse(text));
  }
  return dump;
}

/** A few metric figures of the seed org for 2027, read the way the dashboard reads them (rollups first). */
export async function metricFigures(store: Store, slug = 'horizon') {
  const org = await findOrgBySlug(store.db, slug);
  if (!org) throw new Error(`no org ${slug}`);
  const ctx = {
    db: store.db,
    dialect: store.dialect,
    org,
    actor: systemActor('test'),
    now: at('2027-06-01T00:00:00Z'),
  };
  const figures: Record<string, unknown> = {};
  for (const metric of ['revenue', 'deals_won', 'win_rate', 'calls', 'new_customers', 'coaching_hours']) {
    const result = await computeMetric({ ctx, input: { metric, period: '2027' } });
    figures[metric] = { value: result.value, parts: result.parts, source: result.source };
  }
  return figures;
}

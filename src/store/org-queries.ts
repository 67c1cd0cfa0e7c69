import { defaultOrgSettings, type Org, type OrgSettings } from '../core/org.ts';
import type { Db } from './db.ts';
import type { OrgRow } from './schema.ts';

export interface NewOrg {
  name: string;
  slug: string;
  currency?: string;
  timeZone?: string;
  fiscalYearStartMonth?: number;
  weekStart?: number;
  workingDays?: number[];
  settings?: Partial<OrgSettings>;
}

export function toOrg(row: OrgRow): Org {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    currency: row.currency,
    timeZone: row.time_zone,
    fiscalYearStartMonth: row.fiscal_year_start_month,
    weekStart: row.week_start,
    workingDays: row.working_days === '' ? [] : row.working_days.split(',').map(Number),
    settings: { ...defaultOrgSettings, ...(JSON.parse(row.settings) as Partial<OrgSettings>) },
  };
}

export async function createOrg(db: Db, org: NewOrg, now: number): Promise<Org> {
  const row = await db
    .insertInto('org')
    .values({
      name: org.name,
      slug: org.slug,
      currency: org.currency ?? 'USD',
      time_zone: org.timeZone ?? 'UTC',
      fiscal_year_start_month: org.fiscalYearStartMonth ?? 1,
      week_start: org.weekStart ?? 1,
      working_days: (org.workingDays ?? [1, 2, 3, 4, 5]).join(','),
      settings: JSON.stringify(org.settings ?? {}),
      created_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toOrg(row);
}

export async function findOrg(db: Db, orgId: number): Promise<Org | undefined> {
  const row = await db.selectFrom('org').selectAll().where('id', '=', orgId).executeTakeFirst();
  return row && toOrg(row);
}

export async function findOrgBySlug(db: Db, slug: string): Promise<Org | undefined> {
  const row = await db.selectFrom('org').selectAll().where('slug', '=', slug).executeTakeFirst();
  return row && toOrg(row);
}

export async function listOrgs(db: Db): Promise<Org[]> {
  const rows = await db.selectFrom('org').selectAll().orderBy('id').execute();
  return rows.map(toOrg);
}

export async function countOrgs(db: Db): Promise<number> {
  const { n } = await db
    .selectFrom('org')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

export interface OrgPatch {
  name?: string;
  currency?: string;
  timeZone?: string;
  fiscalYearStartMonth?: number;
  weekStart?: number;
  workingDays?: number[];
  settings?: OrgSettings;
}

/** Changes an org's own settings; the org is named by id, so nothing of another org is touched. */
export async function updateOrg(db: Db, orgId: number, patch: OrgPatch): Promise<Org | undefined> {
  const row = await db
    .updateTable('org')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
      ...(patch.timeZone !== undefined ? { time_zone: patch.timeZone } : {}),
      ...(patch.fiscalYearStartMonth !== undefined
        ? { fiscal_year_start_month: patch.fiscalYearStartMonth }
        : {}),
      ...(patch.weekStart !== undefined ? { week_start: patch.weekStart } : {}),
      ...(patch.workingDays !== undefined ? { working_days: patch.workingDays.join(',') } : {}),
      ...(patch.settings !== undefined ? { settings: JSON.stringify(patch.settings) } : {}),
    })
    .where('id', '=', orgId)
    .returningAll()
    .executeTakeFirst();
  return row && toOrg(row);
}

/** Whether the org holds any money figures, which are in minor units of its currency. */
export async function orgHasMoney(db: Db, orgId: number): Promise<boolean> {
  for (const table of ['deal', 'subscription', 'spend'] as const) {
    const row = await db
      .selectFrom(table)
      .select('id')
      .where('org_id', '=', orgId)
      .limit(1)
      .executeTakeFirst();
    if (row) return true;
  }
  return false;
}

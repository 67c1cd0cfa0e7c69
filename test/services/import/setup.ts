import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { Org } from '../../../src/core/org.ts';
import type { Ctx } from '../../../src/services/context.ts';
import { type ImportInput, type ImportReport, runImport } from '../../../src/services/import/run.ts';
import type { Db } from '../../../src/store/db.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { createTeam } from '../../../src/store/team-queries.ts';
import { createUser, moveUserToTeam } from '../../../src/store/user-queries.ts';
import type { TestStore } from '../../helpers/stores.ts';

export const fixture = (name: string) => join(import.meta.dirname, '../../fixtures/import', name);

/** Riyadh is UTC+3 all year, so local times in the tests convert by hand: 09:05 local is 06:05 UTC. */
export const riyadh = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0) =>
  Date.UTC(year, month - 1, day, hour - 3, minute, second);

export interface World {
  ctx: Ctx;
  org: Org;
  north: number;
  south: number;
  sara: number;
  omar: number;
}

/**
 * An org in Riyadh with two reps: Sara, in North from 2023 and in South from
 * 2024-04-01; Omar, in South from 2023. Salesforce ids as their external ids.
 */
export async function world(store: TestStore, slug = 'acme'): Promise<World> {
  const org = await createOrg(store.db, { name: 'Acme', slug, currency: 'USD', timeZone: 'Asia/Riyadh' }, 0);
  const north = (await createTeam(store.db, org.id, { name: 'North' }, 0)).id;
  const south = (await createTeam(store.db, org.id, { name: 'South' }, 0)).id;
  const hired = riyadh(2023, 1, 1);
  const sara = await createUser(
    store.db,
    org.id,
    {
      name: 'Sara Ali',
      email: 'sara@acme.test',
      role: 'rep',
      teamId: north,
      hiredAt: hired,
      externalId: '0055g00000Sara1',
    },
    0,
  );
  const omar = await createUser(
    store.db,
    org.id,
    {
      name: 'Omar Haddad',
      email: 'omar@acme.test',
      role: 'rep',
      teamId: south,
      hiredAt: hired,
      externalId: '0055g00000Omar1',
    },
    0,
  );
  await moveUserToTeam(store.db, org.id, sara.id, south, riyadh(2024, 4, 1));
  const ctx: Ctx = {
    db: store.db,
    dialect: store.dialect,
    org,
    actor: { kind: 'system', label: 'test' },
    now: Date.UTC(2024, 5, 1),
  };
  return { ctx, org, north, south, sara: sara.id, omar: omar.id };
}

export async function addAccounts(
  db: Db,
  orgId: number,
  accounts: Array<[name: string, externalId: string | null]>,
) {
  const ids: Record<string, number> = {};
  for (const [name, externalId] of accounts) {
    const row = await db
      .insertInto('account')
      .values({ org_id: orgId, name, external_id: externalId, created_at: 0 })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids[name] = row.id;
  }
  return ids;
}

type Options = Omit<ImportInput, 'stream' | 'entity'>;

export function importFile(
  ctx: Ctx,
  entity: string,
  name: string,
  options: Options = {},
): Promise<ImportReport> {
  return runImport({ ctx, input: { stream: createReadStream(fixture(name)), entity, ...options } });
}

export function importText(
  ctx: Ctx,
  entity: string,
  text: string,
  options: Options = {},
): Promise<ImportReport> {
  return runImport({ ctx, input: { stream: Readable.from([Buffer.from(text)]), entity, ...options } });
}

/** Every row of the org's imported tables, in id order: two equal snapshots mean nothing changed. */
export async function snapshot(db: Db, orgId: number) {
  const tables = [
    'team',
    'app_user',
    'team_membership',
    'account',
    'subscription',
    'lead',
    'deal',
    'activity',
    'spend',
    'coaching',
  ] as const;
  const out: Record<string, unknown[]> = {};
  for (const table of tables) {
    out[table] = await db.selectFrom(table).selectAll().where('org_id', '=', orgId).orderBy('id').execute();
  }
  return out;
}

export async function deals(db: Db, orgId: number) {
  return db
    .selectFrom('deal')
    .select([
      'external_id',
      'name',
      'amount',
      'currency',
      'stage',
      'status',
      'owner_id',
      'team_id',
      'account_id',
      'probability',
      'created_at',
      'closed_at',
      'expected_close_at',
    ])
    .where('org_id', '=', orgId)
    .orderBy('id')
    .execute();
}

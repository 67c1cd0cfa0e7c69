import { afterEach, describe, expect, it } from 'vitest';
import type { Actor, Org } from '../../../src/core/org.ts';
import type { Ctx } from '../../../src/services/context.ts';
import { computeMetric } from '../../../src/services/metrics/index.ts';
import { readOrgSettings, updateOrgSettings } from '../../../src/services/system/org-settings.ts';
import { createOrg, findOrg } from '../../../src/store/org-queries.ts';
import { refreshRollups } from '../../../src/store/rollups.ts';
import { createUser } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';

const NOW = Date.parse('2027-03-01T09:00:00Z');

describe.each(dialects)('org settings on %s', (dialect) => {
  let store: TestStore;
  afterEach(() => store?.drop());

  async function world() {
    store = await freshStore(dialect);
    const org = await createOrg(
      store.db,
      { name: 'Acme', slug: 'acme', currency: 'USD', timeZone: 'UTC' },
      0,
    );
    const admin = await createUser(
      store.db,
      org.id,
      { name: 'Ada', email: 'ada@acme.test', role: 'admin' },
      0,
    );
    const rep = await createUser(store.db, org.id, { name: 'Rex', email: 'rex@acme.test', role: 'rep' }, 0);
    const ctxOf = async (actor: Actor): Promise<Ctx> => ({
      db: store.db,
      dialect,
      org: (await findOrg(store.db, org.id)) as Org,
      actor,
      now: NOW,
    });
    return {
      org,
      admin: () => ctxOf({ kind: 'user', userId: admin.id, role: 'admin', teamId: null }),
      rep: () => ctxOf({ kind: 'user', userId: rep.id, role: 'rep', teamId: null }),
      repId: rep.id,
    };
  }

  it('lets an admin change the calendar and thresholds, with the change in the audit log', async () => {
    const w = await world();
    const after = await updateOrgSettings({
      ctx: await w.admin(),
      input: { weekStart: 0, workingDays: [0, 1, 2, 3, 4], settings: { atRiskBelow: 0.95 } },
    });
    expect(after).toMatchObject({ weekStart: 0, workingDays: [0, 1, 2, 3, 4] });
    expect(after.settings).toMatchObject({ atRiskBelow: 0.95, offTrackBelow: 0.8 });
    expect(await readOrgSettings({ ctx: await w.rep() })).toEqual(after);
    const audit = await store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'org').execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.before ?? '{}').weekStart).toBe(1);
    expect(JSON.parse(audit[0]?.after ?? '{}').weekStart).toBe(0);
  });

  it('refuses a rep, a bad time zone and thresholds out of order, and changes nothing', async () => {
    const w = await world();
    const before = await readOrgSettings({ ctx: await w.admin() });
    await expect(updateOrgSettings({ ctx: await w.rep(), input: { weekStart: 0 } })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      updateOrgSettings({ ctx: await w.admin(), input: { timeZone: 'Mars/Olympus' } }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'timeZone' });
    await expect(
      updateOrgSettings({ ctx: await w.admin(), input: { settings: { offTrackBelow: 1.2 } } }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'settings.offTrackBelow' });
    expect(await readOrgSettings({ ctx: await w.admin() })).toEqual(before);
  });

  it('keeps the currency once money is recorded in it', async () => {
    const w = await world();
    expect((await updateOrgSettings({ ctx: await w.admin(), input: { currency: 'SAR' } })).currency).toBe(
      'SAR',
    );
    await store.db
      .insertInto('deal')
      .values({ org_id: w.org.id, amount: 100, currency: 'SAR', stage: 'new', status: 'open', created_at: 0 })
      .execute();
    await expect(
      updateOrgSettings({ ctx: await w.admin(), input: { currency: 'USD' } }),
    ).rejects.toMatchObject({
      code: 'conflict',
      field: 'currency',
    });
  });

  it('rebuilds the rollups when the time zone moves a deal into another month', async () => {
    const w = await world();
    // 22:30 UTC on 31 January is 01:30 on 1 February in Riyadh (UTC+3)
    await store.db
      .insertInto('deal')
      .values({
        org_id: w.org.id,
        owner_id: w.repId,
        amount: 5_000,
        currency: 'USD',
        stage: 'won',
        status: 'won',
        created_at: Date.parse('2027-01-10T10:00:00Z'),
        closed_at: Date.parse('2027-01-31T22:30:00Z'),
      })
      .execute();
    await refreshRollups(store.db, w.org.id);
    const revenue = async (period: string) =>
      (await computeMetric({ ctx: await w.admin(), input: { metric: 'revenue', period } })).value;
    expect([await revenue('2027-01'), await revenue('2027-02')]).toEqual([5_000, 0]);
    await updateOrgSettings({ ctx: await w.admin(), input: { timeZone: 'Asia/Riyadh' } });
    expect([await revenue('2027-01'), await revenue('2027-02')]).toEqual([0, 5_000]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Goal } from '../../../src/core/goals/index.ts';
import { listAudit } from '../../../src/services/audit.ts';
import {
  extraAlertRecipients,
  showTrackingSettings,
  updateTrackingSettings,
  withExtraRecipients,
} from '../../../src/services/flow/recipients.ts';
import { createGoal } from '../../../src/services/goals/create.ts';
import { loadDirectory } from '../../../src/services/tracking/progress.ts';
import { loadGoals } from '../../../src/services/tracking/sources.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildInsightWorld, type InsightWorld, NOW } from '../insights/world.ts';

describe.each(dialects)('tracking settings and alert recipients on %s', (dialect) => {
  let store: TestStore;
  let w: InsightWorld;
  let goal: Goal;

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildInsightWorld(store);
    goal = await createGoal({
      ctx: w.ctx(w.users.maha),
      input: {
        title: 'Ali Q1 calls',
        metric: 'calls',
        scope: { type: 'rep', id: w.users.ali.id },
        target: 300,
        period: { start: '2027-01-01', end: '2027-03-31' },
        status: 'active',
      },
    });
  });
  afterAll(() => store?.drop());

  it('shows the check-in interval and who the alerts reach without being chosen', async () => {
    const settings = await showTrackingSettings({ ctx: w.ctx(w.users.ali), input: { goalId: goal.id } });
    expect(settings).toEqual({
      goalId: goal.id,
      checkinInterval: 'weekly',
      defaultRecipients: [
        { id: w.users.ali.id, name: 'Ali', role: 'rep' },
        { id: w.users.maha.id, name: 'Maha', role: 'manager' },
      ],
      extraRecipients: [],
    });
  });

  it('sets the interval and the extra recipients, with an audit entry', async () => {
    const settings = await updateTrackingSettings({
      ctx: w.ctx(w.users.maha),
      input: {
        goalId: goal.id,
        checkinInterval: 'biweekly',
        recipients: [w.users.admin.id, w.users.admin.id],
      },
    });
    expect(settings.checkinInterval).toBe('biweekly');
    expect(settings.extraRecipients).toEqual([{ id: w.users.admin.id, name: 'Amal', role: 'admin' }]);
    const audit = await listAudit({
      ctx: w.ctx(w.users.admin),
      input: { entity: 'goal', entityId: goal.id },
    });
    expect(audit.find((a) => a.action === 'alert_recipients')?.after).toEqual({
      recipients: [w.users.admin.id],
    });
  });

  it('refuses a recipient who may not see the goal, or is not in the org, and changes nothing', async () => {
    for (const [id, field] of [
      // a rep of the same team does not see Ali's own goals
      [w.users.carla.id, 'recipients.1'],
      [w.users.wafa.id, 'recipients.1'],
      [w.users.omar.id, 'recipients.1'],
    ] as const) {
      await expect(
        updateTrackingSettings({
          ctx: w.ctx(w.users.maha),
          input: { goalId: goal.id, checkinInterval: 'monthly', recipients: [w.users.admin.id, id] },
        }),
      ).rejects.toMatchObject({ code: 'invalid_input', field });
    }
    const settings = await showTrackingSettings({ ctx: w.ctx(w.users.maha), input: { goalId: goal.id } });
    expect(settings.checkinInterval).toBe('biweekly');
    expect(settings.extraRecipients.map((p) => p.id)).toEqual([w.users.admin.id]);
  });

  it('lets only those who may change the goal set its tracking', async () => {
    await expect(
      updateTrackingSettings({ ctx: w.ctx(w.users.ali), input: { goalId: goal.id, recipients: [] } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      showTrackingSettings({ ctx: w.ctx(w.users.badr), input: { goalId: goal.id } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('gives the alert job the extra recipients who are still here, merged once with the defaults', async () => {
    const ctx = w.ctx('system');
    const goals = await loadGoals(ctx, { ids: [goal.id] });
    const directory = await loadDirectory(ctx);
    const extra = await extraAlertRecipients(ctx, goals, directory);
    expect(extra.get(goal.id)?.map((m) => m.id)).toEqual([w.users.admin.id]);
    const maha = directory.members.get(w.users.maha.id);
    const admin = directory.members.get(w.users.admin.id);
    if (!maha || !admin) throw new Error('the directory lost a member');
    expect(withExtraRecipients([maha, admin], extra.get(goal.id)).map((m) => m.id)).toEqual([
      maha.id,
      admin.id,
    ]);

    // once the admin has left, nothing more goes to her
    await store.db
      .updateTable('app_user')
      .set({ left_at: NOW - 1 })
      .where('id', '=', w.users.admin.id)
      .execute();
    const after = await extraAlertRecipients(ctx, goals, await loadDirectory(ctx));
    expect(after.has(goal.id)).toBe(false);
    await store.db
      .updateTable('app_user')
      .set({ left_at: null })
      .where('id', '=', w.users.admin.id)
      .execute();
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Goal } from '../../../src/core/goals/index.ts';
import { listAudit } from '../../../src/services/audit.ts';
import { acknowledgeGoal, listGoalAcknowledgements } from '../../../src/services/flow/acknowledge.ts';
import { communicateGoal } from '../../../src/services/flow/communicate.ts';
import { createGoal } from '../../../src/services/goals/create.ts';
import { transitionGoal } from '../../../src/services/goals/transition.ts';
import { listNotifications } from '../../../src/services/tracking/notifications.ts';
import type { Member } from '../../../src/store/account-queries.ts';
import type { OutboxTable } from '../../../src/store/outbox-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildInsightWorld, type InsightWorld, NOW } from '../insights/world.ts';

const Q1 = { start: '2027-01-01', end: '2027-03-31' };

describe.each(dialects)('communicating and acknowledging goals on %s', (dialect) => {
  let store: TestStore;
  let w: InsightWorld;
  let team: Goal;
  let ali: Goal;
  let badr: Goal;
  let wafa: Goal;

  const repGoal = (rep: Member, payouts: number[], reason: string | null = null) =>
    createGoal({
      ctx: w.ctx(w.users.admin),
      input: {
        title: `${rep.name}'s Q1 revenue`,
        metric: 'revenue',
        scope: { type: 'rep', id: rep.id },
        target: 2_000_000,
        period: Q1,
        parentId: team.id,
        bonusTiers: payouts.map((payout, i) => ({ attainment: 1 + i / 10, payout })),
        reason,
      },
    });

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildInsightWorld(store);
    await store.db.updateTable('app_user').set({ locale: 'ar' }).where('id', '=', w.users.ali.id).execute();
    team = await createGoal({
      ctx: w.ctx(w.users.maha),
      input: {
        title: 'East Q1 revenue',
        description: 'Weekly pipeline reviews and two demos a week per rep.',
        metric: 'revenue',
        scope: { type: 'team', id: w.teams.east.id },
        target: 5_000_000,
        period: Q1,
        reason: 'Growth area 1: revenue fell 20% against 2025-Q4.',
        bonusTiers: [{ attainment: 1, payout: 100_000 }],
      },
    });
    ali = await repGoal(w.users.ali, [50_000, 75_000]);
    badr = await repGoal(w.users.badr, [60_000], 'Badr sold the least of the team last quarter.');
    // set from above Maha, under her team's goal: hers to see, not to change
    wafa = await repGoal(w.users.wafa, []);
  });
  afterAll(() => store?.drop());

  it('activates the goal and its drafts below it and tells each owner, with only their own bonus tiers', async () => {
    const result = await communicateGoal({
      ctx: w.ctx(w.users.maha),
      input: { goalId: team.id, message: 'Q1 matters', email: true },
    });
    expect(result.activated).toEqual([team.id, ali.id, badr.id]);
    expect(result.skipped).toEqual([wafa.id]);
    expect(result.notified).toEqual([
      { goalId: team.id, userId: w.users.maha.id, name: 'Maha' },
      { goalId: ali.id, userId: w.users.ali.id, name: 'Ali' },
      { goalId: badr.id, userId: w.users.badr.id, name: 'Badr' },
    ]);
    expect(result.emails).toBe(3);
    const outbox = await store.db
      .withTables<{ outbox: OutboxTable }>()
      .selectFrom('outbox')
      .select('payload')
      .where('org_id', '=', w.org.id)
      .execute();
    expect(outbox.map((r) => JSON.parse(r.payload).to).sort()).toEqual(
      [w.users.ali.email, w.users.badr.email, w.users.maha.email].sort(),
    );

    const inbox = async (user: Member) =>
      (await listNotifications({ ctx: w.ctx(user), input: {} })).notifications;
    const [toBadr] = await inbox(w.users.badr);
    expect(toBadr?.kind).toBe('goal_assigned');
    expect(toBadr?.goalId).toBe(badr.id);
    expect(toBadr?.title).toBe("New goal: Badr's Q1 revenue");
    expect(toBadr?.body).toContain('Message from Maha: Q1 matters');
    expect(toBadr?.body).toContain('Why: Badr sold the least of the team last quarter.');
    expect(toBadr?.body).toContain('Your bonus: 100% of target → $600.');
    expect(toBadr?.body).not.toMatch(/\$500|\$750|\$1,000/);
    const [toAli] = await inbox(w.users.ali);
    // Ali reads Arabic; his tiers only
    expect(toAli?.title).toBe("هدف جديد: Ali's Q1 revenue");
    expect(toAli?.body).toContain('مكافأتك');
    expect(toAli?.data).toMatchObject({
      bonusTiers: [
        { attainment: 1, payout: 50_000 },
        { attainment: 1.1, payout: 75_000 },
      ],
      message: 'Q1 matters',
      from: { id: w.users.maha.id, name: 'Maha' },
    });
    expect((await inbox(w.users.maha))[0]?.body).toContain('How: Weekly pipeline reviews');
    expect(await inbox(w.users.wafa)).toEqual([]);
  });

  it('shows who has been told and nobody has acknowledged yet', async () => {
    const view = await listGoalAcknowledgements({ ctx: w.ctx(w.users.maha), input: { goalId: team.id } });
    expect(view.owners.map((o) => [o.goalId, o.owner.name, o.notifiedAt, o.acknowledgedAt])).toEqual([
      [team.id, 'Maha', NOW, null],
      [ali.id, 'Ali', NOW, null],
      [badr.id, 'Badr', NOW, null],
    ]);
    expect(view).toMatchObject({ acknowledged: 0, pending: 3 });
  });

  it('records an owner’s acknowledgement once, and the first time stands', async () => {
    const first = await acknowledgeGoal({ ctx: w.ctx(w.users.ali, NOW + 1000), input: { goalId: ali.id } });
    expect(first).toEqual({ goalId: ali.id, userId: w.users.ali.id, acknowledgedAt: NOW + 1000 });
    const again = await acknowledgeGoal({ ctx: w.ctx(w.users.ali, NOW + 5000), input: { goalId: ali.id } });
    expect(again.acknowledgedAt).toBe(NOW + 1000);
    const audit = await listAudit({ ctx: w.ctx(w.users.admin), input: { entity: 'goal', entityId: ali.id } });
    expect(audit.filter((a) => a.action === 'acknowledge')).toHaveLength(1);
    const view = await listGoalAcknowledgements({ ctx: w.ctx(w.users.maha), input: { goalId: team.id } });
    expect(view).toMatchObject({ acknowledged: 1, pending: 2 });
    expect(view.owners.find((o) => o.goalId === ali.id)?.acknowledgedAt).toBe(NOW + 1000);
  });

  it('does not let a rep acknowledge someone else’s goal', async () => {
    await expect(
      acknowledgeGoal({ ctx: w.ctx(w.users.ali), input: { goalId: badr.id } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      acknowledgeGoal({ ctx: w.ctx(w.users.ali), input: { goalId: team.id } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      acknowledgeGoal({ ctx: w.ctx(w.users.omar), input: { goalId: ali.id } }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const view = await listGoalAcknowledgements({ ctx: w.ctx(w.users.admin), input: { goalId: team.id } });
    expect(view.owners.find((o) => o.goalId === badr.id)?.acknowledgedAt).toBeNull();
  });

  it('shows a rep the owners of the goals they may see only', async () => {
    const view = await listGoalAcknowledgements({ ctx: w.ctx(w.users.ali), input: { goalId: team.id } });
    expect(view.owners.map((o) => o.goalId)).toEqual([team.id, ali.id]);
  });

  it('refuses to acknowledge a draft, to communicate an archived goal, and a rep communicating', async () => {
    const draft = await createGoal({
      ctx: w.ctx(w.users.maha),
      input: {
        title: 'Ali draft',
        metric: 'calls',
        scope: { type: 'rep', id: w.users.ali.id },
        target: 300,
        period: Q1,
      },
    });
    await expect(
      acknowledgeGoal({ ctx: w.ctx(w.users.ali), input: { goalId: draft.id } }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'status' });
    await expect(
      communicateGoal({ ctx: w.ctx(w.users.ali), input: { goalId: draft.id } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await transitionGoal({ ctx: w.ctx(w.users.maha), input: { goalId: draft.id, to: 'archived' } });
    await expect(
      communicateGoal({ ctx: w.ctx(w.users.maha), input: { goalId: draft.id } }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'status' });
  });

  it('tells the owners again when a live goal is communicated again, keeping acknowledgements', async () => {
    const result = await communicateGoal({
      ctx: w.ctx(w.users.maha, NOW + 60_000),
      input: { goalId: ali.id },
    });
    expect(result).toMatchObject({
      activated: [],
      notified: [{ goalId: ali.id, userId: w.users.ali.id }],
      emails: 0,
    });
    const inbox = await listNotifications({ ctx: w.ctx(w.users.ali), input: {} });
    expect(inbox.notifications.filter((n) => n.goalId === ali.id)).toHaveLength(2);
    const view = await listGoalAcknowledgements({ ctx: w.ctx(w.users.maha), input: { goalId: ali.id } });
    expect(view.owners[0]).toMatchObject({ notifiedAt: NOW + 60_000, acknowledgedAt: NOW + 1000 });
  });
});

import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createGoal } from '../../src/services/goals/create.ts';
import { applySplit } from '../../src/services/goals/split.ts';
import { runImport } from '../../src/services/import/run.ts';
import { systemContextFor } from '../../src/services/tracking/org-context.ts';
import { tick } from '../../src/services/tracking/tick.ts';
import { createWebhook } from '../../src/services/tracking/webhooks.ts';
import { createOrg } from '../../src/store/org-queries.ts';
import { listOutbox, type OutboxTable } from '../../src/store/outbox-queries.ts';
import type { TrackingTables } from '../../src/store/progress-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import {
  HALFWAY,
  insertGoal,
  salesOrg,
  systemCtx,
  userCtx,
  utc,
  wonDeal,
} from '../services/tracking/fixtures.ts';
import { fingerprint } from './fingerprint.ts';
import { startKillable } from './killable-process.ts';
import { Receiver } from './webhook-receiver.ts';

/**
 * kill -9 in the middle of the work that must be all or nothing: an import,
 * a goal split, the scheduler's alerts and its delivery of them. The child
 * process (killable.ts) stops inside the open transaction, after a chosen
 * INSERT, and is killed there with SIGKILL: no finally, no rollback by the
 * process, only what the database itself guarantees. The run after the
 * crash is made in this process, as a restarted server or a re-run command would.
 */

const NOW = Date.UTC(2027, 1, 15, 9);

function dealsCsv(from: number, to: number, amount: (i: number) => number): string {
  const lines = ['external_id,name,amount,status,created_at,closed_at'];
  for (let i = from; i <= to; i++) {
    const day = `2026-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
    const won = i % 3 === 0;
    lines.push(`D-${i},Deal ${i},${amount(i)},${won ? 'won' : 'open'},${day},${won ? day : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

// Each case forks several TypeScript processes: generous time on a busy two-core machine.
vi.setConfig({ testTimeout: 120_000 });

/** An import run in this process: the run after the crash, as a restarted process would do it. */
async function importFile(
  store: TestStore,
  entity: string,
  file: string,
  extra: { skipInvalid?: boolean; rejectsPath?: string } = {},
) {
  const ctx = await systemContextFor(store, undefined, NOW, 'fault test');
  return runImport({ ctx, input: { stream: createReadStream(file), entity, ...extra } });
}

describe.each(dialects)('kill -9 midway on %s', (dialect) => {
  let store: TestStore;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hadaf-kill-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => store?.drop());

  async function deals() {
    return store.db
      .selectFrom('deal')
      .select(['external_id', 'amount'])
      .orderBy('external_id')
      .execute()
      .then((rows) => rows.map((r) => [r.external_id, Number(r.amount) / 100] as const)); // minor units
  }

  it('of an import leaves the committed import intact and none of its own rows; a re-run completes it once', async () => {
    store = await freshStore(dialect);
    await createOrg(store.db, { name: 'Acme', slug: 'acme', currency: 'USD', timeZone: 'UTC' }, 0);
    const first = join(dir, `first-${dialect}.csv`);
    const second = join(dir, `second-${dialect}.csv`);
    // First import: D-1..D-3000. Second: changes D-2001..D-3000 and adds D-3001..D-6000.
    writeFileSync(
      first,
      dealsCsv(1, 3000, (i) => 1000 + i),
    );
    writeFileSync(
      second,
      dealsCsv(2001, 6000, (i) => 5000 + i),
    );
    expect(await importFile(store, 'deals', first)).toMatchObject({ committed: true, inserted: 3000 });
    const committed = await fingerprint(store);

    const doomed = startKillable('import', store.location, {
      entity: 'deals',
      file: second,
      now: NOW,
      pause: { table: 'deal', after: 2 },
    });
    // Two INSERTs of its batches are in the open transaction when it dies.
    expect(await doomed.next).toEqual({ paused: 2 });
    expect(await doomed.kill()).toBe('SIGKILL');

    expect(await fingerprint(store)).toEqual(committed);
    const afterKill = await deals();
    expect(afterKill).toHaveLength(3000);
    expect(afterKill.find(([id]) => id === 'D-2500')).toEqual(['D-2500', 1000 + 2500]);

    expect(await importFile(store, 'deals', second)).toMatchObject({
      committed: true,
      inserted: 3000,
      updated: 1000,
    });
    const final = await deals();
    expect(final).toHaveLength(6000);
    expect(new Set(final.map(([id]) => id)).size).toBe(6000);
    expect(final.find(([id]) => id === 'D-1')).toEqual(['D-1', 1001]);
    expect(final.find(([id]) => id === 'D-2500')).toEqual(['D-2500', 5000 + 2500]);
    expect(final.find(([id]) => id === 'D-5999')).toEqual(['D-5999', 5000 + 5999]);
    // A second re-run finds everything in place.
    expect(await importFile(store, 'deals', second)).toMatchObject({
      committed: true,
      inserted: 0,
      updated: 0,
      unchanged: 4000,
    });
  });

  it('of an import with --skip-invalid leaves nothing either: the skip commits at the end, not per batch', async () => {
    store = await freshStore(dialect);
    await createOrg(store.db, { name: 'Acme', slug: 'acme', currency: 'USD', timeZone: 'UTC' }, 0);
    const file = join(dir, `skip-${dialect}.csv`);
    // every 1000th row has a negative amount: refused, the rest go in
    writeFileSync(
      file,
      dealsCsv(1, 4000, (i) => (i % 1000 === 0 ? -5 : 100 + i)),
    );
    const empty = await fingerprint(store);
    const rejectsPath = join(dir, `skip-${dialect}.rejects.csv`);
    const options = { entity: 'deals', file, now: NOW, skipInvalid: true, rejectsPath };

    const doomed = startKillable('import', store.location, {
      ...options,
      pause: { table: 'deal', after: 2 },
    });
    expect(await doomed.next).toEqual({ paused: 2 });
    await doomed.kill();
    expect(await fingerprint(store)).toEqual(empty);

    expect(await importFile(store, 'deals', file, { skipInvalid: true, rejectsPath })).toMatchObject({
      committed: true,
      inserted: 3996,
      rejectedRows: 4,
    });
    const final = await deals();
    expect(final).toHaveLength(3996);
    expect(new Set(final.map(([id]) => id)).size).toBe(3996);
    expect(final.some(([id]) => id === 'D-1000')).toBe(false);
  });

  it('of a cascade split leaves the goal unsplit, with no child; a re-run splits it once', async () => {
    store = await freshStore(dialect);
    const org = await createOrg(
      store.db,
      { name: 'Acme', slug: 'acme', currency: 'USD', timeZone: 'UTC' },
      0,
    );
    const ctx = systemCtx(store, org, NOW);
    const goal = await createGoal({
      ctx,
      input: {
        title: 'Revenue 2027',
        metric: 'revenue',
        scope: { type: 'org' },
        target: 5_200_000,
        period: { start: '2027-01-01', end: '2027-12-31' },
        status: 'active',
      },
    });
    const before = await fingerprint(store);
    const rule = { by: 'period' as const, grain: 'month' as const, method: 'equal' as const };

    const doomed = startKillable('split', store.location, {
      goalId: goal.id,
      rule,
      now: NOW,
      pause: { table: 'goal', after: 7 },
    });
    // seven of the twelve monthly goals are written in the open transaction
    expect(await doomed.next).toEqual({ paused: 7 });
    await doomed.kill();
    expect(await fingerprint(store)).toEqual(before);

    expect((await applySplit({ ctx, input: { goalId: goal.id, rule } })).children).toHaveLength(12);
    const children = await store.db
      .selectFrom('goal')
      .select(['period_start', 'target'])
      .where('parent_id', '=', goal.id)
      .orderBy('period_start')
      .execute();
    expect(children.map((c) => c.period_start)).toEqual(
      Array.from({ length: 12 }, (_, m) => `2027-${String(m + 1).padStart(2, '0')}-01`),
    );
    // 5,200,000 (minor units) split equally over twelve months
    expect(children.reduce((sum, c) => sum + Number(c.target), 0)).toBe(5_200_000);
    // A second split is refused: the goal is split already, so no duplicate children.
    await expect(applySplit({ ctx, input: { goalId: goal.id, rule } })).rejects.toThrow(/already split/);
    const count = await store.db
      .selectFrom('goal')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('parent_id', '=', goal.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(12);
  });
});

describe.each(dialects)('kill -9 of the scheduler on %s', (dialect) => {
  let store: TestStore;
  const db = () => store.db.withTables<TrackingTables & { outbox: OutboxTable }>();
  let receiver: Receiver;
  afterEach(async () => {
    await receiver?.stop();
    await store?.drop();
  });

  /** Three goals of Sara's that turn off track at HALFWAY, and a webhook for every event. */
  async function alertingOrg() {
    const o = await salesOrg(store);
    await wonDeal(store.db, o.org.id, {
      ownerId: o.sara.id,
      teamId: o.riyadh.id,
      amount: 300_000,
      closedAt: utc('2027-01-12T10:00:00'),
    });
    const goals: number[] = [];
    for (const target of [1_000_000, 900_000, 800_000]) {
      const id = await insertGoal(store.db, o.org.id, {
        metric: 'revenue',
        target,
        scope_type: 'rep',
        scope_id: o.sara.id,
        owner_id: o.sara.id,
        checkin_interval: 'monthly',
      });
      // checked in the day before: no reminder falls due
      await store.db
        .insertInto('goal_checkin')
        .values({
          org_id: o.org.id,
          goal_id: id,
          user_id: o.sara.id,
          at: HALFWAY - 86_400_000,
          confidence: 2,
        })
        .execute();
      goals.push(id);
    }
    receiver = new Receiver();
    const url = await receiver.start();
    await createWebhook({ ctx: userCtx(store, o.org, HALFWAY, o.admin, null), input: { url } });
    return { o, goals };
  }

  const alertRows = async () => {
    const count = async (table: 'notification' | 'outbox' | 'goal_alert_state') =>
      Number(
        (
          await db()
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return {
      notifications: await count('notification'),
      outbox: await count('outbox'),
      alertStates: await count('goal_alert_state'),
    };
  };

  it('while it writes the alerts leaves none of them; the next run sends each alert once', async () => {
    store = await freshStore(dialect);
    const { o } = await alertingOrg();
    const before = await alertRows();

    const doomed = startKillable('tick', store.location, {
      now: HALFWAY,
      pause: { table: 'notification', after: 1 },
    });
    expect(await doomed.next).toEqual({ paused: 1 });
    await doomed.kill();
    expect(await alertRows()).toEqual(before);
    expect(receiver.calls).toEqual([]);

    // The dead run's lease holds the scheduler for its 10 minutes: a run inside them skips.
    expect(await tick({ db: store.db, now: HALFWAY + 60_000 })).toMatchObject({ skipped: 'lease_held' });
    expect(await tick({ db: store.db, now: HALFWAY + 11 * 60_000 })).toMatchObject({ delivery: { sent: 3 } });
    expect(await tick({ db: store.db, now: HALFWAY + 12 * 60_000 })).toMatchObject({ delivery: { sent: 0 } });

    // Three goals, each alerting Sara, Omar and Maha in the app, and the webhook once.
    const notes = await db()
      .selectFrom('notification')
      .select(['user_id', 'goal_id'])
      .where('org_id', '=', o.org.id)
      .where('kind', '=', 'status_changed')
      .execute();
    expect(notes).toHaveLength(9);
    expect(new Set(notes.map((n) => `${n.user_id}:${n.goal_id}`)).size).toBe(9);
    expect(receiver.calls).toHaveLength(3);
    expect(new Set(receiver.calls.map((c) => JSON.parse(c.body).id)).size).toBe(3);
  });

  it('while a webhook call hangs delivers every other alert once and never resends the one in flight', async () => {
    store = await freshStore(dialect);
    const { o } = await alertingOrg();
    receiver.hangNext = 1;
    const arrived = receiver.arrival();
    const doomed = startKillable('tick', store.location, { now: HALFWAY });
    await arrived;
    await doomed.kill();
    expect(receiver.calls).toHaveLength(1);
    const inFlight = receiver.calls[0]?.delivery;

    const statuses = async () =>
      Object.fromEntries((await listOutbox(store.db, o.org.id)).map((r) => [String(r.id), r.status]));
    // Committed with the alerts: one row claimed (sending), two still pending.
    expect(Object.values(await statuses()).sort()).toEqual(['pending', 'pending', 'sending']);
    expect((await statuses())[inFlight as string]).toBe('sending');

    // After the dead run's leases lapse (scheduler 10 min, outbox 5 min), two runs in a row.
    expect(await tick({ db: store.db, now: HALFWAY + 11 * 60_000 })).toMatchObject({
      delivery: { sent: 2, unconfirmed: 1 },
    });
    expect(await tick({ db: store.db, now: HALFWAY + 12 * 60_000 })).toMatchObject({
      delivery: { sent: 0, unconfirmed: 0 },
    });
    const final = await statuses();
    expect(final[inFlight as string]).toBe('unconfirmed');
    expect(Object.values(final).sort()).toEqual(['sent', 'sent', 'unconfirmed']);
    // Each delivery reached the receiver exactly once, the one in flight included.
    const deliveries = receiver.calls.map((c) => c.delivery);
    expect(deliveries).toHaveLength(3);
    expect(new Set(deliveries).size).toBe(3);
    const notes = await db()
      .selectFrom('notification')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('org_id', '=', o.org.id)
      .executeTakeFirstOrThrow();
    expect(Number(notes.n)).toBe(9);
  });
});

import { type ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebhook } from '../../src/services/tracking/webhooks.ts';
import { findMember, type Member } from '../../src/store/account-queries.ts';
import type { TrackingTables } from '../../src/store/progress-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { type Credentials, sessionOf } from '../server/signed-in.ts';
import { startSmtp, type TestSmtp } from '../services/outbox/smtp.ts';
import { insertGoal, type SalesOrg, salesOrg, userCtx, wonDeal } from '../services/tracking/fixtures.ts';
import { eventually, Receiver } from './webhook-receiver.ts';

/**
 * Several server instances behind a load balancer on one PostgreSQL
 * database (SQLite is one machine's file, so PostgreSQL only; CI sets
 * DATABASE_URL). Two real server processes (server-instance.ts: the API,
 * the e-mail worker and the scheduler, as `hadaf serve` runs them) tick
 * every 200 ms, racing for the scheduler's lease and the outbox's claims
 * while new alerts fall due: every alert reaches the webhook and each
 * recipient's mailbox exactly once.
 */

const root = resolve(import.meta.dirname, '../..');
const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Instance {
  child: ChildProcess;
  port: number;
  stop(): Promise<{ errors: string[] }>;
}

async function startInstance(url: string, smtpUrl: string): Promise<Instance> {
  const child = fork(resolve(root, 'bin/run-ts.js'), ['test/faults/server-instance.ts', url, '200'], {
    cwd: root,
    env: { ...process.env, HADAF_SMTP_URL: smtpUrl },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((done, fail) => {
    child.once('message', (m: { port: number }) => done(m.port));
    child.once('exit', (code) => fail(new Error(`instance exited with ${code} before listening`)));
  });
  return {
    child,
    port,
    stop: () =>
      new Promise((done) => {
        child.on('message', (m: { stopped?: boolean; errors: string[] }) => {
          if (m.stopped) done(m);
        });
        child.send('stop');
      }),
  };
}

describe.each(dialects.filter((d) => d === 'postgres'))('two server instances on one %s database', () => {
  let store: TestStore;
  let smtp: TestSmtp | undefined;
  let receiver: Receiver | undefined;
  const instances: Instance[] = [];
  afterEach(async () => {
    for (const i of instances.splice(0)) if (i.child.exitCode === null) i.child.kill('SIGKILL');
    await receiver?.stop();
    await smtp?.close();
    await store?.drop();
  });

  /** Goals of Sara's running from 40 days ago to 40 days ahead: 100,000 of 1,000,000 is off track today. */
  async function alertingGoals(o: SalesOrg, count: number) {
    const now = Date.now();
    for (let i = 0; i < count; i++) {
      const id = await insertGoal(store.db, o.org.id, {
        metric: 'revenue',
        target: 1_000_000,
        scope_type: 'rep',
        scope_id: o.sara.id,
        owner_id: o.sara.id,
        period_start: dayOf(now - 40 * DAY),
        period_end: dayOf(now + 40 * DAY),
        checkin_interval: 'monthly',
      });
      // checked in yesterday: no reminder falls due, only the status alert
      await store.db
        .insertInto('goal_checkin')
        .values({ org_id: o.org.id, goal_id: id, user_id: o.sara.id, at: now - DAY, confidence: 2 })
        .execute();
    }
  }

  it('send each alert exactly once, by webhook and by e-mail, while both run the scheduler', async () => {
    store = await freshStore('postgres');
    const o = await salesOrg(store);
    await wonDeal(store.db, o.org.id, {
      ownerId: o.sara.id,
      teamId: o.riyadh.id,
      amount: 100_000,
      closedAt: Date.now() - 2 * DAY,
    });
    smtp = await startSmtp();
    receiver = new Receiver();
    const hook = await receiver.start();
    await createWebhook({ ctx: userCtx(store, o.org, Date.now(), o.admin, null), input: { url: hook } });
    // The first goals are due before the instances start: both first ticks race for them.
    await alertingGoals(o, 2);
    // The test database has no password, so its printable location is its URL.
    instances.push(...(await Promise.all([0, 1].map(() => startInstance(store.location, smtp?.url ?? '')))));

    // Three waves of new alerts while both instances tick.
    const recipients = 3; // Sara, her manager Omar, and Maha above him
    for (const [wave, goals] of [2, 4, 6].entries()) {
      if (wave > 0) await alertingGoals(o, 2);
      await eventually(
        () => receiver?.calls.length === goals && smtp?.received.length === goals * recipients,
        60_000,
        `${goals} webhook calls and ${goals * recipients} e-mails`,
      );
    }
    // Ten more ticks of each instance: nothing arrives twice.
    await new Promise((r) => setTimeout(r, 2000));

    const calls = receiver.calls;
    expect(calls).toHaveLength(6);
    expect(new Set(calls.map((c) => c.delivery)).size).toBe(6);
    expect(new Set(calls.map((c) => JSON.parse(c.body).data.goal.id)).size).toBe(6);
    const mails = smtp.received;
    expect(mails).toHaveLength(18);
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(18);
    expect(new Set(mails.map((m) => `${m.to.join()}|${m.subject}`)).size).toBe(18);
    expect(new Set(mails.flatMap((m) => m.to))).toEqual(new Set([o.sara.email, o.omar.email, o.maha.email]));
    const tracking = store.db.withTables<TrackingTables>();
    const notes = await tracking
      .selectFrom('notification')
      .select(['user_id', 'goal_id'])
      .where('kind', '=', 'status_changed')
      .execute();
    expect(notes).toHaveLength(18);

    // Both instances really ran the scheduler (the lease passed between them), and both serve the API.
    // On a loaded machine one instance can win several ticks in a row: wait for the other's turn.
    const holders = () => tracking.selectFrom('scheduler_run').select('holder').distinct().execute();
    await eventually(async () => (await holders()).length === 2, 60_000, 'a tick by each instance');
    expect(await holders()).toHaveLength(2);
    expect(receiver.calls).toHaveLength(6);
    expect(smtp.received).toHaveLength(18);
    const member = await findMember(store.db, o.org.id, o.admin.id);
    const admin: Credentials = await sessionOf(store, member as Member, Date.now());
    // One session, either instance: the same six goals.
    for (const instance of instances) {
      const res = await fetch(`http://127.0.0.1:${instance.port}/api/goals`, {
        headers: { cookie: `hadaf_session=${admin.cookie}` },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { goals: unknown[] }).goals).toHaveLength(6);
    }
    const reports = await Promise.all(instances.map((i) => i.stop()));
    expect(reports.flatMap((r) => r.errors)).toEqual([]);
  }, 180_000);
});

import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateTrackingSettings } from '../../../src/services/flow/recipients.ts';
import type { Mailer, MailMessage } from '../../../src/services/outbox/mailer.ts';
import { smtpMailer } from '../../../src/services/outbox/mailer.ts';
import { createCheckin } from '../../../src/services/tracking/checkins.ts';
import { listNotifications, readNotifications } from '../../../src/services/tracking/notifications.ts';
import { goalHistory } from '../../../src/services/tracking/progress.ts';
import { startScheduler } from '../../../src/services/tracking/scheduler.ts';
import { tick } from '../../../src/services/tracking/tick.ts';
import {
  createWebhook,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
} from '../../../src/services/tracking/webhooks.ts';
import { listOutbox } from '../../../src/store/outbox-queries.ts';
import { listSnapshots } from '../../../src/store/progress-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import {
  HALFWAY,
  insertGoal,
  type SalesOrg,
  salesOrg,
  systemCtx,
  userCtx,
  utc,
  wonDeal,
} from './fixtures.ts';

/** Records every e-mail instead of sending it. */
function recordingMailer(): Mailer & { sent: Array<MailMessage & { messageId: string }> } {
  const sent: Array<MailMessage & { messageId: string }> = [];
  return {
    sent,
    async send(message) {
      sent.push(message);
    },
  };
}

describe.each(dialects)('tick on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store.drop());

  /**
   * Each test gets an org of its own, but tick runs over every org of the
   * database, so counts are taken for the test's org only.
   */
  async function offTrackGoal(o: SalesOrg) {
    // 300,000 of 1,000,000 halfway through the quarter: off track (pace 0.6), no milestone yet.
    await wonDeal(store.db, o.org.id, {
      ownerId: o.sara.id,
      teamId: o.riyadh.id,
      amount: 300_000,
      closedAt: utc('2027-01-12T10:00:00'),
    });
    const goalId = await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 1_000_000,
      scope_type: 'rep',
      scope_id: o.sara.id,
      owner_id: o.sara.id,
      checkin_interval: 'monthly',
    });
    // checked in the day before: no reminder falls due in these tests
    await store.db
      .insertInto('goal_checkin')
      .values({
        org_id: o.org.id,
        goal_id: goalId,
        user_id: o.sara.id,
        at: HALFWAY - 86_400_000,
        confidence: 2,
      })
      .execute();
    return goalId;
  }

  const inbox = async (o: SalesOrg, user: SalesOrg['sara']) =>
    (await listNotifications({ ctx: userCtx(store, o.org, HALFWAY, user, null), input: {} })).notifications;
  const outboxOf = (o: SalesOrg) => listOutbox(store.db, o.org.id);

  it('alerts the owner and the managers above them once, even when the scheduler runs twice', async () => {
    const o = await salesOrg(store);
    await offTrackGoal(o);
    const mailer = recordingMailer();
    await tick({ db: store.db, now: HALFWAY, mailer });
    await tick({ db: store.db, now: HALFWAY + 30_000, mailer });

    for (const user of [o.sara, o.omar, o.maha]) {
      const mine = (await inbox(o, user)).filter((n) => n.kind === 'status_changed');
      expect(mine).toHaveLength(1);
      expect(mine[0]?.data).toMatchObject({ event: { from: 'on_track', to: 'off_track' } });
    }
    // Omar reads Arabic
    expect((await inbox(o, o.omar))[0]?.title).toContain('خارج المسار');
    expect((await inbox(o, o.rami)).length).toBe(0);
    const people = [o.maha.email, o.omar.email, o.sara.email, o.rami.email, o.admin.email];
    const mails = mailer.sent.filter((m) => people.includes(m.to));
    expect(mails.map((m) => m.to).sort()).toEqual([o.maha.email, o.omar.email, o.sara.email].sort());
  });

  it('alerts the extra recipients chosen in the goal-setting flow too, once', async () => {
    const o = await salesOrg(store);
    const goalId = await offTrackGoal(o);
    await updateTrackingSettings({
      ctx: userCtx(store, o.org, HALFWAY, o.admin, null),
      input: { goalId, recipients: [o.admin.id, o.sara.id] },
    });
    await tick({ db: store.db, now: HALFWAY, mailer: recordingMailer() });
    await tick({ db: store.db, now: HALFWAY + 30_000, mailer: recordingMailer() });
    const statusOf = async (user: SalesOrg['sara']) =>
      (await inbox(o, user)).filter((n) => n.kind === 'status_changed');
    expect(await statusOf(o.admin)).toHaveLength(1);
    // Sara owns the goal: choosing her again does not alert her twice
    expect(await statusOf(o.sara)).toHaveLength(1);
    expect(await statusOf(o.rami)).toHaveLength(0);
  });

  it('closes goals whose period has ended as achieved or missed, once, with an audit entry', async () => {
    const o = await salesOrg(store);
    await wonDeal(store.db, o.org.id, {
      ownerId: o.sara.id,
      teamId: o.riyadh.id,
      amount: 500_000,
      closedAt: utc('2027-02-01T10:00:00'),
    });
    const rep = { scope_type: 'rep' as const, scope_id: o.sara.id, owner_id: o.sara.id };
    // 500,000 won in the quarter: the 400,000 goal is achieved, the 600,000 one missed
    const reached = await insertGoal(store.db, o.org.id, { metric: 'revenue', target: 400_000, ...rep });
    const short = await insertGoal(store.db, o.org.id, { metric: 'revenue', target: 600_000, ...rep });
    const statuses = async () =>
      (
        await store.db
          .selectFrom('goal')
          .select(['id', 'status'])
          .where('id', 'in', [reached, short])
          .orderBy('id')
          .execute()
      ).map((g) => g.status);

    await tick({ db: store.db, now: utc('2027-03-31T12:00:00'), mailer: recordingMailer() });
    expect(await statuses()).toEqual(['active', 'active']); // the last day is not over yet
    const after = await tick({ db: store.db, now: utc('2027-04-01T00:05:00'), mailer: recordingMailer() });
    expect(await statuses()).toEqual(['achieved', 'missed']);
    expect(after.closed).toBeGreaterThanOrEqual(2);
    const again = await tick({ db: store.db, now: utc('2027-04-01T00:06:00'), mailer: recordingMailer() });
    expect(again.closed).toBe(0);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['entity_id', 'action'])
      .where('org_id', '=', o.org.id)
      .where('action', '=', 'transition')
      .execute();
    expect(audit.map((a) => a.entity_id).sort()).toEqual([reached, short].sort());
  });

  it('sends nothing twice when two schedulers tick at the same moment', async () => {
    const o = await salesOrg(store);
    await offTrackGoal(o);
    const mailer = recordingMailer();
    const reports = await Promise.all([
      tick({ db: store.db, now: HALFWAY, mailer, holder: 'a' }),
      tick({ db: store.db, now: HALFWAY, mailer, holder: 'b' }),
    ]);
    // on SQLite the two may also run one after the other: either way, one alert per person
    expect(reports.filter((r) => r.skipped === undefined).length).toBeGreaterThanOrEqual(1);
    expect((await inbox(o, o.sara)).length).toBe(1);
    expect(mailer.sent.filter((m) => m.to === o.sara.email)).toHaveLength(1);
  });

  it('delivers an alert exactly once after a crash between writing the outbox row and sending it', async () => {
    const o = await salesOrg(store);
    await offTrackGoal(o);
    // The run that "crashes": alerts committed with their outbox rows, nothing delivered.
    await tick({ db: store.db, now: HALFWAY, mailer: recordingMailer(), deliver: false });
    const pending = (await outboxOf(o)).filter((r) => r.status === 'pending');
    expect(pending.map((r) => r.channel)).toEqual(['email', 'email', 'email']);

    const mailer = recordingMailer();
    await tick({ db: store.db, now: HALFWAY + 60_000, mailer });
    await tick({ db: store.db, now: HALFWAY + 120_000, mailer });
    expect(mailer.sent.filter((m) => m.to === o.sara.email)).toHaveLength(1);
    expect((await outboxOf(o)).every((r) => r.status === 'sent')).toBe(true);
  });

  it('queues no e-mail when SMTP is not configured, but still fills the inbox', async () => {
    const o = await salesOrg(store);
    await offTrackGoal(o);
    await tick({ db: store.db, now: HALFWAY });
    expect(await outboxOf(o)).toEqual([]);
    expect((await inbox(o, o.sara)).length).toBe(1);
  });

  it('alerts the 50% milestone once, and lets a user read and clear only their own notifications', async () => {
    const o = await salesOrg(store);
    await wonDeal(store.db, o.org.id, {
      ownerId: o.sara.id,
      teamId: o.riyadh.id,
      amount: 60,
      closedAt: utc('2027-01-12T10:00:00'),
    });
    await insertGoal(store.db, o.org.id, {
      metric: 'revenue',
      target: 100,
      scope_type: 'rep',
      scope_id: o.sara.id,
      owner_id: o.sara.id,
      checkin_interval: 'monthly',
    });
    await tick({ db: store.db, now: HALFWAY });
    await tick({ db: store.db, now: HALFWAY + 86_400_000 });
    const mine = await inbox(o, o.sara);
    expect(mine.filter((n) => n.kind === 'milestone').map((n) => n.data)).toEqual([
      expect.objectContaining({ event: { kind: 'milestone', milestone: 'half' } }),
    ]);
    const asSara = userCtx(store, o.org, HALFWAY, o.sara, null);
    const asOmar = userCtx(store, o.org, HALFWAY, o.omar, null);
    const id = mine[0]?.id as number;
    expect(await readNotifications({ ctx: asOmar, input: { ids: [id] } })).toEqual({ marked: 0 });
    expect(await readNotifications({ ctx: asSara, input: { ids: [id] } })).toEqual({ marked: 1 });
    expect(
      (await listNotifications({ ctx: asSara, input: { unreadOnly: true } })).notifications.map((n) => n.id),
    ).not.toContain(id);
  });

  it('writes one snapshot per goal per day, frozen at the end of that day', async () => {
    const o = await salesOrg(store);
    const goalId = await offTrackGoal(o);
    await tick({ db: store.db, now: HALFWAY + 3_600_000 });
    await tick({ db: store.db, now: HALFWAY + 7_200_000 });
    // a deal won today does not change yesterday's snapshot
    await wonDeal(store.db, o.org.id, {
      ownerId: o.sara.id,
      teamId: o.riyadh.id,
      amount: 1,
      closedAt: HALFWAY + 1_000,
    });
    await tick({ db: store.db, now: HALFWAY + 86_400_000 + 3_600_000 });
    const history = await goalHistory({ ctx: systemCtx(store, o.org, HALFWAY), input: { goalId } });
    expect(history.map((s) => s.day)).toEqual(['2027-02-14', '2027-02-15']);
    // Feb 14 closes 45 of 90 days: expected 500,000; the extra 1 came on Feb 15
    expect(history[0]).toMatchObject({ actual: 300_000, expected: 500_000, status: 'off_track' });
    expect(history[1]?.actual).toBe(300_001);
    expect(await listSnapshots(store.db, o.org.id, [goalId])).toHaveLength(2);
  });

  it('reminds the owner of a due check-in, and the managers too once it is overdue', async () => {
    const o = await salesOrg(store);
    const goalId = await insertGoal(store.db, o.org.id, {
      metric: 'calls',
      target: 100,
      scope_type: 'rep',
      scope_id: o.rami.id,
      owner_id: o.rami.id,
      checkin_interval: 'weekly',
      period_start: '2027-02-01',
      period_end: '2027-02-28',
    });
    // due Feb 8, overdue from Feb 10
    await tick({ db: store.db, now: utc('2027-02-08T09:00:00') });
    expect((await inbox(o, o.rami)).map((n) => n.kind)).toContain('checkin_due');
    expect((await inbox(o, o.omar)).map((n) => n.kind)).not.toContain('checkin_overdue');
    await tick({ db: store.db, now: utc('2027-02-10T09:00:00') });
    expect((await inbox(o, o.omar)).map((n) => n.kind)).toContain('checkin_overdue');
    expect((await inbox(o, o.rami)).filter((n) => n.kind === 'checkin_due')).toHaveLength(1);
    // a check-in moves the next one to a week later: nothing due on Feb 12
    const asRami = userCtx(store, o.org, utc('2027-02-11T09:00:00'), o.rami, o.riyadh.path);
    await createCheckin({ ctx: asRami, input: { goalId, confidence: 4 } });
    const before = (await inbox(o, o.rami)).length;
    await tick({ db: store.db, now: utc('2027-02-12T09:00:00') });
    expect((await inbox(o, o.rami)).length).toBe(before);
  });

  it('runs a tick as soon as the scheduler starts, and waits for it when stopped', async () => {
    const o = await salesOrg(store);
    await offTrackGoal(o);
    const reports: unknown[] = [];
    const scheduler = startScheduler({
      db: store.db,
      intervalMs: 3_600_000,
      clock: () => HALFWAY,
      onTick: (r) => reports.push(r),
    });
    await scheduler.stop();
    expect(reports).toHaveLength(1);
    expect((await inbox(o, o.sara)).map((n) => n.kind)).toEqual(['status_changed']);
  });

  it('sends alert e-mail through a real SMTP server', async () => {
    const received: Array<{ to: string; raw: string }> = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => {
          raw += chunk.toString('utf8');
        });
        stream.on('end', () => {
          for (const to of session.envelope.rcptTo) received.push({ to: to.address, raw });
          callback();
        });
      },
    });
    smtp.listen(0, '127.0.0.1');
    await once(smtp.server, 'listening');
    const { port } = smtp.server.address() as AddressInfo;
    const mailer = smtpMailer(`smtp://127.0.0.1:${port}?ignoreTLS=true`);
    try {
      const o = await salesOrg(store);
      await offTrackGoal(o);
      await tick({ db: store.db, now: HALFWAY, mailer });
      const toSara = received.filter((r) => r.to === o.sara.email);
      expect(toSara).toHaveLength(1);
      // the subject is MIME-encoded (it holds curly quotes): spaces come out as _
      expect(toSara[0]?.raw).toMatch(/Subject:[^\n]*off[ _]track/);
    } finally {
      mailer.close?.();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('calls webhooks with an HMAC-SHA256 signature and retries a failed call with backoff', async () => {
    const calls: Array<{ body: string; signature: string | undefined; delivery: string | undefined }> = [];
    let answer = 500;
    const receiver: Server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        calls.push({
          body,
          signature: request.headers[SIGNATURE_HEADER] as string | undefined,
          delivery: request.headers['x-hadaf-delivery'] as string | undefined,
        });
        response.statusCode = answer;
        response.end();
      });
    });
    receiver.listen(0, '127.0.0.1');
    await once(receiver, 'listening');
    const { port } = receiver.address() as AddressInfo;
    try {
      const o = await salesOrg(store);
      const admin = userCtx(store, o.org, HALFWAY, o.admin, null);
      const hook = await createWebhook({
        ctx: admin,
        input: { url: `http://127.0.0.1:${port}/hooks`, events: ['status_changed'] },
      });
      await offTrackGoal(o);

      await tick({ db: store.db, now: HALFWAY });
      expect(calls).toHaveLength(1);
      // the receiver failed: not retried before the backoff (30 s)
      answer = 204;
      await tick({ db: store.db, now: HALFWAY + 10_000 });
      expect(calls).toHaveLength(1);
      await tick({ db: store.db, now: HALFWAY + 31_000 });
      await tick({ db: store.db, now: HALFWAY + 120_000 });
      expect(calls).toHaveLength(2);

      const [first, second] = calls;
      expect(second?.body).toBe(first?.body);
      expect(second?.delivery).toBe(first?.delivery);
      expect(verifyWebhookSignature(hook.secret, second?.body ?? '', second?.signature)).toBe(true);
      expect(verifyWebhookSignature('whsec_wrong', second?.body ?? '', second?.signature)).toBe(false);
      expect(JSON.parse(second?.body ?? '{}')).toMatchObject({
        type: 'status_changed',
        data: { event: { to: 'off_track' }, goal: { metric: 'revenue' } },
      });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });
});

import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverOutbox, retryDelayMs } from '../../../src/services/outbox/deliver.ts';
import { enqueueEmail } from '../../../src/services/outbox/enqueue.ts';
import { type Mailer, smtpMailer } from '../../../src/services/outbox/mailer.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { listOutbox, requeueOutboxRow } from '../../../src/store/outbox-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { startSmtp, type TestSmtp } from './smtp.ts';

const root = resolve(import.meta.dirname, '../../..');
const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);

describe('retryDelayMs', () => {
  it('doubles from 30 seconds and stops at an hour', () => {
    // 30 s * 2^(n-1): 30 s, 60 s, 120 s ... 30 s * 2^7 = 3,840 s > 3,600 s, so capped
    expect([1, 2, 3, 4, 8, 20].map(retryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000,
    ]);
  });
});

describe.each(dialects)('outbox delivery on %s', (dialect) => {
  let store: TestStore;
  let smtp: TestSmtp;
  let mailer: Mailer;
  let orgId: number;

  beforeEach(async () => {
    store = await freshStore(dialect);
    smtp = await startSmtp();
    mailer = smtpMailer(smtp.url, 'Hadaf <hadaf@acme.test>');
    orgId = (await createOrg(store.db, { name: 'Acme', slug: 'acme' }, t0)).id;
  });
  afterEach(async () => {
    mailer.close?.();
    await smtp.close();
    await store.drop();
  });

  const queue = (key: string, to = 'sara@acme.test', sensitive = false) =>
    enqueueEmail(
      { db: store.db, orgId, now: t0 },
      { to, subject: `Hello ${key}`, text: `Body of ${key} مرحبا`, dedupeKey: key, sensitive },
    );

  it('delivers a queued e-mail over SMTP once, and a second run sends nothing', async () => {
    const { id } = await queue('welcome');
    expect(await deliverOutbox({ db: store.db, now: t0, mailer })).toEqual({
      sent: 1,
      retrying: 0,
      failed: 0,
      unconfirmed: 0,
    });
    expect(await deliverOutbox({ db: store.db, now: t0 + 1000, mailer })).toEqual({
      sent: 0,
      retrying: 0,
      failed: 0,
      unconfirmed: 0,
    });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]).toEqual({
      to: ['sara@acme.test'],
      messageId: `<outbox-${orgId}-${id}@hadaf>`,
      subject: 'Hello welcome',
      text: expect.stringContaining('Body of welcome مرحبا'),
    });
    const [row] = await listOutbox(store.db, orgId);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, sent_at: t0, lease_until: null });
  });

  it('queues one message for a dedupe key given twice', async () => {
    const first = await queue('alert:goal-7:at_risk');
    const second = await queue('alert:goal-7:at_risk');
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    await deliverOutbox({ db: store.db, now: t0, mailer });
    expect(smtp.received).toHaveLength(1);
  });

  it('sends each message once when two workers run at the same time', async () => {
    for (let i = 0; i < 6; i++) await queue(`m${i}`, `rep${i}@acme.test`);
    const [a, b] = await Promise.all([
      deliverOutbox({ db: store.db, now: t0, mailer, workerId: 'a' }),
      deliverOutbox({ db: store.db, now: t0, mailer: smtpMailer(smtp.url), workerId: 'b' }),
    ]);
    expect((a?.sent ?? 0) + (b?.sent ?? 0)).toBe(6);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => `rep${i}@acme.test`),
    );
    expect(new Set(smtp.received.map((m) => m.messageId)).size).toBe(6);
  });

  it('retries a refused message with exponential backoff and sends it once', async () => {
    await queue('retry-me');
    smtp.refuseNext(2);
    expect((await deliverOutbox({ db: store.db, now: t0, mailer })).retrying).toBe(1);
    let [row] = await listOutbox(store.db, orgId);
    // first failure: wait 30 s
    expect(row).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: t0 + 30_000 });
    expect(row?.last_error).toMatch(/451|Try again later/);

    expect((await deliverOutbox({ db: store.db, now: t0 + 29_999, mailer })).retrying).toBe(0);
    expect((await deliverOutbox({ db: store.db, now: t0 + 30_000, mailer })).retrying).toBe(1);
    [row] = await listOutbox(store.db, orgId);
    // second failure at t0 + 30 s: wait 60 s more
    expect(row).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: t0 + 90_000 });

    expect((await deliverOutbox({ db: store.db, now: t0 + 90_000, mailer })).sent).toBe(1);
    expect(smtp.received).toHaveLength(1);
  });

  it('gives up after the last attempt and keeps the reason', async () => {
    await queue('doomed');
    smtp.refuseNext(5);
    await deliverOutbox({ db: store.db, now: t0, mailer, maxAttempts: 2 });
    const report = await deliverOutbox({ db: store.db, now: t0 + 30_000, mailer, maxAttempts: 2 });
    expect(report.failed).toBe(1);
    const [row] = await listOutbox(store.db, orgId);
    expect(row).toMatchObject({ status: 'failed', attempts: 2 });
    expect(await deliverOutbox({ db: store.db, now: t0 + 3_600_000, mailer, maxAttempts: 2 })).toMatchObject({
      sent: 0,
      failed: 0,
    });
    expect(smtp.received).toHaveLength(0);
  });

  it('does not send again after a worker died between sending and marking, even when run twice', async () => {
    const { id } = await queue('password-reset', 'sara@acme.test', true);
    const child = fork(
      resolve(root, 'bin/run-ts.js'),
      ['test/services/outbox/crashing-worker.ts', store.location, smtp.url, String(t0)],
      { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
    );
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(17);
    expect(smtp.received).toHaveLength(1);
    let [row] = await listOutbox(store.db, orgId);
    expect(row).toMatchObject({ status: 'sending', lease_owner: 'doomed-worker' });

    // while the lease runs the row is left alone; after it lapses it is marked, never resent
    await deliverOutbox({ db: store.db, now: t0 + 60_000, mailer });
    const later = t0 + 5 * 60_000 + 1;
    const runs = await Promise.all([
      deliverOutbox({ db: store.db, now: later, mailer, workerId: 'x' }),
      deliverOutbox({ db: store.db, now: later, mailer, workerId: 'y' }),
    ]);
    await deliverOutbox({ db: store.db, now: later + 3_600_000, mailer });
    expect(runs.map((r) => r.unconfirmed).sort()).toEqual([0, 1]);
    expect(smtp.received).toHaveLength(1);
    [row] = await listOutbox(store.db, orgId);
    expect(row?.status).toBe('unconfirmed');

    // an operator who decides to resend gets the same Message-ID, so the receiver can tell
    expect(await requeueOutboxRow(store.db, orgId, id, later)).toBe(true);
    await deliverOutbox({ db: store.db, now: later, mailer });
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received[1]?.messageId).toBe(smtp.received[0]?.messageId);
  });

  it('delivers a message queued just before a crash, once, on the next run', async () => {
    await queue('queued-then-crash');
    // nothing else happened: a fresh worker (a restarted process) finds it due
    await deliverOutbox({ db: store.db, now: t0 + 10, mailer, workerId: 'after-restart' });
    await deliverOutbox({ db: store.db, now: t0 + 20, mailer, workerId: 'after-restart' });
    expect(smtp.received).toHaveLength(1);
  });

  it('drops the body of a sensitive message once it is sent', async () => {
    await queue('reset-link', 'sara@acme.test', true);
    await deliverOutbox({ db: store.db, now: t0, mailer });
    const [row] = await listOutbox(store.db, orgId);
    expect(JSON.parse(row?.payload ?? '')).toEqual({
      to: 'sara@acme.test',
      subject: 'Hello reset-link',
      scrubbed: true,
    });
  });

  it('leaves e-mail queued when no mailer is configured', async () => {
    await queue('no-smtp');
    expect(await deliverOutbox({ db: store.db, now: t0 })).toEqual({
      sent: 0,
      retrying: 0,
      failed: 0,
      unconfirmed: 0,
    });
    expect((await listOutbox(store.db, orgId))[0]).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('hands other channels to their sender and keeps them apart from e-mail', async () => {
    const seen: unknown[] = [];
    const { enqueue } = await import('../../../src/services/outbox/enqueue.ts');
    await enqueue(
      { db: store.db, orgId, now: t0 },
      { channel: 'webhook', dedupeKey: 'w1', payload: { n: 1 } },
    );
    await queue('mail-too');
    const report = await deliverOutbox({
      db: store.db,
      now: t0,
      senders: { webhook: async (m) => void seen.push(m.payload) },
    });
    expect(report.sent).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);
    expect((await listOutbox(store.db, orgId, { channel: 'email' }))[0]?.status).toBe('pending');
  });
});

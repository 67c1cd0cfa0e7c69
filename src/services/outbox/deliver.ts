import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Db } from '../../store/db.ts';
import {
  claimOutboxRow,
  findDueOutboxIds,
  markLapsedLeasesUnconfirmed,
  markOutboxNotSent,
  markOutboxSent,
  type OutboxRow,
} from '../../store/outbox-queries.ts';
import type { Mailer, MailMessage } from './mailer.ts';

/** A claimed message, handed to the sender of its channel. */
export interface OutboxMessage {
  id: number;
  orgId: number;
  channel: string;
  dedupeKey: string;
  payload: unknown;
  /** 1 on the first try. */
  attempt: number;
}

/** Delivers one message or throws when it was not delivered (it is then retried with backoff). */
export type Sender = (message: OutboxMessage) => Promise<void>;

export interface DeliverOptions {
  db: Db;
  now: number;
  /** Sends the 'email' channel; without it e-mails wait in the queue. */
  mailer?: Mailer;
  /** Senders of other channels (webhooks, ...), by channel name. */
  senders?: Record<string, Sender>;
  /** How long a claimed message belongs to this worker; far above the SMTP timeouts of mailer.ts. */
  leaseMs?: number;
  batchSize?: number;
  maxAttempts?: number;
  workerId?: string;
}

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
  /** Messages found stranded mid-send by a worker that died (not resent). */
  unconfirmed: number;
}

export const defaultLeaseMs = 5 * 60_000;
export const defaultMaxAttempts = 8;

/** Wait before attempt n+1 after n failures: 30 s doubling each time, at most an hour. */
export function retryDelayMs(failedAttempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, failedAttempts - 1), 3_600_000);
}

const defaultWorkerId = () => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

/**
 * One pass of the delivery worker over every org's queue.
 *
 * Exactly-once, as far as the sender is concerned: a message is claimed
 * (status 'sending', a lease, attempts + 1) and committed BEFORE it is
 * handed to the sender, and marked 'sent' after. So
 * - two workers at once: the claim is a conditional update, one wins;
 * - a run after a finished run: nothing is pending any more;
 * - the sender reports failure: the message was not delivered, so it goes
 *   back to 'pending' with exponential backoff until `maxAttempts`;
 * - the worker dies between the send and the mark: the row stays 'sending'
 *   until its lease lapses, then becomes 'unconfirmed' and is NOT resent.
 *   It may have gone out, and a duplicate is what this design rules out;
 *   an operator can requeue it (requeueOutboxRow). Every e-mail carries a
 *   Message-ID derived from its row, so a requeued copy is recognisable.
 */
export async function deliverOutbox(options: DeliverOptions): Promise<DeliveryReport> {
  const { db, now } = options;
  const leaseMs = options.leaseMs ?? defaultLeaseMs;
  const maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
  const workerId = options.workerId ?? defaultWorkerId();
  const senders: Record<string, Sender> = { ...options.senders };
  if (options.mailer && !senders.email) senders.email = emailSender(options.mailer);

  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0, unconfirmed: 0 };
  report.unconfirmed = await markLapsedLeasesUnconfirmed(db, now);
  const channels = Object.keys(senders);
  if (channels.length === 0) return report;

  for (const id of await findDueOutboxIds(db, now, options.batchSize ?? 100, channels)) {
    const row = await claimOutboxRow(db, id, workerId, now, now + leaseMs);
    if (!row) continue; // another worker took it
    const send = senders[row.channel] as Sender;
    try {
      await send(toMessage(row));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const giveUp = row.attempts >= maxAttempts;
      await markOutboxNotSent(
        db,
        row.id,
        workerId,
        giveUp ? { giveUp: true } : { retryAt: now + retryDelayMs(row.attempts) },
        reason,
      );
      if (giveUp) report.failed++;
      else report.retrying++;
      continue;
    }
    await markOutboxSent(db, row.id, workerId, now, row.sensitive ? scrub(row.payload) : undefined);
    report.sent++;
  }
  return report;
}

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    orgId: row.org_id,
    channel: row.channel,
    dedupeKey: row.dedupe_key,
    payload: JSON.parse(row.payload),
    attempt: row.attempts,
  };
}

/** Keeps who and what, drops the body (it held a sign-in link) once the message is out. */
function scrub(payload: string): string {
  const { to, subject } = JSON.parse(payload) as Partial<MailMessage>;
  return JSON.stringify({ to, subject, scrubbed: true });
}

export function emailSender(mailer: Mailer): Sender {
  return async (message) => {
    const mail = message.payload as MailMessage;
    await mailer.send({ ...mail, messageId: `<outbox-${message.orgId}-${message.id}@hadaf>` });
  };
}

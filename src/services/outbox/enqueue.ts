import type { Db } from '../../store/db.ts';
import { enqueueOutboxRow, type NewOutboxMessage } from '../../store/outbox-queries.ts';
import type { MailMessage } from './mailer.ts';

/** Where a message is queued: the org it belongs to, and the transaction of the change that caused it. */
export interface OutboxTarget {
  db: Db;
  orgId: number;
  now: number;
}

/**
 * Queues a message for the delivery worker. Call it inside the transaction
 * of the change that causes the message, so both commit or neither does.
 * The same `dedupeKey` twice in one org queues it once.
 */
export function enqueue(target: OutboxTarget, message: NewOutboxMessage) {
  return enqueueOutboxRow(target.db, target.orgId, message, target.now);
}

export function enqueueEmail(
  target: OutboxTarget,
  mail: MailMessage & { dedupeKey: string; sensitive?: boolean },
) {
  const { dedupeKey, sensitive, ...payload } = mail;
  return enqueue(target, { channel: 'email', dedupeKey, payload, sensitive: sensitive ?? false });
}

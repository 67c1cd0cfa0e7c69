import type { Generated, Selectable } from 'kysely';
import type { Db } from './db.ts';
import type { Instant } from './schema.ts';

/**
 * pending -> sending (claimed under a lease) -> sent
 *                                            -> pending (a definite failure, retried later)
 *                                            -> failed (out of attempts)
 * sending whose lease ran out -> unconfirmed (the worker died mid-send; see docs/security.md)
 */
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'unconfirmed';

export interface OutboxTable {
  id: Generated<number>;
  org_id: number;
  /** Which sender delivers it: 'email', 'webhook', ... */
  channel: string;
  /** Unique per org: enqueueing the same key twice keeps one message. */
  dedupe_key: string;
  /** JSON the channel's sender understands. */
  payload: string;
  /** 1 when the payload holds a secret (a sign-in link): it is scrubbed once sent. */
  sensitive: Generated<0 | 1>;
  status: OutboxStatus;
  attempts: Generated<number>;
  next_attempt_at: Instant;
  lease_owner: string | null;
  lease_until: Instant | null;
  last_error: string | null;
  created_at: Instant;
  sent_at: Instant | null;
}

export type OutboxRow = Selectable<OutboxTable>;

const tables = (db: Db) => db.withTables<{ outbox: OutboxTable }>();

export interface NewOutboxMessage {
  channel: string;
  dedupeKey: string;
  payload: unknown;
  sensitive?: boolean;
}

/** Adds a message unless one with the same dedupe key exists; returns the id and whether it is new. */
export async function enqueueOutboxRow(
  db: Db,
  orgId: number,
  message: NewOutboxMessage,
  now: Instant,
): Promise<{ id: number; created: boolean }> {
  const inserted = await tables(db)
    .insertInto('outbox')
    .values({
      org_id: orgId,
      channel: message.channel,
      dedupe_key: message.dedupeKey,
      payload: JSON.stringify(message.payload),
      sensitive: message.sensitive ? 1 : 0,
      status: 'pending',
      next_attempt_at: now,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['org_id', 'dedupe_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const existing = await tables(db)
    .selectFrom('outbox')
    .select('id')
    .where('org_id', '=', orgId)
    .where('dedupe_key', '=', message.dedupeKey)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

export async function listOutbox(
  db: Db,
  orgId: number,
  filter: { status?: OutboxStatus; channel?: string } = {},
): Promise<OutboxRow[]> {
  let query = tables(db).selectFrom('outbox').selectAll().where('org_id', '=', orgId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.channel) query = query.where('channel', '=', filter.channel);
  return query.orderBy('id').execute();
}

/** Puts an unconfirmed or failed message back in the queue (an operator's decision). */
export async function requeueOutboxRow(db: Db, orgId: number, id: number, now: Instant): Promise<boolean> {
  const result = await tables(db)
    .updateTable('outbox')
    .set({ status: 'pending', next_attempt_at: now, lease_owner: null, lease_until: null })
    .where('org_id', '=', orgId)
    .where('id', '=', id)
    .where('status', 'in', ['unconfirmed', 'failed'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- the delivery worker's side: server-level, every org's queue --------

/** Ids of messages of these channels due now, oldest due first. */
export async function findDueOutboxIds(
  db: Db,
  now: Instant,
  limit: number,
  channels: string[],
): Promise<number[]> {
  if (channels.length === 0) return [];
  const rows = await tables(db)
    .selectFrom('outbox')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where('channel', 'in', channels)
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Takes a due message for `owner` until `leaseUntil`, counting the attempt.
 * A conditional update, so of two workers racing for it exactly one wins
 * (SQLite serializes writers; PostgreSQL re-checks the row after the lock).
 */
export async function claimOutboxRow(
  db: Db,
  id: number,
  owner: string,
  now: Instant,
  leaseUntil: Instant,
): Promise<OutboxRow | undefined> {
  return tables(db)
    .updateTable('outbox')
    .set((eb) => ({
      status: 'sending',
      lease_owner: owner,
      lease_until: leaseUntil,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .returningAll()
    .executeTakeFirst();
}

/** Records the send. Still accepted after the lease ran out: the worker that sent it knows best. */
export async function markOutboxSent(
  db: Db,
  id: number,
  owner: string,
  now: Instant,
  scrubbedPayload?: string,
): Promise<void> {
  await tables(db)
    .updateTable('outbox')
    .set({
      status: 'sent',
      sent_at: now,
      lease_until: null,
      last_error: null,
      ...(scrubbedPayload === undefined ? {} : { payload: scrubbedPayload }),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', 'in', ['sending', 'unconfirmed'])
    .execute();
}

/** The sender reported that the message was not delivered: try again at `nextAttemptAt`, or give up. */
export async function markOutboxNotSent(
  db: Db,
  id: number,
  owner: string,
  outcome: { retryAt: Instant } | { giveUp: true },
  error: string,
): Promise<void> {
  await tables(db)
    .updateTable('outbox')
    .set({
      status: 'retryAt' in outcome ? 'pending' : 'failed',
      ...('retryAt' in outcome ? { next_attempt_at: outcome.retryAt } : {}),
      lease_owner: null,
      lease_until: null,
      last_error: error.slice(0, 1000),
    })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'sending')
    .execute();
}

/** Messages whose worker vanished mid-send: they may or may not have gone out. */
export async function markLapsedLeasesUnconfirmed(db: Db, now: Instant): Promise<number> {
  const result = await tables(db)
    .updateTable('outbox')
    .set({ status: 'unconfirmed', last_error: 'The worker stopped while sending; not resent automatically.' })
    .where('status', '=', 'sending')
    .where('lease_until', '<', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

import { assertAllowed, canReadAudit } from '../core/access.ts';
import { invalid } from '../core/errors.ts';
import { type AuditFilter, insertAuditRow, listAuditRows } from '../store/audit-queries.ts';
import { findUser } from '../store/user-queries.ts';
import type { Ctx } from './context.ts';

export interface AuditEntry {
  /** The table or concept changed: 'goal', 'goal_bonus_tier', 'user', 'api_token', ... */
  entity: string;
  entityId: number | null;
  /** What happened, as a verb: 'create', 'update', 'change_role', 'revoke', ... */
  action: string;
  /** The state before the change (omit for a creation) and after it (omit for a deletion). */
  before?: unknown;
  after?: unknown;
}

const secretKey = /password|token|secret|hash|csrf/i;

/** Secrets never reach the audit log, whatever a caller passes in. */
function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, secretKey.test(k) ? '[redacted]' : redact(v)]),
    );
  }
  return value;
}

const toJson = (value: unknown) => (value === undefined ? null : JSON.stringify(redact(value)));

/**
 * Records one change: who (the ctx actor), when (ctx.now), what, before and
 * after. Call it with the ctx of the transaction that makes the change
 * (`{ ...ctx, db: tx }`), so the change and its audit row commit together.
 */
export async function audit(
  ctx: Pick<Ctx, 'db' | 'org' | 'actor' | 'now'>,
  entry: AuditEntry,
): Promise<void> {
  const actor = ctx.actor;
  let actorLabel: string;
  if (actor.kind === 'system') actorLabel = `system:${actor.label}`;
  else actorLabel = (await findUser(ctx.db, ctx.org.id, actor.userId))?.email ?? `user:${actor.userId}`;
  await insertAuditRow(ctx.db, ctx.org.id, {
    actorId: actor.kind === 'user' ? actor.userId : null,
    actorLabel,
    at: ctx.now,
    entity: entry.entity,
    entityId: entry.entityId,
    action: entry.action,
    before: toJson(entry.before),
    after: toJson(entry.after),
  });
}

export interface AuditQuery {
  entity?: string;
  entityId?: number;
  action?: string;
  actorId?: number;
  from?: number;
  to?: number;
  beforeId?: number;
  limit?: number;
}

export interface AuditRecord {
  id: number;
  at: number;
  actor: { id: number | null; label: string; name: string | null };
  entity: string;
  entityId: number | null;
  action: string;
  before: unknown;
  after: unknown;
}

export const maxAuditPage = 500;

/** The org's audit log, newest first, for admins. Page with `beforeId` = the last id seen. */
export async function listAudit({ ctx, input }: { ctx: Ctx; input: AuditQuery }): Promise<AuditRecord[]> {
  assertAllowed(canReadAudit(ctx.actor), 'Only admins can read the audit log.');
  const limit = input.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxAuditPage) {
    throw invalid(`limit must be a whole number from 1 to ${maxAuditPage}.`, 'limit');
  }
  const filter: AuditFilter = { ...input, limit };
  const rows = await listAuditRows(ctx.db, ctx.org.id, filter);
  return rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: { id: row.actor_id, label: row.actor_label, name: row.actor_name },
    entity: row.entity,
    entityId: row.entity_id,
    action: row.action,
    before: row.before === null ? null : JSON.parse(row.before),
    after: row.after === null ? null : JSON.parse(row.after),
  }));
}

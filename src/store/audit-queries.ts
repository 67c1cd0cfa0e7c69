import type { Selectable } from 'kysely';
import type { Db } from './db.ts';
import type { AuditLogTable, Instant } from './schema.ts';

export type AuditRow = Selectable<AuditLogTable> & { actor_name: string | null };

export interface NewAuditRow {
  actorId: number | null;
  actorLabel: string;
  at: Instant;
  entity: string;
  entityId: number | null;
  action: string;
  /** JSON text, or null when there is no "before" (a creation) or "after" (a deletion). */
  before: string | null;
  after: string | null;
}

export async function insertAuditRow(db: Db, orgId: number, row: NewAuditRow): Promise<number> {
  const inserted = await db
    .insertInto('audit_log')
    .values({
      org_id: orgId,
      actor_id: row.actorId,
      actor_label: row.actorLabel,
      at: row.at,
      entity: row.entity,
      entity_id: row.entityId,
      action: row.action,
      before: row.before,
      after: row.after,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export interface AuditFilter {
  entity?: string;
  entityId?: number;
  action?: string;
  actorId?: number;
  /** Inclusive lower bound on `at`. */
  from?: Instant;
  /** Exclusive upper bound on `at`. */
  to?: Instant;
  /** Rows with an id below this one: the next page of a newest-first listing. */
  beforeId?: number;
  limit: number;
}

/** Newest first, with the acting user's current name when there is one. */
export async function listAuditRows(db: Db, orgId: number, filter: AuditFilter): Promise<AuditRow[]> {
  let query = db
    .selectFrom('audit_log')
    .leftJoin('app_user', (j) =>
      j.onRef('app_user.id', '=', 'audit_log.actor_id').onRef('app_user.org_id', '=', 'audit_log.org_id'),
    )
    .selectAll('audit_log')
    .select('app_user.name as actor_name')
    .where('audit_log.org_id', '=', orgId);
  if (filter.entity !== undefined) query = query.where('audit_log.entity', '=', filter.entity);
  if (filter.entityId !== undefined) query = query.where('audit_log.entity_id', '=', filter.entityId);
  if (filter.action !== undefined) query = query.where('audit_log.action', '=', filter.action);
  if (filter.actorId !== undefined) query = query.where('audit_log.actor_id', '=', filter.actorId);
  if (filter.from !== undefined) query = query.where('audit_log.at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('audit_log.at', '<', filter.to);
  if (filter.beforeId !== undefined) query = query.where('audit_log.id', '<', filter.beforeId);
  return query.orderBy('audit_log.id', 'desc').limit(filter.limit).execute();
}

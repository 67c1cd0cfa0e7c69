import { HadafError, invalid, notFound } from '../../core/errors.ts';
import type { Db } from '../../store/db.ts';
import {
  type FactEntity,
  findFactRow,
  listFactRows,
  lockDealRollupFacts,
  lockFactRow,
  teamOfUserAt,
  type WritableFact,
} from '../../store/fact-queries.ts';
import { sourcesOfTable } from '../../store/metric-sources.ts';
import {
  DealRollupDelta,
  type DealRollupFacts,
  noRowEvents,
  type RowEvents,
  refreshRollups,
  rowEvents,
} from '../../store/rollups.ts';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { ENTITY_DEFS, entityDef } from './entities/index.ts';
import type { EntityDef, Input, LoadedRefs, RefTable, WriteSpec } from './entity.ts';
import { type Person, reachOf } from './visibility.ts';

/**
 * What creating, changing and deleting a fact row share: the body merged
 * and checked as a whole, references checked within the org (and within
 * what the actor can see), the team set from the owner's team at event
 * time, an audit row, and the rollups of every day the change touches
 * refreshed in the same transaction, so metrics never read a stale day.
 */

export interface Writable {
  def: EntityDef;
  spec: WriteSpec<WritableFact>;
}

export function writableDef(entity: string): Writable {
  const def = entityDef(entity);
  if (!def.write) throw invalid(`${def.name} are read-only through this API.`, 'entity');
  return { def, spec: def.write as WriteSpec<WritableFact> };
}

/** Keys a body left out do not overwrite anything. */
export function defined(body: Input): Input {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

const DEF_OF_TABLE: Record<RefTable, EntityDef> = {
  app_user: ENTITY_DEFS.users,
  account: ENTITY_DEFS.accounts,
  deal: ENTITY_DEFS.deals,
  lead: ENTITY_DEFS.leads,
};

/**
 * The rows a body points at. A reference the body sets (or changes) must be
 * a row of the org the actor can see, else 400 naming the field; one it
 * keeps from the stored row is only looked up.
 */
export async function loadRefs(ctx: Ctx, spec: WriteSpec<WritableFact>, input: Input, stored?: Input) {
  const refs: Record<string, Record<string, unknown> | undefined> = {};
  for (const [field, table] of Object.entries(spec.refs) as Array<[string, RefTable]>) {
    const id = input[field];
    if (id === null || id === undefined) continue;
    const kept = stored !== undefined && stored[field] === id;
    const def = DEF_OF_TABLE[table];
    const reach = kept ? ({ type: 'all' } as const) : reachOf(ctx.actor, def);
    const row = await findFactRow(ctx.db, ctx.org.id, table, id as number, reach);
    if (!row && !kept) throw invalid(`There is no ${def.noun} ${String(id)} you can see in this org.`, field);
    refs[field] = row as Record<string, unknown> | undefined;
  }
  return refs as LoadedRefs;
}

/** The people a row is about, with their current place in the team tree. */
export async function peopleOf(ctx: Ctx, spec: WriteSpec<WritableFact>, input: Input, refs: LoadedRefs) {
  const people: Person[] = [];
  for (const id of spec.people(input, refs)) {
    if (id === null || people.some((p) => p.id === id)) continue;
    const row = await findFactRow(ctx.db, ctx.org.id, 'app_user', id);
    people.push({ id, team_path: row?.team_path ?? null });
  }
  return people;
}

/** The columns to store, with `team_id` from the owner's team when the event happened (docs/adr/0002). */
export async function columnsOf(tx: Db, ctx: Ctx, spec: WriteSpec<WritableFact>, input: Input) {
  const columns: Record<string, unknown> = { ...spec.toColumns(input) };
  if (spec.teamOf) {
    const { userId, at } = spec.teamOf(input);
    columns.team_id = userId === null ? null : await teamOfUserAt(tx, ctx.org.id, userId, at);
  }
  return columns;
}

/** External ids are unique per org and table: a clash is a 409 naming the field, not a database error. */
export async function assertExternalIdFree(
  tx: Db,
  ctx: Ctx,
  table: FactEntity,
  externalId: unknown,
  self?: number,
) {
  if (typeof externalId !== 'string') return;
  const { rows } = await listFactRows(
    tx,
    ctx.org.id,
    table,
    { scope: { type: 'org' }, reach: { type: 'all' }, equals: { external_id: externalId } },
    { column: 'id', direction: 'asc' },
    { limit: 1 },
  );
  const other = rows[0];
  if (other && other.id !== self) {
    throw new HadafError(
      'conflict',
      `externalId "${externalId}" is already used by row ${other.id}.`,
      'externalId',
    );
  }
}

/** A unique-index violation that slipped past the check (two writers at once) is still a 409. */
export async function uniqueOr409<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505') {
      throw new HadafError('conflict', 'externalId is already used by another row.', 'externalId');
    }
    throw error;
  }
}

/** The stored row as the API shows it (what the caller gets back, and what the audit log keeps). */
export async function itemOf(tx: Db, ctx: Ctx, def: EntityDef, id: number) {
  const row = await findFactRow(tx, ctx.org.id, def.table, id);
  if (!row) throw notFound(`There is no ${def.noun} ${id}.`);
  return def.toItem(row as never);
}

export async function recordChange(
  tx: Db,
  ctx: Ctx,
  def: EntityDef,
  id: number,
  action: 'create' | 'update' | 'delete',
  before?: unknown,
  after?: unknown,
) {
  await audit({ ...ctx, db: tx }, { entity: def.table, entityId: id, action, before, after });
}

/**
 * What a write changes in the rollups, read in its transaction before and
 * after it: a deal's rollup columns, or the events of another fact row.
 * The row is locked first on PostgreSQL (`lockFactRow`), so that nothing
 * else changes it between this read and the write's commit.
 */
export interface RowState {
  deal?: DealRollupFacts;
  events?: RowEvents;
}

export async function rowState(tx: Db, ctx: Ctx, table: WritableFact, id: number): Promise<RowState> {
  if (table === 'deal') return { deal: await lockDealRollupFacts(tx, ctx.org.id, id) };
  if (sourcesOfTable(table).length === 0) return {};
  await lockFactRow(tx, ctx.org.id, table, id);
  return { events: await rowEvents(tx, ctx.org.id, ctx.org.timeZone, table, [id]) };
}

/**
 * Refreshes the rollups a write changed, in its transaction, from the row's
 * state before and after it (none before a create, none after a delete):
 * the row's old contribution is counted out and its new one in, each
 * changed rollup row updated by its day and key, as an import does for a
 * deal; no day is rebuilt from the facts. `instants` are the change's
 * event instants (a source without a state is rebuilt over their span).
 * At scale 240 a deal won two months after it was created used to take
 * 71 s: every source, every day between its two dates.
 */
export async function refreshTouched(
  tx: Db,
  ctx: Ctx,
  /** The fact table written. */
  table: string,
  spec: WriteSpec<WritableFact>,
  instants: ReadonlyArray<number | null | undefined>,
  change: { before?: RowState; after?: RowState },
) {
  const touched = instants.filter((t): t is number => typeof t === 'number' && Number.isFinite(t));
  if (!spec.rolledUp || touched.length === 0) return;
  const { before, after } = change;
  const range = { fromMs: Math.min(...touched), toMs: Math.max(...touched) };
  if (before?.deal || after?.deal) {
    const delta = new DealRollupDelta(ctx.org.timeZone);
    if (before?.deal) delta.add(before.deal, -1);
    if (after?.deal) delta.add(after.deal, 1);
    await refreshRollups(tx, ctx.org.id, range, { sources: ['deal'], deltas: [delta] });
    return;
  }
  const none = noRowEvents(ctx.org.timeZone);
  const rows = { before: before?.events ?? none, after: after?.events ?? none };
  await refreshRollups(tx, ctx.org.id, range, { sources: sourcesOfTable(table), rows });
}

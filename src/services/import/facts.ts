/**
 * Importing facts (accounts, subscriptions, leads, deals, activities, spend,
 * coaching) a batch at a time: resolve the batch's references, look up the
 * rows it already has by external id in one query (none while the org has
 * none of that kind, on SQLite), then write the new rows with multi-row
 * INSERTs and update the changed ones. Memory holds one batch.
 */
import type { EntityName } from '../../import/entities.ts';
import { feeds } from '../../import/plan.ts';
import type { ParsedRow } from '../../import/rows.ts';
import { nameKey, quote } from '../../import/text.ts';
import { BulkWriter, DeferredIndexes, detach, type SkippedRows } from '../../store/bulk-insert.ts';
import type { Dialect } from '../../store/dialect.ts';
import {
  findByExternalIds,
  findByIds,
  findIdsByExternalId,
  type ImportRow,
  maxRowId,
  orgHasNoRows,
  updateRow,
} from '../../store/import-queries.ts';
import type { RollupSource } from '../../store/metric-sources.ts';
import { DEAL_ROLLUP_COLUMNS, DealRollupDelta, type DealRollupFacts } from '../../store/rollups.ts';
import type { FactTable } from '../../store/schema.ts';
import type { ImportSession } from './session.ts';

export type FactEntity = Exclude<EntityName, 'teams' | 'users'>;

/** Fields stored as they are read, under the same column name. */
const DIRECT: Record<FactEntity, readonly string[]> = {
  accounts: ['name', 'industry', 'segment', 'channel', 'acquired_at', 'churned_at', 'created_at'],
  subscriptions: ['mrr', 'currency', 'started_at', 'ended_at'],
  leads: [
    'name',
    'channel',
    'industry',
    'segment',
    'created_at',
    'mql_at',
    'sql_at',
    'converted_at',
    'disqualified_at',
  ],
  deals: [
    'name',
    'amount',
    'currency',
    'units',
    'product',
    'stage',
    'status',
    'probability',
    'channel',
    'industry',
    'segment',
    'created_at',
    'closed_at',
    'expected_close_at',
  ],
  activities: ['type', 'occurred_at', 'booked_at', 'qualified'],
  spend: ['period_start', 'period_end', 'channel', 'category', 'amount', 'currency'],
  coaching: ['kind', 'hours', 'occurred_at'],
};

const REFERENCE_COLUMNS: Record<string, string> = {
  owner: 'owner_id',
  account: 'account_id',
  deal: 'deal_id',
  lead: 'lead_id',
  coach: 'coach_id',
  rep: 'rep_id',
};

/** Facts carry the team of the person they belong to at the moment they happened. */
const ATTRIBUTION: Partial<Record<FactEntity, { person: string; at: readonly string[] }>> = {
  accounts: { person: 'owner', at: ['acquired_at', 'created_at'] },
  leads: { person: 'owner', at: ['created_at'] },
  // A deal belongs to the owner's team when it closed, or when it was created while open.
  deals: { person: 'owner', at: ['closed_at', 'created_at'] },
  activities: { person: 'owner', at: ['occurred_at'] },
  coaching: { person: 'rep', at: ['occurred_at'] },
};

/** The instants rollups are cut by: a write anywhere in their span refreshes them. */
const ROLLUP_INSTANTS: Record<FactEntity, readonly string[]> = {
  accounts: ['acquired_at', 'churned_at'],
  subscriptions: ['started_at', 'ended_at'],
  leads: ['created_at', 'mql_at', 'sql_at', 'converted_at', 'disqualified_at'],
  deals: ['created_at', 'closed_at'],
  activities: ['occurred_at', 'booked_at'],
  spend: [],
  coaching: ['occurred_at'],
};

/** The rollup source whose rows an entity's facts feed (subscriptions count under their account). */
const ROLLUP_SOURCE: Record<FactEntity, RollupSource | null> = {
  accounts: 'account',
  subscriptions: 'account',
  leads: 'lead',
  deals: 'deal',
  activities: 'activity',
  spend: null,
  coaching: 'coaching',
};

const MAX_RESOLVED = 100_000;

/** Rows inserted before an import may defer the table's indexes: below this, the rebuild is not worth it. */
const DEFER_INDEXES_AFTER = 10_000;

const ACCOUNT_ROLLUP_KEYS = ['owner_id', 'team_id', 'channel', 'segment', 'industry', 'churned_at'];

/** A deal's units when the file gives none (the column's default). */
const DEFAULT_UNITS = 1;

/** Marks, in the accounts directory, an account this run inserted (its id is not read back). */
const NEW_ACCOUNT = 0;

export class FactImporter {
  private readonly entity: FactEntity;
  private readonly table: FactTable;
  /** Columns every assembled row carries (the plan decides them once). */
  private readonly columns: string[];
  /** Values for NOT NULL columns the file does not feed, given only on insert. */
  private readonly insertDefaults: (values: ImportRow) => ImportRow;
  private readonly defaultColumns: string[];
  private readonly insertColumns: string[];
  private writer!: BulkWriter;
  /**
   * SQLite, and the org had no rows of this table before the import: no row
   * can exist yet but one this import wrote, so batches are not looked up by
   * external id; the insert skips a row whose id is taken (a repeat of an
   * earlier line) and `rejectRepeats` refuses it (see `init`).
   */
  private fresh = false;
  /** The values of the row being inserted, reused from row to row (the writer copies them). */
  private readonly record: unknown[] = [];
  /** In a fresh import, the rows handed to the writer since its last flush, in its order. */
  private readonly unflushed: ParsedRow[] = [];
  private readonly instants: readonly string[];
  /** Existing ids this run already wrote (rows above `firstNewId` are all this run's). */
  private touched = new Uint8Array(0);
  private firstNewId = 1;
  /** The table's non-unique indexes, once dropped for the rest of a large import (SQLite). */
  private deferred: DeferredIndexes | null = null;
  private deferChecked = false;
  /** Reference fields the file feeds (owner, account...). */
  private readonly referenceFields: string[];
  /** Per reference field, cell text -> the id it resolved to (no key string built per row). */
  private readonly resolved = new Map<string, Map<string, number>>();
  private readonly hasTeam: boolean;
  private readonly hasCurrency: boolean;
  /** The rollup sources this import's facts feed. */
  readonly rollupSources: readonly RollupSource[];
  /** What a deals import changes in the rollups, summed as it writes (null for other entities). */
  readonly rollupDelta: DealRollupDelta | null;
  /** Columns read from rows being updated: the plan's, and those the rollup delta needs. */
  private readonly existingColumns: string[];

  constructor(
    private readonly session: ImportSession,
    private readonly dialect: Dialect,
    timeZone: string,
  ) {
    const { plan } = session;
    this.entity = plan.entity.name as FactEntity;
    this.table = plan.entity.table;
    this.instants = ROLLUP_INSTANTS[this.entity];
    const fed = (field: string) => feeds(plan, field);
    const columns = DIRECT[this.entity].filter((field) => fed(field) || derived(this.entity, field, fed));
    this.referenceFields = Object.keys(REFERENCE_COLUMNS).filter(
      (field) => field in plan.entity.fields && fed(field),
    );
    for (const field of this.referenceFields) columns.push(REFERENCE_COLUMNS[field] as string);
    const attribution = ATTRIBUTION[this.entity];
    this.hasTeam = attribution !== undefined && fed(attribution.person);
    if (this.hasTeam) columns.push('team_id');
    this.hasCurrency = columns.includes('currency');
    this.columns = columns;
    this.insertDefaults = insertDefaults(this.entity, plan.currency, session.now);
    this.defaultColumns = Object.keys(this.insertDefaults({})).filter((c) => !columns.includes(c));
    this.insertColumns = ['org_id', 'external_id', ...columns, ...this.defaultColumns];
    const source = ROLLUP_SOURCE[this.entity];
    this.rollupSources = source ? [source] : [];
    this.rollupDelta = this.entity === 'deals' ? new DealRollupDelta(timeZone) : null;
    this.existingColumns = this.rollupDelta ? [...new Set([...columns, ...DEAL_ROLLUP_COLUMNS])] : columns;
  }

  async init() {
    const { tx, orgId } = this.session;
    const before = await maxRowId(tx, this.table);
    this.firstNewId = before + 1;
    this.touched = new Uint8Array((before >> 3) + 1);
    // Accounts also match by name, which a skipped insert would leave behind in the directory.
    this.fresh =
      this.dialect === 'sqlite' && this.entity !== 'accounts' && (await orgHasNoRows(tx, orgId, this.table));
    this.writer = new BulkWriter(tx, this.dialect, [
      {
        name: this.table,
        columns: this.insertColumns,
        skipTaken: this.fresh ? ['org_id', 'external_id'] : undefined,
      },
    ]);
  }

  async finish() {
    await this.deferred?.rebuild();
    this.deferred = null;
  }

  async importBatch(rows: readonly ParsedRow[]) {
    const { session } = this;
    const ready: ParsedRow[] = [];
    for (const row of rows) {
      if (row.problems.length > 0) await session.reject(row);
      else ready.push(row);
    }
    await this.resolve(ready);
    const assembled: ParsedRow[] = [];
    // Line of the first row of each external id (or, for rows without one, name) in the batch.
    const lines = new Map<string, number>();
    const names = new Map<string, number>();
    for (const row of ready) {
      if (row.problems.length === 0) {
        const byName = row.externalId === null;
        const key = byName ? nameKey(String(row.values.name)) : (row.externalId as string);
        const first = (byName ? names : lines).get(key);
        if (first !== undefined) {
          session.problem(
            row,
            'external_id',
            `is the same row as line ${first}: each row needs its own external id`,
          );
        } else {
          (byName ? names : lines).set(key, row.line);
          this.assemble(row);
          assembled.push(row);
        }
      }
      if (row.problems.length > 0) await session.reject(row);
    }
    await this.write(assembled);
    await this.deferIndexesOnceLarge();
  }

  /**
   * Once this import has inserted as many rows as the table held before it
   * (and at least DEFER_INDEXES_AFTER), building the table's plain indexes
   * again at the end costs less than updating them row by row for the rest
   * of the file (see DeferredIndexes: SQLite only).
   */
  private async deferIndexesOnceLarge() {
    if (this.deferChecked) return;
    const inserted = this.session.inserted;
    if (inserted < DEFER_INDEXES_AFTER || inserted < this.firstNewId - 1) return;
    this.deferChecked = true;
    this.deferred = await DeferredIndexes.drop(this.session.tx, this.dialect, this.table);
  }

  /** Resolves the batch's references into id columns (owner -> owner_id...); a failure is a problem on the row. */
  private async resolve(rows: readonly ParsedRow[]) {
    const { session } = this;
    const fields = this.referenceFields;
    const dealIds = await this.loadIds(rows, fields, 'deal');
    const leadIds = await this.loadIds(rows, fields, 'lead');
    for (const field of fields) if (!this.resolved.has(field)) this.resolved.set(field, new Map());
    const columns = fields.map((field) => REFERENCE_COLUMNS[field] as string);
    const maps = fields.map((field) => this.resolved.get(field) as Map<string, number>);
    for (const row of rows) {
      for (let f = 0; f < fields.length; f++) {
        const field = fields[f] as string;
        const column = columns[f] as string;
        const text = row.values[field];
        if (typeof text !== 'string') {
          row.values[column] = null;
          continue;
        }
        const resolved = maps[f] as Map<string, number>;
        const known = resolved.get(text);
        if (known !== undefined) {
          row.values[column] = known;
          continue;
        }
        let id: number | null;
        if (field === 'account') id = await session.account(row, field);
        else if (field === 'deal' || field === 'lead') {
          id = (field === 'deal' ? dealIds : leadIds).get(text) ?? null;
          if (id === null) session.problem(row, field, `no ${field} has the external id ${quote(text)}`);
        } else id = (await session.person(row, field))?.id ?? null;
        row.values[column] = id;
        // Files repeat the same owners and accounts on many rows: resolve each text once.
        if (id !== null && field !== 'deal' && field !== 'lead') {
          if (resolved.size >= MAX_RESOLVED) resolved.clear();
          resolved.set(detach(text), id);
        }
      }
    }
  }

  private async loadIds(rows: readonly ParsedRow[], fields: readonly string[], table: 'deal' | 'lead') {
    if (!fields.includes(table)) return new Map<string, number>();
    const wanted = new Set<string>();
    for (const row of rows)
      if (typeof row.values[table] === 'string') wanted.add(row.values[table] as string);
    return findIdsByExternalId(this.session.tx, this.session.orgId, table, [...wanted]);
  }

  /** Completes the row's values in place (no copy per row): every column set, the team attributed. */
  private assemble(row: ParsedRow) {
    const v = row.values;
    for (const column of this.columns) if (v[column] === undefined) v[column] = null;
    if (this.hasCurrency && v.currency === null) v.currency = this.session.plan.currency;
    // Blank units are the default, on a new deal and on one being updated alike (the column is NOT NULL).
    if (this.entity === 'deals' && v.units === null) v.units = DEFAULT_UNITS;
    const attribution = ATTRIBUTION[this.entity];
    if (attribution && this.hasTeam) {
      const personId = v[REFERENCE_COLUMNS[attribution.person] as string] as number | null;
      let at = this.session.now;
      for (const field of attribution.at) {
        if (typeof v[field] === 'number') {
          at = v[field] as number;
          break;
        }
      }
      v.team_id = personId === null ? null : this.session.people.teamAt(personId, at);
    }
  }

  private isTouched(id: number): boolean {
    return id >= this.firstNewId || ((this.touched[id >> 3] ?? 0) & (1 << (id & 7))) !== 0;
  }

  private markTouched(id: number) {
    if (id < this.firstNewId) this.touched[id >> 3] = (this.touched[id >> 3] ?? 0) | (1 << (id & 7));
  }

  private async write(batch: readonly ParsedRow[]) {
    const { session } = this;
    const byExternalId = new Map<string, ImportRow>();
    if (!this.fresh) {
      const withIds = batch.flatMap((row) => (row.externalId === null ? [] : [row.externalId]));
      for (const found of await findByExternalIds(
        session.tx,
        session.orgId,
        this.table,
        this.existingColumns,
        withIds,
      )) {
        byExternalId.set(String(found.external_id), found);
      }
    }
    // Accounts may already exist under their name (created by a deals import): a row
    // without an external id matches any account of that name, one with an id only those without.
    const byName = new Map<ParsedRow, number>();
    if (this.entity === 'accounts') {
      for (const row of batch) {
        if (row.externalId !== null && byExternalId.has(row.externalId)) continue;
        const named = session.accounts
          .named(String(row.values.name))
          .filter((found) => row.externalId === null || found.external_id === null);
        if (named.length > 1) {
          session.problem(
            row,
            'name',
            `${named.length} accounts are named ${quote(String(row.values.name))}: add an external id column`,
          );
        } else if (named[0]) byName.set(row, named[0].id);
      }
    }
    const known = [...byName.values()].filter((id) => id !== NEW_ACCOUNT);
    const byId = new Map<number, ImportRow>();
    for (const found of await findByIds(session.tx, session.orgId, this.table, this.columns, known)) {
      byId.set(Number(found.id), found);
    }
    for (const row of batch) {
      const values = row.values as ImportRow;
      if (row.problems.length > 0) {
        await session.reject(row);
        continue;
      }
      const namedId = byName.get(row);
      const existing =
        (row.externalId !== null ? byExternalId.get(row.externalId) : undefined) ??
        (namedId === undefined ? undefined : byId.get(namedId));
      if (!existing && namedId !== NEW_ACCOUNT) {
        this.insert(row, values);
        continue;
      }
      const id = existing ? Number(existing.id) : NEW_ACCOUNT;
      if (!existing || this.isTouched(id)) {
        session.problem(
          row,
          'external_id',
          'is the same row as an earlier line: each row needs its own external id',
        );
        await session.reject(row);
        continue;
      }
      this.markTouched(id);
      const changes: ImportRow = {};
      for (const column of this.columns) {
        // A blank created_at keeps the one the account has (it cannot be null).
        if (column === 'created_at' && values[column] === null) continue;
        if (existing[column] !== values[column]) changes[column] = values[column] ?? null;
      }
      if (row.externalId !== null && existing.external_id !== row.externalId)
        changes.external_id = row.externalId;
      if (Object.keys(changes).length === 0) {
        session.unchanged++;
        continue;
      }
      for (const column of this.instants) {
        session.touch(existing[column]);
        session.touch(values[column]);
      }
      // Subscriptions count under their account's owner, team and dimensions, on their own
      // dates: an account moving among them changes rollup days this import does not know.
      if (this.entity === 'accounts' && ACCOUNT_ROLLUP_KEYS.some((column) => column in changes)) {
        session.refreshEverything = true;
      }
      if (this.rollupDelta && DEAL_ROLLUP_COLUMNS.some((column) => column in changes)) {
        this.rollupDelta.add(existing as DealRollupFacts, -1);
        this.rollupDelta.add({ ...existing, ...changes } as DealRollupFacts, 1);
      }
      await updateRow(session.tx, session.orgId, this.table, id, changes);
      if (this.entity === 'accounts' && ('name' in changes || 'external_id' in changes)) {
        const before = session.accounts.named(String(existing.name)).find((a) => a.id === id);
        if (before)
          session.accounts.replace(before, {
            id,
            name: detach(String(values.name)),
            external_id: row.externalId === null ? before.external_id : detach(row.externalId),
          });
      }
      session.updated++;
    }
    const skipped = await this.writer.flush();
    if (skipped.length > 0) await this.rejectRepeats(skipped);
    this.unflushed.length = 0;
  }

  /**
   * A fresh import's rows that the insert skipped: their external id was
   * taken by an earlier line (in an earlier batch, or earlier in the same
   * statement). They are refused as repeats, and their counts undone.
   */
  private async rejectRepeats(skipped: readonly SkippedRows[]) {
    const { session } = this;
    for (const statement of skipped) {
      const rows = this.unflushed.slice(statement.first, statement.first + statement.count);
      const ids = await findIdsByExternalId(
        session.tx,
        session.orgId,
        this.table,
        rows.flatMap((row) => (row.externalId === null ? [] : [row.externalId])),
      );
      // The statement's inserted rows got the ids up to lastId; the first row with an id inserted it.
      const firstInserted = statement.lastId - statement.inserted + 1;
      const seen = new Set<string>();
      let repeats = 0;
      for (const row of rows) {
        const externalId = row.externalId;
        if (externalId === null) continue;
        const id = ids.get(externalId);
        const inserted = id !== undefined && id >= firstInserted && !seen.has(externalId);
        seen.add(externalId);
        if (inserted) continue;
        repeats++;
        session.inserted--;
        this.rollupDelta?.add(row.values as DealRollupFacts, -1);
        session.problem(
          row,
          'external_id',
          'is the same row as an earlier line: each row needs its own external id',
        );
        await session.reject(row);
      }
      if (repeats !== statement.count - statement.inserted) {
        throw new Error(
          `The insert skipped ${statement.count - statement.inserted} rows of ${this.table}, but ${repeats} repeat an earlier line.`,
        );
      }
    }
  }

  private insert(row: ParsedRow, values: ImportRow) {
    const { session, record } = this;
    record.length = 0;
    record.push(session.orgId, row.externalId);
    const defaults = this.insertDefaults(values);
    for (const column of this.columns) record.push(values[column] ?? defaults[column] ?? null);
    for (const column of this.defaultColumns) record.push(defaults[column] ?? null);
    for (const column of this.instants) session.touch(values[column]);
    this.writer.add(this.table, record);
    if (this.fresh) this.unflushed.push(row);
    if (this.rollupDelta) {
      // As stored: the file's values, else the defaults (the record is built; `values` is spent).
      values.amount ??= 0;
      values.units ??= DEFAULT_UNITS;
      this.rollupDelta.add(values as DealRollupFacts, 1);
    }
    // Its id is not read back: a later row of the same name is then known to repeat this one.
    if (this.entity === 'accounts') {
      session.accounts.add({
        id: NEW_ACCOUNT,
        name: detach(String(values.name)),
        external_id: row.externalId === null ? null : detach(row.externalId),
      });
    }
    session.inserted++;
  }
}

/** Deal status, stage and close date are always derived, whichever columns feed them. */
function derived(entity: FactEntity, field: string, fed: (field: string) => boolean): boolean {
  if (entity === 'deals') {
    if (field === 'stage' || field === 'status' || field === 'closed_at') return true;
    if (field === 'expected_close_at') return fed('close_date');
    if (field === 'currency') return fed('amount');
  }
  if (entity === 'spend' && (field === 'period_start' || field === 'period_end')) return fed('period');
  if (entity === 'subscriptions' && field === 'currency') return true;
  if (entity === 'spend' && field === 'currency') return true;
  return false;
}

function insertDefaults(entity: FactEntity, currency: string, now: number): (values: ImportRow) => ImportRow {
  if (entity === 'deals') {
    const defaults = { amount: 0, currency };
    return () => defaults;
  }
  if (entity === 'accounts') return (values) => ({ created_at: values.acquired_at ?? now });
  return () => ({});
}

/**
 * The import verb: a CSV stream of one entity into the org, as the CLI, the
 * upload screen and the REST API call it.
 *
 * One import is one transaction. Rows stream through in batches (memory
 * holds one batch), each batch is written inside the transaction, and the
 * end decides: commit, or roll back when a row was refused without
 * --skip-invalid, or always under --dry-run. So an import is all or nothing
 * and a dry run does exactly the work of a real one (its counts, its
 * duplicates and created owners are the real ones) and then discards it.
 * Neither dialect minds a long transaction's size: SQLite spills it to the
 * WAL file, PostgreSQL to its heap; both keep memory flat. While it runs,
 * SQLite readers go on and other writers wait (busy_timeout).
 * Rollups are refreshed in the same transaction, over the span of instants
 * the import wrote (old and new values), so they never disagree with the facts;
 * a deals import sums its changes to the rollup rows as it writes and applies
 * those instead of re-reading a million facts (see DealRollupDelta).
 *
 * A large file uses both cores: past its first 2 MB the rows are read on a
 * worker thread while this one writes (RowSource). On SQLite a facts import
 * runs with foreign-key checks off, as every reference it writes comes from
 * rows it read in its own transaction (withoutForeignKeys), and an org's
 * first import of a kind looks nothing up by external id (FactImporter).
 */
import { rm } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { invalid } from '../../core/errors.ts';
import { ENTITIES, type EntityName, entityNamed } from '../../import/entities.ts';
import { type Mapping, parseMapping } from '../../import/mapping.ts';
import { buildPlan } from '../../import/plan.ts';
import { detectPreset, PRESETS, type Preset, type PresetId } from '../../import/presets/index.ts';
import { RejectsFile } from '../../import/rejects.ts';
import { RowSource, WORKER_AFTER_BYTES } from '../../import/row-source.ts';
import { type ParsedRow, type Problem, RowReader } from '../../import/rows.ts';
import type { Db } from '../../store/db.ts';
import { withoutForeignKeys } from '../../store/import-queries.ts';
import { refreshRollups, rollupsUsable } from '../../store/rollups.ts';
import type { Ctx } from '../context.ts';
import { FactImporter } from './facts.ts';
import { TeamImporter, UserImporter } from './people.ts';
import { ImportSession } from './session.ts';

export interface ImportProgress {
  rows: number;
  /** Bytes of the input read so far: against the file size, a fraction done. */
  bytesRead: number;
}

export interface ImportInput {
  /** The CSV bytes (a file or upload stream). */
  stream: AsyncIterable<Buffer | string>;
  /** Entity name: teams, users, accounts, subscriptions, leads, deals, activities, spend, coaching (or a singular). */
  entity: string;
  /** A CRM deal export; without it (and without a mapping) deal headers are checked against every preset. */
  preset?: PresetId;
  /** A mapping file's parsed JSON; checked here. */
  mapping?: unknown;
  /** Do everything, report it, write nothing. */
  dryRun?: boolean;
  /** Commit the valid rows and refuse only the bad ones (default: nothing is written when a row is bad). */
  skipInvalid?: boolean;
  /** Create owners, accounts and teams the file names but the org does not have. */
  createMissing?: boolean;
  /** Where --skip-invalid writes refused rows (see `rejectsPathFor`). */
  rejectsPath?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** Called for every problem as it is found (the report keeps the first 10,000). */
  onReject?: (problem: Problem) => void;
  /**
   * Read rows on a worker thread while this one writes: by default once the
   * input passes WORKER_AFTER_BYTES (a small file never starts one); false
   * never; true at once, waiting for the worker to start (tests). The results
   * are the same either way.
   */
  worker?: boolean;
}

export interface ImportReport {
  entity: EntityName;
  /** The preset used, given or detected from the header. */
  preset: PresetId | null;
  /** Header labels no field reads. */
  ignoredColumns: string[];
  /** Data rows read. */
  rows: number;
  /** Counts of what was written — or, when nothing was committed, of what would have been. */
  inserted: number;
  updated: number;
  unchanged: number;
  rejectedRows: number;
  /** One entry per problem (a row can have several), the first 10,000. */
  rejected: Problem[];
  /** Owners, teams and accounts created under --create-missing (or that would have been). */
  created: { users: number; teams: number; accounts: number };
  committed: boolean;
  dryRun: boolean;
  /** The rejects file written, if any. */
  rejectsPath: string | null;
  ms: number;
  /** Of `ms`, the time spent refreshing rollups before the commit. */
  rollupMs: number;
}

/** `<name>.rejects.csv` beside the input: deals.csv -> deals.rejects.csv. */
export function rejectsPathFor(inputPath: string): string {
  const extension = extname(inputPath);
  return join(dirname(inputPath), `${basename(inputPath, extension)}.rejects.csv`);
}

/** Rows handed to the database at a time: enough to amortize a lookup query, few enough to keep memory flat. */
const BATCH_ROWS = 2000;

class RollBack extends Error {}

export async function runImport({ ctx, input }: { ctx: Ctx; input: ImportInput }): Promise<ImportReport> {
  const started = performance.now();
  const entityName = entityNamed(input.entity);
  if (!entityName) {
    throw invalid(
      `${JSON.stringify(input.entity)} is not something Hadaf imports: use one of ${Object.keys(ENTITIES).join(', ')}.`,
      'entity',
    );
  }
  const mapping: Mapping | undefined = input.mapping === undefined ? undefined : parseMapping(input.mapping);
  if (mapping?.entity && mapping.entity !== entityName) {
    throw invalid(`The mapping file is for ${mapping.entity}, not ${entityName}.`, 'mapping.entity');
  }
  const presetId = input.preset ?? mapping?.preset;
  if (presetId !== undefined && !(presetId in PRESETS)) {
    throw invalid(
      `${JSON.stringify(presetId)} is not a preset: use hubspot, salesforce or pipedrive.`,
      'preset',
    );
  }
  if (presetId !== undefined && entityName !== 'deals') {
    throw invalid(
      `Presets read CRM deal exports: import deals with --preset ${presetId}, not ${entityName}.`,
      'preset',
    );
  }
  const source = new RowSource(
    input.stream,
    mapping?.delimiter ?? ',',
    input.worker === false ? null : input.worker === true ? 0 : WORKER_AFTER_BYTES,
  );
  try {
    return await importRows({ ctx, input, entityName, mapping, presetId, source, started });
  } finally {
    // Closes the input (and the parse worker) when the import stops before its end (a bad mapping, a broken row).
    await source.close();
  }
}

async function importRows({
  ctx,
  input,
  entityName,
  mapping,
  presetId,
  source,
  started,
}: {
  ctx: Ctx;
  input: ImportInput;
  entityName: EntityName;
  mapping: Mapping | undefined;
  presetId: PresetId | undefined;
  source: RowSource;
  started: number;
}): Promise<ImportReport> {
  const entity = ENTITIES[entityName];
  const dryRun = input.dryRun ?? false;
  const skipInvalid = input.skipInvalid ?? false;
  const labels = await source.header();
  if (!labels || labels.every((label) => label.trim() === '')) {
    throw invalid('The file is empty: the first line must name the columns.', 'file');
  }
  const header = labels.map((label) => label.trim());
  let preset: Preset | undefined = presetId === undefined ? undefined : PRESETS[presetId];
  if (!preset && entityName === 'deals' && !mapping) preset = detectPreset(header);
  const plan = buildPlan({ entity, org: ctx.org, header, preset, mapping });
  const reader = new RowReader(plan);

  const rejects =
    skipInvalid && !dryRun && input.rejectsPath
      ? new RejectsFile(input.rejectsPath, header, mapping?.delimiter)
      : null;
  let rows = 0;
  let session: ImportSession | undefined;
  let committed = false;
  let rollupMs = 0;
  // Facts resolve every reference they write from rows read in the transaction (see withoutForeignKeys).
  const transaction = <T>(work: (tx: Db) => Promise<T>): Promise<T> =>
    ctx.dialect === 'sqlite' && entityName !== 'teams' && entityName !== 'users'
      ? withoutForeignKeys(ctx.db, (db) => db.transaction().execute(work))
      : ctx.db.transaction().execute(work);
  try {
    await transaction(async (tx) => {
      session = new ImportSession(tx, ctx.org.id, ctx.now, plan, {
        createMissing: input.createMissing ?? false,
        rejects,
        onReject: input.onReject,
      });
      await session.load();
      const importer =
        entityName === 'teams'
          ? new TeamImporter(session)
          : entityName === 'users'
            ? new UserImporter(session)
            : new FactImporter(session, ctx.dialect, ctx.org.timeZone);
      await importer.init();
      const delta = importer instanceof FactImporter ? importer.rollupDelta : null;
      if (delta && !dryRun && !(await rollupsUsable(tx, ctx.org.id, ctx.org.timeZone))) {
        // The delta updates built rollups: build them first, from the facts the org has before this import.
        const building = performance.now();
        await refreshRollups(tx, ctx.org.id);
        rollupMs += performance.now() - building;
      }

      let pending: ParsedRow[] = [];
      let bytesRead = 0;
      const pieces = source.rows(reader, {
        entity: entityName,
        org: ctx.org,
        header,
        preset: preset?.id,
        mapping,
      });
      for await (const piece of pieces) {
        bytesRead = piece.bytesRead;
        for (const row of piece.rows) {
          pending.push(row);
          if (pending.length >= BATCH_ROWS) {
            rows += pending.length;
            await importer.importBatch(pending);
            pending = [];
            input.onProgress?.({ rows, bytesRead });
          }
        }
      }
      rows += pending.length;
      await importer.importBatch(pending);
      await importer.finish();
      input.onProgress?.({ rows, bytesRead });

      if (dryRun || (session.rejectedRows > 0 && !skipInvalid)) throw new RollBack();
      if (session.refreshEverything || session.fromMs <= session.toMs) {
        const refreshing = performance.now();
        const range = session.refreshEverything ? undefined : { fromMs: session.fromMs, toMs: session.toMs };
        await refreshRollups(tx, ctx.org.id, range, {
          sources: importer instanceof FactImporter ? importer.rollupSources : undefined,
          deltas: delta ? [delta] : undefined,
        });
        rollupMs += performance.now() - refreshing;
      }
      committed = true;
    });
  } catch (error) {
    await rejects?.close();
    if (!(error instanceof RollBack)) {
      // Nothing was committed: a rejects file would describe an import that did not happen.
      if (rejects && rejects.written > 0) await rm(rejects.path, { force: true });
      throw error;
    }
  }
  await rejects?.close();
  const s = session as ImportSession | undefined;
  return {
    entity: entityName,
    preset: preset?.id ?? null,
    ignoredColumns: plan.ignored,
    rows,
    inserted: s?.inserted ?? 0,
    updated: s?.updated ?? 0,
    unchanged: s?.unchanged ?? 0,
    rejectedRows: s?.rejectedRows ?? 0,
    rejected: s?.problems ?? [],
    created: s?.created ?? { users: 0, teams: 0, accounts: 0 },
    committed,
    dryRun,
    rejectsPath: rejects && rejects.written > 0 ? rejects.path : null,
    ms: Math.round(performance.now() - started),
    rollupMs: Math.round(rollupMs),
  };
}

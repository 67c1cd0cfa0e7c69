/**
 * Imports from the upload screen: a CSV file is stored, previewed, dry-run
 * and imported in the background while the screen polls its progress.
 *
 * Files live in a private temporary folder, one per org
 * (`<tmp>/hadaf-uploads-*∕org-<id>/<upload id>.csv`), and are deleted once
 * imported, when discarded, when idle for an hour, and when the server stops.
 * Uploads and their runs are held in this process only: a restart forgets
 * them (the file is uploaded again), which costs nothing because a run is
 * one transaction (src/services/import/run.ts): it committed or it did not.
 * Only admins import: an import upserts rows of any owner and may create
 * people and teams, which no narrower role may do one row at a time.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { isAdmin } from '../../core/access.ts';
import { forbidden, HadafError, invalid, notFound } from '../../core/errors.ts';
import type { Org } from '../../core/org.ts';
import { dayOf } from '../../core/periods/index.ts';
import { readCsv } from '../../import/csv.ts';
import { ENTITIES, type EntityName } from '../../import/entities.ts';
import { buildPlan } from '../../import/plan.ts';
import type { PresetId } from '../../import/presets/index.ts';
import { RowReader } from '../../import/rows.ts';
import type { Ctx } from '../context.ts';
import {
  checkImportOptions,
  checkPlan,
  type ImportOptions,
  type ImportPreview,
  presetFor,
  previewOf,
  readHead,
} from './preview.ts';
import { type ImportReport, runImport } from './run.ts';

/** Uploads an org keeps at once; a new one beyond them drops the oldest that is not running. */
const UPLOADS_PER_ORG = 5;
const IDLE_MS = 60 * 60 * 1000;

export type UploadState = 'uploaded' | 'running' | 'finished' | 'failed';

/** What a run found and did (the import report without server paths). */
export type RunReport = Omit<ImportReport, 'rejectsPath' | 'rollupMs'>;

export interface UploadView {
  id: string;
  entity: EntityName;
  filename: string | null;
  totalBytes: number;
  uploadedAt: number;
  /** uploaded: nothing ran yet; running: a run is under way; finished: see report; failed: see error. */
  state: UploadState;
  /** Whether the latest run is a dry run (null before the first run). */
  dryRun: boolean | null;
  /** Progress of the latest run: data rows and bytes of the file read. */
  rows: number;
  bytesRead: number;
  report: RunReport | null;
  /** Why the latest run stopped before its end (a broken CSV line, the database). */
  error: { code: string; message: string; field?: string } | null;
  /** True once an import committed: the file is gone and nothing more runs on it. */
  imported: boolean;
  /** After a committed deals import: the days its won and lost deals closed on (for the drill-down). */
  closedDays: { from: string; to: string } | null;
}

export interface RunOptions {
  dryRun: boolean;
  preset?: PresetId;
  /** A mapping file's JSON (docs/import.md). */
  mapping?: unknown;
  createMissing?: boolean;
  skipInvalid?: boolean;
}

interface Upload extends UploadView {
  orgId: number;
  path: string;
  touchedAt: number;
  task: Promise<void> | null;
}

export class ImportUploads {
  private root: Promise<string> | undefined;
  private readonly uploads = new Map<string, Upload>();
  /** Org id -> the upload running there: one import per org at a time (each is one write transaction). */
  private readonly running = new Map<number, string>();

  /** `onError` hears of failures that are bugs, not bad input (a run's own report says those). */
  constructor(private readonly onError: (error: unknown) => void = () => {}) {}

  /** Stores a CSV stream after checking it is a CSV text file with a header. */
  async upload({
    ctx,
    input,
  }: {
    ctx: Ctx;
    input: { stream: AsyncIterable<Buffer | string>; entity: string; filename?: string };
  }): Promise<UploadView> {
    mayImport(ctx);
    const { entity } = checkImportOptions({ entity: input.entity });
    await this.sweep(ctx);
    const id = randomBytes(12).toString('base64url');
    const dir = join(await this.folder(), `org-${ctx.org.id}`);
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${id}.csv`);
    let totalBytes: number;
    try {
      totalBytes = await store(input.stream, path);
      if (totalBytes === 0) throw invalid('The file is empty: the first line must name the columns.', 'file');
      await readHead(createReadStream(path), { rows: 0 });
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    const upload: Upload = {
      id,
      orgId: ctx.org.id,
      path,
      entity,
      filename: input.filename?.trim() || null,
      totalBytes,
      uploadedAt: ctx.now,
      touchedAt: ctx.now,
      state: 'uploaded',
      dryRun: null,
      rows: 0,
      bytesRead: 0,
      report: null,
      error: null,
      imported: false,
      closedDays: null,
      task: null,
    };
    this.uploads.set(id, upload);
    return viewOf(upload);
  }

  get({ ctx, input }: { ctx: Ctx; input: { id: string } }): UploadView {
    return viewOf(this.find(ctx, input.id));
  }

  /** The header, the first rows and the column matching under a preset or mapping. */
  async preview({
    ctx,
    input,
  }: {
    ctx: Ctx;
    input: { id: string; preset?: PresetId; mapping?: unknown; rows?: number };
  }): Promise<ImportPreview> {
    const upload = this.find(ctx, input.id);
    refuseImported(upload);
    const options = checkImportOptions({ ...input, entity: upload.entity });
    const head = await readHead(createReadStream(upload.path), {
      delimiter: options.mapping?.delimiter,
      rows: input.rows ?? 20,
    });
    return previewOf(ctx.org, options, head);
  }

  /**
   * Starts a dry run or the import in the background and answers at once;
   * what is wrong with the options or the header is refused here, before.
   */
  async start({ ctx, input }: { ctx: Ctx; input: { id: string } & RunOptions }): Promise<UploadView> {
    const upload = this.find(ctx, input.id);
    if (upload.state === 'running') throw new HadafError('conflict', 'This file is being imported already.');
    refuseImported(upload);
    const other = this.running.get(ctx.org.id);
    if (other) {
      throw new HadafError(
        'conflict',
        'Another import of this org is running: start this one when it has finished.',
      );
    }
    const options = checkImportOptions({ ...input, entity: upload.entity });
    // Reserved before the first await, so two clicks cannot start two runs.
    this.running.set(ctx.org.id, upload.id);
    try {
      const head = await readHead(createReadStream(upload.path), {
        delimiter: options.mapping?.delimiter,
        rows: 0,
      });
      checkPlan(ctx.org, options, head.header);
    } catch (error) {
      this.running.delete(ctx.org.id);
      throw error;
    }
    Object.assign(upload, {
      state: 'running',
      dryRun: input.dryRun,
      rows: 0,
      bytesRead: 0,
      report: null,
      error: null,
    } satisfies Partial<Upload>);
    upload.task = this.execute(ctx, upload, options, input).finally(() => {
      this.running.delete(upload.orgId);
      upload.task = null;
    });
    return viewOf(upload);
  }

  /** Deletes an upload and its file. */
  async discard({ ctx, input }: { ctx: Ctx; input: { id: string } }): Promise<void> {
    const upload = this.find(ctx, input.id);
    if (upload.state === 'running') {
      throw new HadafError('conflict', 'This file is being imported: wait for the run to finish.');
    }
    this.uploads.delete(upload.id);
    await rm(upload.path, { force: true });
  }

  /** Waits for running imports, then deletes every stored file. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.uploads.values()].map((upload) => upload.task));
    this.uploads.clear();
    if (this.root) await rm(await this.root, { recursive: true, force: true });
    this.root = undefined;
  }

  private async execute(ctx: Ctx, upload: Upload, options: ImportOptions, input: RunOptions): Promise<void> {
    try {
      const report = await runImport({
        ctx,
        input: {
          stream: createReadStream(upload.path),
          entity: upload.entity,
          ...(options.presetId ? { preset: options.presetId } : {}),
          ...(input.mapping === undefined ? {} : { mapping: input.mapping }),
          dryRun: input.dryRun,
          skipInvalid: input.skipInvalid ?? false,
          createMissing: input.createMissing ?? false,
          onProgress: (progress) => {
            upload.rows = progress.rows;
            upload.bytesRead = progress.bytesRead;
          },
        },
      });
      const { rejectsPath: _path, rollupMs: _rollupMs, ...shown } = report;
      if (report.committed) {
        upload.imported = true;
        if (upload.entity === 'deals') upload.closedDays = await closedDays(ctx.org, options, upload.path);
        await rm(upload.path, { force: true });
      }
      Object.assign(upload, { state: 'finished', report: shown } satisfies Partial<Upload>);
    } catch (error) {
      if (!(error instanceof HadafError)) this.onError(error);
      upload.state = 'failed';
      upload.error =
        error instanceof HadafError
          ? { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) }
          : { code: 'internal', message: 'The import stopped on a server error; nothing was written.' };
    } finally {
      upload.touchedAt = Math.max(upload.touchedAt, ctx.now);
    }
  }

  /** The org's upload of that id; another org's answers as missing, like one that never was. */
  private find(ctx: Ctx, id: string): Upload {
    mayImport(ctx);
    const upload = this.uploads.get(id);
    if (!upload || upload.orgId !== ctx.org.id) {
      throw notFound('No such upload: it was imported, discarded or has expired; upload the file again.');
    }
    upload.touchedAt = Math.max(upload.touchedAt, ctx.now);
    return upload;
  }

  /** Drops uploads idle for an hour, and the org's oldest ones beyond its allowance. */
  private async sweep(ctx: Ctx): Promise<void> {
    const idle = (upload: Upload) => upload.state !== 'running';
    const drop: Upload[] = [];
    for (const upload of this.uploads.values()) {
      if (idle(upload) && upload.touchedAt < ctx.now - IDLE_MS) drop.push(upload);
    }
    const own = [...this.uploads.values()]
      .filter((upload) => upload.orgId === ctx.org.id && idle(upload) && !drop.includes(upload))
      .sort((a, b) => a.touchedAt - b.touchedAt);
    drop.push(...own.slice(0, Math.max(0, own.length - (UPLOADS_PER_ORG - 1))));
    for (const upload of drop) {
      this.uploads.delete(upload.id);
      await rm(upload.path, { force: true });
    }
  }

  private folder(): Promise<string> {
    this.root ??= mkdtemp(join(tmpdir(), 'hadaf-uploads-'));
    return this.root;
  }
}

function mayImport(ctx: Ctx) {
  if (!isAdmin(ctx.actor)) {
    throw forbidden('Only admins import data: an import can change any row of the org and add people.');
  }
}

function refuseImported(upload: Upload) {
  if (upload.imported) {
    throw new HadafError(
      'conflict',
      'This file was imported and then deleted: upload it again to import it again.',
    );
  }
}

function viewOf(upload: Upload): UploadView {
  const { orgId: _org, path: _path, touchedAt: _touched, task: _task, ...view } = upload;
  return { ...view };
}

/**
 * Writes the stream to `path`, refusing what is not CSV text: a spreadsheet
 * workbook, binary data, or text that is not UTF-8. Returns the size.
 */
async function store(stream: AsyncIterable<Buffer | string>, path: string): Promise<number> {
  const file = createWriteStream(path, { flags: 'wx' });
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (size === 0) refuseNonText(bytes);
      try {
        utf8.decode(bytes, { stream: true });
      } catch {
        throw invalid(
          'The file is not UTF-8 text: save it as "CSV UTF-8" (comma-delimited) and upload it again.',
          'file',
        );
      }
      size += bytes.length;
      if (!file.write(bytes)) await new Promise<void>((resolve) => file.once('drain', () => resolve()));
    }
    file.end();
    await finished(file);
    return size;
  } catch (error) {
    file.destroy();
    throw error;
  }
}

function refuseNonText(bytes: Buffer) {
  if (bytes.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) {
    throw invalid(
      'This is a spreadsheet workbook (.xlsx), not CSV: save it as "CSV UTF-8" and upload that.',
      'file',
    );
  }
  if (bytes.subarray(0, 8192).includes(0)) {
    throw invalid('This is not a CSV text file: it holds binary data.', 'file');
  }
}

/** The first and last day, in the org's zone, on which the file's won and lost deals closed. */
async function closedDays(
  org: Org,
  options: ImportOptions,
  path: string,
): Promise<{ from: string; to: string } | null> {
  let reader: RowReader | undefined;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for await (const batch of readCsv(createReadStream(path), options.mapping?.delimiter ?? ',')) {
    for (const record of batch.records) {
      if (!reader) {
        const header = record.values.map((label) => label.trim());
        const preset = presetFor(options, header);
        reader = new RowReader(
          buildPlan({ entity: ENTITIES.deals, org, header, preset, mapping: options.mapping }),
        );
        continue;
      }
      const row = reader.read(record.line, record.values);
      const closed = row.values.closed_at;
      if (row.problems.length > 0 || typeof closed !== 'number') continue;
      first = Math.min(first, closed);
      last = Math.max(last, closed);
    }
  }
  if (first > last) return null;
  return { from: dayOf(first, org.timeZone), to: dayOf(last, org.timeZone) };
}

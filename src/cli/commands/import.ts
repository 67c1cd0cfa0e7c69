import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { SingleBar } from 'cli-progress';
import { type Command, Option } from 'commander';
import { invalid } from '../../core/errors.ts';
import { ENTITY_NAMES } from '../../import/entities.ts';
import { PRESET_IDS, PRESETS, type PresetId } from '../../import/presets/index.ts';
import { describeProblem } from '../../import/rows.ts';
import { type ImportReport, rejectsPathFor, runImport } from '../../services/import/run.ts';
import { systemContextFor } from '../../services/tracking/org-context.ts';
import { dbOption, withStore } from '../shared.ts';

interface ImportOptions {
  db: string;
  org?: string;
  preset?: PresetId;
  mapping?: string;
  dryRun?: boolean;
  skipInvalid?: boolean;
  createMissing?: boolean;
}

/**
 * `hadaf import <entity> <file>`: a CSV into the org, all or nothing unless
 * --skip-invalid. A progress bar on a terminal, one summary line otherwise;
 * exits non-zero when rows were refused and nothing was committed.
 */
export function importCommand(program: Command) {
  program
    .command('import')
    .description('import a CSV file (docs/import.md): upsert by external id, all or nothing by default')
    .argument('<entity>', ENTITY_NAMES.join(', '))
    .argument('<file>', 'the CSV file')
    .addOption(new Option('--preset <crm>', 'a CRM deal export').choices(PRESET_IDS))
    .option('--mapping <file.json>', 'a mapping file: columns, value maps, date and number formats')
    .option('--dry-run', 'report what would happen and every bad row; write nothing')
    .option('--skip-invalid', 'commit the valid rows and write the bad ones to <file>.rejects.csv')
    .option('--create-missing', 'create owners, accounts and teams the file names but the org lacks')
    .option('--org <slug>', 'the org (needed when the database holds several)')
    .addOption(dbOption())
    .action(async (entity: string, file: string, options: ImportOptions) => {
      const size = await fileSize(file);
      const mapping = options.mapping === undefined ? undefined : await readMapping(options.mapping);
      await withStore(options.db, async (store) => {
        const ctx = await systemContextFor(store, options.org, Date.now(), 'cli import');
        const out = options.dryRun ? process.stdout : process.stderr;
        const bar = process.stderr.isTTY ? progressBar(size) : undefined;
        let report: ImportReport;
        try {
          report = await runImport({
            ctx,
            input: {
              stream: createReadStream(file, { highWaterMark: 1 << 16 }),
              entity,
              preset: options.preset,
              mapping,
              dryRun: options.dryRun ?? false,
              skipInvalid: options.skipInvalid ?? false,
              createMissing: options.createMissing ?? false,
              rejectsPath: rejectsPathFor(file),
              onProgress: (p) => bar?.update(p.bytesRead, { rows: p.rows }),
              // On a terminal the line goes above the bar, which redraws below it.
              onReject: (problem) => out.write(`${bar ? '\r\x1b[K' : ''}${describeProblem(problem)}\n`),
            },
          });
        } finally {
          bar?.stop();
        }
        process.stdout.write(summary(report));
        if (report.rejectedRows > 0 && !report.committed && !options.dryRun) process.exitCode = 1;
        if (options.dryRun && report.rejectedRows > 0 && !options.skipInvalid) process.exitCode = 1;
      });
    });
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw invalid(`"${file}" is not a file.`, 'file');
    return info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw invalid(`There is no file "${file}".`, 'file');
    throw error;
  }
}

async function readMapping(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw invalid(`Cannot read the mapping file "${path}".`, 'mapping');
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(`The mapping file "${path}" is not valid JSON: ${(error as Error).message}`, 'mapping');
  }
}

function progressBar(total: number): SingleBar {
  const started = Date.now();
  const bar = new SingleBar({
    format: (options, params, payload: { rows?: number }) => {
      const seconds = (Date.now() - started) / 1000;
      const rows = payload.rows ?? 0;
      const rate = seconds > 0 ? Math.round(rows / seconds).toLocaleString('en') : '-';
      const width = options.barsize ?? 30;
      const done = Math.round(params.progress * width);
      const eta = params.progress > 0 ? Math.round((seconds * (1 - params.progress)) / params.progress) : 0;
      return `${'█'.repeat(done)}${'░'.repeat(width - done)} ${Math.floor(params.progress * 100)}% | ${rows.toLocaleString('en')} rows | ${rate} rows/s | ETA ${eta}s`;
    },
    barsize: 30,
    hideCursor: true,
    stream: process.stderr,
  });
  bar.start(Math.max(total, 1), 0, { rows: 0 });
  return bar;
}

function summary(report: ImportReport): string {
  const n = (value: number) => value.toLocaleString('en');
  const lines: string[] = [];
  if (report.preset) lines.push(`Read as a ${PRESETS[report.preset].label} export.`);
  if (report.ignoredColumns.length > 0) lines.push(`Ignored columns: ${report.ignoredColumns.join(', ')}.`);
  const created = Object.entries(report.created)
    .filter(([, count]) => count > 0)
    .map(([what, count]) => `${n(count)} ${what}`);
  const counts = `${n(report.inserted)} inserted, ${n(report.updated)} updated, ${n(report.unchanged)} unchanged, ${n(report.rejectedRows)} rejected`;
  const seconds = report.ms / 1000;
  const speed = `${seconds.toFixed(1)} s, ${n(Math.round(report.rows / Math.max(seconds, 0.001)))} rows/s`;
  if (report.dryRun) {
    lines.push(
      `Dry run of ${report.entity} (${n(report.rows)} rows): would be ${counts}. Nothing was written.`,
    );
  } else if (report.committed) {
    lines.push(`${report.entity}: ${n(report.rows)} rows, ${counts} (${speed}).`);
  } else {
    lines.push(
      `${report.entity}: nothing imported: ${n(report.rejectedRows)} of ${n(report.rows)} rows are bad (fix them, or import the rest with --skip-invalid).`,
    );
  }
  if (created.length > 0)
    lines.push(`Created ${created.join(', ')}${report.committed ? '' : ' (not kept)'}.`);
  if (report.rejectsPath) lines.push(`Refused rows, with the reason, are in ${report.rejectsPath}.`);
  return `${lines.join('\n')}\n`;
}

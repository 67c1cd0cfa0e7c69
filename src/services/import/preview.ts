/**
 * What the upload screen shows before anything is imported: the header and
 * the first rows of a file, the CRM preset its header matches, and the field
 * each column feeds under the chosen preset or mapping. The matching is the
 * import's own plan (`buildPlan`), so the screen never promises a column
 * mapping that `runImport` would not use.
 */
import { HadafError, invalid } from '../../core/errors.ts';
import type { Org } from '../../core/org.ts';
import { type CsvRecord, readCsv } from '../../import/csv.ts';
import { ENTITIES, type EntityName, entityNamed, type FieldKind } from '../../import/entities.ts';
import { type Mapping, parseMapping } from '../../import/mapping.ts';
import { buildPlan } from '../../import/plan.ts';
import { detectPreset, PRESETS, type Preset, type PresetId } from '../../import/presets/index.ts';

/** The options of an import, checked: what `runImport` would refuse is refused here first. */
export interface ImportOptions {
  entity: EntityName;
  /** The preset asked for (or named by the mapping); undefined lets a deal header pick one. */
  presetId: PresetId | undefined;
  mapping: Mapping | undefined;
}

/** Checks entity, preset and mapping file as `runImport` does, with the same fields named. */
export function checkImportOptions(input: {
  entity: string;
  preset?: string;
  mapping?: unknown;
}): ImportOptions {
  const entity = entityNamed(input.entity);
  if (!entity) {
    throw invalid(
      `${JSON.stringify(input.entity)} is not something Hadaf imports: use one of ${Object.keys(ENTITIES).join(', ')}.`,
      'entity',
    );
  }
  const mapping = input.mapping === undefined ? undefined : parseMapping(input.mapping);
  if (mapping?.entity && mapping.entity !== entity) {
    throw invalid(`The mapping file is for ${mapping.entity}, not ${entity}.`, 'mapping.entity');
  }
  const presetId = input.preset ?? mapping?.preset;
  if (presetId !== undefined && !(presetId in PRESETS)) {
    throw invalid(
      `${JSON.stringify(presetId)} is not a preset: use hubspot, salesforce or pipedrive.`,
      'preset',
    );
  }
  if (presetId !== undefined && entity !== 'deals') {
    throw invalid(`Presets read CRM deal exports: import deals with a preset, not ${entity}.`, 'preset');
  }
  return { entity, presetId: presetId as PresetId | undefined, mapping };
}

export interface FileHead {
  header: string[];
  /** The data records after the header, at most the number asked for. */
  records: CsvRecord[];
}

/** The header and the first `rows` records of a CSV stream; reads no further than it needs. */
export async function readHead(
  stream: AsyncIterable<Buffer | string>,
  options: { delimiter?: string; rows: number },
): Promise<FileHead> {
  const batches = readCsv(stream, options.delimiter ?? ',');
  const records: CsvRecord[] = [];
  try {
    for await (const batch of batches) {
      records.push(...batch.records);
      if (records.length > options.rows) break;
    }
  } finally {
    await batches.return(undefined);
  }
  const headerRecord = records[0];
  if (!headerRecord || headerRecord.values.every((label) => label.trim() === '')) {
    throw invalid('The file is empty: the first line must name the columns.', 'file');
  }
  return {
    header: headerRecord.values.map((label) => label.trim()),
    records: records.slice(1, options.rows + 1),
  };
}

export interface FieldInfo {
  name: string;
  kind: FieldKind;
  doc: string;
  choices: string[] | null;
  /** Every row needs a value here (or in one of the other fields of its group, as users' name or email). */
  required: boolean;
}

export interface ImportPreview {
  entity: EntityName;
  header: string[];
  rows: Array<{ line: number; cells: string[] }>;
  /** The preset the header matches (deals only), whatever was asked for. */
  detectedPreset: PresetId | null;
  /** The preset the import would use: the one asked for, else (without a mapping) the detected one. */
  preset: PresetId | null;
  /** Per column of the header, the field it feeds; null: ignored. */
  columns: Array<{ label: string; field: string | null }>;
  fields: FieldInfo[];
  /** What stops the file from importing as planned (a required field without a column...), or null. */
  problem: { message: string; field?: string } | null;
}

/** The preview of a file from its head. */
export function previewOf(org: Org, options: ImportOptions, head: FileHead): ImportPreview {
  const { entity, mapping } = options;
  const detected = entity === 'deals' ? detectPreset(head.header) : undefined;
  const preset = presetFor(options, head.header);
  const spec = ENTITIES[entity];
  const required = new Set(spec.required.flat());
  const { fields, problem } = matchColumns(org, entity, head.header, preset, mapping);
  return {
    entity,
    header: head.header,
    rows: head.records.map((record) => ({ line: record.line, cells: record.values })),
    detectedPreset: detected?.id ?? null,
    preset: preset?.id ?? null,
    columns: head.header.map((label, index) => ({ label, field: fields[index] ?? null })),
    fields: Object.entries(spec.fields).map(([name, field]) => ({
      name,
      kind: field.kind,
      doc: field.doc,
      choices: field.choices ? [...field.choices] : null,
      required: required.has(name),
    })),
    problem,
  };
}

/** The preset an import of this header uses, as `runImport` picks it: a mapping without one means none, never a guess. */
export function presetFor(options: ImportOptions, header: readonly string[]): Preset | undefined {
  if (options.presetId !== undefined) return PRESETS[options.presetId];
  return options.entity === 'deals' && options.mapping === undefined ? detectPreset(header) : undefined;
}

/** Throws what `runImport` would throw about this header before reading a row. */
export function checkPlan(org: Org, options: ImportOptions, header: readonly string[]): void {
  const preview = previewOf(org, options, { header: [...header], records: [] });
  if (preview.problem) throw invalid(preview.problem.message, preview.problem.field);
}

function matchColumns(
  org: Org,
  entity: EntityName,
  header: readonly string[],
  preset: Preset | undefined,
  mapping: Mapping | undefined,
): { fields: Array<string | null>; problem: ImportPreview['problem'] } {
  const spec = ENTITIES[entity];
  const byColumn = (columns: ReadonlyMap<string, number>) => {
    const fields: Array<string | null> = header.map(() => null);
    for (const [field, index] of columns) fields[index] = field;
    return fields;
  };
  try {
    return {
      fields: byColumn(buildPlan({ entity: spec, org, header, preset, mapping }).columns),
      problem: null,
    };
  } catch (error) {
    if (!(error instanceof HadafError)) throw error;
    const problem = { message: error.message, ...(error.field ? { field: error.field } : {}) };
    // A required field without a column still leaves a matching worth showing, to be corrected
    // column by column: the plan again with a stand-in default for each required field, which
    // only the missing-column check reads. A broken mapping leaves none.
    const base = mapping ?? parseMapping({});
    const standIns = Object.fromEntries(spec.required.flat().map((field) => [field, '-']));
    try {
      const plan = buildPlan({
        entity: spec,
        org,
        header,
        preset,
        mapping: { ...base, defaults: { ...standIns, ...base.defaults } },
      });
      return { fields: byColumn(plan.columns), problem };
    } catch {
      return { fields: header.map(() => null), problem };
    }
  }
}

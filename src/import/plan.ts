/**
 * From a header row to an import plan: which column feeds which field, how
 * cells are read. Columns are matched, in order, by the mapping file, by the
 * preset, and by the field's own name; all matching is loose (case, blanks
 * and punctuation ignored). Anything wrong with the file as a whole (a
 * required field with no column, a mapped column missing) fails here, before
 * a single row is read.
 */
import { invalid } from '../core/errors.ts';
import type { Org } from '../core/org.ts';
import type { DealStatus } from '../store/schema.ts';
import { DateReader } from './dates.ts';
import type { EntitySpec } from './entities.ts';
import { LocalClock } from './local-time.ts';
import type { Mapping } from './mapping.ts';
import { defaultNumberFormat, type NumberReader, numberReader } from './numbers.ts';
import type { Preset } from './presets/index.ts';
import { looseKey, nameKey, quote } from './text.ts';

export interface ImportPlan {
  entity: EntitySpec;
  org: Org;
  preset: Preset | undefined;
  header: readonly string[];
  /** Field -> index of the column that feeds it. */
  columns: ReadonlyMap<string, number>;
  /** Header labels no field reads. */
  ignored: string[];
  /** Field -> value used for a blank cell or a missing column. */
  defaults: ReadonlyMap<string, string>;
  /** Field -> (nameKey of a cell -> replacement); '*' catches the rest. */
  valueMaps: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Deals without a status column: stage (stageKey) -> status; '*' catches the rest. */
  stageStatus: ReadonlyMap<string, DealStatus>;
  dates: DateReader;
  clock: LocalClock;
  numbers: NumberReader;
  /** Currency of money cells when no currency column says otherwise. */
  currency: string;
  people: Mapping['people'];
  accounts: Mapping['accounts'];
  /** Reference fields whose column holds record ids whatever `people`/`accounts` say (Salesforce OwnerId). */
  refModes: ReadonlyMap<string, 'external_id'>;
}

/** Whether a field gets a value on every row (a column or a default feeds it). */
export const feeds = (plan: ImportPlan, field: string) => plan.columns.has(field) || plan.defaults.has(field);

/** The header label of the column feeding `field`, or the field name when a default feeds it. */
export function columnLabel(plan: ImportPlan, field: string): string {
  const index = plan.columns.get(field);
  return index === undefined ? field : (plan.header[index] ?? field);
}

/** How stage names are compared: loosely, and without a trailing "(pipeline name)" as HubSpot adds. */
export const stageKey = (stage: string) => looseKey(stage.replace(/\s*\([^)]*\)\s*$/, ''));

export function buildPlan(options: {
  entity: EntitySpec;
  org: Org;
  header: readonly string[];
  preset?: Preset;
  mapping?: Mapping;
}): ImportPlan {
  const { entity, org, header, preset, mapping } = options;
  const fields = entity.fields;
  const fieldList = Object.keys(fields).join(', ');
  const keys = header.map(looseKey);
  const columns = new Map<string, number>();
  const used = new Set<number>();

  const checkField = (field: string, where: string) => {
    if (!(field in fields)) {
      throw invalid(
        `Mapping file: ${where}: ${quote(field)} is not a field of ${entity.name} (fields: ${fieldList}).`,
        `mapping.${where}`,
      );
    }
  };

  for (const [label, field] of Object.entries(mapping?.columns ?? {})) {
    const index = keys.indexOf(looseKey(label));
    if (index < 0) {
      throw invalid(
        `Mapping file: columns.${label}: the file has no column ${quote(label)} (its columns: ${header.join(', ')}).`,
        `mapping.columns.${label}`,
      );
    }
    used.add(index);
    if (field === null) continue;
    checkField(field, `columns.${label}`);
    const taken = columns.get(field);
    if (taken !== undefined) {
      throw invalid(
        `Mapping file: columns.${label}: ${quote(field)} is already fed by column ${quote(header[taken] ?? '')}.`,
        `mapping.columns.${label}`,
      );
    }
    columns.set(field, index);
  }

  const claim = (field: string, labels: readonly string[]) => {
    if (columns.has(field)) return;
    for (const label of labels) {
      const index = keys.indexOf(looseKey(label));
      if (index >= 0 && !used.has(index)) {
        columns.set(field, index);
        used.add(index);
        return;
      }
    }
  };
  if (preset) for (const [field, labels] of Object.entries(preset.columns)) claim(field, labels);
  for (const field of Object.keys(fields)) claim(field, [field]);

  const defaults = new Map<string, string>();
  for (const [field, value] of Object.entries(mapping?.defaults ?? {})) {
    checkField(field, `defaults.${field}`);
    defaults.set(field, String(value));
  }

  const valueMaps = new Map<string, Map<string, string>>();
  for (const [field, map] of Object.entries(mapping?.values ?? {})) {
    checkField(field, `values.${field}`);
    const entries = new Map<string, string>();
    for (const [from, to] of Object.entries(map)) entries.set(from === '*' ? '*' : nameKey(from), String(to));
    valueMaps.set(field, entries);
  }

  const stageStatus = new Map<string, DealStatus>();
  if (entity.name === 'deals' && !columns.has('status')) {
    for (const [stage, status] of Object.entries(preset?.stages ?? {}))
      stageStatus.set(stageKey(stage), status);
    const statusMap = valueMaps.get('status');
    if (statusMap) {
      valueMaps.delete('status');
      for (const [from, to] of statusMap) {
        const status = to.trim().toLowerCase();
        if (status !== 'open' && status !== 'won' && status !== 'lost') {
          throw invalid(
            `Mapping file: values.status: ${quote(to)} is not a status (use open, won or lost).`,
            'mapping.values.status',
          );
        }
        stageStatus.set(from === '*' ? '*' : stageKey(from), status);
      }
    }
  }

  const fed = (field: string) => columns.has(field) || defaults.has(field);
  for (const group of entity.required) {
    if (!group.some(fed)) {
      const names = group.join(' or ');
      const via = preset ? `the ${preset.label} preset finds none` : 'no column is named so';
      throw invalid(
        `Importing ${entity.name} needs a ${names} column, and ${via}: map one in a mapping file ("columns": { "<your column>": "${group[0]}" }).`,
        group[0],
      );
    }
  }
  if (entity.name === 'deals' && fed('closed_at') && fed('close_date')) {
    throw invalid('Feed either closed_at or close_date, not both: they say the same thing.', 'close_date');
  }

  const timeZone = mapping?.timeZone ?? org.timeZone;
  let clock: LocalClock;
  try {
    clock = new LocalClock(timeZone);
  } catch {
    throw invalid(
      `Mapping file: timeZone: ${quote(timeZone)} is not an IANA time zone such as Europe/Berlin.`,
      'mapping.timeZone',
    );
  }
  const dateFormats = mapping?.dateFormat ?? preset?.dateFormats ?? ['ISO'];
  const feeding = new Set(columns.values());
  const idKeys = new Set((preset?.idColumns ?? []).map(looseKey));
  const refModes = new Map<string, 'external_id'>();
  for (const [field, index] of columns) if (idKeys.has(keys[index] ?? '')) refModes.set(field, 'external_id');
  return {
    entity,
    org,
    preset,
    header,
    columns,
    ignored: header.filter((_, index) => !feeding.has(index)),
    defaults,
    valueMaps,
    stageStatus,
    dates: new DateReader(typeof dateFormats === 'string' ? [dateFormats] : dateFormats),
    clock,
    numbers: numberReader(mapping?.number ?? defaultNumberFormat),
    currency: mapping?.currency ?? org.currency,
    people: mapping?.people ?? 'auto',
    accounts: mapping?.accounts ?? 'auto',
    refModes,
  };
}

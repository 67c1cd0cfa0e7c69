import { type ZodObject, type ZodType, z } from 'zod';
import { invalid } from '../../core/errors.ts';
import { parsePeriod, periodBounds, startOfDayMs } from '../../core/periods/index.ts';
import type { FactKeyset, FactQuery, FactSort } from '../../store/fact-queries.ts';
import type { Ctx } from '../context.ts';
import { closedObject } from './entities/body.ts';
import type { EntityDef } from './entity.ts';
import { reachOf, resolveFactScope } from './visibility.ts';

export const DEFAULT_LIMIT = 50;
const SCOPE_FORMS = { org: 'org', team: 'team:<id or name>', rep: 'rep:<id, e-mail, external id or name>' };
export const MAX_LIMIT = 500;

/**
 * The query string of a list: pagination, sort, the rows behind a number
 * (scope, time range, filters) and the output format. One schema per
 * entity, used by the HTTP route (and so the OpenAPI document) and by
 * `hadaf export`, parsed again by the service whoever calls it. No
 * transforms: parsing twice gives the same result.
 */
export function listQuerySchema(def: EntityDef): ZodObject {
  const sorts = def.sorts.flatMap((c) => [c, `${c}:asc`, `${c}:desc`]) as [string, ...string[]];
  const shape: Record<string, ZodType> = {
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_LIMIT)
      .optional()
      .describe(`Rows per page, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT}).`),
    cursor: z.string().max(2000).optional().describe('`nextCursor` of the previous page.'),
    sort: z
      .enum(sorts)
      .optional()
      .describe(
        `column or column:asc|desc (default ${def.defaultSort.column}:${def.defaultSort.direction}); empty values last.`,
      ),
    format: z.enum(['json', 'csv']).optional().describe('csv: every matching row as a CSV download.'),
    scope: z
      .string()
      .max(200)
      .optional()
      .describe(
        `${def.scopes.map((s) => SCOPE_FORMS[s]).join(', ')} (default org), as the metric API reads it.`,
      ),
  };
  if (def.dates.length > 0 || def.days) {
    const on = def.days ? 'the days rows cover' : 'dateField';
    shape.from = z.iso.date().optional().describe(`First day (org time zone) of ${on}, inclusive.`);
    shape.to = z.iso.date().optional().describe(`Last day (org time zone) of ${on}, inclusive.`);
    shape.period = z
      .string()
      .max(40)
      .optional()
      .describe('Instead of from/to: 2027, 2027-Q2, 2027-05, 2027-W14, 2027-05-03, FY2027, FY2027-Q1, a..b.');
  }
  if (def.dates.length > 0) {
    shape.dateField = z
      .enum(def.dates as [string, ...string[]])
      .optional()
      .describe(`The date from/to/period apply to (default ${def.dates[0]}).`);
  }
  if (def.search) shape.q = z.string().max(200).optional().describe('Case-insensitive text in the name.');
  for (const [name, filter] of Object.entries(def.filters)) shape[name] = filter.schema.optional();
  return closedObject(shape, `parameter for ${def.name}`);
}

/** A list request read and checked: what the store runs. */
export interface PreparedList {
  def: EntityDef;
  query: FactQuery;
  sort: FactSort;
  limit: number;
  after: FactKeyset | null;
  format: 'json' | 'csv';
}

type RawQuery = Record<string, string | number | undefined>;

/** Zod issues as the one clear error the API and CLI show: what is wrong, and where. */
export function parseOrThrow<T>(schema: ZodType<T>, value: unknown, where: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  throw invalid(`Invalid ${where}${field ? ` "${field}"` : ''}: ${issue?.message ?? 'bad value'}.`, field);
}

export async function prepareList(ctx: Ctx, def: EntityDef, raw: unknown): Promise<PreparedList> {
  const q = parseOrThrow(listQuerySchema(def), withoutEmpty(raw), 'query parameter') as RawQuery;
  const text = (key: string) => (q[key] === undefined ? undefined : String(q[key]));
  const reach = reachOf(ctx.actor, def);
  const scope = text('scope')
    ? await resolveFactScope(ctx, def, text('scope') as string)
    : { type: 'org' as const };

  const query: FactQuery = { scope, reach };
  const days = dayRange(ctx, text('period'), text('from'), text('to'));
  const dateField = text('dateField') ?? def.dates[0];
  if (days && def.days) query.days = days;
  else if (days && dateField) {
    query.range = {
      column: dateField,
      ...(days.from ? { fromMs: startOfDayMs(days.from, ctx.org.timeZone) } : {}),
      ...(days.to ? { toMs: periodBounds({ start: days.to, end: days.to }, ctx.org.timeZone).endMs } : {}),
    };
  }
  const equals: Record<string, string | number> = {};
  for (const [name, filter] of Object.entries(def.filters)) {
    const value = q[name];
    if (value === undefined) continue;
    equals[filter.column] = filter.toValue ? filter.toValue(value) : value;
  }
  if (Object.keys(equals).length > 0) query.equals = equals;
  const search = text('q')?.trim();
  if (search) query.search = search;

  const sort = sortOf(def, text('sort'), text('dateField'));
  const cursor = text('cursor');
  return {
    def,
    query,
    sort,
    limit: Number(q.limit ?? DEFAULT_LIMIT),
    after: cursor ? decodeCursor(cursor, sort) : null,
    format: (text('format') ?? 'json') as 'json' | 'csv',
  };
}

/** `?channel=` means no channel filter, as in the metric API: an empty parameter is no parameter. */
export function withoutEmpty(raw: unknown): Record<string, unknown> {
  if (!raw || typeof raw !== 'object') return {};
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== '' && v !== undefined));
}

/** from/to or period as inclusive local days; undefined when none is given. */
function dayRange(
  ctx: Ctx,
  period?: string,
  from?: string,
  to?: string,
): { from?: string; to?: string } | undefined {
  if (period !== undefined) {
    if (from !== undefined || to !== undefined) {
      throw invalid('Give either period or from/to, not both.', 'period');
    }
    const p = parsePeriod(period, ctx.org);
    return { from: p.start, to: p.end };
  }
  if (from !== undefined && to !== undefined && to < from) {
    throw invalid(`to (${to}) is before from (${from}): write the earlier day in from.`, 'to');
  }
  if (from === undefined && to === undefined) return undefined;
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

/** An explicit sort; else the chosen date column, newest first (drill-downs list the latest rows first); else the entity's. */
function sortOf(def: EntityDef, sort?: string, dateField?: string): FactSort {
  if (sort) {
    const [column, direction = 'asc'] = sort.split(':') as [string, 'asc' | 'desc' | undefined];
    return { column, direction };
  }
  if (dateField && def.sorts.includes(dateField)) return { column: dateField, direction: 'desc' };
  return def.defaultSort;
}

const sortKey = (sort: FactSort) => `${sort.column}:${sort.direction}`;

/** Opaque to clients: where a page ended, tied to its sort order. */
export function encodeCursor(sort: FactSort, keyset: FactKeyset): string {
  return Buffer.from(JSON.stringify([sortKey(sort), keyset.value, keyset.id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: FactSort): FactKeyset {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === 3 &&
    typeof parsed[0] === 'string' &&
    (parsed[1] === null || typeof parsed[1] === 'string' || typeof parsed[1] === 'number') &&
    Number.isSafeInteger(parsed[2]);
  if (!ok) throw invalid('This cursor is not one the API gave out: pass nextCursor unchanged.', 'cursor');
  const [key, value, id] = parsed as [string, string | number | null, number];
  if (key !== sortKey(sort)) {
    throw invalid(
      `This cursor belongs to sort ${key}, not ${sortKey(sort)}: start again without cursor.`,
      'cursor',
    );
  }
  return { value, id };
}

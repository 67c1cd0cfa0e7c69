import { z } from 'zod';
import { invalid } from '../../../core/errors.ts';
import type { Org } from '../../../core/org.ts';
import type { Ctx } from '../../context.ts';
import { type CsvColumn, type CsvValue, formatMoney, instantFormatter } from '../../export/csv.ts';
import type { FilterSpec, Input } from '../entity.ts';

/** CSV columns read straight from a row, money and instants formatted for the org. */
export function csvColumns<R>(org: Org) {
  const instant = instantFormatter(org.timeZone);
  return {
    plain: (header: string, get: (row: R) => CsvValue): CsvColumn<R> => ({ header, value: get }),
    instant: (header: string, get: (row: R) => number | null): CsvColumn<R> => ({
      header,
      value: (row) => instant(get(row)),
    }),
    money: (header: string, get: (row: R) => number, currency: (row: R) => string): CsvColumn<R> => ({
      header,
      value: (row) => formatMoney(get(row), currency(row)),
    }),
  };
}

export const textFilter = (column: string): FilterSpec => ({
  column,
  schema: z.string().trim().min(1).max(200),
});
export const choiceFilter = (column: string, choices: readonly [string, ...string[]]): FilterSpec => ({
  column,
  schema: z.enum(choices),
});
export const idFilter = (column: string): FilterSpec => ({
  column,
  schema: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER),
});

/** Money rows are kept in the org's reporting currency: metrics add amounts up without converting. */
export function checkCurrency(input: Input, org: Org) {
  if (input.currency !== org.currency) {
    throw invalid(
      `Amounts are kept in the org's currency ${org.currency}; convert ${String(input.currency)} amounts before sending them.`,
      'currency',
    );
  }
}

/** `later` may not come before `earlier` (both epoch ms or null). */
export function checkOrder(input: Input, earlier: string, later: string, what: string) {
  const [a, b] = [input[earlier], input[later]];
  if (typeof a === 'number' && typeof b === 'number' && b < a) {
    throw invalid(`${later} is before ${earlier}: ${what}.`, later);
  }
}

export const orgCurrency = (ctx: Ctx) => ctx.org.currency;

/** Reads a field of a merged body with the type its schema gave it. */
export const field = {
  num: (input: Input, key: string) => input[key] as number,
  numOrNull: (input: Input, key: string) => (input[key] ?? null) as number | null,
  text: (input: Input, key: string) => input[key] as string,
  textOrNull: (input: Input, key: string) => (input[key] ?? null) as string | null,
};

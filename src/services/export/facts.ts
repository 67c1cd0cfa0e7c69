import { invalid } from '../../core/errors.ts';
import { dayOf } from '../../core/periods/index.ts';
import type { Ctx } from '../context.ts';
import { entityDef } from '../facts/entities/index.ts';
import type { ApiEntity } from '../facts/entity.ts';
import { eachFactRow } from '../facts/list.ts';
import { prepareList } from '../facts/list-query.ts';
import { csvChunks } from './csv.ts';

export interface FactExport {
  /** e.g. deals-acme-2027-03-05.csv */
  filename: string;
  /** The CSV text, produced as it is read: header first, then every matching row. */
  chunks: AsyncIterable<string>;
  /** Rows written so far; final once `chunks` is drained. */
  readonly rows: number;
}

/**
 * Every row of a list as CSV: the same query parameters as the list (scope,
 * period, filters, sort) without pagination. Money is a decimal in its
 * currency's digits, instants are ISO 8601 in the org's time zone, and
 * headers are the column names `hadaf import` reads.
 */
export async function exportFacts({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { entity: ApiEntity | string; query: unknown };
}): Promise<FactExport> {
  const def = entityDef(input.entity);
  const { limit: _limit, format: _format, ...query } = (input.query ?? {}) as Record<string, unknown>;
  if (query.cursor !== undefined) throw invalid('An export has every matching row: drop cursor.', 'cursor');
  const prepared = await prepareList(ctx, def, query);
  let rows = 0;
  async function* counted() {
    for await (const row of eachFactRow(ctx, prepared)) {
      rows++;
      yield row;
    }
  }
  return {
    filename: `${def.name}-${ctx.org.slug}-${dayOf(ctx.now, ctx.org.timeZone)}.csv`,
    chunks: csvChunks(counted(), def.csv(ctx.org) as never, { bom: true }),
    get rows() {
      return rows;
    },
  };
}

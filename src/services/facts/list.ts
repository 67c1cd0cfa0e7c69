import { countFactRows, type FactRows, listFactRows } from '../../store/fact-queries.ts';
import type { Ctx } from '../context.ts';
import { entityDef } from './entities/index.ts';
import type { ApiEntity } from './entity.ts';
import { encodeCursor, type PreparedList, prepareList } from './list-query.ts';

export interface FactList {
  items: Record<string, unknown>[];
  /** Every row matching the filters (and visible to the caller), across all pages. */
  total: number;
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface ListInput {
  entity: ApiEntity | string;
  /** The query string as parameters (see `listQuerySchema`). */
  query: unknown;
}

/** One page of an entity's rows that the actor may see, filtered like the metric behind a number. */
export async function listFacts({ ctx, input }: { ctx: Ctx; input: ListInput }): Promise<FactList> {
  const prepared = await prepareList(ctx, entityDef(input.entity), input.query);
  const { def, query, sort, limit, after } = prepared;
  const page = await listFactRows(ctx.db, ctx.org.id, def.table, query, sort, { limit, after });
  const total = await countFactRows(ctx.db, ctx.org.id, def.table, query);
  return {
    items: page.rows.map((row) => def.toItem(row as never)),
    total,
    nextCursor: page.next ? encodeCursor(sort, page.next) : null,
  };
}

const BATCH = 1000;

/**
 * Every row of a prepared list, page by page in its sort order, never more
 * than one page in memory: exports stream this. Rows changed while it runs
 * may or may not appear; none appears twice.
 */
export async function* eachFactRow(
  ctx: Ctx,
  prepared: PreparedList,
): AsyncGenerator<FactRows[keyof FactRows]> {
  const { def, query, sort } = prepared;
  let after = prepared.after;
  do {
    const page = await listFactRows(ctx.db, ctx.org.id, def.table, query, sort, { limit: BATCH, after });
    yield* page.rows;
    after = page.next;
  } while (after);
}

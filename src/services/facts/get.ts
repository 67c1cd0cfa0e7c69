import { notFound } from '../../core/errors.ts';
import { findFactRow } from '../../store/fact-queries.ts';
import type { Ctx } from '../context.ts';
import { entityDef } from './entities/index.ts';
import type { ApiEntity } from './entity.ts';
import { reachOf } from './visibility.ts';

/** One row by id. A row of another org, or one the actor may not see, is "not found" alike: ids leak nothing. */
export async function getFact({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { entity: ApiEntity | string; id: number };
}) {
  const def = entityDef(input.entity);
  const row = await findFactRow(ctx.db, ctx.org.id, def.table, input.id, reachOf(ctx.actor, def));
  if (!row) throw notFound(`There is no ${def.noun} ${input.id}.`);
  return def.toItem(row as never);
}

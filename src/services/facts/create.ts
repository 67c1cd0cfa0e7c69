import { inTransaction } from '../../store/db.ts';
import { insertFactRow, type WritableFact } from '../../store/fact-queries.ts';
import type { Ctx } from '../context.ts';
import type { ApiEntity } from './entity.ts';
import { parseOrThrow } from './list-query.ts';
import { assertCanWrite } from './visibility.ts';
import {
  assertExternalIdFree,
  columnsOf,
  defined,
  itemOf,
  loadRefs,
  peopleOf,
  recordChange,
  refreshTouched,
  rowState,
  uniqueOr409,
  writableDef,
} from './write.ts';

/** Creates a fact row from a JSON body; returns it as GET would. */
export async function createFact({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { entity: ApiEntity | string; body: unknown };
}) {
  const { def, spec } = writableDef(input.entity);
  const body = parseOrThrow(spec.create, input.body ?? {}, 'field') as Record<string, unknown>;
  const values = { ...spec.defaults(ctx, body), ...defined(body) };
  spec.check(values, ctx.org);
  const refs = await loadRefs(ctx, spec, values);
  assertCanWrite(ctx.actor, def, await peopleOf(ctx, spec, values, refs));
  return inTransaction(ctx.db, async (tx) => {
    const columns = await columnsOf(tx, ctx, spec, values);
    await assertExternalIdFree(tx, ctx, def.table, columns.external_id);
    const id = await uniqueOr409(() => insertFactRow(tx, ctx.org.id, def.table as never, columns as never));
    const item = await itemOf(tx, ctx, def, id);
    await recordChange(tx, ctx, def, id, 'create', undefined, item);
    const after = await rowState(tx, ctx, def.table as WritableFact, id);
    await refreshTouched(
      tx,
      ctx,
      def.table,
      spec,
      [...spec.instants(columns), ...((await spec.moreInstants?.(tx, ctx.org.id, id)) ?? [])],
      { after },
    );
    return item;
  });
}

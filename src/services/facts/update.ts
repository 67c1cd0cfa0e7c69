import { notFound } from '../../core/errors.ts';
import { inTransaction } from '../../store/db.ts';
import { findFactRow, updateFactRow, type WritableFact } from '../../store/fact-queries.ts';
import type { Ctx } from '../context.ts';
import type { ApiEntity } from './entity.ts';
import { parseOrThrow } from './list-query.ts';
import { assertCanWrite, reachOf } from './visibility.ts';
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

/**
 * Changes some fields of a fact row (null clears a nullable one). The
 * result is checked as a whole, so a patch cannot leave a won deal without
 * a close date; the actor must be allowed the row both before and after.
 */
export async function updateFact({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { entity: ApiEntity | string; id: number; body: unknown };
}) {
  const { def, spec } = writableDef(input.entity);
  const row = await findFactRow(ctx.db, ctx.org.id, def.table, input.id, reachOf(ctx.actor, def));
  if (!row) throw notFound(`There is no ${def.noun} ${input.id}.`);
  const stored = spec.fromRow(row as never);
  assertCanWrite(
    ctx.actor,
    def,
    await peopleOf(ctx, spec, stored, await loadRefs(ctx, spec, stored, stored)),
  );

  const patch = parseOrThrow(spec.patch, input.body ?? {}, 'field') as Record<string, unknown>;
  const values = { ...stored, ...defined(patch) };
  spec.check(values, ctx.org);
  const refs = await loadRefs(ctx, spec, values, stored);
  assertCanWrite(ctx.actor, def, await peopleOf(ctx, spec, values, refs));

  return inTransaction(ctx.db, async (tx) => {
    const before = def.toItem(row as never);
    const columns = await columnsOf(tx, ctx, spec, values);
    await assertExternalIdFree(tx, ctx, def.table, columns.external_id, input.id);
    const stateBefore = await rowState(tx, ctx, def.table as WritableFact, input.id);
    await uniqueOr409(() => updateFactRow(tx, ctx.org.id, def.table as never, input.id, columns as never));
    const item = await itemOf(tx, ctx, def, input.id);
    await recordChange(tx, ctx, def, input.id, 'update', before, item);
    const stateAfter = await rowState(tx, ctx, def.table as WritableFact, input.id);
    await refreshTouched(
      tx,
      ctx,
      def.table,
      spec,
      [
        ...spec.instants(row as Record<string, unknown>),
        ...(stateBefore.deal ? spec.instants(stateBefore.deal) : []),
        ...spec.instants(columns),
        ...((await spec.moreInstants?.(tx, ctx.org.id, input.id)) ?? []),
      ],
      { before: stateBefore, after: stateAfter },
    );
    return item;
  });
}

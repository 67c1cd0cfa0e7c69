import { notFound } from '../../core/errors.ts';
import { inTransaction } from '../../store/db.ts';
import { deleteFactRow, findFactRow, type WritableFact } from '../../store/fact-queries.ts';
import type { Ctx } from '../context.ts';
import type { ApiEntity } from './entity.ts';
import { assertCanWrite, reachOf } from './visibility.ts';
import { loadRefs, peopleOf, recordChange, refreshTouched, rowState, writableDef } from './write.ts';

/**
 * Deletes a fact row. What pointed at it is unlinked (an activity's deal),
 * except an account's subscriptions, which go with it; the rollups of their
 * days are refreshed too.
 */
export async function deleteFact({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { entity: ApiEntity | string; id: number };
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
  await inTransaction(ctx.db, async (tx) => {
    const more = (await spec.moreInstants?.(tx, ctx.org.id, input.id)) ?? [];
    const before = await rowState(tx, ctx, def.table as WritableFact, input.id);
    await deleteFactRow(tx, ctx.org.id, def.table as never, input.id);
    await recordChange(tx, ctx, def, input.id, 'delete', def.toItem(row as never));
    await refreshTouched(
      tx,
      ctx,
      def.table,
      spec,
      [...spec.instants(row as Record<string, unknown>), ...more],
      { before },
    );
  });
}

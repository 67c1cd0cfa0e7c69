import { sql } from 'kysely';
import type { Db } from '../../src/store/db.ts';
import { hasDims, ROLLUP_SOURCES, rollupTable } from '../../src/store/metric-sources.ts';
import { OPEN_STAGES_TABLE, STAGE_OUTCOMES_TABLE } from '../../src/store/stage-rollup.ts';

/** Every rollup row of an org (daily, monthly and the deal stage tables), in key order. */
export async function rollupRows(db: Db, orgId: number) {
  const out: Record<string, unknown[]> = {};
  for (const source of ROLLUP_SOURCES) {
    for (const keyed of hasDims(source) ? (['owner', 'dim'] as const) : (['owner'] as const)) {
      for (const grain of ['day', 'month'] as const) {
        const table = rollupTable(source, keyed, grain);
        const keys = keyed === 'owner' ? 'local_day, owner_id, team_id' : 'dim, value, local_day, team_id';
        const { rows } = await sql`select * from ${sql.table(table)} where org_id = ${orgId}
          order by ${sql.raw(keys)}`.execute(db);
        out[table] = rows;
      }
    }
  }
  for (const table of [STAGE_OUTCOMES_TABLE, OPEN_STAGES_TABLE]) {
    const { rows } = await sql`select * from ${sql.table(table)} where org_id = ${orgId}
      order by local_day, stage`.execute(db);
    out[table] = rows;
  }
  return out;
}

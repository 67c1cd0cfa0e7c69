import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { HadafError } from '../core/errors.ts';
import type { Db } from './db.ts';
import * as initial from './migrations/0001-initial.ts';
import * as rollups from './migrations/0002-rollups.ts';
import * as accounts from './migrations/0003-accounts.ts';
import * as tracking from './migrations/0005-tracking.ts';
import * as acknowledgements from './migrations/0006-acknowledgements.ts';
import * as dataVersion from './migrations/0008-data-version.ts';
import * as rollupMonthIndex from './migrations/0009-rollup-month-index.ts';
import * as stageOutcomes from './migrations/0010-stage-outcomes.ts';
import * as openStages from './migrations/0011-open-stages.ts';
import * as referenceIndexes from './migrations/0012-reference-indexes.ts';

/** Migrations live in code (not read from disk) so they run the same under tsx, tests and builds. */
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-rollups': rollups,
  '0003-accounts': accounts,
  '0005-tracking': tracking,
  '0006-acknowledgements': acknowledgements,
  '0008-data-version': dataVersion,
  '0009-rollup-month-index': rollupMonthIndex,
  '0010-stage-outcomes': stageOutcomes,
  '0011-open-stages': openStages,
  '0012-reference-indexes': referenceIndexes,
};

class CodeMigrationProvider implements MigrationProvider {
  async getMigrations() {
    return migrations;
  }
}

function migrator(db: Db) {
  return new Migrator({ db: db as unknown as Kysely<unknown>, provider: new CodeMigrationProvider() });
}

/** Applies every pending migration; returns the name of the latest applied one. */
export async function migrateToLatest(db: Db): Promise<string> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new HadafError(
      'unavailable',
      `Migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return latestMigration();
}

export function latestMigration(): string {
  return Object.keys(migrations).sort().at(-1) ?? 'none';
}

/** The last migration applied to this database, or null for an empty database. */
export async function appliedMigration(db: Db): Promise<string | null> {
  const all = await migrator(db).getMigrations();
  return all.filter((m) => m.executedAt).at(-1)?.name ?? null;
}

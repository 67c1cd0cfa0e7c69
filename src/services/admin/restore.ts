import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HadafError, invalid } from '../../core/errors.ts';
import { openStore } from '../../store/db.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { countOrgs } from '../../store/org-queries.ts';
import { pgRestoreInstead } from './postgres-tools.ts';
import { executedMigrations, tablesWithRows } from './schema.ts';
import { allPages, fileKind, isPostgresUrl, openHadafFile, sameFile } from './sqlite-files.ts';

export interface RestoreInput {
  /** A backup made by `hadaf backup` (or any Hadaf SQLite database file). */
  file: string;
  /** The SQLite database to restore into (a postgres:// URL gets the pg_restore commands). */
  location: string;
  /** Replace a database that already holds data. */
  force?: boolean;
}

export interface RestoreResult {
  file: string;
  target: string;
  /** The last migration in the backup, and the one the restored database is at now. */
  backupMigration: string | null;
  migration: string;
  orgs: number;
}

/**
 * Writes a backup into a SQLite database with SQLite's backup API (one write
 * transaction: the target is either untouched or fully replaced, and a server
 * that has it open sees the new content), then migrates it to this version.
 */
export async function restoreDatabase({
  file,
  location,
  force = false,
}: RestoreInput): Promise<RestoreResult> {
  if (isPostgresUrl(location)) throw pgRestoreInstead(location, file);
  if (location === ':memory:')
    throw invalid('Cannot restore into an in-memory database: give a file path.', 'db');
  const source = resolve(file);
  const target = resolve(location);
  if (sameFile(source, target)) {
    throw invalid(`The backup "${file}" and the database "${location}" are the same file.`, 'db');
  }

  const backup = openHadafFile(source, 'backup file', { readonly: true });
  try {
    await refuseToOverwrite(target, location, force);
    mkdirSync(dirname(target), { recursive: true });
    await backup.connection.backup(target, { progress: allPages });
  } finally {
    backup.connection.close();
  }

  const restored = await openStore(target);
  try {
    if ((await executedMigrations(restored.db)).join() !== backup.migrations.join()) {
      throw new HadafError('unavailable', `The restore into "${location}" did not complete: try again.`);
    }
    const migration = await migrateToLatest(restored.db);
    return {
      file: source,
      target,
      backupMigration: backup.migrations.at(-1) ?? null,
      migration,
      orgs: await countOrgs(restored.db),
    };
  } finally {
    await restored.close();
  }
}

/** An existing database is replaced only when it is empty or `force` is given; a folder or a file that is not SQLite never is (openStore refuses both). */
async function refuseToOverwrite(target: string, location: string, force: boolean) {
  if (fileKind(target) === 'none') return;
  const existing = await openStore(target);
  try {
    const filled = await tablesWithRows(existing.db, existing.dialect);
    if (filled.length > 0 && !force) {
      throw new HadafError(
        'conflict',
        `The database "${location}" already holds data (tables ${filled.join(', ')}): pass --force to replace it with the backup.`,
        'db',
      );
    }
  } finally {
    await existing.close();
  }
}

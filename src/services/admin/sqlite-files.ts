import { statSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { HadafError, invalid } from '../../core/errors.ts';
import { latestMigration } from '../../store/migrate.ts';

/**
 * Backup and restore work on SQLite files with better-sqlite3's own handle,
 * next to (never through) the Kysely store: the online backup API lives on the
 * driver connection, and a second connection is how it copies a database that
 * a running server keeps writing to.
 */

/** The whole database in one backup step: a step that sees the source change restarts, so small steps could chase a busy server forever. */
export const allPages = () => 0x7fffffff;

const busyTimeoutMs = 10_000;

export const isPostgresUrl = (location: string) => /^postgres(ql)?:/i.test(location);

/** Whether a file (or folder) exists at `path`. */
export function fileKind(path: string): 'file' | 'folder' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'none';
  }
}

export interface HadafFile {
  connection: SQLite.Database;
  /** The migrations applied to it, in order. */
  migrations: string[];
}

/**
 * Opens an existing file that must be a Hadaf SQLite database: a SQLite file
 * with Kysely's migration table and an org table. `what` names the file in errors.
 */
export function openHadafFile(path: string, what: string, { readonly = false } = {}): HadafFile {
  const kind = fileKind(path);
  if (kind === 'none') throw new HadafError('not_found', `No ${what} at "${path}".`);
  if (kind === 'folder') throw invalid(`The ${what} "${path}" is a folder, not a SQLite file.`);
  const connection = new SQLite(path, { readonly, fileMustExist: true });
  try {
    connection.pragma(`busy_timeout = ${busyTimeoutMs}`);
    let tables: string[];
    try {
      tables = connection
        .prepare("select name from sqlite_master where type = 'table'")
        .pluck()
        .all() as string[];
    } catch (error) {
      throw invalid(`The ${what} "${path}" is not a SQLite database (${(error as Error).message}).`);
    }
    const missing = ['kysely_migration', 'org'].filter((t) => !tables.includes(t));
    if (missing.length > 0) {
      throw invalid(
        `The ${what} "${path}" is a SQLite database but not a Hadaf one: it has no ${missing.join(' or ')} table.`,
      );
    }
    const migrations = connection
      .prepare('select name from kysely_migration order by name')
      .pluck()
      .all() as string[];
    const newest = migrations.at(-1);
    if (newest && newest > latestMigration()) {
      throw invalid(
        `The ${what} "${path}" was written by a newer Hadaf (migration ${newest}; this one knows up to ${latestMigration()}): upgrade Hadaf first.`,
      );
    }
    return { connection, migrations };
  } catch (error) {
    connection.close();
    throw error;
  }
}

/** Whether two paths name the same file (also through links); false when either does not exist yet but the paths differ. */
export function sameFile(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    const [sa, sb] = [statSync(a), statSync(b)];
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}

import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { HadafError, invalid } from '../../core/errors.ts';
import { pgDumpInstead } from './postgres-tools.ts';
import { allPages, fileKind, isPostgresUrl, openHadafFile, sameFile } from './sqlite-files.ts';

export interface BackupInput {
  /** The database to back up: a SQLite file path (a postgres:// URL gets the pg_dump command). */
  location: string;
  /** Where the backup goes; an existing file there is replaced once the new backup is complete. */
  file: string;
}

export interface BackupResult {
  source: string;
  file: string;
  bytes: number;
  /** The last migration applied to the backed-up database. */
  migration: string | null;
}

/**
 * Copies a SQLite database to `file` with SQLite's online backup API: safe
 * while the server runs and writes, and the copy is one consistent snapshot.
 * The copy is checked and sealed as a single self-contained file (rollback
 * journal, no -wal) before it takes its final name, so `file` is never half written.
 */
export async function backupDatabase({ location, file }: BackupInput): Promise<BackupResult> {
  if (isPostgresUrl(location)) throw pgDumpInstead(location, file);
  if (location === ':memory:') throw invalid('An in-memory database cannot be backed up.', 'db');
  const source = resolve(location);
  const target = resolve(file);
  if (sameFile(source, target) || target === `${source}-wal` || target === `${source}-shm`) {
    throw invalid(`The backup file "${file}" is the database itself: choose another path.`, 'file');
  }
  if (fileKind(target) === 'folder') throw invalid(`"${file}" is a folder: give a file path.`, 'file');

  const { connection, migrations } = openHadafFile(source, 'database');
  const partial = `${target}.partial-${process.pid}`;
  const discardPartial = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(partial + suffix, { force: true });
  };
  try {
    mkdirSync(dirname(target), { recursive: true });
    await connection.backup(partial, { progress: allPages });
  } catch (error) {
    discardPartial();
    throw new HadafError('unavailable', `Could not write the backup "${file}": ${(error as Error).message}`);
  } finally {
    connection.close();
  }

  try {
    if (fileKind(partial) !== 'file') throw incomplete(file);
    const copy = openHadafFile(partial, 'backup copy');
    try {
      if (copy.migrations.join() !== migrations.join()) {
        throw incomplete(file);
      }
      copy.connection.pragma('journal_mode = DELETE');
    } finally {
      copy.connection.close();
    }
    renameSync(partial, target);
  } catch (error) {
    discardPartial();
    throw error;
  }
  return { source, file: target, bytes: statSync(target).size, migration: migrations.at(-1) ?? null };
}

const incomplete = (file: string) =>
  new HadafError(
    'unavailable',
    `The backup "${file}" came out incomplete, so it was not written: try again.`,
  );

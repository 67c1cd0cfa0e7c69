import { type Command, Option } from 'commander';
import { HadafError } from '../core/errors.ts';
import { defaultDbLocation, openStore, type Store } from '../store/db.ts';
import { migrateToLatest } from '../store/migrate.ts';

/** `--db`, defaulting to HADAF_DB, then ./data/hadaf.db. */
export const dbOption = () =>
  new Option('--db <location>', 'SQLite file path or postgres:// URL (env HADAF_DB)').default(
    process.env.HADAF_DB || defaultDbLocation,
  );

/** Opens and migrates the store, runs `work`, and always closes the store. */
export async function withStore<T>(location: string, work: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(location);
  try {
    await migrateToLatest(store.db);
    return await work(store);
  } finally {
    await store.close();
  }
}

/** Expected errors print one clear line; anything else is a bug and prints its stack. */
export function reportError(error: unknown): number {
  if (error instanceof HadafError) {
    const where = error.field ? ` (${error.field})` : '';
    process.stderr.write(`hadaf: ${error.message}${where}\n`);
    return error.code === 'invalid_input' ? 2 : 1;
  }
  process.stderr.write(`hadaf: unexpected error\n${(error as Error)?.stack ?? String(error)}\n`);
  return 1;
}

export type CommandModule = (program: Command) => void;

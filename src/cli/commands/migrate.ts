import type { Command } from 'commander';
import { appliedMigration } from '../../store/migrate.ts';
import { dbOption, withStore } from '../shared.ts';

export function migrateCommand(program: Command) {
  program
    .command('migrate')
    .description('apply pending database migrations')
    .addOption(dbOption())
    .action(async (options: { db: string }) => {
      await withStore(options.db, async (store) => {
        process.stdout.write(
          `${store.dialect} ${store.location}: at migration ${await appliedMigration(store.db)}\n`,
        );
      });
    });
}

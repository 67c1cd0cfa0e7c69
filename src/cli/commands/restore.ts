import type { Command } from 'commander';
import { restoreDatabase } from '../../services/admin/restore.ts';
import { dbOption } from '../shared.ts';

export function restoreCommand(program: Command) {
  program
    .command('restore')
    .description(
      'write a backup into the SQLite database and migrate it (for PostgreSQL: prints the pg_restore commands)',
    )
    .argument('<file>', 'a backup made by `hadaf backup`')
    .addOption(dbOption())
    .option('--force', 'replace a database that already holds data', false)
    .action(async (file: string, options: { db: string; force: boolean }) => {
      const result = await restoreDatabase({ file, location: options.db, force: options.force });
      const migrated =
        result.backupMigration === result.migration
          ? `at migration ${result.migration}`
          : `migrated from ${result.backupMigration ?? 'none'} to ${result.migration}`;
      process.stdout.write(
        `Restored ${result.file} into ${result.target}: ${result.orgs} org(s), ${migrated}.\n`,
      );
    });
}

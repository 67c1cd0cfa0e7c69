import type { Command } from 'commander';
import { backupDatabase } from '../../services/admin/backup.ts';
import { dbOption } from '../shared.ts';

export function backupCommand(program: Command) {
  program
    .command('backup')
    .description(
      'copy the SQLite database to <file>, safe while the server runs (for PostgreSQL: prints the pg_dump command)',
    )
    .argument('<file>', 'where to write the backup; an existing file is replaced once the backup is complete')
    .addOption(dbOption())
    .action(async (file: string, options: { db: string }) => {
      const result = await backupDatabase({ location: options.db, file });
      process.stdout.write(
        `Backed up ${result.source} to ${result.file} (${megabytes(result.bytes)}, migration ${result.migration ?? 'none'}).\n`,
      );
    });
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

import type { Command } from 'commander';
import { type CopyProgress, copyDatabase } from '../../services/admin/copy.ts';

export function copyCommand(program: Command) {
  program
    .command('copy')
    .description(
      'copy every table of one database into an empty one, e.g. SQLite to PostgreSQL (all or nothing)',
    )
    .requiredOption('--from <location>', 'source: SQLite file path or postgres:// URL')
    .requiredOption('--to <location>', 'target: postgres:// URL or SQLite file path; must hold no data')
    .action(async (options: { from: string; to: string }) => {
      const started = performance.now();
      const result = await copyDatabase({
        from: options.from,
        to: options.to,
        onProgress: progressPrinter(),
        onRebuild: () => process.stderr.write('  rebuilding indexes and foreign keys...\n'),
      });
      const rows = result.tables.reduce((sum, t) => sum + t.rows, 0);
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(
        `  took ${seconds.toFixed(1)} s, ${Math.round(rows / seconds).toLocaleString('en')} rows/s (index rebuild included)\n`,
      );
      process.stdout.write(
        `Copied ${rows.toLocaleString('en')} rows in ${result.tables.length} tables from ${result.from} to ${result.to} (migration ${result.migration}).\n`,
      );
    });
}

/** One line per table that has rows, on stderr; on a terminal the line counts up while the table copies. */
function progressPrinter() {
  const live = process.stderr.isTTY;
  return ({ table, copied, total }: CopyProgress) => {
    if (total === 0) return;
    const line = `  ${table}: ${copied.toLocaleString('en')} / ${total.toLocaleString('en')} rows`;
    if (copied >= total) process.stderr.write(live ? `\r${line}\n` : `${line}\n`);
    else if (live) process.stderr.write(`\r${line}`);
  };
}

import type { Command } from 'commander';
import { mailerFromEnv } from '../../services/outbox/mailer.ts';
import { tick } from '../../services/tracking/tick.ts';
import { dbOption, withStore } from '../shared.ts';

/**
 * `hadaf tick`: one scheduler run (snapshots, alerts, reminders, delivery),
 * for cron when `hadaf serve` is not running. Safe to run every minute, and
 * beside a running server: it sends nothing twice.
 */
export function tickCommand(program: Command) {
  program
    .command('tick')
    .description('take snapshots, send alerts and reminders, deliver e-mail and webhooks (for cron)')
    .addOption(dbOption())
    .option('--json', 'print the run report as JSON')
    .action(async (options: { db: string; json?: boolean }) => {
      const mailer = mailerFromEnv();
      try {
        await withStore(options.db, async (store) => {
          const report = await tick({ db: store.db, now: Date.now(), ...(mailer ? { mailer } : {}) });
          if (options.json) {
            process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
          } else if (report.skipped) {
            process.stdout.write('Another scheduler is running: nothing done.\n');
          } else {
            const d = report.delivery;
            process.stdout.write(
              `${report.goals} goal(s) in ${report.orgs} org(s): ${report.snapshots} snapshot(s), ` +
                `${report.alerts.events} alert(s), ${report.reminders.events} reminder(s); ` +
                `delivered ${d?.sent ?? 0}, retrying ${d?.retrying ?? 0}, failed ${d?.failed ?? 0}` +
                `${mailer ? '' : ' (e-mail off: set HADAF_SMTP_URL)'}.\n`,
            );
          }
          for (const { orgId, error } of report.errors)
            process.stderr.write(`hadaf: org ${orgId}: ${error}\n`);
          if (report.errors.length > 0) process.exitCode = 1;
        });
      } finally {
        mailer?.close?.();
      }
    });
}

import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { invalid } from '../../core/errors.ts';
import { buildServer } from '../../server/app.ts';
import { mailerFromEnv } from '../../services/outbox/mailer.ts';
import { type Scheduler, startScheduler } from '../../services/tracking/scheduler.ts';
import { openStore, type Store } from '../../store/db.ts';
import { migrateToLatest } from '../../store/migrate.ts';
import { dbOption } from '../shared.ts';

export const webDir = resolve(import.meta.dirname, '../../../dist/web');

export const portOption = () =>
  new Option('--port <port>', 'HTTP port (env PORT)').default(process.env.PORT || '3000');

export function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw invalid(`"${text}" is not a port: use a whole number from 0 to 65535.`, 'port');
  }
  return port;
}

/** Serves the API and the built web app until the process is stopped. */
export async function serve(store: Store, port: number, host = '0.0.0.0') {
  // One mailer for the server's e-mail worker and the scheduler's alerts.
  const mailer = mailerFromEnv();
  const app = await buildServer({ store, webDir, logger: false, mailer });
  let scheduler: Scheduler | undefined;
  const stop = async () => {
    await scheduler?.stop();
    await app.close(); // closes the mailer too
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ port, host });
  // Snapshots, alerts and reminders every minute (the same run as `hadaf tick`).
  scheduler = startScheduler({
    db: store.db,
    ...(mailer ? { mailer } : {}),
    onError: (error) => process.stderr.write(`hadaf: scheduler: ${(error as Error)?.message ?? error}\n`),
  });
  return app;
}

export function serveCommand(program: Command) {
  program
    .command('serve')
    .description('serve the API and the web app')
    .addOption(dbOption())
    .addOption(portOption())
    .action(async (options: { db: string; port: string }) => {
      const port = parsePort(options.port);
      const store = await openStore(options.db);
      await migrateToLatest(store.db);
      await serve(store, port);
      process.stdout.write(`Hadaf is running at http://localhost:${port}\n`);
    });
}

/**
 * Child process of multi-instance.test.ts: one Hadaf server instance as
 * `hadaf serve` runs it (src/cli/commands/serve.ts: the API, the e-mail
 * worker, the scheduler), with a short scheduler interval so that two
 * instances race for the scheduler many times in a few seconds.
 * Reports `{ port }` once listening; stops cleanly on the message 'stop'.
 * argv: <database URL> <tick interval ms>   env: HADAF_SMTP_URL
 */
import { buildServer } from '../../src/server/app.ts';
import { mailerFromEnv } from '../../src/services/outbox/mailer.ts';
import { startScheduler } from '../../src/services/tracking/scheduler.ts';
import { openStore } from '../../src/store/db.ts';

const [location, intervalText] = process.argv.slice(2);
if (!location || !intervalText || !process.send) {
  throw new Error('usage: fork server-instance.ts <database URL> <tick interval ms> with an IPC channel');
}
const send = process.send.bind(process);
const store = await openStore(location);
const mailer = mailerFromEnv();
const app = await buildServer({ store, logger: false, ...(mailer ? { mailer } : {}) });
await app.listen({ port: 0, host: '127.0.0.1' });
const errors: string[] = [];
const scheduler = startScheduler({
  db: store.db,
  ...(mailer ? { mailer } : {}),
  intervalMs: Number(intervalText),
  onTick: (report) => {
    for (const e of report.errors) errors.push(e.error);
  },
  onError: (error) => errors.push(error instanceof Error ? error.message : String(error)),
});
const address = app.server.address();
send({ port: typeof address === 'object' && address ? address.port : 0 });
process.once('message', async () => {
  await scheduler.stop();
  await app.close();
  await store.close();
  send({ stopped: true, errors });
  process.disconnect();
});

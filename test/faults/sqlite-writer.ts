/**
 * Child process of two-sqlite-writers.test.ts: writes into one SQLite file
 * for a while and reports what it committed and every error it saw.
 * argv: <db file> <org id> <writer label> <duration ms>
 */
import { openStore } from '../../src/store/db.ts';

const [file, orgIdText, label, durationText] = process.argv.slice(2);
if (!file || !orgIdText || !label || !durationText || !process.send) {
  throw new Error(
    'usage: fork sqlite-writer.ts <db file> <org id> <label> <duration ms> with an IPC channel',
  );
}
const orgId = Number(orgIdText);
const send = process.send.bind(process);
const store = await openStore(file);

await new Promise<void>((go) => {
  process.once('message', () => go());
  send({ ready: true });
});

const deadline = Date.now() + Number(durationText);
let transactions = 0;
let singles = 0;
const errors: string[] = [];
while (Date.now() < deadline) {
  try {
    // Read, then write what was read: the pattern that fails with SQLITE_BUSY
    // when a deferred transaction must upgrade its read snapshot to a write lock.
    await store.db.transaction().execute(async (trx) => {
      const { n } = await trx
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('actor_label', '=', label)
        .where('entity', '=', 'sequence')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('audit_log')
        .values({
          org_id: orgId,
          actor_label: label,
          at: Date.now(),
          entity: 'sequence',
          entity_id: Number(n) + 1,
          action: 'write',
        })
        .execute();
    });
    transactions += 1;
    await store.db
      .insertInto('audit_log')
      .values({ org_id: orgId, actor_label: label, at: Date.now(), entity: 'single', action: 'write' })
      .execute();
    singles += 1;
  } catch (error) {
    errors.push((error as Error).message);
  }
}
await store.close();
send({ transactions, singles, errors });
process.disconnect();

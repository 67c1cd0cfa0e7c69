/**
 * Child process of delivery.test.ts: a delivery worker that dies right
 * after the SMTP server accepted a message and before it could mark it sent.
 * argv: <database location> <smtp url> <now>
 */
import { deliverOutbox } from '../../../src/services/outbox/deliver.ts';
import { smtpMailer } from '../../../src/services/outbox/mailer.ts';
import { openStore } from '../../../src/store/db.ts';

const [location, smtpUrl, nowText] = process.argv.slice(2);
if (!location || !smtpUrl || !nowText) throw new Error('usage: crashing-worker.ts <db> <smtp url> <now>');
const store = await openStore(location);
const smtp = smtpMailer(smtpUrl);
await deliverOutbox({
  db: store.db,
  now: Number(nowText),
  workerId: 'doomed-worker',
  mailer: {
    async send(message) {
      await smtp.send(message);
      process.exit(17); // the crash: the message is out, the row still says 'sending'
    },
  },
});
throw new Error('the worker should have died while sending');

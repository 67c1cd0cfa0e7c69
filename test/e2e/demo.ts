import { setDemoPasswords } from '../../src/services/accounts/demo-passwords.ts';
import { generateDemo } from '../../src/services/demo/generate.ts';
import { tick } from '../../src/services/tracking/tick.ts';
import type { Store } from '../../src/store/db.ts';

/**
 * The end-to-end clock: 20 May, 09:00 UTC, of next year. Fixed for a run so
 * the server's numbers cannot move between an API call and the screen, and
 * always ahead of the real date, because the server sets its session cookie
 * to expire a week after its own clock and Chromium drops a cookie whose
 * expiry is already past in real time.
 */
export function e2eNow(): number {
  return Date.UTC(new Date().getUTCFullYear() + 1, 4, 20, 9, 0);
}

export interface DemoLogins {
  orgId: number;
  admin: string;
  manager: string;
  rep: string;
  password: string;
}

/**
 * The demo org "Nakhla Software" as `npm start` serves it: facts, goals,
 * rollups, the known demo passwords, and one scheduler run (yesterday's
 * snapshots, alerts, check-in reminders) so the inbox has notifications.
 */
export async function loadDemo(store: Store, now: number): Promise<DemoLogins> {
  const demo = await generateDemo(store, { seed: 1, scale: 1, now });
  const logins = await setDemoPasswords(store.db, demo.org.id, now);
  await tick({ db: store.db, now, deliver: false });
  const email = (role: string) => {
    const login = logins.find((l) => l.role === role);
    if (!login) throw new Error(`The demo has no ${role} login.`);
    return login.email;
  };
  return {
    orgId: demo.org.id,
    admin: email('admin'),
    manager: email('manager'),
    rep: email('rep'),
    password: logins[0]?.password ?? '',
  };
}

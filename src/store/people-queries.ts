import { sql } from 'kysely';
import type { AccountTables } from './account-queries.ts';
import type { Db } from './db.ts';
import type { Instant } from './schema.ts';

/**
 * People of one org whose sign-in is locked now by the e-mail throttle
 * (too many wrong passwords; see services/accounts/login.ts), with when
 * the lock lifts. The throttle is keyed 'email:<address>' across the server.
 */
export async function findLockedUsers(
  db: Db,
  orgId: number,
  now: Instant,
): Promise<Array<{ userId: number; lockedUntil: Instant }>> {
  const rows = await db
    .withTables<Pick<AccountTables, 'login_throttle'>>()
    .selectFrom('app_user')
    .innerJoin('login_throttle', (j) =>
      j.on((eb) => eb(eb.ref('login_throttle.key'), '=', sql<string>`${'email:'} || app_user.email`)),
    )
    .select(['app_user.id as userId', 'login_throttle.locked_until as lockedUntil'])
    .where('app_user.org_id', '=', orgId)
    .where('login_throttle.locked_until', '>', now)
    .execute();
  return rows.map((r) => ({ userId: r.userId, lockedUntil: Number(r.lockedUntil) }));
}

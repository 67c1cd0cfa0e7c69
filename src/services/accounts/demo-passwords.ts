import type { Role } from '../../core/org.ts';
import { listMembers, setPasswordHash } from '../../store/account-queries.ts';
import type { Db } from '../../store/db.ts';
import { findOrg } from '../../store/org-queries.ts';
import { audit } from '../audit.ts';
import { systemActor } from '../context.ts';
import { hashPassword } from './passwords.ts';

/** Printed by `npm start`; for the demo org only, never for real accounts. */
export const demoPassword = 'hadaf-demo-2026';

/**
 * Gives the demo org's first admin, first manager and first rep (by id,
 * still employed, in a team) the known demo password, so a newcomer can try
 * each role. Returns the logins to print.
 */
export async function setDemoPasswords(
  db: Db,
  orgId: number,
  now: number = Date.now(),
): Promise<Array<{ role: Role; email: string; password: string }>> {
  const org = await findOrg(db, orgId);
  if (!org) return [];
  const members = (await listMembers(db, orgId))
    .filter((m) => m.left_at === null || m.left_at > now)
    .sort((a, b) => a.id - b.id);
  const hash = await hashPassword(demoPassword);
  const logins: Array<{ role: Role; email: string; password: string }> = [];
  for (const role of ['admin', 'manager', 'rep'] as const) {
    // a manager or rep with a team shows what those roles see
    const user =
      members.find((m) => m.role === role && (role === 'admin' || m.team_path !== null)) ??
      members.find((m) => m.role === role);
    if (!user) continue;
    await setPasswordHash(db, orgId, user.id, hash, now);
    await audit(
      { db, org, actor: systemActor('demo'), now },
      { entity: 'user', entityId: user.id, action: 'set_demo_password', after: { email: user.email } },
    );
    logins.push({ role, email: user.email, password: demoPassword });
  }
  return logins;
}

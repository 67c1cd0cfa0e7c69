import { HadafError } from '../../core/errors.ts';
import { countPasswords, findMember, setPasswordHash } from '../../store/account-queries.ts';
import { inTransaction } from '../../store/db.ts';
import { createOrg, findOrgBySlug } from '../../store/org-queries.ts';
import { createUser } from '../../store/user-queries.ts';
import { audit } from '../audit.ts';
import type { SignedIn } from './login.ts';
import { assertGoodPassword, hashPassword } from './passwords.ts';
import type { BaseCtx } from './policy.ts';
import { actorOf, startSession } from './sessions.ts';
import { assertCurrency, assertSlug, assertTimeZone, normalEmail, normalName } from './validate.ts';

/** First run: nobody on this server can sign in yet, so the sign-up screen is open. */
export async function setupState(ctx: BaseCtx): Promise<{ needsSetup: boolean }> {
  return { needsSetup: (await countPasswords(ctx.db)) === 0 };
}

export interface SignUpInput {
  orgName: string;
  orgSlug: string;
  currency?: string;
  timeZone?: string;
  name: string;
  email: string;
  password: string;
}

/**
 * Creates an org and its first admin, signed in. Open only while no one on
 * the server has a password; after that, admins invite people and
 * `hadaf user add` creates further orgs.
 */
export async function signUpFirstAdmin({
  ctx,
  input,
}: {
  ctx: BaseCtx;
  input: SignUpInput;
}): Promise<SignedIn> {
  const orgName = normalName(input.orgName, 'orgName');
  const orgSlug = assertSlug(input.orgSlug.trim());
  const currency = assertCurrency(input.currency ?? 'USD');
  const timeZone = assertTimeZone(input.timeZone ?? 'UTC');
  const name = normalName(input.name);
  const email = normalEmail(input.email);
  assertGoodPassword(input.password, { email, name });
  const passwordHash = await hashPassword(input.password);

  return inTransaction(ctx.db, async (tx) => {
    if ((await countPasswords(tx)) > 0) {
      throw new HadafError('forbidden', 'This server is already set up: ask an admin for an invitation.');
    }
    if (await findOrgBySlug(tx, orgSlug)) {
      throw new HadafError('conflict', `The org slug "${orgSlug}" is taken.`, 'orgSlug');
    }
    const org = await createOrg(tx, { name: orgName, slug: orgSlug, currency, timeZone }, ctx.now);
    const row = await createUser(tx, org.id, { name, email, role: 'admin' }, ctx.now);
    await setPasswordHash(tx, org.id, row.id, passwordHash, ctx.now);
    const user = await findMember(tx, org.id, row.id);
    if (!user) throw new Error('the user just created is missing');
    const actorCtx = { ...ctx, db: tx, org, actor: actorOf(user) };
    await audit(actorCtx, {
      entity: 'org',
      entityId: org.id,
      action: 'sign_up',
      after: { orgName, orgSlug },
    });
    await audit(actorCtx, {
      entity: 'user',
      entityId: user.id,
      action: 'create',
      after: { name, email, role: 'admin' },
    });
    const session = await startSession(tx, ctx.now, org.id, user.id);
    return { org, user, session };
  });
}

import { invalid } from '../../core/errors.ts';
import {
  clearLoginThrottle,
  closePasswordResets,
  countPasswordResetsAfter,
  findLoginCandidates,
  findMember,
  findPasswordHash,
  findPasswordResetByTokenHash,
  insertPasswordReset,
  recordLoginFailure,
  revokeUserSessions,
  setPasswordHash,
  usePasswordReset,
} from '../../store/account-queries.ts';
import { inTransaction } from '../../store/db.ts';
import { findOrg } from '../../store/org-queries.ts';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { enqueueEmail } from '../outbox/enqueue.ts';
import { passwordResetEmail } from './emails.ts';
import { emailThrottleKey } from './login.ts';
import { assertGoodPassword, hashPassword, verifyPassword } from './passwords.ts';
import { type BaseCtx, loginThrottle, passwordResetsPerHour, passwordResetTtlMs } from './policy.ts';
import { hashSecret, newSecret } from './secrets.ts';
import { actorOf } from './sessions.ts';

/**
 * Queues a reset link for every active account with this e-mail (in the
 * org `org`, when given). Says nothing back: the caller answers the same
 * whether or not the address exists. At most `passwordResetsPerHour` links
 * per account per hour; a new link closes the previous ones.
 * Returns how many e-mails were queued (for tests and logs, not for the client).
 */
export async function requestPasswordReset({
  ctx,
  input,
}: {
  ctx: BaseCtx;
  input: { email: string; org?: string };
}): Promise<number> {
  const candidates = await findLoginCandidates(ctx.db, input.email.trim(), input.org);
  let queued = 0;
  for (const candidate of candidates) {
    if (candidate.leftAt !== null && candidate.leftAt <= ctx.now) continue;
    const recent = await countPasswordResetsAfter(
      ctx.db,
      candidate.orgId,
      candidate.userId,
      ctx.now - 3_600_000,
    );
    if (recent >= passwordResetsPerHour) continue;
    const [org, user] = await Promise.all([
      findOrg(ctx.db, candidate.orgId),
      findMember(ctx.db, candidate.orgId, candidate.userId),
    ]);
    if (!org || !user) continue;
    const { token, hash } = newSecret();
    await inTransaction(ctx.db, async (tx) => {
      await closePasswordResets(tx, org.id, user.id, ctx.now);
      const reset = await insertPasswordReset(tx, org.id, {
        userId: user.id,
        tokenHash: hash,
        createdAt: ctx.now,
        expiresAt: ctx.now + passwordResetTtlMs,
      });
      const { link: _link, ...mail } = passwordResetEmail({ to: user.email, orgName: org.name, token });
      await enqueueEmail(
        { db: tx, orgId: org.id, now: ctx.now },
        { ...mail, dedupeKey: `password_reset:${reset.id}`, sensitive: true },
      );
    });
    queued++;
  }
  return queued;
}

const badLink = () =>
  invalid(
    'This reset link is not valid any more: it was used, replaced or has expired. Ask for a new one.',
    'token',
  );

/** Sets the new password from a reset link, spends the link and signs the user out everywhere. */
export async function confirmPasswordReset({
  ctx,
  input,
}: {
  ctx: BaseCtx;
  input: { token: string; password: string };
}): Promise<void> {
  const reset = await findPasswordResetByTokenHash(ctx.db, hashSecret(input.token));
  if (!reset || reset.used_at !== null || reset.expires_at <= ctx.now) throw badLink();
  const [org, user] = await Promise.all([
    findOrg(ctx.db, reset.org_id),
    findMember(ctx.db, reset.org_id, reset.user_id),
  ]);
  if (!org || !user) throw badLink();
  assertGoodPassword(input.password, { email: user.email, name: user.name });
  const passwordHash = await hashPassword(input.password);
  await inTransaction(ctx.db, async (tx) => {
    if (!(await usePasswordReset(tx, org.id, reset.id, ctx.now))) throw badLink();
    await setPasswordHash(tx, org.id, user.id, passwordHash, ctx.now);
    await closePasswordResets(tx, org.id, user.id, ctx.now);
    const sessionsEnded = await revokeUserSessions(tx, org.id, user.id, ctx.now);
    await clearLoginThrottle(tx, emailThrottleKey(user.email));
    await audit(
      { ...ctx, db: tx, org, actor: actorOf(user) },
      { entity: 'user', entityId: user.id, action: 'reset_password', after: { sessionsEnded } },
    );
  });
}

/**
 * A signed-in user changes their own password; other sessions end, the
 * current one (`keepSessionId`) stays. A wrong current password counts as
 * a failed sign-in, so a stolen session cannot guess it at leisure.
 */
export async function changePassword({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { currentPassword: string; newPassword: string; keepSessionId?: number };
}): Promise<void> {
  if (ctx.actor.kind !== 'user') throw invalid('Only a signed-in user can change their password.');
  const user = await findMember(ctx.db, ctx.org.id, ctx.actor.userId);
  if (!user) throw invalid('Only a signed-in user can change their password.');
  const stored = await findPasswordHash(ctx.db, ctx.org.id, user.id);
  if (!stored || !(await verifyPassword(input.currentPassword, stored))) {
    await recordLoginFailure(ctx.db, emailThrottleKey(user.email), ctx.now, loginThrottle.email);
    throw invalid('The current password is wrong.', 'currentPassword');
  }
  assertGoodPassword(input.newPassword, { email: user.email, name: user.name }, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  await inTransaction(ctx.db, async (tx) => {
    await setPasswordHash(tx, ctx.org.id, user.id, passwordHash, ctx.now);
    await closePasswordResets(tx, ctx.org.id, user.id, ctx.now);
    const sessionsEnded = await revokeUserSessions(tx, ctx.org.id, user.id, ctx.now, input.keepSessionId);
    await audit(
      { ...ctx, db: tx },
      { entity: 'user', entityId: user.id, action: 'change_password', after: { sessionsEnded } },
    );
  });
}

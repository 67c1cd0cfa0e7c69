import { assertAllowed, canInvite, canSeeInvitation } from '../../core/access.ts';
import { HadafError, notFound } from '../../core/errors.ts';
import type { Role } from '../../core/org.ts';
import {
  acceptInvitationRow,
  findInvitation,
  findInvitationByTokenHash,
  findMember,
  type InvitationRow,
  insertInvitation,
  listPendingInvitations,
  revokeInvitations,
  setPasswordHash,
} from '../../store/account-queries.ts';
import { inTransaction } from '../../store/db.ts';
import { findOrg } from '../../store/org-queries.ts';
import { findTeam } from '../../store/team-queries.ts';
import { createUser, findUser, findUserByEmail } from '../../store/user-queries.ts';
import { audit } from '../audit.ts';
import type { Ctx } from '../context.ts';
import { enqueueEmail } from '../outbox/enqueue.ts';
import { invitationEmail } from './emails.ts';
import type { SignedIn } from './login.ts';
import { assertGoodPassword, hashPassword } from './passwords.ts';
import { type BaseCtx, invitationTtlMs } from './policy.ts';
import { hashSecret, newSecret } from './secrets.ts';
import { actorOf, startSession } from './sessions.ts';
import { normalEmail, normalName } from './validate.ts';

export interface InvitationView {
  id: number;
  email: string;
  name: string | null;
  role: Role;
  teamId: number | null;
  invitedBy: number | null;
  createdAt: number;
  expiresAt: number;
}

const view = (row: InvitationRow): InvitationView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
  teamId: row.team_id,
  invitedBy: row.invited_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
});

export interface InviteInput {
  email: string;
  name?: string;
  role: Role;
  teamId?: number | null;
}

/**
 * Invites someone into the inviter's org (never another): the link is
 * e-mailed through the outbox and also returned, shown once, so an admin
 * without SMTP can pass it on. A new invitation replaces an open one for
 * the same address.
 */
export async function inviteUser({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: InviteInput;
}): Promise<{ invitation: InvitationView; link: string }> {
  const email = normalEmail(input.email);
  const name = input.name === undefined ? null : normalName(input.name);
  const teamId = input.teamId ?? null;
  const team = teamId === null ? undefined : await findTeam(ctx.db, ctx.org.id, teamId);
  if (teamId !== null && !team) throw notFound(`Team ${teamId} does not exist.`);
  assertAllowed(
    canInvite(ctx.actor, { role: input.role, teamPath: team?.path ?? null }),
    'You can invite reps into your own teams only; admins invite managers and admins.',
  );
  if (await findUserByEmail(ctx.db, ctx.org.id, email)) {
    throw new HadafError('conflict', `${email} is already a member of this org.`, 'email');
  }
  const inviter =
    ctx.actor.kind === 'user' ? await findUser(ctx.db, ctx.org.id, ctx.actor.userId) : undefined;
  const { token, hash } = newSecret();
  const expiresAt = ctx.now + invitationTtlMs;

  return inTransaction(ctx.db, async (tx) => {
    await revokeInvitations(tx, ctx.org.id, { email }, ctx.now);
    const row = await insertInvitation(tx, ctx.org.id, {
      email,
      name,
      role: input.role,
      teamId,
      tokenHash: hash,
      invitedBy: inviter?.id ?? null,
      createdAt: ctx.now,
      expiresAt,
    });
    const { link, ...mail } = invitationEmail({
      to: email,
      orgName: ctx.org.name,
      role: input.role,
      inviterName: inviter?.name ?? null,
      token,
      expiresAt,
    });
    await enqueueEmail(
      { db: tx, orgId: ctx.org.id, now: ctx.now },
      { ...mail, dedupeKey: `invitation:${row.id}`, sensitive: true },
    );
    await audit(
      { ...ctx, db: tx },
      {
        entity: 'invitation',
        entityId: row.id,
        action: 'create',
        after: { email, name, role: input.role, teamId },
      },
    );
    return { invitation: view(row), link };
  });
}

/** Open invitations the actor may see: all for admins, their subtree for managers. */
export async function listInvitations({ ctx }: { ctx: Ctx }): Promise<InvitationView[]> {
  assertAllowed(ctx.actor.kind === 'system' || ctx.actor.role !== 'rep', 'Reps cannot see invitations.');
  const rows = await listPendingInvitations(ctx.db, ctx.org.id, ctx.now);
  return rows.filter((row) => canSeeInvitation(ctx.actor, { teamPath: row.team_path })).map(view);
}

export async function revokeInvitation({ ctx, input }: { ctx: Ctx; input: { id: number } }): Promise<void> {
  const row = await findInvitation(ctx.db, ctx.org.id, input.id);
  if (!row) throw notFound(`Invitation ${input.id} does not exist.`);
  assertAllowed(canSeeInvitation(ctx.actor, { teamPath: row.team_path }));
  await inTransaction(ctx.db, async (tx) => {
    const revoked = await revokeInvitations(tx, ctx.org.id, { invitationId: row.id }, ctx.now);
    if (revoked === 0) throw new HadafError('conflict', `Invitation ${row.id} is already closed.`);
    await audit(
      { ...ctx, db: tx },
      { entity: 'invitation', entityId: row.id, action: 'revoke', before: view(row), after: null },
    );
  });
}

const closedLink = () =>
  notFound(
    'This invitation link is not valid any more: it was used, withdrawn or has expired. Ask for a new one.',
  );

async function openInvitation(ctx: BaseCtx, token: string): Promise<InvitationRow> {
  const row = await findInvitationByTokenHash(ctx.db, hashSecret(token));
  if (!row || row.accepted_at !== null || row.revoked_at !== null || row.expires_at <= ctx.now)
    throw closedLink();
  return row;
}

/** What the accept screen shows before the person chooses a password. */
export async function previewInvitation({ ctx, input }: { ctx: BaseCtx; input: { token: string } }) {
  const row = await openInvitation(ctx, input.token);
  const org = await findOrg(ctx.db, row.org_id);
  if (!org) throw closedLink();
  return { email: row.email, name: row.name, role: row.role, orgName: org.name, expiresAt: row.expires_at };
}

/** Creates the invited user with their password and signs them in. */
export async function acceptInvitation({
  ctx,
  input,
}: {
  ctx: BaseCtx;
  input: { token: string; name?: string; password: string };
}): Promise<SignedIn> {
  const row = await openInvitation(ctx, input.token);
  const name = normalName(input.name ?? row.name ?? '');
  assertGoodPassword(input.password, { email: row.email, name });
  const passwordHash = await hashPassword(input.password);
  const org = await findOrg(ctx.db, row.org_id);
  if (!org) throw closedLink();

  return inTransaction(ctx.db, async (tx) => {
    if (await findUserByEmail(tx, org.id, row.email)) {
      throw new HadafError(
        'conflict',
        `${row.email} already has an account in ${org.name}: sign in instead.`,
      );
    }
    const created = await createUser(
      tx,
      org.id,
      { name, email: row.email, role: row.role, teamId: row.team_id },
      ctx.now,
    );
    if (!(await acceptInvitationRow(tx, org.id, row.id, created.id, ctx.now))) throw closedLink();
    await setPasswordHash(tx, org.id, created.id, passwordHash, ctx.now);
    const user = await findMember(tx, org.id, created.id);
    if (!user) throw new Error('the user just created is missing');
    await audit(
      { ...ctx, db: tx, org, actor: actorOf(user) },
      {
        entity: 'user',
        entityId: user.id,
        action: 'accept_invitation',
        after: { name, email: row.email, role: row.role, teamId: row.team_id, invitationId: row.id },
      },
    );
    const session = await startSession(tx, ctx.now, org.id, user.id);
    return { org, user, session };
  });
}

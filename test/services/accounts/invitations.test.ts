import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptInvitation,
  inviteUser,
  listInvitations,
  previewInvitation,
  revokeInvitation,
} from '../../../src/services/accounts/invitations.ts';
import { invitationTtlMs } from '../../../src/services/accounts/policy.ts';
import { authenticateSession } from '../../../src/services/accounts/sessions.ts';
import { listAudit } from '../../../src/services/audit.ts';
import { findMember } from '../../../src/store/account-queries.ts';
import { listOutbox } from '../../../src/store/outbox-queries.ts';
import { findUserByEmail } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { baseOf, buildWorld, ctxOf, type World } from './world.ts';

const t0 = Date.UTC(2026, 3, 5, 8, 0, 0);
const tokenOf = (link: string) => new URL(link).searchParams.get('token') as string;

describe.each(dialects)('invitations on %s', (dialect) => {
  let store: TestStore;
  let w: World;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildWorld(store, t0);
  });
  afterAll(() => store?.drop());

  it('invites by e-mail into the inviter’s org, and the person joins signed in with that role and team', async () => {
    const admin = ctxOf(w, w.users.admin, t0);
    const { invitation, link } = await inviteUser({
      ctx: admin,
      input: { email: ' New.Rep@Example.test ', name: 'Nour Rep', role: 'rep', teamId: w.teams.east.id },
    });
    expect(invitation).toMatchObject({ email: 'new.rep@example.test', role: 'rep', teamId: w.teams.east.id });
    expect(invitation.expiresAt).toBe(t0 + invitationTtlMs);
    expect(link).toMatch(/^http:\/\/localhost:3000\/invite\?token=[\w-]{43}$/);

    const [mail] = await listOutbox(store.db, w.org.id, { channel: 'email' });
    expect(mail).toMatchObject({
      dedupe_key: `invitation:${invitation.id}`,
      status: 'pending',
      sensitive: 1,
    });
    const payload = JSON.parse(mail?.payload ?? '{}');
    expect(payload.to).toBe('new.rep@example.test');
    expect(payload.text).toContain(link);
    expect(payload.text).toContain('Amal Admin invited you to join Acme');

    const token = tokenOf(link);
    expect(await previewInvitation({ ctx: baseOf(w, t0 + 1), input: { token } })).toEqual({
      email: 'new.rep@example.test',
      name: 'Nour Rep',
      role: 'rep',
      orgName: 'Acme',
      expiresAt: t0 + invitationTtlMs,
    });

    await expect(
      acceptInvitation({ ctx: baseOf(w, t0 + 2), input: { token, password: 'short' } }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'password' });
    expect(await findUserByEmail(store.db, w.org.id, 'new.rep@example.test')).toBeUndefined();

    const joined = await acceptInvitation({
      ctx: baseOf(w, t0 + 3),
      input: { token, password: 'sunrise-over-dunes-7' },
    });
    expect(joined.org.id).toBe(w.org.id);
    expect(joined.user).toMatchObject({
      email: 'new.rep@example.test',
      role: 'rep',
      team_id: w.teams.east.id,
      name: 'Nour Rep',
    });
    expect(await authenticateSession(baseOf(w, t0 + 4), joined.session.token)).not.toBeNull();

    await expect(
      acceptInvitation({ ctx: baseOf(w, t0 + 5), input: { token, password: 'sunrise-over-dunes-7' } }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(previewInvitation({ ctx: baseOf(w, t0 + 5), input: { token } })).rejects.toMatchObject({
      code: 'not_found',
    });

    const audit = await listAudit({ ctx: ctxOf(w, w.users.admin, t0 + 6), input: {} });
    expect(audit.map((a) => [a.entity, a.action, a.actor.id])).toEqual(
      expect.arrayContaining([
        ['invitation', 'create', w.users.admin.id],
        ['user', 'accept_invitation', joined.user.id],
      ]),
    );
    const created = audit.find((a) => a.action === 'create' && a.entity === 'invitation');
    expect(created?.after).toEqual({
      email: 'new.rep@example.test',
      name: 'Nour Rep',
      role: 'rep',
      teamId: w.teams.east.id,
    });
  });

  it('lets a manager invite reps into their own subtree only', async () => {
    const manager = ctxOf(w, w.users.eastManager, t0);
    const ok = await inviteUser({
      ctx: manager,
      input: { email: 'smb.hire@example.test', role: 'rep', teamId: w.teams.eastSmb.id },
    });
    expect(ok.invitation.teamId).toBe(w.teams.eastSmb.id);
    await expect(
      inviteUser({
        ctx: manager,
        input: { email: 'west.hire@example.test', role: 'rep', teamId: w.teams.west.id },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      inviteUser({
        ctx: manager,
        input: { email: 'boss@example.test', role: 'manager', teamId: w.teams.eastSmb.id },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      inviteUser({
        ctx: ctxOf(w, w.users.eastRep, t0),
        input: { email: 'friend@example.test', role: 'rep', teamId: w.teams.east.id },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    // a team of another org is simply not there
    await expect(
      inviteUser({
        ctx: ctxOf(w, w.users.admin, t0),
        input: { email: 'x@example.test', role: 'rep', teamId: w.teams.otherTeam.id },
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      inviteUser({ ctx: ctxOf(w, w.users.admin, t0), input: { email: w.users.westRep.email, role: 'rep' } }),
    ).rejects.toMatchObject({ code: 'conflict', field: 'email' });
  });

  it('shows managers the invitations into their subtree, admins all, and lets them withdraw them', async () => {
    const admin = ctxOf(w, w.users.admin, t0);
    const west = await inviteUser({
      ctx: admin,
      input: { email: 'w1@example.test', role: 'rep', teamId: w.teams.west.id },
    });
    const east = await inviteUser({
      ctx: admin,
      input: { email: 'e1@example.test', role: 'rep', teamId: w.teams.east.id },
    });
    const eastIds = (await listInvitations({ ctx: ctxOf(w, w.users.eastManager, t0) })).map((i) => i.id);
    expect(eastIds).toContain(east.invitation.id);
    expect(eastIds).not.toContain(west.invitation.id);
    expect((await listInvitations({ ctx: admin })).map((i) => i.id)).toEqual(
      expect.arrayContaining([east.invitation.id, west.invitation.id]),
    );
    await expect(listInvitations({ ctx: ctxOf(w, w.users.eastRep, t0) })).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect(await listInvitations({ ctx: ctxOf(w, w.users.otherAdmin, t0) })).toEqual([]);

    await expect(
      revokeInvitation({ ctx: ctxOf(w, w.users.eastManager, t0), input: { id: west.invitation.id } }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      revokeInvitation({ ctx: ctxOf(w, w.users.otherAdmin, t0), input: { id: west.invitation.id } }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await revokeInvitation({ ctx: ctxOf(w, w.users.eastManager, t0 + 1), input: { id: east.invitation.id } });
    await expect(
      acceptInvitation({
        ctx: baseOf(w, t0 + 2),
        input: { token: tokenOf(east.link), password: 'sunrise-over-dunes-7' },
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(revokeInvitation({ ctx: admin, input: { id: east.invitation.id } })).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('refuses an expired link and replaces an open invitation when the address is invited again', async () => {
    const admin = ctxOf(w, w.users.admin, t0);
    const first = await inviteUser({
      ctx: admin,
      input: { email: 'twice@example.test', role: 'manager', teamId: w.teams.west.id },
    });
    const second = await inviteUser({
      ctx: admin,
      input: { email: 'twice@example.test', role: 'rep', teamId: w.teams.west.id },
    });
    await expect(
      previewInvitation({ ctx: baseOf(w, t0), input: { token: tokenOf(first.link) } }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      previewInvitation({ ctx: baseOf(w, t0 + invitationTtlMs), input: { token: tokenOf(second.link) } }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const joined = await acceptInvitation({
      ctx: baseOf(w, t0 + invitationTtlMs - 1),
      input: { token: tokenOf(second.link), name: '  Tala Twice ', password: 'sunrise-over-dunes-7' },
    });
    const member = await findMember(store.db, w.org.id, joined.user.id);
    expect(member).toMatchObject({ role: 'rep', name: 'Tala Twice', team_path: w.teams.west.path });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../../src/services/accounts/secrets.ts';
import * as accounts from '../../../src/store/account-queries.ts';
import * as audits from '../../../src/store/audit-queries.ts';
import * as outbox from '../../../src/store/outbox-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildWorld, type World } from './world.ts';

/**
 * The org-isolation rule of test/store/org-isolation.test.ts, for the
 * accounts, audit and outbox store modules: every export is probed with org
 * B's id and org A's rows (it must return nothing of A, change nothing of
 * A, or refuse), or listed as org-independent with the reason.
 */
const orgIndependent: Record<string, string> = {
  'account-queries.findLoginCandidates': 'sign-in: the org is not known yet (probed below with an org slug)',
  'account-queries.countPasswords': 'server-level: is this the first run?',
  'account-queries.findActiveSession': 'the secret token hash names its org',
  'account-queries.findActiveApiToken': 'the secret token hash names its org',
  'account-queries.findInvitationByTokenHash': 'the secret token hash names its org',
  'account-queries.findPasswordResetByTokenHash': 'the secret token hash names its org',
  'account-queries.findLoginThrottle': 'server-level: sign-in throttle by e-mail and address',
  'account-queries.recordLoginFailure': 'server-level: sign-in throttle by e-mail and address',
  'account-queries.clearLoginThrottle': 'server-level: sign-in throttle by e-mail and address',
  'outbox-queries.findDueOutboxIds': 'the delivery worker serves every org; rows keep their org',
  'outbox-queries.claimOutboxRow': 'the delivery worker serves every org; rows keep their org',
  'outbox-queries.markOutboxSent': 'the delivery worker, by the id it claimed',
  'outbox-queries.markOutboxNotSent': 'the delivery worker, by the id it claimed',
  'outbox-queries.markLapsedLeasesUnconfirmed': 'the delivery worker, every org',
};

interface Fixture {
  w: World;
  aUser: number;
  bUser: number;
  aSession: number;
  aToken: number;
  aInvitation: number;
  aReset: number;
  aOutbox: number;
}

type Probe = (store: TestStore, f: Fixture) => Promise<unknown>;
const t = 1_780_000_000_000;

const probes: Record<string, Probe> = {
  'account-queries.findMember': async (s, f) =>
    expect(await accounts.findMember(s.db, f.w.otherOrg.id, f.aUser)).toBeUndefined(),
  'account-queries.listMembers': async (s, f) =>
    expect((await accounts.listMembers(s.db, f.w.otherOrg.id)).map((m) => m.org_id)).toEqual([
      f.w.otherOrg.id,
    ]),
  'account-queries.listMembersOfTeams': async (s, f) =>
    expect(await accounts.listMembersOfTeams(s.db, f.w.otherOrg.id, [f.w.teams.east.id])).toEqual([]),
  'account-queries.setUserRole': async (s, f) => {
    await accounts.setUserRole(s.db, f.w.otherOrg.id, f.aUser, 'admin');
    expect((await accounts.findMember(s.db, f.w.org.id, f.aUser))?.role).toBe('rep');
  },
  'account-queries.countActiveAdmins': async (s, f) =>
    expect(await accounts.countActiveAdmins(s.db, f.w.otherOrg.id, t)).toBe(1),
  'account-queries.setPasswordHash': async (s, f) => {
    await expect(accounts.setPasswordHash(s.db, f.w.otherOrg.id, f.aUser, 'scrypt$x', t)).rejects.toThrow(
      /does not exist/,
    );
    expect(await accounts.findPasswordHash(s.db, f.w.org.id, f.aUser)).toMatch(/^scrypt\$32768/);
  },
  'account-queries.findPasswordHash': async (s, f) =>
    expect(await accounts.findPasswordHash(s.db, f.w.otherOrg.id, f.aUser)).toBeUndefined(),
  'account-queries.insertSession': async (s, f) =>
    expect(
      accounts.insertSession(s.db, f.w.otherOrg.id, {
        userId: f.aUser,
        tokenHash: 'h1',
        csrfToken: 'c',
        createdAt: t,
        expiresAt: t + 1,
      }),
    ).rejects.toThrow(/does not exist/),
  'account-queries.revokeSession': async (s, f) => {
    await accounts.revokeSession(s.db, f.w.otherOrg.id, f.aSession, t);
    expect(await accounts.findActiveSession(s.db, hashSecret('a-session'), t)).toBeDefined();
  },
  'account-queries.revokeUserSessions': async (s, f) => {
    expect(await accounts.revokeUserSessions(s.db, f.w.otherOrg.id, f.aUser, t)).toBe(0);
    expect(await accounts.findActiveSession(s.db, hashSecret('a-session'), t)).toBeDefined();
  },
  'account-queries.insertApiToken': async (s, f) =>
    expect(
      accounts.insertApiToken(s.db, f.w.otherOrg.id, {
        userId: f.aUser,
        name: 'x',
        tokenHash: 'h2',
        scopes: ['read'],
        createdAt: t,
        expiresAt: null,
      }),
    ).rejects.toThrow(/does not exist/),
  'account-queries.listApiTokens': async (s, f) => {
    expect(await accounts.listApiTokens(s.db, f.w.otherOrg.id, null)).toEqual([]);
    expect(await accounts.listApiTokens(s.db, f.w.otherOrg.id, f.aUser)).toEqual([]);
  },
  'account-queries.findApiToken': async (s, f) =>
    expect(await accounts.findApiToken(s.db, f.w.otherOrg.id, f.aToken)).toBeUndefined(),
  'account-queries.revokeApiToken': async (s, f) => {
    await accounts.revokeApiToken(s.db, f.w.otherOrg.id, f.aToken, t);
    expect((await accounts.findApiToken(s.db, f.w.org.id, f.aToken))?.revoked_at).toBeNull();
  },
  'account-queries.insertInvitation': async (s, f) => {
    const invitation = {
      email: 'x@b.test',
      name: null,
      role: 'rep' as const,
      tokenHash: 'h3',
      createdAt: t,
      expiresAt: t + 1,
    };
    await expect(
      accounts.insertInvitation(s.db, f.w.otherOrg.id, {
        ...invitation,
        teamId: f.w.teams.east.id,
        invitedBy: null,
      }),
    ).rejects.toThrow(/does not exist/);
    await expect(
      accounts.insertInvitation(s.db, f.w.otherOrg.id, { ...invitation, teamId: null, invitedBy: f.aUser }),
    ).rejects.toThrow(/does not exist/);
  },
  'account-queries.findInvitation': async (s, f) =>
    expect(await accounts.findInvitation(s.db, f.w.otherOrg.id, f.aInvitation)).toBeUndefined(),
  'account-queries.listPendingInvitations': async (s, f) =>
    expect(await accounts.listPendingInvitations(s.db, f.w.otherOrg.id, t)).toEqual([]),
  'account-queries.revokeInvitations': async (s, f) => {
    expect(await accounts.revokeInvitations(s.db, f.w.otherOrg.id, { invitationId: f.aInvitation }, t)).toBe(
      0,
    );
    expect(await accounts.revokeInvitations(s.db, f.w.otherOrg.id, { email: 'invitee@a.test' }, t)).toBe(0);
    expect((await accounts.findInvitation(s.db, f.w.org.id, f.aInvitation))?.revoked_at).toBeNull();
  },
  'account-queries.acceptInvitationRow': async (s, f) =>
    expect(await accounts.acceptInvitationRow(s.db, f.w.otherOrg.id, f.aInvitation, f.bUser, t)).toBe(false),
  'account-queries.insertPasswordReset': async (s, f) =>
    expect(
      accounts.insertPasswordReset(s.db, f.w.otherOrg.id, {
        userId: f.aUser,
        tokenHash: 'h4',
        createdAt: t,
        expiresAt: t + 1,
      }),
    ).rejects.toThrow(/does not exist/),
  'account-queries.countPasswordResetsAfter': async (s, f) =>
    expect(await accounts.countPasswordResetsAfter(s.db, f.w.otherOrg.id, f.aUser, 0)).toBe(0),
  'account-queries.closePasswordResets': async (s, f) =>
    expect(await accounts.closePasswordResets(s.db, f.w.otherOrg.id, f.aUser, t)).toBe(0),
  'account-queries.usePasswordReset': async (s, f) =>
    expect(await accounts.usePasswordReset(s.db, f.w.otherOrg.id, f.aReset, t)).toBe(false),
  'audit-queries.insertAuditRow': async (s, f) => {
    await audits.insertAuditRow(s.db, f.w.otherOrg.id, {
      actorId: null,
      actorLabel: 'system:test',
      at: t,
      entity: 'x',
      entityId: 1,
      action: 'b-only',
      before: null,
      after: null,
    });
    const aRows = await audits.listAuditRows(s.db, f.w.org.id, { limit: 100 });
    expect(aRows.map((r) => r.action)).not.toContain('b-only');
  },
  'audit-queries.listAuditRows': async (s, f) =>
    expect(
      (await audits.listAuditRows(s.db, f.w.otherOrg.id, { limit: 500 })).every(
        (r) => r.org_id === f.w.otherOrg.id,
      ),
    ).toBe(true),
  'outbox-queries.enqueueOutboxRow': async (s, f) => {
    // dedupe keys are per org: B's message with A's key is its own row
    const b = await outbox.enqueueOutboxRow(
      s.db,
      f.w.otherOrg.id,
      { channel: 'email', dedupeKey: 'a-key', payload: {} },
      t,
    );
    expect(b.created).toBe(true);
    expect(b.id).not.toBe(f.aOutbox);
  },
  'outbox-queries.listOutbox': async (s, f) =>
    expect((await outbox.listOutbox(s.db, f.w.otherOrg.id)).every((r) => r.org_id === f.w.otherOrg.id)).toBe(
      true,
    ),
  'outbox-queries.requeueOutboxRow': async (s, f) =>
    expect(await outbox.requeueOutboxRow(s.db, f.w.otherOrg.id, f.aOutbox, t)).toBe(false),
};

const modules: Record<string, Record<string, unknown>> = {
  'account-queries': accounts,
  'audit-queries': audits,
  'outbox-queries': outbox,
};

describe('org isolation of the accounts, audit and outbox store modules', () => {
  it('has a probe or an exemption for each exported function', () => {
    const names = Object.entries(modules).flatMap(([base, mod]) =>
      Object.entries(mod)
        .filter(([, value]) => typeof value === 'function')
        .map(([name]) => `${base}.${name}`),
    );
    expect(names.filter((n) => !(n in probes) && !(n in orgIndependent))).toEqual([]);
  });
});

describe.each(dialects)('accounts store isolation on %s', (dialect) => {
  let store: TestStore;
  let fixture: Fixture;
  beforeAll(async () => {
    store = await freshStore(dialect);
    const w = await buildWorld(store, t);
    const aUser = w.users.eastRep.id;
    const aSession = await accounts.insertSession(store.db, w.org.id, {
      userId: aUser,
      tokenHash: hashSecret('a-session'),
      csrfToken: 'c',
      createdAt: t,
      expiresAt: t + 3_600_000,
    });
    const aToken = await accounts.insertApiToken(store.db, w.org.id, {
      userId: aUser,
      name: 'a',
      tokenHash: 'a-token',
      scopes: ['read'],
      createdAt: t,
      expiresAt: null,
    });
    const aInvitation = await accounts.insertInvitation(store.db, w.org.id, {
      email: 'invitee@a.test',
      name: null,
      role: 'rep',
      teamId: w.teams.east.id,
      tokenHash: 'a-inv',
      invitedBy: w.users.admin.id,
      createdAt: t,
      expiresAt: t + 3_600_000,
    });
    const aReset = await accounts.insertPasswordReset(store.db, w.org.id, {
      userId: aUser,
      tokenHash: 'a-reset',
      createdAt: t,
      expiresAt: t + 3_600_000,
    });
    const aOutbox = await outbox.enqueueOutboxRow(
      store.db,
      w.org.id,
      { channel: 'email', dedupeKey: 'a-key', payload: {} },
      t,
    );
    await store.db
      .withTables<{ outbox: outbox.OutboxTable }>()
      .updateTable('outbox')
      .set({ status: 'unconfirmed' })
      .where('id', '=', aOutbox.id)
      .execute();
    fixture = {
      w,
      aUser,
      bUser: w.users.otherAdmin.id,
      aSession,
      aToken: aToken.id,
      aInvitation: aInvitation.id,
      aReset: aReset.id,
      aOutbox: aOutbox.id,
    };
  });
  afterAll(() => store?.drop());

  for (const [name, probe] of Object.entries(probes)) {
    it(`${name} never reaches org A's rows from org B`, async () => {
      await probe(store, fixture);
    });
  }

  it('findLoginCandidates with an org slug finds nobody of another org', async () => {
    expect(
      await accounts.findLoginCandidates(store.db, fixture.w.users.eastRep.email, fixture.w.otherOrg.slug),
    ).toEqual([]);
    expect(
      (await accounts.findLoginCandidates(store.db, fixture.w.users.eastRep.email)).map((c) => c.orgId),
    ).toEqual([fixture.w.org.id]);
  });
});

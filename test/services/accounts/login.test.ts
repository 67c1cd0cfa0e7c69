import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, SignInLocked } from '../../../src/services/accounts/login.ts';
import { loginThrottle, sessionTtlMs } from '../../../src/services/accounts/policy.ts';
import { authenticateSession, endSession } from '../../../src/services/accounts/sessions.ts';
import { recordLoginFailure, setPasswordHash } from '../../../src/store/account-queries.ts';
import { createUser } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { baseOf, buildWorld, type World, worldPassword } from './world.ts';

const t0 = Date.UTC(2026, 3, 5, 8, 0, 0);
const minute = 60_000;

describe.each(dialects)('sign-in on %s', (dialect) => {
  let store: TestStore;
  let w: World;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildWorld(store, t0);
  });
  afterAll(() => store?.drop());

  const attempt = (email: string, password: string, now: number, clientIp = '10.0.0.1', org?: string) =>
    login({ ctx: baseOf(w, now), input: { email, password, clientIp, ...(org ? { org } : {}) } });

  it('opens a session in the user’s own org with the right password', async () => {
    const signedIn = await attempt(w.users.eastRep.email.toUpperCase(), worldPassword, t0);
    expect(signedIn.org.id).toBe(w.org.id);
    expect(signedIn.user.id).toBe(w.users.eastRep.id);
    expect(signedIn.session.expiresAt).toBe(t0 + sessionTtlMs);
    const auth = await authenticateSession(baseOf(w, t0 + 1), signedIn.session.token);
    expect(auth).toMatchObject({ via: 'session', org: { id: w.org.id }, user: { id: w.users.eastRep.id } });
    expect(auth?.via === 'session' && auth.csrfToken).toBe(signedIn.session.csrfToken);
  });

  it('answers a wrong password and an unknown e-mail with the same 401 message', async () => {
    await expect(attempt(w.users.westRep.email, 'not-the-password', t0, '10.0.1.1')).rejects.toMatchObject({
      code: 'unauthenticated',
      message: 'Wrong e-mail or password.',
    });
    await expect(attempt('nobody@example.test', worldPassword, t0, '10.0.1.1')).rejects.toMatchObject({
      code: 'unauthenticated',
      message: 'Wrong e-mail or password.',
    });
  });

  it('refuses expired, revoked and departed users’ sessions', async () => {
    const { session } = await attempt(w.users.smbRep.email, worldPassword, t0, '10.0.2.1');
    expect(await authenticateSession(baseOf(w, session.expiresAt - 1), session.token)).not.toBeNull();
    expect(await authenticateSession(baseOf(w, session.expiresAt), session.token)).toBeNull();

    const second = await attempt(w.users.smbRep.email, worldPassword, t0, '10.0.2.1');
    const auth = await authenticateSession(baseOf(w, t0), second.session.token);
    if (!auth) throw new Error('expected a session');
    await endSession(baseOf(w, t0 + 5), auth);
    expect(await authenticateSession(baseOf(w, t0 + 6), second.session.token)).toBeNull();
    expect(await authenticateSession(baseOf(w, t0), 'made-up-token')).toBeNull();

    const leaver = await createUser(
      store.db,
      w.org.id,
      { name: 'Lina Leaver', email: 'lina@x.test', role: 'rep', leftAt: t0 + 10 * minute },
      t0,
    );
    const { hashPassword } = await import('../../../src/services/accounts/passwords.ts');
    await setPasswordHash(store.db, w.org.id, leaver.id, await hashPassword(worldPassword), t0);
    const before = await attempt('lina@x.test', worldPassword, t0, '10.0.2.2');
    expect(await authenticateSession(baseOf(w, t0 + 10 * minute), before.session.token)).toBeNull();
    await expect(attempt('lina@x.test', worldPassword, t0 + 10 * minute, '10.0.2.2')).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });

  it('locks an e-mail after 5 failures in 15 minutes, even for the right password, and lifts the lock after', async () => {
    const email = w.users.eastRep2.email;
    for (let i = 1; i <= 4; i++) {
      await expect(attempt(email, `wrong-${i}`, t0 + i * minute, `10.1.0.${i}`)).rejects.toMatchObject({
        code: 'unauthenticated',
      });
    }
    // the 5th failure at t0 + 5 min locks until t0 + 5 min + 15 min
    const fifth = attempt(email, 'wrong-5', t0 + 5 * minute, '10.1.0.5');
    await expect(fifth).rejects.toBeInstanceOf(SignInLocked);
    await expect(fifth).rejects.toMatchObject({ code: 'rate_limited', retryAt: t0 + 20 * minute });
    await expect(attempt(email, worldPassword, t0 + 19 * minute, '10.1.0.6')).rejects.toMatchObject({
      code: 'rate_limited',
      message: expect.stringContaining(new Date(t0 + 20 * minute).toISOString()),
    });
    const after = await attempt(email, worldPassword, t0 + 20 * minute, '10.1.0.6');
    expect(after.user.id).toBe(w.users.eastRep2.id);
  });

  it('counts failures in a fixed window: four, a pause past the window, four more do not lock', async () => {
    const key = 'email:window@example.test';
    const rule = loginThrottle.email;
    for (let i = 0; i < 4; i++) await recordLoginFailure(store.db, key, t0 + i, rule);
    // the window opened at t0 and restarts once 15 minutes have passed
    let row = await recordLoginFailure(store.db, key, t0 + 15 * minute, rule);
    expect(row).toMatchObject({ failures: 1, window_started_at: t0 + 15 * minute, locked_until: null });
    for (let i = 1; i < 4; i++) row = await recordLoginFailure(store.db, key, t0 + 15 * minute + i, rule);
    expect(row).toMatchObject({ failures: 4, locked_until: null });
    // the 5th inside the new window locks for 15 minutes from that failure
    row = await recordLoginFailure(store.db, key, t0 + 16 * minute, rule);
    expect(row.locked_until).toBe(t0 + 31 * minute);
  });

  it('locks a client address after 50 failures across e-mails, not other addresses', async () => {
    // 49 earlier failures from this address (each a different e-mail), counted by the store directly
    // so the test does not spend 49 password hashes; the 50th goes through login
    for (let i = 0; i < loginThrottle.ip.maxFailures - 1; i++) {
      await recordLoginFailure(store.db, 'ip:10.3.3.3', t0, loginThrottle.ip);
    }
    await expect(attempt('ghost-last@example.test', 'x', t0, '10.3.3.3')).rejects.toMatchObject({
      code: 'rate_limited',
    });
    await expect(attempt(w.users.westRep.email, worldPassword, t0 + 1, '10.3.3.3')).rejects.toMatchObject({
      code: 'rate_limited',
    });
    expect((await attempt(w.users.westRep.email, worldPassword, t0 + 1, '10.3.3.4')).user.id).toBe(
      w.users.westRep.id,
    );
  });

  it('asks for the org when one e-mail and password open accounts in two orgs', async () => {
    const { hashPassword } = await import('../../../src/services/accounts/passwords.ts');
    const twin = await createUser(
      store.db,
      w.otherOrg.id,
      { name: 'Essa Twin', email: w.users.eastRep.email, role: 'rep' },
      t0,
    );
    await setPasswordHash(store.db, w.otherOrg.id, twin.id, await hashPassword(worldPassword), t0);
    await expect(attempt(w.users.eastRep.email, worldPassword, t0, '10.4.0.1')).rejects.toMatchObject({
      code: 'invalid_input',
      field: 'org',
    });
    const there = await attempt(w.users.eastRep.email, worldPassword, t0, '10.4.0.1', w.otherOrg.slug);
    expect([there.org.id, there.user.id]).toEqual([w.otherOrg.id, twin.id]);
    await expect(
      attempt(w.users.eastRep.email, worldPassword, t0, '10.4.0.1', 'no-such-org'),
    ).rejects.toMatchObject({
      code: 'unauthenticated',
    });
  });
});

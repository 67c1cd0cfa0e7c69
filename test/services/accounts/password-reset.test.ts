import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../../../src/services/accounts/login.ts';
import {
  changePassword,
  confirmPasswordReset,
  requestPasswordReset,
} from '../../../src/services/accounts/password-reset.ts';
import { passwordResetTtlMs } from '../../../src/services/accounts/policy.ts';
import { authenticateSession } from '../../../src/services/accounts/sessions.ts';
import { listAudit } from '../../../src/services/audit.ts';
import { listOutbox } from '../../../src/store/outbox-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { baseOf, buildWorld, ctxOf, type World, worldPassword } from './world.ts';

const t0 = Date.UTC(2026, 3, 5, 8, 0, 0);
const hour = 3_600_000;

describe.each(dialects)('password reset and change on %s', (dialect) => {
  let store: TestStore;
  let w: World;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildWorld(store, t0);
  });
  afterAll(() => store?.drop());

  const resetLinks = async (to: string) =>
    (await listOutbox(store.db, w.org.id, { channel: 'email' }))
      .map((row) => JSON.parse(row.payload) as { to: string; text: string })
      .filter((p) => p.to === to)
      .map((p) => /http:\/\/localhost:3000\/reset\?token=([\w-]+)/.exec(p.text)?.[1] as string);

  const signIn = (email: string, password: string, now: number) =>
    login({ ctx: baseOf(w, now), input: { email, password, clientIp: '10.9.0.1' } });

  it('mails a one-hour link that sets a new password once and signs the user out everywhere', async () => {
    const user = w.users.westRep;
    const before = await signIn(user.email, worldPassword, t0);
    expect(
      await requestPasswordReset({ ctx: baseOf(w, t0), input: { email: user.email.toUpperCase() } }),
    ).toBe(1);
    const [token] = await resetLinks(user.email);
    expect(token).toHaveLength(43);

    await expect(
      confirmPasswordReset({ ctx: baseOf(w, t0 + 1), input: { token: token as string, password: 'walid' } }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'password' });
    await confirmPasswordReset({
      ctx: baseOf(w, t0 + 2),
      input: { token: token as string, password: 'night-train-to-abha' },
    });

    expect(await authenticateSession(baseOf(w, t0 + 3), before.session.token)).toBeNull();
    await expect(signIn(user.email, worldPassword, t0 + 4)).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    expect((await signIn(user.email, 'night-train-to-abha', t0 + 5)).user.id).toBe(user.id);
    await expect(
      confirmPasswordReset({
        ctx: baseOf(w, t0 + 6),
        input: { token: token as string, password: 'another-fine-phrase' },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'token' });

    const audit = await listAudit({
      ctx: ctxOf(w, w.users.admin, t0 + 7),
      input: { entity: 'user', entityId: user.id },
    });
    expect(audit[0]).toMatchObject({
      action: 'reset_password',
      actor: { id: user.id },
      after: { sessionsEnded: 1 },
    });
  });

  it('queues nothing for an unknown address and answers the same', async () => {
    const emailsBefore = (await listOutbox(store.db, w.org.id)).length;
    expect(await requestPasswordReset({ ctx: baseOf(w, t0), input: { email: 'nobody@example.test' } })).toBe(
      0,
    );
    expect(await requestPasswordReset({ ctx: baseOf(w, t0), input: { email: "' OR 1=1 --" } })).toBe(0);
    expect((await listOutbox(store.db, w.org.id)).length).toBe(emailsBefore);
  });

  it('sends at most three links an hour, and only the newest one works', async () => {
    const user = w.users.smbRep;
    const counts = [];
    for (let i = 0; i < 4; i++)
      counts.push(await requestPasswordReset({ ctx: baseOf(w, t0 + i), input: { email: user.email } }));
    expect(counts).toEqual([1, 1, 1, 0]);
    const links = await resetLinks(user.email);
    expect(links).toHaveLength(3);
    await expect(
      confirmPasswordReset({
        ctx: baseOf(w, t0 + 10),
        input: { token: links[0] as string, password: 'night-train-to-abha' },
      }),
    ).rejects.toMatchObject({ field: 'token' });
    // an hour after the first request a fourth link is allowed again
    expect(await requestPasswordReset({ ctx: baseOf(w, t0 + hour), input: { email: user.email } })).toBe(1);
  });

  it('refuses a link after its hour', async () => {
    const user = w.users.eastRep2;
    await requestPasswordReset({ ctx: baseOf(w, t0), input: { email: user.email } });
    const [token] = await resetLinks(user.email);
    await expect(
      confirmPasswordReset({
        ctx: baseOf(w, t0 + passwordResetTtlMs),
        input: { token: token as string, password: 'night-train-to-abha' },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'token' });
  });

  it('changes a password with the current one, keeping this session and ending the others', async () => {
    const user = w.users.eastManager;
    const here = await signIn(user.email, worldPassword, t0);
    const elsewhere = await signIn(user.email, worldPassword, t0);
    const ctx = ctxOf(w, user, t0 + 1);
    await expect(
      changePassword({
        ctx,
        input: { currentPassword: 'not-it-at-all', newPassword: 'night-train-to-abha' },
      }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'currentPassword' });
    await expect(
      changePassword({ ctx, input: { currentPassword: worldPassword, newPassword: 'short' } }),
    ).rejects.toMatchObject({ code: 'invalid_input', field: 'newPassword' });
    await changePassword({
      ctx,
      input: {
        currentPassword: worldPassword,
        newPassword: 'night-train-to-abha',
        keepSessionId: here.session.sessionId,
      },
    });
    expect(await authenticateSession(baseOf(w, t0 + 2), here.session.token)).not.toBeNull();
    expect(await authenticateSession(baseOf(w, t0 + 2), elsewhere.session.token)).toBeNull();
    expect((await signIn(user.email, 'night-train-to-abha', t0 + 3)).user.id).toBe(user.id);
  });
});

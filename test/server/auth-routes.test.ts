import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { createApiToken } from '../../src/services/accounts/api-tokens.ts';
import { sessionTtlMs } from '../../src/services/accounts/policy.ts';
import { deliverOutbox } from '../../src/services/outbox/deliver.ts';
import { smtpMailer } from '../../src/services/outbox/mailer.ts';
import { listPendingInvitations } from '../../src/store/account-queries.ts';
import { listOutbox } from '../../src/store/outbox-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { buildWorld, ctxOf, type World, worldPassword } from '../services/accounts/world.ts';
import { eventually, startSmtp, type TestSmtp } from '../services/outbox/smtp.ts';
import { injectAs, sessionOf } from './signed-in.ts';

const minute = 60_000;

describe.each(dialects)('sign-in, sessions, CSRF and tokens over HTTP on %s', (dialect) => {
  let store: TestStore;
  let w: World;
  let app: FastifyInstance;
  let smtp: TestSmtp;
  const start = Date.UTC(2026, 4, 10, 9, 0, 0);
  let clock = start;

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildWorld(store, start - 86_400_000, 'h');
    smtp = await startSmtp();
    app = await buildServer({ store, now: () => clock, mailer: smtpMailer(smtp.url) });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await store?.drop();
  });

  const login = (email: string, password: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, headers });

  it('signs in with a session cookie that is HttpOnly, SameSite=Lax, expiring, and Secure behind HTTPS', async () => {
    const res = await login(w.users.eastRep.email, worldPassword);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      user: { id: w.users.eastRep.id, role: 'rep', teamId: w.teams.east.id },
      org: { id: w.org.id, slug: w.org.slug },
      expiresAt: clock + sessionTtlMs,
    });
    const cookie = res.cookies.find((c) => c.name === 'hadaf_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.secure).toBeUndefined();
    expect(cookie?.expires?.getTime()).toBe(Math.floor((clock + sessionTtlMs) / 1000) * 1000);

    const behindProxy = await login(w.users.eastRep.email, worldPassword, { 'x-forwarded-proto': 'https' });
    expect(behindProxy.cookies.find((c) => c.name === 'hadaf_session')?.secure).toBe(true);
    expect(behindProxy.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(res.headers['strict-transport-security']).toBeUndefined();

    const session = await app.inject({
      method: 'GET',
      url: '/api/auth/session',
      cookies: { hadaf_session: cookie?.value ?? '' },
    });
    expect(session.json()).toMatchObject({
      via: 'session',
      csrfToken: body.csrfToken,
      scopes: null,
      user: { id: w.users.eastRep.id },
    });
  });

  it('answers a wrong password and an unknown e-mail alike, with a 401 and no cookie', async () => {
    const wrong = await login(w.users.westRep.email, 'not-my-password');
    const unknown = await login('ghost@example.test', 'not-my-password');
    for (const res of [wrong, unknown]) {
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: { code: 'unauthenticated', message: 'Wrong e-mail or password.' },
      });
      expect(res.cookies).toEqual([]);
    }
  });

  it('locks sign-in with 429 and Retry-After after 5 failures, and lets the right password in after 15 minutes', async () => {
    const email = w.users.smbRep.email;
    for (let i = 0; i < 4; i++) expect((await login(email, `bad-guess-${i}`)).statusCode).toBe(401);
    const locking = await login(email, 'bad-guess-5');
    expect(locking.statusCode).toBe(429);
    expect(locking.headers['retry-after']).toBe(String(15 * 60));
    clock += 5 * minute;
    const stillLocked = await login(email, worldPassword);
    expect(stillLocked.statusCode).toBe(429);
    expect(stillLocked.headers['retry-after']).toBe(String(10 * 60));
    expect(stillLocked.json().error.message).toMatch(
      /^Too many failed sign-ins\. Try again after .+ \(in about 10 minutes\)\.$/,
    );
    clock += 10 * minute;
    expect((await login(email, worldPassword)).statusCode).toBe(200);
  });

  it('refuses a session after it expires and after sign-out, on the server side', async () => {
    const who = await sessionOf(store, w.users.westManager, clock);
    expect((await injectAs(app, who, { method: 'GET', url: '/api/org' })).statusCode).toBe(200);
    const saved = clock;
    clock = saved + sessionTtlMs;
    expect((await injectAs(app, who, { method: 'GET', url: '/api/org' })).statusCode).toBe(401);
    clock = saved;

    const out = await injectAs(app, who, { method: 'POST', url: '/api/auth/logout' });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'hadaf_session')).toMatchObject({ value: '', maxAge: 0 });
    // the browser may keep the old cookie; the server no longer honours it
    const after = await injectAs(app, who, { method: 'GET', url: '/api/org' });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
  });

  it('requires the x-csrf-token header on every change made with a session cookie', async () => {
    const who = await sessionOf(store, w.users.admin, clock);
    const invite = (headers: Record<string, string>) =>
      app.inject({
        method: 'POST',
        url: '/api/users/invitations',
        cookies: { hadaf_session: who.cookie },
        headers,
        payload: { email: 'csrf.victim@example.test', role: 'admin' },
      });
    const missing = await invite({});
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.message).toMatch(/x-csrf-token/);
    expect((await invite({ 'x-csrf-token': 'guessed' })).statusCode).toBe(403);
    expect((await invite({ 'x-csrf-token': `${who.csrfToken}x` })).statusCode).toBe(403);
    const pending = await listPendingInvitations(store.db, w.org.id, clock);
    expect(pending.map((i) => i.email)).not.toContain('csrf.victim@example.test');

    // another session's token does not fit this one
    const other = await sessionOf(store, w.users.admin, clock);
    expect((await invite({ 'x-csrf-token': other.csrfToken })).statusCode).toBe(403);
    expect((await invite({ 'x-csrf-token': who.csrfToken })).statusCode).toBe(201);
    for (const method of ['PATCH', 'DELETE'] as const) {
      const res = await app.inject({
        method,
        url: `/api/users/${w.users.westRep.id}/role`,
        cookies: { hadaf_session: who.cookie },
      });
      expect(res.statusCode).toBe(method === 'PATCH' ? 403 : 404);
    }
  });

  it('takes API tokens as Bearer without CSRF, within their scopes, and never for credential routes', async () => {
    const ctx = ctxOf(w, w.users.admin, clock);
    const read = await createApiToken({ ctx, input: { name: 'reader', scopes: ['read'] } });
    const write = await createApiToken({ ctx, input: { name: 'writer', scopes: ['read', 'write'] } });
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

    expect(
      (await app.inject({ method: 'GET', url: '/api/users', headers: bearer(read.token) })).statusCode,
    ).toBe(200);
    const refused = await app.inject({
      method: 'POST',
      url: '/api/users/invitations',
      headers: bearer(read.token),
      payload: { email: 'by.reader@example.test', role: 'rep' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toBe('This API token lacks the "write" scope.');
    const written = await app.inject({
      method: 'POST',
      url: '/api/users/invitations',
      headers: bearer(write.token),
      payload: { email: 'by.writer@example.test', role: 'rep' },
    });
    expect(written.statusCode).toBe(201);

    const session = await app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: bearer(read.token),
    });
    expect(session.json()).toMatchObject({ via: 'token', csrfToken: null, scopes: ['read'] });
    const mint = await app.inject({
      method: 'POST',
      url: '/api/auth/tokens',
      headers: bearer(write.token),
      payload: { name: 'child', scopes: ['write'] },
    });
    expect(mint.statusCode).toBe(403);

    // a bad bearer is not rescued by a good cookie
    const cookie = await sessionOf(store, w.users.admin, clock);
    const mixed = await app.inject({
      method: 'GET',
      url: '/api/org',
      headers: bearer('hadaf_not-a-real-token'),
      cookies: { hadaf_session: cookie.cookie },
    });
    expect(mixed.statusCode).toBe(401);

    const revoke = await injectAs(app, cookie, {
      method: 'DELETE',
      url: `/api/auth/tokens/${write.apiToken.id}`,
    });
    expect(revoke.statusCode).toBe(204);
    expect(
      (await app.inject({ method: 'GET', url: '/api/users', headers: bearer(write.token) })).statusCode,
    ).toBe(401);
  });

  it('takes the org from the session only: an org id in a body or query changes nothing', async () => {
    const who = await sessionOf(store, w.users.admin, clock);
    const res = await injectAs(app, who, {
      method: 'POST',
      url: `/api/users/invitations?orgId=${w.otherOrg.id}`,
      payload: { email: 'cross.org@example.test', role: 'rep', orgId: w.otherOrg.id, org: w.otherOrg.slug },
    });
    expect(res.statusCode).toBe(201);
    expect((await listPendingInvitations(store.db, w.otherOrg.id, clock)).map((i) => i.email)).not.toContain(
      'cross.org@example.test',
    );
    expect((await listPendingInvitations(store.db, w.org.id, clock)).map((i) => i.email)).toContain(
      'cross.org@example.test',
    );
    const org = await injectAs(app, await sessionOf(store, w.users.otherAdmin, clock), {
      method: 'GET',
      url: `/api/org?orgId=${w.org.id}`,
    });
    expect(org.json().id).toBe(w.otherOrg.id);
  });

  it('sets security headers on API answers, errors and 404s', async () => {
    for (const res of [
      await app.inject({ method: 'GET', url: '/api/health' }),
      await app.inject({ method: 'GET', url: '/api/org' }),
      await app.inject({ method: 'GET', url: '/api/nope' }),
    ]) {
      expect(res.headers['content-security-policy']).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    }
  });

  it('mails an invitation through the outbox; the link signs the new person in, once', async () => {
    const admin = await sessionOf(store, w.users.admin, clock);
    const to = (address: string) => smtp.received.filter((m) => m.to[0] === address);
    const res = await injectAs(app, admin, {
      method: 'POST',
      url: '/api/users/invitations',
      payload: { email: 'mailed.hire@example.test', name: 'Maha Hire', role: 'rep', teamId: w.teams.west.id },
    });
    expect(res.statusCode).toBe(201);
    await eventually(() => to('mailed.hire@example.test').length === 1);
    const mail = to('mailed.hire@example.test')[0];
    expect(mail?.subject).toBe('Join Acme on Hadaf | انضم إلى Acme في هدف');
    const link = /http:\/\/localhost:3000\/invite\?token=([\w-]+)/.exec(mail?.text ?? '');
    expect(link?.[0]).toBe(res.json().link);

    const weak = await app.inject({
      method: 'POST',
      url: '/api/auth/invitation/accept',
      payload: { token: link?.[1], password: 'maha' },
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toEqual({
      code: 'invalid_input',
      message: 'The password must be at least 10 characters long.',
      field: 'password',
    });
    const accepted = await app.inject({
      method: 'POST',
      url: '/api/auth/invitation/accept',
      payload: { token: link?.[1], password: 'desert-rose-garden' },
    });
    expect(accepted.statusCode).toBe(201);
    expect(accepted.json()).toMatchObject({
      user: { email: 'mailed.hire@example.test', role: 'rep', teamId: w.teams.west.id },
    });
    expect(accepted.cookies.find((c) => c.name === 'hadaf_session')?.value).toHaveLength(43);
    const again = await app.inject({
      method: 'POST',
      url: '/api/auth/invitation/accept',
      payload: { token: link?.[1], password: 'desert-rose-garden' },
    });
    expect(again.statusCode).toBe(404);
  });

  it('mails one password reset link; it sets the password once and ends the old sessions', async () => {
    const user = w.users.eastRep2;
    const old = await sessionOf(store, user, clock);
    const to = (address: string) => smtp.received.filter((m) => m.to[0] === address);
    for (const email of [user.email, 'nobody.at.all@example.test']) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/password-reset', payload: { email } });
      expect(res.statusCode).toBe(202);
      expect(res.json().message).toBe(
        'If this address has an account, a reset link is on its way. It works for one hour.',
      );
    }
    await eventually(() => to(user.email).length === 1);
    // more passes of a worker, the server's or another process's, send nothing more
    const mailer = smtpMailer(smtp.url);
    await Promise.all([
      deliverOutbox({ db: store.db, now: clock, mailer }),
      deliverOutbox({ db: store.db, now: clock, mailer }),
    ]);
    await deliverOutbox({ db: store.db, now: clock + minute, mailer });
    expect(to(user.email)).toHaveLength(1);
    expect(to('nobody.at.all@example.test')).toHaveLength(0);
    const token = /http:\/\/localhost:3000\/reset\?token=([\w-]+)/.exec(to(user.email)[0]?.text ?? '')?.[1];

    const confirm = (password: string) =>
      app.inject({ method: 'POST', url: '/api/auth/password-reset/confirm', payload: { token, password } });
    expect((await confirm('eman')).statusCode).toBe(400);
    expect((await confirm('sea-breeze-at-dusk')).statusCode).toBe(204);
    expect((await confirm('sea-breeze-at-dusk-2')).statusCode).toBe(400);
    expect((await injectAs(app, old, { method: 'GET', url: '/api/org' })).statusCode).toBe(401);
    expect((await login(user.email, 'sea-breeze-at-dusk')).statusCode).toBe(200);
    const [row] = (await listOutbox(store.db, w.org.id, { channel: 'email' })).filter((r) =>
      r.payload.includes(user.email),
    );
    expect(JSON.parse(row?.payload ?? '{}')).toMatchObject({ scrubbed: true });
  });
});

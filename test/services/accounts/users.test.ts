import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser } from '../../../src/services/accounts/add-user.ts';
import { setDemoPasswords } from '../../../src/services/accounts/demo-passwords.ts';
import { login } from '../../../src/services/accounts/login.ts';
import { setupState, signUpFirstAdmin } from '../../../src/services/accounts/signup.ts';
import { changeRole, listUsers, moveUserTeam } from '../../../src/services/accounts/users.ts';
import { audit, listAudit } from '../../../src/services/audit.ts';
import { systemActor } from '../../../src/services/context.ts';
import { findMember } from '../../../src/store/account-queries.ts';
import { createOrg } from '../../../src/store/org-queries.ts';
import { createTeam } from '../../../src/store/team-queries.ts';
import { createUser } from '../../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../../helpers/stores.ts';
import { buildWorld, ctxOf, type World } from './world.ts';

const t0 = Date.UTC(2026, 3, 5, 8, 0, 0);

describe.each(dialects)('users, roles and the audit log on %s', (dialect) => {
  let store: TestStore;
  let w: World;
  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildWorld(store, t0);
  });
  afterAll(() => store?.drop());

  const names = async (user: World['users'][keyof World['users']]) =>
    (await listUsers({ ctx: ctxOf(w, user, t0) })).map((u) => u.name).sort();

  it('lists everyone to an admin, the subtree to a manager, the team to a rep, and nobody of another org', async () => {
    expect(await names(w.users.admin)).toEqual(
      ['Amal Admin', 'Eman Rep', 'Emad Manager', 'Essa Rep', 'Sami Rep', 'Walid Rep', 'Widad Manager'].sort(),
    );
    expect(await names(w.users.eastManager)).toEqual(['Emad Manager', 'Eman Rep', 'Essa Rep', 'Sami Rep']);
    expect(await names(w.users.eastRep)).toEqual(['Emad Manager', 'Eman Rep', 'Essa Rep']);
    expect(await names(w.users.otherAdmin)).toEqual(['Omar Admin']);
  });

  it('lets admins change roles, audits before and after, and keeps one admin', async () => {
    const target = await createUser(
      store.db,
      w.org.id,
      { name: 'Rola Role', email: 'rola@x.test', role: 'rep', teamId: w.teams.west.id },
      t0,
    );
    const changed = await changeRole({
      ctx: ctxOf(w, w.users.admin, t0 + 1),
      input: { userId: target.id, role: 'manager' },
    });
    expect(changed.role).toBe('manager');
    expect((await findMember(store.db, w.org.id, target.id))?.role).toBe('manager');
    const [entry] = await listAudit({
      ctx: ctxOf(w, w.users.admin, t0 + 2),
      input: { entity: 'user', entityId: target.id },
    });
    expect(entry).toMatchObject({
      action: 'change_role',
      at: t0 + 1,
      actor: { id: w.users.admin.id, label: w.users.admin.email, name: 'Amal Admin' },
      before: { role: 'rep' },
      after: { role: 'manager' },
    });

    await expect(
      changeRole({
        ctx: ctxOf(w, w.users.eastManager, t0),
        input: { userId: w.users.eastRep.id, role: 'manager' },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    await expect(
      changeRole({ ctx: ctxOf(w, w.users.admin, t0), input: { userId: w.users.admin.id, role: 'rep' } }),
    ).rejects.toMatchObject({ code: 'conflict', field: 'role' });
    await expect(
      changeRole({
        ctx: ctxOf(w, w.users.otherAdmin, t0),
        input: { userId: w.users.eastRep.id, role: 'admin' },
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect((await findMember(store.db, w.org.id, w.users.eastRep.id))?.role).toBe('rep');
  });

  it('lets a manager move a rep inside their subtree, audited, and nowhere else', async () => {
    const rep = await createUser(
      store.db,
      w.org.id,
      { name: 'Mona Move', email: 'mona@x.test', role: 'rep', teamId: w.teams.east.id },
      t0,
    );
    const manager = ctxOf(w, w.users.eastManager, t0 + 10);
    expect(
      (await moveUserTeam({ ctx: manager, input: { userId: rep.id, teamId: w.teams.eastSmb.id } })).teamId,
    ).toBe(w.teams.eastSmb.id);
    await expect(
      moveUserTeam({ ctx: manager, input: { userId: rep.id, teamId: w.teams.west.id } }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(
      moveUserTeam({
        ctx: ctxOf(w, w.users.westManager, t0),
        input: { userId: rep.id, teamId: w.teams.west.id },
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      moveUserTeam({
        ctx: ctxOf(w, w.users.eastRep, t0),
        input: { userId: rep.id, teamId: w.teams.east.id },
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
    const memberships = await store.db
      .selectFrom('team_membership')
      .selectAll()
      .where('user_id', '=', rep.id)
      .orderBy('from_at')
      .execute();
    expect(memberships.map((m) => [m.team_id, m.from_at, m.to_at])).toEqual([
      [w.teams.east.id, t0, t0 + 10],
      [w.teams.eastSmb.id, t0 + 10, null],
    ]);
    const [entry] = await listAudit({
      ctx: ctxOf(w, w.users.admin, t0),
      input: { entity: 'user', entityId: rep.id },
    });
    expect(entry).toMatchObject({
      action: 'move_team',
      before: { teamId: w.teams.east.id },
      after: { teamId: w.teams.eastSmb.id },
    });
  });

  it('shows the audit log to admins only, newest first, in pages, with secrets redacted', async () => {
    const ctx = ctxOf(w, w.users.admin, t0 + 100);
    for (let i = 0; i < 3; i++) {
      await audit(
        { ...ctx, now: t0 + 100 + i },
        {
          entity: 'goal',
          entityId: 900,
          action: 'update',
          before: { target: i },
          after: { target: i + 1, webhookSecret: 's3cret', nested: { password: 'pw' } },
        },
      );
    }
    const page1 = await listAudit({ ctx, input: { entity: 'goal', entityId: 900, limit: 2 } });
    expect(page1.map((e) => e.before)).toEqual([{ target: 2 }, { target: 1 }]);
    expect(page1[0]?.after).toEqual({
      target: 3,
      webhookSecret: '[redacted]',
      nested: { password: '[redacted]' },
    });
    const page2 = await listAudit({
      ctx,
      input: { entity: 'goal', entityId: 900, limit: 2, beforeId: page1[1]?.id },
    });
    expect(page2.map((e) => e.before)).toEqual([{ target: 0 }]);
    expect(await listAudit({ ctx, input: { entity: 'goal', from: t0 + 101, to: t0 + 102 } })).toHaveLength(1);
    expect(await listAudit({ ctx, input: { entity: "goal' OR '1'='1" } })).toEqual([]);
    expect(await listAudit({ ctx: ctxOf(w, w.users.otherAdmin, t0), input: { entity: 'goal' } })).toEqual([]);
    for (const user of [w.users.eastManager, w.users.eastRep]) {
      await expect(listAudit({ ctx: ctxOf(w, user, t0), input: {} })).rejects.toMatchObject({
        code: 'forbidden',
      });
    }
    await expect(listAudit({ ctx, input: { limit: 501 } })).rejects.toMatchObject({ field: 'limit' });
    await audit(
      { ...ctx, actor: systemActor('scheduler') },
      { entity: 'goal', entityId: 901, action: 'archive' },
    );
    const [bySystem] = await listAudit({ ctx, input: { entityId: 901 } });
    expect(bySystem).toMatchObject({
      actor: { id: null, label: 'system:scheduler', name: null },
      before: null,
      after: null,
    });
  });
});

describe.each(dialects)('first admin, CLI users and demo logins on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await freshStore(dialect);
  });
  afterAll(() => store?.drop());
  const base = (now = t0) => ({ db: store.db, dialect: store.dialect, now });

  it('opens sign-up on a fresh server for one first admin, then closes it', async () => {
    expect(await setupState(base())).toEqual({ needsSetup: true });
    await expect(
      signUpFirstAdmin({
        ctx: base(),
        input: {
          orgName: 'Acme',
          orgSlug: 'Acme Co',
          name: 'Ann',
          email: 'ann@acme.test',
          password: 'quiet-morning-tea-9',
        },
      }),
    ).rejects.toMatchObject({ field: 'orgSlug' });
    const first = await signUpFirstAdmin({
      ctx: base(),
      input: {
        orgName: 'Acme',
        orgSlug: 'acme',
        currency: 'SAR',
        timeZone: 'Asia/Riyadh',
        name: 'Ann Admin',
        email: 'Ann@Acme.test',
        password: 'quiet-morning-tea-9',
      },
    });
    expect(first.org).toMatchObject({ slug: 'acme', currency: 'SAR', timeZone: 'Asia/Riyadh' });
    expect(first.user).toMatchObject({ role: 'admin', email: 'ann@acme.test' });
    expect(await setupState(base())).toEqual({ needsSetup: false });
    await expect(
      signUpFirstAdmin({
        ctx: base(),
        input: {
          orgName: 'Evil',
          orgSlug: 'evil',
          name: 'Eve',
          email: 'eve@evil.test',
          password: 'quiet-morning-tea-9',
        },
      }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    const entries = await listAudit({
      ctx: {
        ...base(),
        org: first.org,
        actor: { kind: 'user', userId: first.user.id, role: 'admin', teamId: null },
      },
      input: {},
    });
    expect(entries.map((e) => `${e.entity}:${e.action}`).sort()).toEqual(['org:sign_up', 'user:create']);
  });

  it('adds users from the CLI, creating the org on request, with a generated password that signs in', async () => {
    await expect(
      addUser({
        ctx: base(),
        input: { orgSlug: 'globex', email: 'g@globex.test', name: 'Gus', role: 'admin' },
      }),
    ).rejects.toMatchObject({ field: 'org' });
    const added = await addUser({
      ctx: base(),
      input: {
        orgSlug: 'globex',
        orgName: 'Globex',
        timeZone: 'Europe/Berlin',
        email: 'g@globex.test',
        name: 'Gus',
        role: 'admin',
      },
    });
    expect(added).toMatchObject({
      orgCreated: true,
      org: { slug: 'globex', timeZone: 'Europe/Berlin' },
      user: { role: 'admin' },
    });
    expect(added.generatedPassword).toMatch(/^[\w-]{20}$/);
    const signedIn = await login({
      ctx: base(),
      input: { email: 'g@globex.test', password: added.generatedPassword as string, clientIp: '10.0.0.9' },
    });
    expect(signedIn.org.id).toBe(added.org.id);

    await createTeam(store.db, added.org.id, { name: 'Berlin' }, t0);
    const rep = await addUser({
      ctx: base(),
      input: {
        orgSlug: 'globex',
        email: 'r@globex.test',
        name: 'Rita',
        role: 'rep',
        team: 'Berlin',
        password: 'berlin-calling-2026',
      },
    });
    expect(rep).toMatchObject({ orgCreated: false, user: { role: 'rep' } });
    expect(rep.generatedPassword).toBeUndefined();
    await expect(
      addUser({
        ctx: base(),
        input: {
          orgSlug: 'globex',
          email: 'R@globex.test',
          name: 'Rita 2',
          role: 'rep',
          password: 'berlin-calling-2026',
        },
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      addUser({
        ctx: base(),
        input: { orgSlug: 'globex', email: 'x@globex.test', name: 'X', role: 'rep', team: 'Paris' },
      }),
    ).rejects.toMatchObject({ field: 'team' });
  });

  it('gives the demo admin, a manager and a rep the demo password', async () => {
    const demo = await createOrg(store.db, { name: 'Demo', slug: 'demo' }, t0);
    const team = await createTeam(store.db, demo.id, { name: 'Riyadh' }, t0);
    await createUser(
      store.db,
      demo.id,
      { name: 'Old Rep', email: 'old@demo.test', role: 'rep', teamId: team.id, leftAt: t0 - 1 },
      t0,
    );
    await createUser(store.db, demo.id, { name: 'Dana Admin', email: 'dana@demo.test', role: 'admin' }, t0);
    await createUser(store.db, demo.id, { name: 'Teamless Mgr', email: 'tm@demo.test', role: 'manager' }, t0);
    await createUser(
      store.db,
      demo.id,
      { name: 'Majed Mgr', email: 'majed@demo.test', role: 'manager', teamId: team.id },
      t0,
    );
    await createUser(
      store.db,
      demo.id,
      { name: 'Reem Rep', email: 'reem@demo.test', role: 'rep', teamId: team.id },
      t0,
    );
    const logins = await setDemoPasswords(store.db, demo.id, t0);
    expect(logins).toEqual([
      { role: 'admin', email: 'dana@demo.test', password: 'hadaf-demo-2026' },
      { role: 'manager', email: 'majed@demo.test', password: 'hadaf-demo-2026' },
      { role: 'rep', email: 'reem@demo.test', password: 'hadaf-demo-2026' },
    ]);
    const signedIn = await login({
      ctx: base(t0 + 1),
      input: { email: 'reem@demo.test', password: 'hadaf-demo-2026', clientIp: '10.0.0.8' },
    });
    expect(signedIn.org.id).toBe(demo.id);
  });
});

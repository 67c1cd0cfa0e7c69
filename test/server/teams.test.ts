import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { emailThrottleKey } from '../../src/services/accounts/login.ts';
import { loginThrottle } from '../../src/services/accounts/policy.ts';
import type { Member } from '../../src/store/account-queries.ts';
import { recordLoginFailure } from '../../src/store/account-queries.ts';
import { findTeam, listTeams } from '../../src/store/team-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { buildWorld, type World } from '../services/accounts/world.ts';
import { injectAs, sessionOf } from './signed-in.ts';

const now = Date.UTC(2026, 4, 10, 9, 0, 0);

interface TeamBody {
  id: number;
  name: string;
  parentId: number | null;
  managerId: number | null;
  path: string;
}

describe.each(dialects)('the team tree, people status and audit filters over HTTP on %s', (dialect) => {
  let store: TestStore;
  let app: FastifyInstance;
  let w: World;

  beforeAll(async () => {
    store = await freshStore(dialect);
    w = await buildWorld(store, now - 86_400_000, 't');
    app = await buildServer({ store, now: () => now, mailer: null });
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  const as = async (user: Member, request: InjectOptions) =>
    injectAs(app, await sessionOf(store, user, now), request);
  const admin = (request: InjectOptions) => as(w.users.admin, request);
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  const paths = async () =>
    Object.fromEntries((await listTeams(store.db, w.org.id)).map((t) => [t.name, t.path]));

  it('creates a sub-team under a parent with its materialized path, and audits it', async () => {
    const res = await admin({
      method: 'POST',
      url: '/api/teams',
      payload: { name: '  East Enterprise ', parentId: w.teams.east.id },
    });
    expect(res.statusCode).toBe(201);
    const team = json<TeamBody>(res);
    expect(team).toMatchObject({ name: 'East Enterprise', parentId: w.teams.east.id, managerId: null });
    expect(team.path).toBe(`${w.teams.east.path}${team.id}/`);

    const audit = await admin({ method: 'GET', url: '/api/audit?entity=team&action=create' });
    expect(json<{ entries: Array<{ entityId: number; after: unknown }> }>(audit).entries[0]).toMatchObject({
      entityId: team.id,
      after: { name: 'East Enterprise', parentId: w.teams.east.id, managerId: null },
    });
  });

  it('refuses a second team of the same name (any case), an empty name and an unknown parent, changing nothing', async () => {
    const before = await paths();
    const same = await admin({ method: 'POST', url: '/api/teams', payload: { name: 'east' } });
    expect(same.statusCode).toBe(409);
    expect(json<{ error: { message: string; field: string } }>(same).error).toEqual({
      code: 'conflict',
      message: 'There is already a team named "East".',
      field: 'name',
    });
    const empty = await admin({ method: 'POST', url: '/api/teams', payload: { name: '   ' } });
    expect(empty.statusCode).toBe(400);
    expect(json<{ error: { field: string } }>(empty).error.field).toBe('name');
    const orphan = await admin({
      method: 'POST',
      url: '/api/teams',
      payload: { name: 'Nowhere', parentId: w.teams.otherTeam.id },
    });
    expect(orphan.statusCode).toBe(400);
    expect(json<{ error: { message: string; field: string } }>(orphan).error).toMatchObject({
      message: `Team ${w.teams.otherTeam.id} does not exist in this org.`,
      field: 'parentId',
    });
    expect(await paths()).toEqual(before);
  });

  it('moves a team with its whole subtree, rewriting every path below it', async () => {
    const north = json<TeamBody>(
      await admin({ method: 'POST', url: '/api/teams', payload: { name: 'North' } }),
    );
    const northSmb = json<TeamBody>(
      await admin({ method: 'POST', url: '/api/teams', payload: { name: 'North SMB', parentId: north.id } }),
    );
    const northSmbRiyadh = json<TeamBody>(
      await admin({
        method: 'POST',
        url: '/api/teams',
        payload: { name: 'North SMB Riyadh', parentId: northSmb.id },
      }),
    );
    const moved = await admin({
      method: 'PATCH',
      url: `/api/teams/${northSmb.id}`,
      payload: { parentId: w.teams.west.id },
    });
    expect(moved.statusCode).toBe(200);
    expect(json<TeamBody>(moved)).toMatchObject({
      parentId: w.teams.west.id,
      path: `${w.teams.west.path}${northSmb.id}/`,
    });
    const after = await paths();
    expect(after['North SMB Riyadh']).toBe(`${w.teams.west.path}${northSmb.id}/${northSmbRiyadh.id}/`);
    expect(after.North).toBe(`/${north.id}/`);
    expect(after.West).toBe(w.teams.west.path);

    // to the top level
    const top = await admin({
      method: 'PATCH',
      url: `/api/teams/${northSmb.id}`,
      payload: { parentId: null },
    });
    expect(json<TeamBody>(top).path).toBe(`/${northSmb.id}/`);
    expect((await findTeam(store.db, w.org.id, northSmbRiyadh.id))?.path).toBe(
      `/${northSmb.id}/${northSmbRiyadh.id}/`,
    );
    const moves = json<{ entries: Array<{ entityId: number; before: unknown; after: unknown }> }>(
      await admin({ method: 'GET', url: `/api/audit?entity=team&entityId=${northSmb.id}&action=move` }),
    ).entries;
    expect(moves.map((m) => m.after)).toEqual([
      { parentId: null, path: `/${northSmb.id}/` },
      { parentId: w.teams.west.id, path: `${w.teams.west.path}${northSmb.id}/` },
    ]);
  });

  it('refuses to move a team under itself or one of its sub-teams, with the reason, and changes nothing', async () => {
    const before = await paths();
    const underChild = await admin({
      method: 'PATCH',
      url: `/api/teams/${w.teams.sales.id}`,
      payload: { parentId: w.teams.eastSmb.id, name: 'All Sales' },
    });
    expect(underChild.statusCode).toBe(400);
    expect(json<{ error: unknown }>(underChild).error).toEqual({
      code: 'invalid_input',
      message: 'Sales cannot move under East SMB: East SMB is one of its own sub-teams.',
      field: 'parentId',
    });
    const underItself = await admin({
      method: 'PATCH',
      url: `/api/teams/${w.teams.east.id}`,
      payload: { parentId: w.teams.east.id },
    });
    expect(json<{ error: { message: string } }>(underItself).error.message).toBe(
      'East cannot be its own parent.',
    );
    expect(await paths()).toEqual(before);
  });

  it('renames a team and sets its manager; a manager of another org is refused', async () => {
    const res = await admin({
      method: 'PATCH',
      url: `/api/teams/${w.teams.west.id}`,
      payload: { name: 'West Coast', managerId: w.users.westManager.id },
    });
    expect(json<TeamBody>(res)).toMatchObject({ name: 'West Coast', managerId: w.users.westManager.id });
    const foreign = await admin({
      method: 'PATCH',
      url: `/api/teams/${w.teams.west.id}`,
      payload: { managerId: w.users.otherAdmin.id },
    });
    expect(foreign.statusCode).toBe(400);
    expect((await findTeam(store.db, w.org.id, w.teams.west.id))?.manager_id).toBe(w.users.westManager.id);
    const renamed = json<{ entries: Array<{ before: unknown; after: unknown }> }>(
      await admin({ method: 'GET', url: `/api/audit?entityId=${w.teams.west.id}&action=rename` }),
    ).entries;
    expect(renamed).toMatchObject([{ before: { name: 'West' }, after: { name: 'West Coast' } }]);
  });

  it('deletes an empty team and refuses one with sub-teams or people, saying what is left', async () => {
    const full = await admin({ method: 'DELETE', url: `/api/teams/${w.teams.east.id}` });
    expect(full.statusCode).toBe(409);
    expect(json<{ error: { message: string } }>(full).error.message).toBe(
      'East is not empty: it still has 2 sub-team(s), 3 member(s). Move or remove them first.',
    );
    // a team nobody is in now, but someone was: its history would be lost
    const pastOnly = json<TeamBody>(
      await admin({ method: 'POST', url: '/api/teams', payload: { name: 'Short-lived' } }),
    );
    const invite = await admin({
      method: 'POST',
      url: '/api/users/invitations',
      payload: { email: 'later@x.test', role: 'rep', teamId: pastOnly.id },
    });
    expect(invite.statusCode).toBe(201);
    const invited = await admin({ method: 'DELETE', url: `/api/teams/${pastOnly.id}` });
    expect(json<{ error: { message: string } }>(invited).error.message).toBe(
      'Short-lived is not empty: it still has 1 open invitation(s). Move or remove them first.',
    );
    const moveIn = await admin({
      method: 'PATCH',
      url: `/api/users/${w.users.westRep.id}/team`,
      payload: { teamId: pastOnly.id },
    });
    expect(moveIn.statusCode).toBe(200);
    await admin({
      method: 'PATCH',
      url: `/api/users/${w.users.westRep.id}/team`,
      payload: { teamId: w.teams.west.id },
    });
    const invitationId = json<{ invitation: { id: number } }>(invite).invitation.id;
    await admin({ method: 'DELETE', url: `/api/users/invitations/${invitationId}` });
    const history = await admin({ method: 'DELETE', url: `/api/teams/${pastOnly.id}` });
    expect(history.statusCode).toBe(409);
    expect(json<{ error: { message: string } }>(history).error.message).toBe(
      'Short-lived is not empty: it still has the history of 1 past membership(s). Move or remove them first.',
    );
    expect(await findTeam(store.db, w.org.id, pastOnly.id)).toBeDefined();

    const empty = json<TeamBody>(
      await admin({ method: 'POST', url: '/api/teams', payload: { name: 'Empty' } }),
    );
    const gone = await admin({ method: 'DELETE', url: `/api/teams/${empty.id}` });
    expect(gone.statusCode).toBe(204);
    expect(await findTeam(store.db, w.org.id, empty.id)).toBeUndefined();
    const deleted = json<{ entries: Array<{ before: unknown; after: unknown }> }>(
      await admin({ method: 'GET', url: `/api/audit?entityId=${empty.id}&action=delete` }),
    ).entries;
    expect(deleted).toMatchObject([{ before: { name: 'Empty', parentId: null }, after: null }]);
  });

  it('refuses managers and reps every change to the tree', async () => {
    const before = await paths();
    for (const user of [w.users.eastManager, w.users.eastRep]) {
      const create = await as(user, {
        method: 'POST',
        url: '/api/teams',
        payload: { name: 'Mine', parentId: w.teams.east.id },
      });
      expect(create.statusCode).toBe(403);
      expect(json<{ error: { message: string } }>(create).error.message).toBe(
        'Only admins can change the team tree.',
      );
      const rename = await as(user, {
        method: 'PATCH',
        url: `/api/teams/${w.teams.eastSmb.id}`,
        payload: { name: 'Mine' },
      });
      expect(rename.statusCode).toBe(403);
    }
    expect(await paths()).toEqual(before);
  });

  it('lists each user with a status: active, left, or locked after too many wrong passwords', async () => {
    for (let i = 0; i < loginThrottle.email.maxFailures; i++) {
      await recordLoginFailure(
        store.db,
        emailThrottleKey(w.users.smbRep.email),
        now - 1000,
        loginThrottle.email,
      );
    }
    await store.db
      .updateTable('app_user')
      .set({ left_at: now - 1 })
      .where('id', '=', w.users.eastRep2.id)
      .execute();
    const res = await admin({ method: 'GET', url: '/api/users' });
    const users = json<{ users: Array<{ id: number; status: string; lockedUntil: number | null }> }>(
      res,
    ).users;
    const statusOf = (id: number) => users.find((u) => u.id === id);
    expect(statusOf(w.users.smbRep.id)).toMatchObject({
      status: 'locked',
      lockedUntil: now - 1000 + loginThrottle.email.lockMs,
    });
    expect(statusOf(w.users.eastRep2.id)).toMatchObject({ status: 'left', lockedUntil: null });
    expect(statusOf(w.users.eastRep.id)).toMatchObject({ status: 'active', lockedUntil: null });
    // the other org's admin sees none of it
    const other = json<{ users: Array<{ id: number }> }>(
      await as(w.users.otherAdmin, { method: 'GET', url: '/api/users' }),
    ).users;
    expect(other.map((u) => u.id)).toEqual([w.users.otherAdmin.id]);
  });
});

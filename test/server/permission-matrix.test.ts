import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { registeredApiRoutes } from '../../src/server/auth.ts';
import { createApiToken } from '../../src/services/accounts/api-tokens.ts';
import { inviteUser } from '../../src/services/accounts/invitations.ts';
import { newSecret } from '../../src/services/accounts/secrets.ts';
import { createWebhook } from '../../src/services/tracking/webhooks.ts';
import { findMember, insertPasswordReset, type Member } from '../../src/store/account-queries.ts';
import { createTeam } from '../../src/store/team-queries.ts';
import { createUser } from '../../src/store/user-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { buildWorld, ctxOf, type World, worldPassword } from '../services/accounts/world.ts';
import { injectAs, sessionOf } from './signed-in.ts';

/**
 * Every API route, run as each of these actors against data of a rep of
 * the East team ("rep"), asserting allow or deny. A route without a row
 * fails the first test: add one when you add a route.
 */
const actors = [
  'admin',
  'managerOfOtherTeam',
  'managerOfTheTeam',
  'rep',
  'repOfSameTeam',
  'userOfOtherOrg',
  'anonymous',
] as const;
type ActorName = (typeof actors)[number];

/** allow: 2xx. deny: 401 when anonymous, else 403 or 404 (or a listed status). A number: exactly that. */
type Outcome = 'allow' | 'deny' | number;
type Expectations = Record<ActorName, Outcome>;

interface Fixture {
  w: World;
  now: number;
  /** The East rep whose data the rows target. */
  subject: Member;
  /** Unique per case, for e-mails and names. */
  unique: () => string;
  /** Sends a request as the org's admin (to set up a case through the API). */
  asAdmin: (request: InjectOptions) => Promise<{ statusCode: number; body: string }>;
}

interface Row {
  /** The request to send as `actor`; may create fresh rows first (cases change state). */
  request: (f: Fixture, actor: ActorName) => Promise<InjectOptions> | InjectOptions;
  expect: Expectations;
  /** Statuses besides 403/404 that count as a denial for this route (e.g. 400 for an id of another org). */
  alsoDeny?: number[];
}

const everyone = (outcome: Outcome): Expectations =>
  Object.fromEntries(actors.map((a) => [a, outcome])) as Expectations;
const signedIn = (): Expectations => ({ ...everyone('allow'), anonymous: 'deny' });
const only = (...allowed: ActorName[]): Expectations =>
  Object.fromEntries(actors.map((a) => [a, allowed.includes(a) ? 'allow' : 'deny'])) as Expectations;
/** Admin-only routes: the other org's admin is allowed too, inside their own org. */
const admins = () => only('admin', 'userOfOtherOrg');
const subtreeOfTheRep = () => only('admin', 'managerOfTheTeam', 'rep');
const managersOfTheRep = () => only('admin', 'managerOfTheTeam');

const get = (url: string): InjectOptions => ({ method: 'GET', url });

// ---- fixtures of other modules' tables, inserted directly -----------------

async function insertFact(f: Fixture, table: string): Promise<number> {
  const db = f.w.store.db;
  const base = { org_id: f.w.org.id };
  const owner = { owner_id: f.subject.id, team_id: f.subject.team_id };
  const name = `AcmeOnly ${f.unique()}`;
  switch (table) {
    case 'accounts':
      return (
        await db
          .insertInto('account')
          .values({ ...base, ...owner, name, created_at: f.now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    case 'subscriptions': {
      const accountId = await insertFact(f, 'accounts');
      return (
        await db
          .insertInto('subscription')
          .values({
            ...base,
            account_id: accountId,
            mrr: 1000,
            currency: 'USD',
            started_at: f.now - 86_400_000,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    }
    case 'leads':
      return (
        await db
          .insertInto('lead')
          .values({ ...base, ...owner, name, created_at: f.now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    case 'deals':
      return (
        await db
          .insertInto('deal')
          .values({
            ...base,
            ...owner,
            name,
            amount: 5000,
            currency: 'USD',
            stage: 'open',
            status: 'open',
            created_at: f.now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    case 'activities':
      return (
        await db
          .insertInto('activity')
          .values({ ...base, ...owner, type: 'call', occurred_at: f.now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    case 'coaching':
      return (
        await db
          .insertInto('coaching')
          .values({
            ...base,
            coach_id: f.w.users.eastManager.id,
            rep_id: f.subject.id,
            team_id: f.subject.team_id,
            kind: 'coaching',
            hours: 1,
            occurred_at: f.now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    case 'spend':
      return (
        await db
          .insertInto('spend')
          .values({
            ...base,
            period_start: '2026-04-01',
            period_end: '2026-04-30',
            category: 'marketing',
            amount: 700,
            currency: 'USD',
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    default:
      throw new Error(`no fixture for ${table}`);
  }
}

async function insertGoal(f: Fixture): Promise<number> {
  const row = await f.w.store.db
    .insertInto('goal')
    .values({
      org_id: f.w.org.id,
      title: `AcmeOnly revenue ${f.unique()}`,
      metric: 'revenue',
      scope_type: 'rep',
      scope_id: f.subject.id,
      target: 100_000,
      target_mode: 'absolute',
      direction: 'increase',
      period_start: '2026-04-01',
      period_end: '2026-06-30',
      kind: 'outcome',
      layer: 'individual',
      owner_id: f.subject.id,
      status: 'active',
      created_at: f.now,
      updated_at: f.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A new rep in the East team, so a case that changes a user never changes the actors. */
async function freshEastRep(f: Fixture): Promise<Member> {
  const u = f.unique();
  const row = await createUser(
    f.w.store.db,
    f.w.org.id,
    { name: `Fresh ${u}`, email: `fresh.${u}@acme.test`, role: 'rep', teamId: f.w.teams.east.id },
    f.now,
  );
  return (await findMember(f.w.store.db, f.w.org.id, row.id)) as Member;
}

const importCsv = 'external_id,name,amount,created_at\nAcmeOnly-1,AcmeOnly import,100,2026-04-01\n';

/** An upload of Acme's admin, for the routes that act on one. */
async function adminUpload(f: Fixture): Promise<string> {
  const res = await f.asAdmin({
    method: 'POST',
    url: '/api/imports?entity=deals',
    headers: { 'content-type': 'text/csv' },
    payload: importCsv,
  });
  return (JSON.parse(res.body) as { id: string }).id;
}

const factBodies: Record<
  string,
  {
    create: (f: Fixture) => Promise<object>;
    patch: object;
    readers: Expectations;
    writers: Expectations;
    creators: Expectations;
  }
> = {
  accounts: {
    create: async (f) => ({ name: `AcmeOnly ${f.unique()}`, ownerId: f.subject.id }),
    patch: { industry: 'Retail' },
    readers: subtreeOfTheRep(),
    writers: managersOfTheRep(),
    creators: managersOfTheRep(),
  },
  subscriptions: {
    create: async (f) => ({
      accountId: await insertFact(f, 'accounts'),
      mrr: 1200,
      startedAt: f.now - 3_600_000,
    }),
    patch: { mrr: 2000 },
    readers: subtreeOfTheRep(),
    writers: managersOfTheRep(),
    creators: managersOfTheRep(),
  },
  leads: {
    create: async (f) => ({ name: `AcmeOnly ${f.unique()}`, ownerId: f.subject.id }),
    patch: { channel: 'web' },
    readers: subtreeOfTheRep(),
    writers: managersOfTheRep(),
    creators: managersOfTheRep(),
  },
  deals: {
    create: async (f) => ({ amount: 1000, ownerId: f.subject.id, createdAt: f.now }),
    patch: { stage: 'proposal' },
    readers: subtreeOfTheRep(),
    writers: managersOfTheRep(),
    creators: managersOfTheRep(),
  },
  activities: {
    create: async (f) => ({ type: 'call', occurredAt: f.now, ownerId: f.subject.id }),
    patch: { qualified: true },
    readers: subtreeOfTheRep(),
    // reps log and change their own activities
    writers: subtreeOfTheRep(),
    creators: subtreeOfTheRep(),
  },
  coaching: {
    create: async (f) => ({ kind: 'coaching', hours: 1, occurredAt: f.now, repId: f.subject.id }),
    patch: { hours: 2 },
    readers: subtreeOfTheRep(),
    writers: managersOfTheRep(),
    creators: managersOfTheRep(),
  },
  spend: {
    create: async () => ({
      periodStart: '2026-04-01',
      periodEnd: '2026-04-30',
      category: 'marketing',
      amount: 500,
    }),
    patch: { amount: 600 },
    readers: only('admin'),
    writers: only('admin'),
    // the other org's admin adds spend to their own org
    creators: admins(),
  },
};

function factRows(): Record<string, Row> {
  const rows: Record<string, Row> = {};
  for (const [entity, spec] of Object.entries(factBodies)) {
    rows[`GET /api/${entity}`] = {
      request: () => get(`/api/${entity}`),
      expect: entity === 'spend' ? admins() : signedIn(),
    };
    rows[`GET /api/${entity}/:id`] = {
      request: async (f) => get(`/api/${entity}/${await insertFact(f, entity)}`),
      expect: spec.readers,
    };
    rows[`POST /api/${entity}`] = {
      request: async (f) => ({ method: 'POST', url: `/api/${entity}`, payload: await spec.create(f) }),
      expect: spec.creators,
      // the other org does not know the East rep (or the account): its ids are refused as input
      alsoDeny: [400],
    };
    rows[`PATCH /api/${entity}/:id`] = {
      request: async (f) => ({
        method: 'PATCH',
        url: `/api/${entity}/${await insertFact(f, entity)}`,
        payload: spec.patch,
      }),
      expect: spec.writers,
    };
    rows[`DELETE /api/${entity}/:id`] = {
      request: async (f) => ({ method: 'DELETE', url: `/api/${entity}/${await insertFact(f, entity)}` }),
      expect: spec.writers,
    };
  }
  return rows;
}

const rows: Record<string, Row> = {
  // ---- public ------------------------------------------------------------
  'GET /api/health': { request: () => get('/api/health'), expect: everyone(200) },
  'GET /api/openapi.json': { request: () => get('/api/openapi.json'), expect: everyone(200) },
  'GET /api/docs': { request: () => get('/api/docs'), expect: everyone('allow') },
  'GET /api/docs/json': { request: () => get('/api/docs/json'), expect: everyone(200) },
  'GET /api/docs/yaml': { request: () => get('/api/docs/yaml'), expect: everyone(200) },
  // Swagger UI sends its index page on to /api/docs
  'GET /api/docs/static/index.html': {
    request: () => get('/api/docs/static/index.html'),
    expect: everyone(302),
  },
  'GET /api/docs/static/swagger-initializer.js': {
    request: () => get('/api/docs/static/swagger-initializer.js'),
    expect: everyone(200),
  },
  'GET /api/docs/static/*': { request: () => get('/api/docs/static/index.css'), expect: everyone(200) },
  'GET /api/auth/setup': { request: () => get('/api/auth/setup'), expect: everyone(200) },
  'POST /api/auth/signup': {
    request: (f) => ({
      method: 'POST',
      url: '/api/auth/signup',
      payload: {
        orgName: 'Late',
        orgSlug: `late-${f.unique()}`,
        name: 'Late Comer',
        email: `late.${f.unique()}@x.test`,
        password: 'a-long-enough-phrase',
      },
    }),
    // the server is set up: nobody, signed in or not, can sign up a new org
    expect: everyone(403),
  },
  'POST /api/auth/login': {
    request: (f) => ({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: f.w.users.westRep.email, password: worldPassword },
    }),
    expect: everyone(200),
  },
  'POST /api/auth/password-reset': {
    request: (f) => ({
      method: 'POST',
      url: '/api/auth/password-reset',
      payload: { email: f.subject.email },
    }),
    expect: everyone(202),
  },
  'POST /api/auth/password-reset/confirm': {
    request: async (f) => {
      const user = await freshEastRep(f);
      const { token, hash } = newSecret();
      await insertPasswordReset(f.w.store.db, f.w.org.id, {
        userId: user.id,
        tokenHash: hash,
        createdAt: f.now,
        expiresAt: f.now + 60_000,
      });
      return {
        method: 'POST',
        url: '/api/auth/password-reset/confirm',
        payload: { token, password: 'a-long-enough-phrase' },
      };
    },
    expect: everyone(204),
  },
  'POST /api/auth/invitation': {
    request: async (f) => {
      const { link } = await inviteUser({
        ctx: ctxOf(f.w, f.w.users.admin, f.now),
        input: { email: `inv.${f.unique()}@x.test`, role: 'rep' },
      });
      return {
        method: 'POST',
        url: '/api/auth/invitation',
        payload: { token: new URL(link).searchParams.get('token') },
      };
    },
    expect: everyone(200),
  },
  'POST /api/auth/invitation/accept': {
    request: async (f) => {
      const { link } = await inviteUser({
        ctx: ctxOf(f.w, f.w.users.admin, f.now),
        input: { email: `acc.${f.unique()}@x.test`, name: 'New Person', role: 'rep' },
      });
      return {
        method: 'POST',
        url: '/api/auth/invitation/accept',
        payload: { token: new URL(link).searchParams.get('token'), password: 'a-long-enough-phrase' },
      };
    },
    expect: everyone(201),
  },

  // ---- your own session and account ---------------------------------------
  'GET /api/org': { request: () => get('/api/org'), expect: signedIn() },
  'GET /api/org/settings': { request: () => get('/api/org/settings'), expect: signedIn() },
  'PUT /api/org/settings': {
    request: () => ({
      method: 'PUT',
      url: '/api/org/settings',
      payload: { settings: { atRiskBelow: 0.95 } },
    }),
    expect: admins(),
  },
  'GET /api/auth/session': { request: () => get('/api/auth/session'), expect: signedIn() },
  'POST /api/auth/logout': {
    request: () => ({ method: 'POST', url: '/api/auth/logout' }),
    expect: signedIn(),
  },
  'POST /api/auth/password': {
    request: () => ({
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: worldPassword, newPassword: worldPassword },
    }),
    expect: signedIn(),
  },
  'GET /api/auth/tokens': { request: () => get('/api/auth/tokens'), expect: signedIn() },
  'POST /api/auth/tokens': {
    request: () => ({
      method: 'POST',
      url: '/api/auth/tokens',
      payload: { name: 'script', scopes: ['read'] },
    }),
    expect: signedIn(),
  },
  'DELETE /api/auth/tokens/:id': {
    request: async (f) => {
      const { apiToken } = await createApiToken({
        ctx: ctxOf(f.w, f.subject, f.now),
        input: { name: 'the rep’s', scopes: ['read'] },
      });
      return { method: 'DELETE', url: `/api/auth/tokens/${apiToken.id}` };
    },
    // the owner and the org's admin; nobody else can even see it
    expect: only('admin', 'rep'),
  },

  // ---- people ------------------------------------------------------------
  'GET /api/users': { request: () => get('/api/users'), expect: signedIn() },
  'GET /api/users/:id': {
    request: (f) => get(`/api/users/${f.subject.id}`),
    expect: only('admin', 'managerOfTheTeam', 'rep', 'repOfSameTeam'),
  },
  'GET /api/teams': { request: () => get('/api/teams'), expect: signedIn() },
  'GET /api/teams/:id': {
    request: (f) => get(`/api/teams/${f.w.teams.east.id}`),
    expect: only('admin', 'managerOfTheTeam', 'rep', 'repOfSameTeam'),
  },
  'POST /api/teams': {
    request: (f) => ({ method: 'POST', url: '/api/teams', payload: { name: `Team ${f.unique()}` } }),
    expect: admins(),
  },
  'PATCH /api/teams/:id': {
    request: async (f) => ({
      method: 'PATCH',
      url: `/api/teams/${(await createTeam(f.w.store.db, f.w.org.id, { name: `T ${f.unique()}` }, f.now)).id}`,
      payload: { name: `Renamed ${f.unique()}`, parentId: f.w.teams.east.id },
    }),
    expect: only('admin'),
  },
  'DELETE /api/teams/:id': {
    request: async (f) => ({
      method: 'DELETE',
      url: `/api/teams/${(await createTeam(f.w.store.db, f.w.org.id, { name: `T ${f.unique()}` }, f.now)).id}`,
    }),
    expect: only('admin'),
  },
  'GET /api/users/invitations': {
    request: () => get('/api/users/invitations'),
    expect: only('admin', 'managerOfOtherTeam', 'managerOfTheTeam', 'userOfOtherOrg'),
  },
  'POST /api/users/invitations': {
    request: (f) => ({
      method: 'POST',
      url: '/api/users/invitations',
      payload: { email: `hire.${f.unique()}@x.test`, role: 'rep', teamId: f.w.teams.east.id },
    }),
    expect: managersOfTheRep(),
  },
  'DELETE /api/users/invitations/:id': {
    request: async (f) => {
      const { invitation } = await inviteUser({
        ctx: ctxOf(f.w, f.w.users.admin, f.now),
        input: { email: `withdraw.${f.unique()}@x.test`, role: 'rep', teamId: f.w.teams.east.id },
      });
      return { method: 'DELETE', url: `/api/users/invitations/${invitation.id}` };
    },
    expect: managersOfTheRep(),
  },
  'PATCH /api/users/:id/role': {
    request: async (f) => ({
      method: 'PATCH',
      url: `/api/users/${(await freshEastRep(f)).id}/role`,
      payload: { role: 'manager' },
    }),
    expect: only('admin'),
  },
  'PATCH /api/users/:id/team': {
    request: async (f) => ({
      method: 'PATCH',
      url: `/api/users/${(await freshEastRep(f)).id}/team`,
      payload: { teamId: f.w.teams.eastSmb.id },
    }),
    expect: managersOfTheRep(),
  },
  'GET /api/audit': { request: () => get('/api/audit'), expect: admins() },

  // ---- goals ------------------------------------------------------------
  'GET /api/goals': { request: () => get('/api/goals'), expect: signedIn() },
  'POST /api/goals': {
    request: (f) => ({
      method: 'POST',
      url: '/api/goals',
      payload: {
        title: `AcmeOnly Q3 revenue ${f.unique()}`,
        metric: 'revenue',
        scope: { type: 'rep', id: f.subject.id },
        target: 50_000,
        period: { start: '2026-07-01', end: '2026-09-30' },
        status: 'draft',
      },
    }),
    expect: managersOfTheRep(),
    alsoDeny: [400],
  },
  'POST /api/goals/plan/preview': {
    request: (f) => ({
      method: 'POST',
      url: '/api/goals/plan/preview',
      payload: {
        goal: {
          title: `AcmeOnly Q3 revenue ${f.unique()}`,
          metric: 'revenue',
          scope: { type: 'rep', id: f.subject.id },
          target: 50_000,
          period: { start: '2026-07-01', end: '2026-09-30' },
        },
        split: { by: 'period', grain: 'month' },
      },
    }),
    expect: managersOfTheRep(),
    alsoDeny: [400],
  },
  'POST /api/goals/plan': {
    request: (f) => ({
      method: 'POST',
      url: '/api/goals/plan',
      payload: {
        goal: {
          title: `AcmeOnly Q3 revenue ${f.unique()}`,
          metric: 'revenue',
          scope: { type: 'rep', id: f.subject.id },
          target: 50_000,
          period: { start: '2026-07-01', end: '2026-09-30' },
          status: 'draft',
        },
        split: { by: 'period', grain: 'month' },
      },
    }),
    expect: managersOfTheRep(),
    alsoDeny: [400],
  },
  'POST /api/goals/check': {
    request: () => ({
      method: 'POST',
      url: '/api/goals/check',
      payload: { title: 'Grow revenue', metric: 'revenue' },
    }),
    expect: signedIn(),
  },
  'GET /api/goals/:id': {
    request: async (f) => get(`/api/goals/${await insertGoal(f)}`),
    expect: subtreeOfTheRep(),
  },
  'PATCH /api/goals/:id': {
    request: async (f) => ({
      method: 'PATCH',
      url: `/api/goals/${await insertGoal(f)}`,
      payload: { title: 'Renamed goal' },
    }),
    expect: managersOfTheRep(),
  },
  'POST /api/goals/:id/status': {
    request: async (f) => ({
      method: 'POST',
      url: `/api/goals/${await insertGoal(f)}/status`,
      payload: { to: 'archived' },
    }),
    expect: managersOfTheRep(),
  },
  'GET /api/goals/:id/check': {
    request: async (f) => get(`/api/goals/${await insertGoal(f)}/check`),
    expect: subtreeOfTheRep(),
  },
  'GET /api/goals/:id/split': {
    request: async (f) => get(`/api/goals/${await insertGoal(f)}/split?by=period&grain=month`),
    // a split preview is part of setting goals: for those who may write the goal
    expect: managersOfTheRep(),
  },
  'POST /api/goals/:id/split': {
    request: async (f) => ({
      method: 'POST',
      url: `/api/goals/${await insertGoal(f)}/split`,
      payload: { rule: { by: 'period', grain: 'month' } },
    }),
    expect: managersOfTheRep(),
  },
  'POST /api/goals/:id/rebalance': {
    request: async (f) => {
      const goalId = await insertGoal(f);
      await f.asAdmin({
        method: 'POST',
        url: `/api/goals/${goalId}/split`,
        payload: { rule: { by: 'period', grain: 'month' } },
      });
      return { method: 'POST', url: `/api/goals/${goalId}/rebalance`, payload: {} };
    },
    expect: managersOfTheRep(),
  },
  'GET /api/goals/:id/funnel': {
    request: async (f) => get(`/api/goals/${await insertGoal(f)}/funnel`),
    expect: subtreeOfTheRep(),
  },
  'POST /api/goals/:id/funnel': {
    request: async (f) => ({
      method: 'POST',
      url: `/api/goals/${await insertGoal(f)}/funnel`,
      payload: { steps: ['calls'] },
    }),
    // this org has no history, so the goal's funnel has no steps: those allowed to accept get
    // past the permission check to the 400 about the step; everyone else stops at the permission
    expect: { ...managersOfTheRep(), admin: 400, managerOfTheTeam: 400 },
  },
  'GET /api/goals/:id/payout': {
    request: async (f) => get(`/api/goals/${await insertGoal(f)}/payout`),
    expect: subtreeOfTheRep(),
  },
  'GET /api/templates': { request: () => get('/api/templates'), expect: signedIn() },

  // ---- metrics ----------------------------------------------------------
  'GET /api/metrics': { request: () => get('/api/metrics'), expect: signedIn() },
  'GET /api/metrics/:id': {
    request: (f) =>
      get(`/api/metrics/revenue?scope=rep:${encodeURIComponent(f.subject.email)}&period=2026-Q2`),
    expect: subtreeOfTheRep(),
  },

  // ---- goals and tracking -----------------------------------------------
  'GET /api/goals/:id/progress': {
    request: async (f) => get(`/api/goals/${await insertGoal(f)}/progress`),
    expect: subtreeOfTheRep(),
  },
  'GET /api/goals/:id/history': {
    request: async (f) => get(`/api/goals/${await insertGoal(f)}/history`),
    expect: subtreeOfTheRep(),
  },
  'GET /api/goals/:id/checkins': {
    request: async (f) => get(`/api/goals/${await insertGoal(f)}/checkins`),
    expect: subtreeOfTheRep(),
  },
  'POST /api/goals/:id/checkins': {
    request: async (f) => ({
      method: 'POST',
      url: `/api/goals/${await insertGoal(f)}/checkins`,
      payload: { confidence: 4, comment: 'on it' },
    }),
    expect: subtreeOfTheRep(),
  },
  'GET /api/dashboard': {
    request: (f) => get(`/api/dashboard?scope=rep:${f.subject.id}`),
    expect: subtreeOfTheRep(),
  },
  'GET /api/notifications': { request: () => get('/api/notifications'), expect: signedIn() },
  'POST /api/notifications/read': {
    request: () => ({ method: 'POST', url: '/api/notifications/read', payload: { all: true } }),
    expect: signedIn(),
  },
  'GET /api/webhooks': { request: () => get('/api/webhooks'), expect: admins() },
  'POST /api/webhooks': {
    request: () => ({
      method: 'POST',
      url: '/api/webhooks',
      payload: { url: 'https://hooks.example.test/hadaf' },
    }),
    expect: admins(),
  },
  'DELETE /api/webhooks/:id': {
    request: async (f) => {
      const hook = await createWebhook({
        ctx: ctxOf(f.w, f.w.users.admin, f.now),
        input: { url: 'https://hooks.example.test/x' },
      });
      return { method: 'DELETE', url: `/api/webhooks/${hook.id}` };
    },
    expect: only('admin'),
  },

  // ---- goal-setting flow (growth areas, drafts, communicate, acknowledge, track) ----
  'GET /api/insights/growth-areas': {
    request: (f) => get(`/api/insights/growth-areas?scope=rep:${encodeURIComponent(f.subject.email)}`),
    expect: subtreeOfTheRep(),
  },
  'GET /api/flow/proposals': {
    request: (f) => get(`/api/flow/proposals?scope=rep:${encodeURIComponent(f.subject.email)}`),
    expect: subtreeOfTheRep(),
  },
  'POST /api/flow/drafts': {
    request: async (f) => {
      // the rep won a deal in 2025-Q1 and nothing in the judged 2026-Q1: revenue is a growth area
      await f.w.store.db
        .insertInto('deal')
        .values({
          org_id: f.w.org.id,
          owner_id: f.subject.id,
          team_id: f.subject.team_id,
          amount: 5000,
          currency: 'USD',
          stage: 'won',
          status: 'won',
          created_at: Date.UTC(2025, 1, 10),
          closed_at: Date.UTC(2025, 1, 15),
        })
        .execute();
      return {
        method: 'POST',
        url: '/api/flow/drafts',
        payload: { scope: `rep:${f.subject.email}`, areaIds: ['trend:revenue'] },
      };
    },
    expect: managersOfTheRep(),
  },
  'POST /api/goals/:id/communicate': {
    request: async (f) => ({
      method: 'POST',
      url: `/api/goals/${await insertGoal(f)}/communicate`,
      payload: {},
    }),
    expect: managersOfTheRep(),
  },
  'POST /api/goals/:id/acknowledge': {
    request: async (f) => ({ method: 'POST', url: `/api/goals/${await insertGoal(f)}/acknowledge` }),
    // the goal's owner only: nobody acknowledges for someone else
    expect: only('rep'),
  },
  'GET /api/goals/:id/acknowledgements': {
    request: async (f) => get(`/api/goals/${await insertGoal(f)}/acknowledgements`),
    expect: subtreeOfTheRep(),
  },
  'GET /api/goals/:id/tracking-settings': {
    request: async (f) => get(`/api/goals/${await insertGoal(f)}/tracking-settings`),
    expect: subtreeOfTheRep(),
  },
  'PUT /api/goals/:id/tracking-settings': {
    request: async (f) => ({
      method: 'PUT',
      url: `/api/goals/${await insertGoal(f)}/tracking-settings`,
      payload: { checkinInterval: 'monthly' },
    }),
    expect: managersOfTheRep(),
  },

  // ---- CSV import from the upload screen (admins only; uploads are the org's) ----
  'POST /api/imports': {
    request: () => ({
      method: 'POST',
      url: '/api/imports?entity=deals',
      headers: { 'content-type': 'text/csv' },
      payload: importCsv,
    }),
    expect: admins(),
  },
  'GET /api/imports/:id': {
    request: async (f) => get(`/api/imports/${await adminUpload(f)}`),
    expect: only('admin'),
  },
  'POST /api/imports/:id/preview': {
    request: async (f) => ({
      method: 'POST',
      url: `/api/imports/${await adminUpload(f)}/preview`,
      payload: {},
    }),
    expect: only('admin'),
  },
  'POST /api/imports/:id/run': {
    request: async (f) => ({
      method: 'POST',
      url: `/api/imports/${await adminUpload(f)}/run`,
      payload: { dryRun: true },
    }),
    expect: only('admin'),
  },
  'DELETE /api/imports/:id': {
    request: async (f) => ({ method: 'DELETE', url: `/api/imports/${await adminUpload(f)}` }),
    expect: only('admin'),
  },

  ...factRows(),
};

const routeKey = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

describe.each(dialects)('permission matrix on %s', (dialect) => {
  let store: TestStore;
  let app: FastifyInstance;
  let fixture: Fixture;
  let acmeEmails: string[];
  const now = Date.UTC(2026, 4, 10, 9, 0, 0);

  beforeAll(async () => {
    store = await freshStore(dialect);
    const w = await buildWorld(store, now - 86_400_000, 'm');
    let n = 0;
    app = await buildServer({ store, now: () => now, mailer: null });
    fixture = {
      w,
      now,
      subject: w.users.eastRep,
      unique: () => `${dialect}${++n}`,
      // a new session each time: a case may have ended the admin's other sessions (a password change)
      asAdmin: async (request) => injectAs(app, await sessionOf(store, w.users.admin, now), request),
    };
    acmeEmails = Object.values(w.users)
      .filter((u) => u.org_id === w.org.id)
      .map((u) => u.email);
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  const memberOf = (actor: ActorName): Member | null =>
    ({
      admin: fixture.w.users.admin,
      managerOfOtherTeam: fixture.w.users.westManager,
      managerOfTheTeam: fixture.w.users.eastManager,
      rep: fixture.w.users.eastRep,
      repOfSameTeam: fixture.w.users.eastRep2,
      userOfOtherOrg: fixture.w.users.otherAdmin,
      anonymous: null,
    })[actor];

  it('has a row for every registered API route, and every row is a registered route', () => {
    const registered = registeredApiRoutes(app).map(routeKey);
    expect(
      registered.filter((r) => !(r in rows)),
      'routes without a row in the permission matrix',
    ).toEqual([]);
    expect(
      Object.keys(rows).filter((r) => !registered.includes(r)),
      'rows for routes that do not exist',
    ).toEqual([]);
  });

  for (const [route, row] of Object.entries(rows)) {
    it(`${route}: ${actors.map((a) => `${a} ${row.expect[a]}`).join(', ')}`, async () => {
      const failures: string[] = [];
      for (const actor of actors) {
        const member = memberOf(actor);
        const who = member ? await sessionOf(store, member, now) : null;
        const request = await row.request(fixture, actor);
        const res = await injectAs(app, who, request);
        const expected = row.expect[actor];
        const status = res.statusCode;
        const ok =
          expected === 'allow'
            ? status >= 200 && status < 300
            : expected === 'deny'
              ? actor === 'anonymous'
                ? status === 401
                : [403, 404, ...(row.alsoDeny ?? [])].includes(status)
              : status === expected;
        if (!ok) failures.push(`${actor}: expected ${expected}, got ${status} ${res.body.slice(0, 200)}`);
        // whatever the other org may do, it never sees Acme's people or rows (public routes
        // answer everyone alike: signing in with an Acme user's password shows that user)
        if (actor === 'userOfOtherOrg' && status < 300 && row.expect.anonymous === 'deny') {
          const leaked = [...acmeEmails, 'AcmeOnly'].filter((marker) => res.body.includes(marker));
          if (leaked.length > 0) failures.push(`${actor}: response shows ${leaked.join(', ')}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

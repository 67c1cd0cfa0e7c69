import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { fingerprint } from '../faults/fingerprint.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';
import { type Credentials, injectAs, sessionOf } from '../server/signed-in.ts';
import { buildWorld, type World } from '../services/accounts/world.ts';
import { invalidFor, junk, plausibleFor, queryJunk, type Schema } from './bad-values.ts';

/**
 * Every API operation the server publishes in /api/openapi.json (so a new
 * route is covered without touching this file), sent random bad input by a
 * signed-in admin: a path id that is no id, a query parameter out of its
 * range or enum, a missing required parameter, a body of the wrong shape
 * (wrong types, missing fields, unknown fields, too long, too many,
 * nested junk, NUL and lone surrogates), malformed JSON, a wrong content type.
 * Each answer must be a 4xx with `{ error: { code, message } }`, never a
 * 5xx, and the database must be exactly as before.
 */

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema: Schema;
}

interface Operation {
  method: string;
  path: string;
  params: Parameter[];
  body?: Schema;
}

interface BadRequest {
  /** What makes it bad, for the failure message. */
  why: string;
  path: Record<string, string>;
  query: Record<string, string>;
  payload?: string;
  contentType?: string;
}

const NOW = Date.UTC(2027, 1, 15, 9);
const runsPerOperation = { sqlite: 20, postgres: 5 };
const plausibleRuns = { sqlite: 8, postgres: 3 };
/** Operations that hash a password on every well-formed request (by design, ~1 s each): fewer runs. */
const hashing = new Set(['POST /api/auth/login', 'POST /api/auth/password', 'POST /api/auth/signup']);

/** Path ids that are no id: words, zero, negatives, fractions, overflow. */
const badId = fc.oneof(
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 20 })
    .filter((s) => !/^\s*\+?\d+(\.0*)?\s*$/.test(s) && s.trim() !== ''),
  fc.constantFrom('0', '-1', '1.5', '1e400', '99999999999999999999', 'NaN', 'Infinity', '0x10', ' '),
);
const someId = fc.integer({ min: 1_000_000, max: 2_000_000_000 }).map(String);

function operationsOf(doc: {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: unknown }>>;
}): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const body = (op.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
        ?.content?.['application/json']?.schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        params: (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'),
        ...(body ? { body } : {}),
      });
    }
  }
  return operations;
}

/** Ways to make a request to `op` surely bad, each leaving the other inputs plausible or junk. */
function badRequests(op: Operation): fc.Arbitrary<BadRequest> | null {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  const goodPath = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, someId])));
  const requiredQuery = (skip?: string) =>
    fc.record(
      Object.fromEntries(
        queryParams.filter((p) => p.required && p.name !== skip).map((p) => [p.name, queryJunk]),
      ),
    );
  const bodyText = op.body ? fc.option(junk.map((v) => JSON.stringify(v) ?? 'null')) : fc.constant(null);
  const plain = (why: string, parts: Partial<BadRequest>) =>
    fc.tuple(goodPath, requiredQuery(), bodyText).map(
      ([path, query, body]): BadRequest => ({
        why,
        path: { ...path, ...parts.path },
        query: { ...query, ...parts.query },
        ...(body !== null ? { payload: body, contentType: 'application/json' } : {}),
        ...(parts.payload !== undefined ? { payload: parts.payload } : {}),
        ...(parts.contentType !== undefined ? { contentType: parts.contentType } : {}),
      }),
    );

  const ways: fc.Arbitrary<BadRequest>[] = [];
  for (const p of pathParams) {
    ways.push(badId.chain((id) => plain(`path ${p.name}=${JSON.stringify(id)}`, { path: { [p.name]: id } })));
  }
  for (const p of queryParams) {
    // An empty parameter reads as an absent one (`?sort=`), so it is never the bad part.
    const bad = invalidFor(p.schema, true)?.filter((value) => String(value) !== '');
    if (bad) {
      ways.push(
        bad.chain((value) =>
          plain(`query ${p.name}=${JSON.stringify(value)}`, { query: { [p.name]: String(value) } }),
        ),
      );
    }
    if (p.required) {
      ways.push(
        fc
          .tuple(goodPath, requiredQuery(p.name))
          .map(([path, query]) => ({ why: `query ${p.name} missing`, path, query })),
      );
    }
  }
  if (op.body) {
    const bad = invalidFor(op.body);
    if (bad) {
      ways.push(
        fc.tuple(goodPath, requiredQuery(), bad).map(([path, query, body]) => ({
          why: 'a body the schema refuses',
          path,
          query,
          payload: JSON.stringify(body),
          contentType: 'application/json',
        })),
      );
    }
    ways.push(
      fc
        .constantFrom('{"', '{"a":}', '[1,', 'nul', '{"a":1}}', '\u0000', "{'a':1}")
        .chain((text) => plain('malformed JSON', { payload: text, contentType: 'application/json' })),
      plain('a body that is not JSON', {
        payload: 'a=1&b=2',
        contentType: 'application/x-www-form-urlencoded',
      }),
    );
  }
  return ways.length ? fc.oneof(...ways) : null;
}

function toInject(op: Operation, request: BadRequest): InjectOptions {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    encodeURIComponent(request.path[name] ?? ''),
  );
  const query = new URLSearchParams(request.query).toString();
  return {
    method: op.method as InjectOptions['method'],
    url: query ? `${path}?${query}` : path,
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
    ...(request.contentType ? { headers: { 'content-type': request.contentType } } : {}),
  };
}

function expectRefused(res: { statusCode: number; body: string }, why: string) {
  const context = `${why} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
  expect(res.statusCode, context).toBeGreaterThanOrEqual(400);
  expect(res.statusCode, context).toBeLessThan(500);
  const body = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code, context).toBe('string');
  expect(typeof body.error?.message, context).toBe('string');
  expect(String(body.error?.message ?? '').length, context).toBeGreaterThan(0);
}

describe.each(dialects)('random bad input to every API operation on %s', (dialect) => {
  let store: TestStore;
  let app: FastifyInstance;
  let world: World;
  let admin: Credentials;
  let operations: Operation[];

  beforeAll(async () => {
    store = await freshStore(dialect);
    world = await buildWorld(store, NOW);
    app = await buildServer({ store, mailer: null, now: () => NOW });
    admin = await sessionOf(store, world.users.admin, NOW);
    // Some rows for the operations to (not) touch: a goal, a deal, a webhook.
    const made = await Promise.all([
      injectAs(app, admin, {
        method: 'POST',
        url: '/api/goals',
        payload: {
          title: 'East revenue Q1',
          metric: 'revenue',
          scope: { type: 'team', id: world.teams.east.id },
          target: 1_000_000,
          period: { start: '2027-01-01', end: '2027-03-31' },
        },
      }),
      injectAs(app, admin, {
        method: 'POST',
        url: '/api/webhooks',
        payload: { url: 'https://hooks.example.test/hadaf' },
      }),
    ]);
    for (const res of made) expect(res.statusCode, res.body).toBeLessThan(300);
    // The first read makes the org's data-version row (a cache key); later bumps would be writes.
    expect((await injectAs(app, admin, { method: 'GET', url: '/api/dashboard' })).statusCode).toBe(200);
    const doc = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    operations = operationsOf(doc.json());
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  it('finds the operations in the published OpenAPI document', () => {
    // A floor, so an empty or unreadable document cannot pass the fuzzing vacuously.
    expect(operations.length).toBeGreaterThan(80);
    const withInput = operations.filter((op) => badRequests(op) !== null);
    expect(withInput.length).toBeGreaterThan(60);
    expect(operations.some((op) => op.method === 'POST' && op.path === '/api/goals' && op.body)).toBe(true);
  });

  it('answers every bad request with a 4xx and an error message, and changes nothing', async () => {
    const before = await fingerprint(store);
    let sent = 0;
    for (const op of operations) {
      const requests = badRequests(op);
      if (!requests) continue;
      await fc.assert(
        fc.asyncProperty(requests, async (request) => {
          const res = await injectAs(app, admin, toInject(op, request));
          sent++;
          expectRefused(res, `${op.method} ${op.path}: ${request.why}`);
        }),
        { numRuns: runsPerOperation[dialect] },
      );
      expect(await fingerprint(store), `${op.method} ${op.path} changed the database`).toEqual(before);
    }
    expect(sent).toBeGreaterThan(60 * runsPerOperation[dialect]);
  }, 240_000);

  it('answers random query strings on every GET with no 5xx, and changes nothing', async () => {
    const before = await fingerprint(store);
    for (const op of operations.filter((o) => o.method === 'GET')) {
      const queryParams = op.params.filter((p) => p.in === 'query');
      if (queryParams.length === 0) continue;
      const query = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, queryJunk])), {
        requiredKeys: [],
      });
      await fc.assert(
        fc.asyncProperty(query, async (q) => {
          const path = op.path.replace(/\{\w+\}/g, '1');
          const res = await injectAs(app, admin, {
            method: 'GET',
            url: `${path}?${new URLSearchParams(q as Record<string, string>)}`,
          });
          const context = `GET ${path} ${JSON.stringify(q)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, context).toBeLessThan(500);
          if (res.statusCode >= 400) expectRefused(res, context);
        }),
        { numRuns: runsPerOperation[dialect] },
      );
    }
    expect(await fingerprint(store)).toEqual(before);
  }, 240_000);
});

describe.each(dialects)('hostile text in well-formed bodies on %s', (dialect) => {
  let store: TestStore;
  let app: FastifyInstance;
  let admin: Credentials;

  beforeAll(async () => {
    store = await freshStore(dialect);
    const world = await buildWorld(store, NOW);
    app = await buildServer({ store, mailer: null, now: () => NOW });
    admin = await sessionOf(store, world.users.admin, NOW);
    expect((await injectAs(app, admin, { method: 'GET', url: '/api/dashboard' })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    await store?.drop();
  });

  it('never answers a 5xx to a body of the right shape with NUL, surrogates, RTL or SQL in its text', async () => {
    const doc = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    const writes = operationsOf(doc.json()).filter((op) => op.body);
    expect(writes.length).toBeGreaterThan(30);
    for (const op of writes) {
      const body = op.body as Schema;
      // Ids 2..12 name real rows (teams, users, goals...); 1 is the admin, who must stay one.
      const id = fc.integer({ min: 2, max: 12 }).map(String);
      await fc.assert(
        fc.asyncProperty(plausibleFor(body), id, async (value, pathId) => {
          const url = op.path.replace(/\{\w+\}/g, pathId);
          const res = await injectAs(app, admin, {
            method: op.method as InjectOptions['method'],
            url,
            payload: JSON.stringify(value),
            headers: { 'content-type': 'application/json' },
          });
          const context = `${op.method} ${url} ${JSON.stringify(value).slice(0, 300)} -> ${res.statusCode} ${res.body.slice(0, 300)}`;
          expect(res.statusCode, context).toBeLessThan(500);
          if (res.statusCode >= 400) expectRefused(res, context);
        }),
        { numRuns: hashing.has(`${op.method} ${op.path}`) ? 2 : plausibleRuns[dialect] },
      );
    }
  }, 240_000);

  it('refuses NUL and unpaired surrogates anywhere in the input with a 400 naming the field', async () => {
    const cases: Array<[InjectOptions, string]> = [
      [{ method: 'POST', url: '/api/accounts', payload: { name: 'Acme\u0000Corp' } }, 'name'],
      [{ method: 'POST', url: '/api/accounts', payload: { name: 'x\ud800y' } }, 'name'],
      [{ method: 'GET', url: `/api/accounts?q=${encodeURIComponent('a\u0000b')}` }, 'q'],
      [
        {
          method: 'PUT',
          url: '/api/org/settings',
          payload: { weekStart: 0, extra: { deep: ['ok', 'no\u0000'] } },
        },
        'extra.deep.1',
      ],
    ];
    const before = await fingerprint(store);
    for (const [request, field] of cases) {
      const res = await injectAs(app, admin, request);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'invalid_input', field });
      expect(res.json().error.message).toMatch(/cannot be stored/);
    }
    expect(await fingerprint(store)).toEqual(before);
    // Hostile text that is valid Unicode is stored and read back as sent.
    const text = "\u202eمرحبا 👩🏽‍💼 '; drop table goal; --";
    const created = await injectAs(app, admin, {
      method: 'POST',
      url: '/api/accounts',
      payload: { name: text },
    });
    expect(created.statusCode, created.body).toBe(201);
    const read = await injectAs(app, admin, { method: 'GET', url: `/api/accounts/${created.json().id}` });
    expect(read.json().name).toBe(text);
  });
});

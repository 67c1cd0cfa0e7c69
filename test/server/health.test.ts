import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { latestMigration } from '../../src/store/migrate.ts';
import { createOrg } from '../../src/store/org-queries.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';

describe.each(dialects)('GET /api/health on %s', (dialect) => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('reports the dialect, the migration version and the org count', async () => {
    store = await freshStore(dialect);
    const app = await buildServer({ store });
    const empty = await app.inject({ method: 'GET', url: '/api/health' });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toEqual({ status: 'ok', dialect, migration: latestMigration(), orgs: 0 });

    await createOrg(store.db, { name: 'Acme', slug: 'acme' }, 0);
    await createOrg(store.db, { name: 'Globex', slug: 'globex' }, 0);
    expect((await app.inject({ method: 'GET', url: '/api/health' })).json().orgs).toBe(2);
    await app.close();
  });

  it('answers unknown API paths with a JSON 404, not the web app', async () => {
    store = await freshStore(dialect);
    const app = await buildServer({ store });
    const res = await app.inject({ method: 'GET', url: '/api/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'No route GET /api/nope.' } });
    await app.close();
  });
});

describe('OpenAPI', () => {
  it('documents every API route from its zod schema at /api/openapi.json', async () => {
    const store = await freshStore('sqlite');
    const app = await buildServer({ store });
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/health'].get.responses['200']).toBeDefined();
    const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
    await app.close();
    await store.drop();
  });
});

import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.ts';
import { isDatabaseUnavailable } from '../../src/server/errors.ts';
import { dialects, freshStore, type TestStore } from '../helpers/stores.ts';

const unavailable = { error: { code: 'unavailable', message: expect.stringMatching(/try again/) } };

describe('errors that mean the database is unreachable', () => {
  const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

  it.each([
    [
      'a terminated backend (57P01)',
      withCode('57P01', 'terminating connection due to administrator command'),
    ],
    ['a crash shutdown (57P02)', withCode('57P02')],
    ['a server still starting (57P03)', withCode('57P03', 'the database system is starting up')],
    ['a connection failure (08006)', withCode('08006')],
    ['a reset socket', withCode('ECONNRESET', 'read ECONNRESET')],
    ['a refused connection', withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['a socket closed by the server', new Error('Connection terminated unexpectedly')],
    ['a SQLite lock held past busy_timeout', withCode('SQLITE_BUSY', 'database is locked')],
  ])('count %s as unavailable', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505', 'duplicate key value')],
    ['a SQLite constraint', withCode('SQLITE_CONSTRAINT_CHECK', 'CHECK constraint failed')],
    ['a plain bug', new TypeError('x is undefined')],
    ['a thrown string', 'Connection terminated'],
  ])('do not count %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('reach the client as a 503 with code "unavailable", not a 500', async () => {
    const store = await freshStore('sqlite');
    const app = await buildServer({ store });
    // outside /api: the sign-in hook guards /api routes only
    app.get('/test/lost', async () => {
      throw withCode('57P01', 'terminating connection due to administrator command');
    });
    const res = await app.inject({ method: 'GET', url: '/test/lost' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual(unavailable);
    await app.close();
    await store.drop();
  });
});

/** Runs one statement on the server's maintenance database, outside the store under test. */
async function admin<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function databaseName(store: TestStore): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_database() as name`.execute(store.db);
  return (rows[0] as { name: string }).name;
}

describe.each(dialects.filter((d) => d === 'postgres'))('a dropped %s connection', () => {
  let store: TestStore;
  afterEach(() => store?.drop());

  it('fails the running request with a 503 and the next request succeeds', async () => {
    store = await freshStore('postgres');
    const app = await buildServer({ store });
    // outside /api: the sign-in hook guards /api routes only
    app.get('/test/slow', async () => {
      await sql`select pg_sleep(30)`.execute(store.db);
      return { slept: true };
    });
    const name = await databaseName(store);
    const pending = app.inject({ method: 'GET', url: '/test/slow' });

    let terminated: Array<{ ok: boolean }> = [];
    for (let tries = 0; terminated.length === 0 && tries < 100; tries += 1) {
      await new Promise((r) => setTimeout(r, 50));
      terminated = await admin<{ ok: boolean }>(
        `select pg_terminate_backend(pid) as ok from pg_stat_activity
          where datname = $1 and state = 'active' and query like '%pg_sleep%'`,
        [name],
      );
    }
    expect(terminated).toEqual([{ ok: true }]);

    const res = await pending;
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual(unavailable);

    const next = await app.inject({ method: 'GET', url: '/api/health' });
    expect(next.statusCode).toBe(200);
    expect(next.json()).toMatchObject({ status: 'ok', dialect: 'postgres' });
    await app.close();
  });

  it('serves the next request after every connection of the pool was terminated between requests', async () => {
    store = await freshStore('postgres');
    const app = await buildServer({ store });
    // health runs two queries at once: two pooled connections are now idle
    expect((await app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200);
    const name = await databaseName(store);
    // the 5 s timeout makes pg_terminate_backend wait until each backend has exited
    const terminated = await admin<{ ok: boolean }>(
      'select pg_terminate_backend(pid, 5000) as ok from pg_stat_activity where datname = $1',
      [name],
    );
    expect(terminated.length).toBeGreaterThanOrEqual(1);

    const next = await app.inject({ method: 'GET', url: '/api/health' });
    expect(next.statusCode).toBe(200);
    await app.close();
  });
});

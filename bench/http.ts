/**
 * HTTP benchmark (issue 10): GET /api/dashboard of the bench team (50 goals,
 * see dashboard.ts) as its signed-in manager, 50 connections for 20 s with
 * autocannon, against the real server on 127.0.0.1 (an ephemeral port);
 * beside a bare Fastify server answering a constant under the same load in
 * the same run. autocannon runs in a child process.
 *
 *   node bin/run-ts.js bench/http.ts --db bench/data/demo-scale-240.db [--seconds 20]
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import Fastify from 'fastify';
import { buildServer } from '../src/server/app.ts';
import { startSession } from '../src/services/accounts/sessions.ts';
import { openStore } from '../src/store/db.ts';
import { migrateToLatest } from '../src/store/migrate.ts';
import { benchTeam, DATA_NOW } from './dashboard.ts';
import { type BenchRow, runAlone } from './types.ts';

const root = resolve(import.meta.dirname, '..');
const TARGET_RPS = 2_000;
const CONNECTIONS = 50;

export interface HttpBenchOptions {
  db: string;
  org?: string;
  seconds?: number;
  log?: (line: string) => void;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** What this benchmark reads of autocannon's JSON result. */
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * autocannon in a child process, so that the load generator does not take
 * the server's event loop (in-process, it would halve what is measured).
 */
async function load(url: string, cookie: string, seconds: number): Promise<Load> {
  const cli = join(root, 'node_modules', 'autocannon', 'autocannon.js');
  const args = [cli, '-j', '-c', String(CONNECTIONS), '-d', String(seconds), '-H', `cookie=${cookie}`, url];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`autocannon exited with ${code}`);
  const result = JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as AutocannonResult;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** The plain reference: a bare Fastify server in this process answering a constant JSON body. */
async function bareServer() {
  const bare = Fastify({ logger: false });
  bare.get('/ping', async () => ({ ok: true }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  return bare;
}

export async function benchHttp(options: HttpBenchOptions): Promise<BenchRow[]> {
  const log = options.log ?? (() => {});
  const seconds = options.seconds ?? 20;
  const store = await openStore(options.db);
  try {
    await migrateToLatest(store.db);
    const team = await benchTeam(store, options.org, DATA_NOW);
    const session = await startSession(store.db, DATA_NOW, team.org.id, team.managerId);
    // the server's clock is the data's: the session is fresh and the goals are live
    const app = await buildServer({ store, now: () => DATA_NOW, logger: false, mailer: null });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const { port } = app.server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}`;
      const cookie = `hadaf_session=${session.token}`;
      const dashboardUrl = `${base}/api/dashboard?scope=team:${team.teamId}`;
      const probe = await fetch(dashboardUrl, { headers: { cookie } });
      const body = (await probe.json()) as { goals?: unknown[] };
      if (probe.status !== 200 || body.goals?.length !== 50) {
        throw new Error(`GET /api/dashboard answered ${probe.status} with ${body.goals?.length} goals.`);
      }
      log(`http: ${CONNECTIONS} connections × ${seconds} s on /api/dashboard, then a bare Fastify /ping`);
      const board = await load(dashboardUrl, cookie, seconds);
      const bare = await bareServer();
      let ping: Load;
      try {
        const { port: barePort } = bare.server.address() as AddressInfo;
        ping = await load(`http://127.0.0.1:${barePort}/ping`, cookie, seconds);
      } finally {
        await bare.close();
      }
      const failures = (r: Load) =>
        r.non2xx + r.errors > 0 ? `; ${r.non2xx} non-2xx, ${r.errors} errors (${r.timeouts} timeouts)` : '';
      return [
        {
          name: `HTTP GET /api/dashboard (50 goals, signed-in manager), ${CONNECTIONS} connections × ${seconds} s`,
          figure: `${Math.round(board.rps).toLocaleString('en')} req/s, p50 ${board.p50} ms, p99 ${board.p99} ms${failures(board)}`,
          target: `≥ ${TARGET_RPS.toLocaleString('en')} req/s${board.rps >= TARGET_RPS ? ' ✓' : ' ✗'}`,
          reference: `bare Fastify GET /ping (a constant, no auth, no database): ${Math.round(ping.rps).toLocaleString('en')} req/s, p99 ${ping.p99} ms${failures(ping)}`,
          ratio: `${((board.rps / ping.rps) * 100).toFixed(0)}% of the bare server's rate`,
        },
      ];
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
}

await runAlone(
  import.meta.url,
  'bench/http.ts --db <sqlite file or postgres url> [--org slug] [--seconds 20]',
  ({ db, option, log }) =>
    benchHttp({ db, org: option('--org'), seconds: Number(option('--seconds') ?? 20), log }),
);
